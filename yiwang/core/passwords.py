"""Password rules (AUTH_PASSWORD_VALIDATORS): complexity for everyone (longer for staff), no reuse
of recent passwords for staff. Messages in Chinese with their English translation (i18n)."""

from __future__ import annotations

import string
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _is_staff(user: Any) -> bool:
    if user is None or getattr(user, "pk", None) is None:
        return False
    from yiwang.core.permissions import has_staff_controls

    return has_staff_controls(user)


class ComplexityValidator:
    """At least three of four classes (upper case, lower case, digits, symbols); staff passwords
    also at least YIWANG_STAFF_PASSWORD_MIN_LENGTH characters."""

    CLASSES = 3

    def validate(self, password: str, user: Any = None) -> None:
        problems = []
        classes = sum([
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() or c in string.punctuation for c in password),
        ])
        if classes < self.CLASSES:
            problems.append(ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号四类中的至少三类。"), code="password_too_simple"))
        min_length = settings.YIWANG_STAFF_PASSWORD_MIN_LENGTH
        if _is_staff(user) and len(password) < min_length:
            problems.append(ValidationError(
                _("工作人员的密码至少 %(min_length)d 位。") % {"min_length": min_length}, code="password_too_short_staff"))
        if problems:
            raise ValidationError(problems)

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号四类中的至少三类；工作人员的密码至少 %(min_length)d 位。") % {
            "min_length": settings.YIWANG_STAFF_PASSWORD_MIN_LENGTH}


class HistoryValidator:
    """Staff may not reuse any of their last YIWANG_PASSWORD_HISTORY passwords (compared with the
    stored hashes; the passwords themselves are never kept)."""

    def validate(self, password: str, user: Any = None) -> None:
        depth = settings.YIWANG_PASSWORD_HISTORY
        if depth <= 0 or not _is_staff(user):
            return
        from yiwang.core.models import PasswordHistory

        hashes = PasswordHistory.objects.filter(user=user).values_list("password_hash", flat=True)[:depth]
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(
                _("不能使用最近 %(count)d 次用过的密码，请换一个新密码。") % {"count": depth}, code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        # Django calls this on every save of a new password, whichever path set it: the one place
        # where history, token revocation and the audit record cannot be skipped.
        if user is not None and getattr(user, "pk", None) is not None:
            from yiwang.core.services import password_changed

            password_changed(user=user)

    def get_help_text(self) -> str:
        return _("工作人员不能重复使用最近 %(count)d 次用过的密码。") % {"count": settings.YIWANG_PASSWORD_HISTORY}
