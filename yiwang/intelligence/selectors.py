"""Reads of ``intelligence``: the active classifier, routes, versions, training examples."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from yiwang.intelligence.models import (
    CategoryRoute,
    ClassifierArtifact,
    ClassifierModel,
    ExampleSource,
    LabelledExample,
)

logger = logging.getLogger(__name__)

DEFAULT_MIN_CONFIDENCE = 0.5
DEFAULT_MAX_BATCH = 1000
# A retrained version whose macro-F1 on the evaluation set is lower than the active version's by
# more than this is stored but not promoted.
DEFAULT_MAX_REGRESSION = 0.01
# The scheduled retraining runs only when at least this many corrections arrived since the active
# version was trained.
DEFAULT_RETRAIN_MIN_CORRECTIONS = 20


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


def max_regression() -> float:
    """How much worse (macro-F1) than the active version a new one may be and still be promoted:
    setting or environment ``YIWANG_CLASSIFIER_MAX_REGRESSION``, else 0.01."""
    return float(_configured("YIWANG_CLASSIFIER_MAX_REGRESSION", DEFAULT_MAX_REGRESSION, float, 0.0, 1.0))


def retrain_min_corrections() -> int:
    """Corrections needed since the active version before a scheduled retraining trains a new one:
    setting or environment ``YIWANG_CLASSIFIER_RETRAIN_MIN_CORRECTIONS``, else 20."""
    return int(_configured("YIWANG_CLASSIFIER_RETRAIN_MIN_CORRECTIONS", DEFAULT_RETRAIN_MIN_CORRECTIONS, int,
                           1, 10_000_000))


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


def rollback_target() -> ClassifierModel | None:
    """The version a rollback returns to: the one activated most recently before the active one
    (or, for versions activated before that was recorded, the newest older version)."""
    active = ClassifierModel.objects.filter(is_active=True).first()
    others = ClassifierModel.objects.filter(is_active=False)
    previous = others.filter(activated_at__isnull=False).order_by("-activated_at", "-version").first()
    if previous is None and active is not None:
        previous = others.filter(version__lt=active.version).order_by("-version").first()
    return previous


def corrections_since_active() -> int:
    """Staff corrections recorded after the active version was trained (all of them if none is active)."""
    corrections = LabelledExample.objects.filter(source=ExampleSource.CORRECTION)
    trained_at = ClassifierModel.objects.filter(is_active=True).values_list("created_at", flat=True).first()
    if trained_at is not None:
        corrections = corrections.filter(created_at__gt=trained_at)
    return corrections.count()


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
