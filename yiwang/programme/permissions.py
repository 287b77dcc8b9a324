"""Who may see and change the programme (one home: services, selectors, views and the API ask here).

The pilot's office (试点专班办公室, role ``pmo``) keeps the plan, the budget and the reports;
leaders (``leader``), department heads (who answer for their tasks and receive the escalations)
and supervisors (电子监察) read everything and change nothing. Superusers do both."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yiwang.core.errors import Forbidden
from yiwang.core.models import Role
from yiwang.core.selectors import staff_roles_of
from yiwang.core.users import User
from yiwang.programme.errors import ProgrammeErrorCode as Code

READER_ROLES = frozenset({Role.PMO, Role.LEADER, Role.HEAD, Role.SUPERVISOR})


def may_edit(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return bool(getattr(user, "is_superuser", False)) or any(r.role == Role.PMO for r in staff_roles_of(user))


def may_read(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return bool(getattr(user, "is_superuser", False)) or any(r.role in READER_ROLES for r in staff_roles_of(user))


def require_read(user: User) -> None:
    if not may_read(user):
        raise Forbidden(Code.NOT_ALLOWED, _("只有试点专班办公室、领导、部门负责人和电子监察人员可以查看试点计划。"))


def require_edit(user: User | None) -> None:
    if user is None or not may_edit(user):
        raise Forbidden(Code.NOT_ALLOWED, _("只有试点专班办公室可以修改试点计划、预算和周报。"))
