"""Who may do what with appeals: the one home of the rule, read by services, selectors and views."""

from __future__ import annotations

from django.conf import settings

from yiwang.appeals.models import Appeal
from yiwang.core.models import Role
from yiwang.core.selectors import has_role, is_supervisor, staff_roles_of
from yiwang.core.users import User


def is_dispatcher(user: User) -> bool:
    """派单员 (or an administrator): works the triage queue, dispatches, records call-backs."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.DISPATCHER)


def takes_calls(user: User) -> bool:
    """12345 坐席 and dispatchers register calls and record call-backs."""
    return is_dispatcher(user) or has_role(user, Role.AGENT)


def is_grid_worker(user: User) -> bool:
    return has_role(user, Role.GRID)


def department_ids(user: User) -> set[int]:
    """Departments whose appeals the user handles: any role but the intake roles."""
    return {r.department_id for r in staff_roles_of(user)
            if r.role not in (Role.DISPATCHER, Role.AGENT, Role.GRID)}


def handles(user: User, appeal: Appeal) -> bool:
    """A member of the lead department (主办) — the one that replies, returns or closes."""
    return appeal.lead_department_id is not None and appeal.lead_department_id in department_ids(user)


def on_duty(user: User) -> bool:
    """The duty officer (值班员) of the command board (应急指挥): supervisors, dispatchers, and any
    staff member of the departments in ``APPEALS_BOARD_DEPARTMENTS`` (default the emergency
    management bureau YJ and the 12345 centre RX). Grid workers report; they do not watch the board."""
    if is_dispatcher(user) or is_supervisor(user):
        return True
    codes = set(settings.YIWANG_APPEALS_BOARD_DEPARTMENTS)
    return any(r.department.code in codes for r in staff_roles_of(user) if r.role != Role.GRID)


def sees_all(user: User) -> bool:
    """Whoever may open any appeal: intake staff, supervisors, and the duty officers (the board
    links every appeal on it)."""
    return takes_calls(user) or on_duty(user)


def may_view(user: User, appeal: Appeal) -> bool:
    """Intake staff and supervisors see every appeal; a department the ones it leads or co-handles."""
    if not user.is_authenticated:
        return False
    if sees_all(user):
        return True
    mine = department_ids(user)
    if not mine:
        return False
    return appeal.lead_department_id in mine or appeal.assignments.filter(department_id__in=mine).exists()
