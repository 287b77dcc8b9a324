"""``python manage.py county_geojson``: (re)write static/appeals/county.geojson from yiwang.appeals.geo."""

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.appeals.geo import write_geojson


class Command(BaseCommand):
    help = "Write the demo county's GeoJSON outline (offline map) to static/appeals/county.geojson."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(write_geojson()))
