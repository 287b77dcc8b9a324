"""The rating link evaluation gives cases for a case's printed receipt (QR) and its 办结 notice
(registered with ``yiwang.cases.rating.register_rating_link``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from yiwang.cases.models import Case
from yiwang.cases.rating import RECEIPT, RatingLink
from yiwang.evaluation.services import case_token


def case_rating_link(case: Case, where: str) -> RatingLink | None:
    """A signed, expiring link to the case's rating page; the receipt's says it came from the QR code
    (channel 回执二维码), the notice's is rated as 网上评价."""
    if not case.pk or not case.number:
        return None
    via = "qr" if where == RECEIPT else "notice"
    path = reverse("evaluation:case_token", args=[case_token(case)])
    return RatingLink(url=f"{settings.YIWANG_PUBLIC_BASE_URL}{path}?via={via}")
