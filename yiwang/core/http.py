"""The request type of views that only a signed-in account reaches.

Django types ``request.user`` as the account or ``AnonymousUser``. A view behind ``login_required``
(or an API operation behind the API's authentication, ``yiwang.core.auth``) only ever sees an
account; it annotates its request as ``AuthenticatedRequest`` so that the type checker (mypy with
django-stubs, ``make lint``) knows it, and a service that needs an actor gets one. Nothing changes at
run time: Django builds the request; this class only names what the view may rely on.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from yiwang.core.users import User


class AuthenticatedRequest(HttpRequest):
    user: User


def account(request: HttpRequest) -> User | None:
    """The signed-in account of a request, or None for an anonymous visitor (a page open to both)."""
    user = request.user
    return user if isinstance(user, User) else None


def signed_in(request: HttpRequest) -> User:
    """The account of a request that only a signed-in account reaches (the admin site, past its own
    login and staff check): an anonymous one here is refused (403), never passed on as an actor."""
    user = account(request)
    if user is None:
        raise PermissionDenied
    return user
