"""Reads of ``intelligence``: the active classifier, routes, versions, training examples."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from yiwang.intelligence.models import CategoryRoute, ClassifierArtifact, ClassifierModel, LabelledExample

logger = logging.getLogger(__name__)

DEFAULT_MIN_CONFIDENCE = 0.5
DEFAULT_MAX_BATCH = 1000


@dataclass(frozen=True)
class ActiveModel:
    pk: int
    version: int
    sha256: str
    signature: str
    min_confidence: float


@dataclass(frozen=True)
class Route:
    department: str
    department_name: str


def _configured(name: str, default: float, cast: type, low: float, high: float) -> float:
    """A Django setting ``name``, else the environment variable of that name, else ``default``."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = cast(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        logger.warning("%s=%r is not a number between %s and %s; using %s", name, value, low, high, default)
        return default
    return number


def default_min_confidence() -> float:
    """The system-wide threshold: setting or environment ``YIWANG_DISPATCH_MIN_CONFIDENCE``, else 0.5."""
    return float(_configured("YIWANG_DISPATCH_MIN_CONFIDENCE", DEFAULT_MIN_CONFIDENCE, float, 0.0, 1.0))


def max_batch() -> int:
    """Most messages per classification call: setting or environment ``YIWANG_CLASSIFY_MAX_BATCH``."""
    return int(_configured("YIWANG_CLASSIFY_MAX_BATCH", DEFAULT_MAX_BATCH, int, 1, 100_000))


def active_model() -> ActiveModel | None:
    """The active version's identity (one small query; the model bytes are not read)."""
    row = (
        ClassifierModel.objects.filter(is_active=True)
        .values_list("pk", "version", "sha256", "signature", "min_confidence")
        .first()
    )
    if row is None:
        return None
    pk, version, sha256, signature, min_confidence = row
    threshold = default_min_confidence() if min_confidence is None else float(min_confidence)
    return ActiveModel(pk=pk, version=version, sha256=sha256, signature=signature, min_confidence=threshold)


def model_blob(pk: int) -> bytes | None:
    value = ClassifierArtifact.objects.filter(model_id=pk).values_list("data", flat=True).first()
    return bytes(value) if value is not None else None


def routes() -> dict[str, Route]:
    return {
        category: Route(department=code, department_name=name)
        for category, code, name in CategoryRoute.objects.values_list("category", "department__code",
                                                                      "department__name")
    }


def model_versions() -> list[ClassifierModel]:
    return list(ClassifierModel.objects.order_by("-version"))


def known_categories() -> set[str]:
    """Labels of the active model, plus every category that has a route."""
    labels = set(CategoryRoute.objects.values_list("category", flat=True))
    active = ClassifierModel.objects.filter(is_active=True).values_list("labels", flat=True).first()
    labels.update(active or [])
    return labels


def training_examples() -> Iterator[tuple[str, str, str, str]]:
    """(title, body, label, source) of every labelled example, oldest first (later ones win on duplicates)."""
    yield from LabelledExample.objects.order_by("created_at", "id").values_list(
        "title", "body", "label", "source"
    ).iterator(chunk_size=2000)
