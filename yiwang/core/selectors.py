"""Reads owned by ``core``: staff scoping and audit history."""

from __future__ import annotations

from yiwang.core.models import Department, Role, StaffRole, UserPreferences
from yiwang.core.users import User


def staff_roles_of(user: User) -> list[StaffRole]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_yiwang_roles", None)
    if cached is None:
        cached = list(StaffRole.objects.filter(user=user).select_related("department").order_by("id"))
        remember_staff_roles(user, cached)
    return cached


def remember_staff_roles(user: User, roles: list[StaffRole]) -> None:
    """Attach the user's roles read elsewhere in this request (the bearer token's query) so that
    ``staff_roles_of`` reads them once per request, not once per permission check."""
    user._yiwang_roles = roles  # type: ignore[attr-defined]


def has_role(user: User, role: str, department: Department | None = None) -> bool:
    return any(
        r.role == role and (department is None or r.department_id == department.pk) for r in staff_roles_of(user)
    )


def is_staff_member(user: User) -> bool:
    return bool(staff_roles_of(user)) or bool(getattr(user, "is_superuser", False))


def departments_where(user: User, *roles: str) -> list[int]:
    return sorted({r.department_id for r in staff_roles_of(user) if not roles or r.role in roles})


def is_supervisor(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.SUPERVISOR)


def password_expired(user: User) -> bool:
    """The password is older than YIWANG_PASSWORD_MAX_AGE_DAYS (0: never expires): counted from its
    last change, or from the account's creation when it was never changed (``create_user`` sets the
    hash without Django's password-changed hook; accounts older than the history count from the
    migration that recorded their hash)."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from yiwang.core.models import PasswordHistory

    days = settings.YIWANG_PASSWORD_MAX_AGE_DAYS
    if days <= 0:
        return False
    last = PasswordHistory.objects.filter(user=user).values_list("changed_at", flat=True).first()
    since = last or getattr(user, "date_joined", None)
    return since is not None and since < timezone.now() - dt.timedelta(days=days)


def login_history_of(user: User, limit: int | None = None) -> list:
    from django.conf import settings

    from yiwang.core.models import LoginEvent

    return list(LoginEvent.objects.filter(user=user).order_by("-at", "-id")[: limit or settings.YIWANG_LOGIN_HISTORY_SHOWN])


def api_tokens_of(user: User) -> list:
    """The user's tokens that still work (not expired, not revoked), newest first."""
    from django.utils import timezone

    from yiwang.core.models import ApiToken

    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
                .order_by("-created_at", "-id"))


def care_mode_of(user: User) -> bool | None:
    """The signed-in person's stored 关怀版 choice, or None when they have never chosen (then the
    browser's cookie decides: someone who switched it on before signing in keeps it)."""
    if not user.is_authenticated:
        return None
    return UserPreferences.objects.filter(user=user).values_list("care_mode", flat=True).first()
