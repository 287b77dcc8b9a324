from __future__ import annotations

from django.http import HttpRequest

from yiwang.core.care import care_mode_for
from yiwang.core.notify import unread_count
from yiwang.core.selectors import is_supervisor, staff_roles_of


def staff_context(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = staff_roles_of(user)
    return {
        "my_roles": {r.role for r in roles},
        "my_departments": sorted({r.department.display_name for r in roles}),
        "is_supervisor": is_supervisor(user),
        "is_staff_member": bool(roles) or user.is_superuser,
        "unread_notifications": unread_count(user),
    }


def care_context(request: HttpRequest) -> dict[str, object]:
    """``care_mode``: 关怀版 on or off for this page (a class on <html>; yiwang.core.care)."""
    return {"care_mode": care_mode_for(request)}
