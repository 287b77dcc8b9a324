"""Separation of duties (三权分立, GB/T 22239-2019 level 3): the system administrator, the security
administrator and the audit administrator are three Django groups with disjoint permissions.

- 系统管理员 (``system_admin``): runs the platform — departments, staff roles, service items and
  their materials, processes and rules, the calendar, the classifier's routes.
- 安全管理员 (``security_admin``): accounts and who holds which of these three roles (through
  ``assign_admin_role`` only), API tokens; no business data and no audit review.
- 审计管理员 (``audit_admin``): reads the audit records and data-sharing access logs; changes nothing.

One person holds at most one of the three; only a security administrator (or the system itself,
``actor=None``: a management command run by the operator) assigns or revokes them; nobody assigns
or revokes their own. Every assignment and revocation is audited. Superusers hold every permission
and so all three roles at once: in production they are for bootstrap only (docs/security.md).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.core.errors import Forbidden, InvalidInput
from yiwang.core.services import record_audit
from yiwang.core.users import User

SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN = "system_admin", "security_admin", "audit_admin"
ADMIN_ROLES = {
    SYSTEM_ADMIN: gettext_lazy("系统管理员"),
    SECURITY_ADMIN: gettext_lazy("安全管理员"),
    AUDIT_ADMIN: gettext_lazy("审计管理员"),
}

# (app label, model) -> actions, per role. Disjoint: no permission belongs to two roles.
PERMISSIONS: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {
    SYSTEM_ADMIN: {
        ("core", "department"): ("view", "add", "change"),
        ("core", "staffrole"): ("view", "add", "change", "delete"),
        ("core", "calendarday"): ("view", "add", "change", "delete"),
        ("catalog", "serviceitem"): ("view", "add", "change"),
        ("catalog", "material"): ("view", "add", "change", "delete"),
        ("catalog", "processdefinition"): ("view", "add", "change"),
        ("catalog", "processversion"): ("view",),
        ("catalog", "ruleset"): ("view", "add", "change"),
        ("intelligence", "categoryroute"): ("view", "add", "change", "delete"),
    },
    SECURITY_ADMIN: {
        ("auth", "user"): ("view", "add", "change"),
        ("auth", "group"): ("view",),
        ("core", "apitoken"): ("view", "delete"),
    },
    AUDIT_ADMIN: {
        ("core", "auditevent"): ("view",),
        ("exchange", "accesslog"): ("view",),
    },
}


class AdminRoleCode:
    UNKNOWN_ROLE = "unknown_admin_role"
    NOT_SECURITY_ADMIN = "not_security_admin"
    SELF_ASSIGNMENT = "admin_role_self_assignment"
    DUTIES_COMBINED = "admin_duties_combined"
    SUPERUSER = "admin_role_superuser"


def ensure_admin_groups() -> dict[str, Group]:
    """Create the three groups with exactly their permissions (idempotent)."""
    groups = {}
    for role, grants in PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        query = Q(pk__in=[])
        for (app_label, model), actions in grants.items():
            query |= Q(content_type__app_label=app_label, content_type__model=model,
                       codename__in=[f"{a}_{model}" for a in actions])
        group.permissions.set(Permission.objects.filter(query))
        groups[role] = group
    return groups


def admin_roles_of(user: User) -> set[str]:
    return set(user.groups.filter(name__in=ADMIN_ROLES).values_list("name", flat=True))


def _check(actor: User | None, user: User, role: str) -> None:
    if role not in ADMIN_ROLES:
        raise InvalidInput(AdminRoleCode.UNKNOWN_ROLE, _("未知的管理角色：%(role)s。") % {"role": role}, {"role": role})
    if actor is None:
        return
    if actor.pk == user.pk:
        raise Forbidden(AdminRoleCode.SELF_ASSIGNMENT, _("不能为自己分配或撤销管理角色（三权分立）。"), {"role": role})
    if SECURITY_ADMIN not in admin_roles_of(actor):
        raise Forbidden(AdminRoleCode.NOT_SECURITY_ADMIN, _("只有安全管理员可以分配或撤销管理角色。"), {"role": role})


def assign_admin_role(*, actor: User | None, user: User, role: str) -> None:
    """Give ``user`` one of the three administrator roles; refused if they hold another of them."""
    _check(actor, user, role)
    if getattr(user, "is_superuser", False):
        raise InvalidInput(AdminRoleCode.SUPERUSER, _("超级用户拥有全部权限，不能再分配单一管理角色；请使用普通账号。"),
                           {"role": role})
    groups = ensure_admin_groups()
    with transaction.atomic():
        current = admin_roles_of(user)
        if current == {role}:
            return  # already held: nothing changes, nothing to audit
        held = current - {role}
        if held:
            raise InvalidInput(
                AdminRoleCode.DUTIES_COMBINED,
                _("同一人不能兼任系统管理员、安全管理员、审计管理员中的两个（三权分立）：%(user)s 已是%(held)s。")
                % {"user": user.get_username(), "held": "、".join(str(ADMIN_ROLES[r]) for r in sorted(held))},
                {"role": role, "held": sorted(held)},
            )
        user.groups.add(groups[role])
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        record_audit(actor=actor, event_type="admin_role_granted", subject_type="user", subject_id=user.pk,
                     details={"role": role, "username": user.get_username()})


def revoke_admin_role(*, actor: User | None, user: User, role: str) -> None:
    _check(actor, user, role)
    with transaction.atomic():
        user.groups.remove(*Group.objects.filter(name=role))
        record_audit(actor=actor, event_type="admin_role_revoked", subject_type="user", subject_id=user.pk,
                     details={"role": role, "username": user.get_username()})


