"""``python manage.py reseal_exchange_rows [CODE ...]``: after a field-key rotation, re-encrypt the
sealed personal values of shared rows under the newest key (every resource when none is named)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.exchange import services
from yiwang.exchange.models import DataResource


class Command(BaseCommand):
    help = "Re-encrypt shared rows' personal values under the newest SM4 field key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("codes", nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        resources = DataResource.objects.all()
        if options["codes"]:
            resources = resources.filter(code__in=options["codes"])
        for resource in resources:
            changed = services.reseal_rows(actor=None, resource=resource)
            self.stdout.write(f"{resource.code}: {changed}")
