"""Identity's reads."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from yiwang.core.models import Applicant
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.users import User
from yiwang.identity.models import Authorisation, RealName, Verification
from yiwang.identity.permissions import LEVEL_READ_WITH_APPLICANT


def verifications_of(applicant: Applicant, limit: int = 20) -> list[Verification]:
    return list(Verification.objects.filter(applicant=applicant).select_related("verified_by")[:limit])


def authorisations_of(applicant: Applicant) -> QuerySet[Authorisation]:
    """Authorisations the applicant gave or holds, newest first."""
    return (Authorisation.objects.filter(Q(principal=applicant) | Q(agent=applicant))
            .select_related("principal", "agent").prefetch_related("items").order_by("-created_at", "-id"))


def usable_authorisations(agent: Applicant, now: dt.datetime | None = None) -> list[Authorisation]:
    """What the agent may act under right now (for the apply page's "on behalf of" choice)."""
    now = now or timezone.now()
    return [a for a in Authorisation.objects.filter(agent=agent).select_related("principal").prefetch_related("items")
            if a.is_active(now)]


def authorisation_for_party(user: User, pk: int) -> Authorisation | None:
    """An authorisation the user is a party to (principal or agent), or None."""
    applicant = getattr(user, "applicant", None)
    if applicant is None:
        return None
    return authorisations_of(applicant).filter(pk=pk).first()


def _applicant_with_level(user_id: int) -> QuerySet[Applicant]:
    level = RealName.objects.filter(applicant_id=OuterRef("pk")).values("level")[:1]
    return Applicant.objects.filter(user_id=user_id).annotate(**{LEVEL_READ_WITH_APPLICANT: Subquery(level)})[:1]


# Every online submission reads this: compiled to SQL once per connection (core/precompiled.py).
_APPLICANT_WITH_LEVEL = PrecompiledQuery(_applicant_with_level, user_id=int)


def applicant_of(user: User) -> Applicant | None:
    """The user's applicant profile, or None, with its real-name level read in the same statement
    (``user.applicant`` then ``level_of`` were two: a submission's check, issue #14). The level is
    taken by the first ``level_of`` of this object only; the profile is also cached as
    ``user.applicant``."""
    found = _APPLICANT_WITH_LEVEL.fetch(user_id=user.pk)
    applicant = found[0] if found else None
    if applicant is not None:
        user.applicant = applicant  # the reverse one-to-one's cache
    return applicant
