"""Receivers of Django's own authentication signals.

Domain logic never runs on signals here (ARCHITECTURE.md); these are authentication events that
Django itself emits from its login views, the admin's login and ``authenticate()``, so a receiver
is the one place that sees every one of them. Each receiver only calls the one service that writes
the login history (and starts the session clock the timeouts read)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from yiwang.core.models import LoginMethod


@receiver(user_logged_in, dispatch_uid="yiwang_login_succeeded")
def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from yiwang.core.middleware import start_session_clock
    from yiwang.core.services import record_login_event

    if request is None:
        return
    record_login_event(request=request, user=user, username=user.get_username(), success=True,
                       method=getattr(request, "yiwang_login_method", LoginMethod.PASSWORD))
    start_session_clock(request)


@receiver(user_login_failed, dispatch_uid="yiwang_login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from django.contrib.auth import get_user_model

    from yiwang.core.services import record_login_event

    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    record_login_event(request=request, user=user, username=username, success=False,
                       method=getattr(request, "yiwang_login_method", LoginMethod.PASSWORD),
                       reason="locked_out" if locked else "")
