"""``python manage.py county_geojson``: (re)write static/appeals/county.geojson from yiwang.appeals.geo, and the
county's gazetteer (yiwang/appeals/data/gazetteer.json) from yiwang.appeals.gazetteer."""

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.appeals.gazetteer import write_gazetteer
from yiwang.appeals.geo import write_geojson


class Command(BaseCommand):
    help = "Write the demo county's GeoJSON outline (offline map) and its gazetteer (places for typed addresses)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(write_geojson()))
        self.stdout.write(str(write_gazetteer()))
