"""``python manage.py open311_key create NAME`` (prints the key once), ``revoke NAME``, ``list``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.appeals.models import Open311Partner
from yiwang.appeals.services import issue_open311_key, revoke_open311_key
from yiwang.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue, revoke or list Open311 partner API keys (a key is printed once and stored only hashed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("name", nargs="?", default="")

    def handle(self, *args: Any, action: str, name: str, **options: Any) -> None:
        try:
            if action == "create":
                partner, key = issue_open311_key(actor=None, name=name)
                self.stdout.write(f"Open311 key for {partner.name} (shown once, keep it safe):\n{key}")
            elif action == "revoke":
                revoke_open311_key(actor=None, name=name)
                self.stdout.write(f"revoked: {name}")
            else:
                for p in Open311Partner.objects.all():
                    state = f"revoked {p.revoked_at:%Y-%m-%d}" if p.revoked_at else "active"
                    self.stdout.write(f"{p.name}\t{p.key_prefix}…\t{state}")
        except DomainError as exc:
            raise CommandError(exc.message) from None
