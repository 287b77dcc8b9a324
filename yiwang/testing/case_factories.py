"""Applications made through the real services (the ``cases`` layer)."""

from __future__ import annotations

from typing import Any

from yiwang.cases.services import MaterialRef, stage_upload, submit_application
from yiwang.catalog.models import ServiceItem
from yiwang.core.models import Applicant
from yiwang.testing.factories import PDF_BYTES, PNG_BYTES, upload_file


def required_material_refs(user: Any, it: ServiceItem, *, exclude: tuple[int, ...] = ()) -> list[Any]:
    """Upload a file of an accepted format for each required material of ``it`` (but ``exclude``)."""
    refs = []
    for m in it.materials.filter(required=True).exclude(pk__in=exclude):
        pdf = "pdf" in m.allowed_formats()
        file = upload_file("scan.pdf", PDF_BYTES) if pdf else upload_file("scan.png", PNG_BYTES)
        refs.append(MaterialRef(material_id=m.pk, upload_id=stage_upload(actor=user, file=file).pk))
    return refs


def apply_online(user: Any, applicant: Applicant, it: ServiceItem, *, key: str | None = None, now: Any = None) -> Any:
    """Submit an application with every required material uploaded; returns the case."""
    refs = required_material_refs(user, it)
    case, _created = submit_application(actor=user, item=it, applicant=applicant, form_data={"shop_name": "青禾小馆"},
                                        materials=refs, idempotency_key=key, now=now)
    return case
