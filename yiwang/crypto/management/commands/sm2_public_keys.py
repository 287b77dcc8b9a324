"""Print the trusted SM2 public keys: PEM, or the raw point for toolkits that take it (gmssl, GM/T tools)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiwang.crypto.services import export_public_keys


class Command(BaseCommand):
    help = "Print the trusted SM2 public keys as PEM, as the raw point 04||x||y or x||y (hex), or all as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["pem", "point", "xy", "json"], default="pem",
                            help="pem (default); point = 04||x||y, 65 bytes hex; xy = x||y, 64 bytes hex; json = all")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = export_public_keys()
        if options["format"] == "json":
            self.stdout.write(json.dumps(keys, ensure_ascii=False, indent=2))
            return
        column = {"pem": "public_key_pem", "point": "public_key_point", "xy": "public_key_xy"}[options["format"]]
        for key in keys:
            value = str(key[column]).strip()
            self.stdout.write(f"# {key['key_id']}{' (current)' if key['current'] else ''}\n{value}")
