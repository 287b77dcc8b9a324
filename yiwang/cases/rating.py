"""Where an applicant rates a case (好差评), as printed on the 受理回执 and written in the 办结 notice.

Cases knows nothing of the rating itself (``yiwang.evaluation`` sits above it): the app that takes
ratings registers a provider from its ``AppConfig.ready``; cases asks it for the link when it prints a
receipt or writes a notice. ``where`` is ``"receipt"`` (the printed receipt and its PDF: the link is a
QR code) or ``"notice"`` (the 办结 notice). With no provider, receipts and notices carry no link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from yiwang.cases.models import Case

RECEIPT = "receipt"
NOTICE = "notice"


@dataclass(frozen=True)
class RatingLink:
    url: str
    """Absolute, to print or to send; signed and expiring where the provider makes it so."""


RatingLinkProvider = Callable[[Case, str], RatingLink | None]
_PROVIDERS: list[RatingLinkProvider] = []


def register_rating_link(provider: RatingLinkProvider) -> None:
    """Called from the owning app's ``AppConfig.ready``; registering the same provider twice is a no-op."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def rating_link(case: Case, where: str) -> RatingLink | None:
    """The first link a provider gives for this case and place, or None."""
    for provider in _PROVIDERS:
        link = provider(case, where)
        if link is not None:
            return link
    return None
