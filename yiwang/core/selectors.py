"""Reads owned by ``core``: staff scoping and audit history."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from yiwang.core.models import Department, Role, StaffRole


def staff_roles_of(user: AbstractBaseUser) -> list[StaffRole]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_yiwang_roles", None)
    if cached is None:
        cached = list(StaffRole.objects.filter(user=user).select_related("department"))
        user._yiwang_roles = cached  # type: ignore[attr-defined]
    return cached


def has_role(user: AbstractBaseUser, role: str, department: Department | None = None) -> bool:
    return any(
        r.role == role and (department is None or r.department_id == department.pk) for r in staff_roles_of(user)
    )


def is_staff_member(user: AbstractBaseUser) -> bool:
    return bool(staff_roles_of(user)) or bool(getattr(user, "is_superuser", False))


def departments_where(user: AbstractBaseUser, *roles: str) -> list[int]:
    return sorted({r.department_id for r in staff_roles_of(user) if not roles or r.role in roles})


def is_supervisor(user: AbstractBaseUser) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.SUPERVISOR)
