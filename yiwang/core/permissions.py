"""Who must meet the staff controls of 等保三级 (second factor, short sessions, password expiry).

One home for the rule; the login flow, the middleware, the API's session check, the token endpoint
and the admin all ask here."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from yiwang.core.selectors import is_staff_member
from yiwang.core.users import User


def has_staff_controls(user: User) -> bool:
    """Staff (any role in a department) and administrators (admin site access, superusers)."""
    if not user.is_authenticated:
        return False
    return bool(getattr(user, "is_staff", False)) or is_staff_member(user)


def has_otp_device(user: User) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def otp_required(user: User) -> bool:
    """A second factor is required of staff and administrators unless the site runs in demo mode;
    in demo mode it stays optional: asked only of those who enrolled a device themselves, so that
    demo accounts still sign in with a password alone."""
    if not has_staff_controls(user):
        return False
    if not settings.YIWANG_DEMO_MODE:
        return True
    return has_otp_device(user)


def session_is_fully_signed_in(request: HttpRequest) -> bool:
    """The session's user passed every step their login needs (password, then the second factor)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not otp_required(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
