"""Reads of ``intelligence``: the active classifier, routes, versions, training examples."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from yiwang.intelligence.models import CategoryRoute, ClassifierArtifact, ClassifierModel, LabelledExample

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


def default_min_confidence() -> float:
    """The system-wide threshold: ``settings.YIWANG_DISPATCH_MIN_CONFIDENCE``, else 0.5."""
    return float(getattr(settings, "YIWANG_DISPATCH_MIN_CONFIDENCE", DEFAULT_MIN_CONFIDENCE))


def max_batch() -> int:
    return int(getattr(settings, "YIWANG_CLASSIFY_MAX_BATCH", DEFAULT_MAX_BATCH))


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
