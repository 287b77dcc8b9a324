"""The rating link evaluation gives cases for a case's printed receipt (QR) and its 办结 notice
(registered with ``yiwang.cases.rating.register_rating_link``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from yiwang.cases.models import Case
from yiwang.cases.rating import RECEIPT, RatingLink
from yiwang.evaluation.services import case_token


def case_rating_link(case: Case, where: str) -> RatingLink | None:
    """A signed, expiring, short link to the case's rating page (``/r/<token>``: it goes out by SMS);
    the receipt's rates on channel 回执二维码, the notice's as 网上评价 — signed into the token."""
    if not case.pk or not case.number:
        return None
    path = reverse("evaluation:case_link", args=[case_token(case, "q" if where == RECEIPT else "n")])
    return RatingLink(url=f"{settings.YIWANG_PUBLIC_BASE_URL}{path}")
