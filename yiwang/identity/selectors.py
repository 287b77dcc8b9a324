"""Identity's reads."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from yiwang.core.models import Applicant
from yiwang.core.users import User
from yiwang.identity.models import Authorisation, Verification


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
