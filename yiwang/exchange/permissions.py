"""Who may act for a department in data sharing: its stewards (providers) and its staff (consumers)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yiwang.core.errors import Forbidden
from yiwang.core.models import Department, Role
from yiwang.core.selectors import has_role, staff_roles_of
from yiwang.core.users import User
from yiwang.exchange.errors import ExchangeErrorCode as Code


def is_steward(actor: User | None, department: Department) -> bool:
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    return has_role(actor, Role.STEWARD, department)


def require_steward(actor: User | None, department: Department) -> None:
    """Stewards (数据管理员) of ``department`` act for it; ``None`` (the system) and superusers too."""
    if not is_steward(actor, department):
        raise Forbidden(Code.NOT_STEWARD, _("只有%(dept)s的数据管理员可以执行此操作。") % {"dept": department.name},
                        {"department": department.code})


def is_member(actor: User | None, department: Department) -> bool:
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    return any(r.department_id == department.pk for r in staff_roles_of(actor))


def require_member(actor: User | None, department: Department) -> None:
    """Staff of ``department`` (any role) act for it as a consumer."""
    if not is_member(actor, department):
        raise Forbidden(Code.NOT_A_MEMBER, _("您不是%(dept)s的工作人员，不能代表该部门申请或查询共享数据。")
                        % {"dept": department.name}, {"department": department.code})
