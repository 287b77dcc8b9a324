"""Give (or take back) one of the three administrator roles: ``assign_admin_role USER ROLE``.

Run by the operator on the server, so the actor is the system (bootstrap: the first security
administrator). Afterwards a security administrator assigns roles; the same rules hold here: one
person holds at most one of the three roles (yiwang/core/admin_roles.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.core.admin_roles import ADMIN_ROLES, assign_admin_role, revoke_admin_role
from yiwang.core.errors import DomainError


class Command(BaseCommand):
    help = "Assign or revoke system_admin / security_admin / audit_admin (separation of duties)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ADMIN_ROLES))
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args: Any, username: str, role: str, revoke: bool, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        try:
            (revoke_admin_role if revoke else assign_admin_role)(actor=None, user=user, role=role)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{'revoked' if revoke else 'assigned'} {role} {'from' if revoke else 'to'} {username}")
