"""Reads owned by ``catalog``: the searchable item catalogue and guides."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yiwang.catalog.models import ServiceItem


def search_items(q: str = "", *, department_code: str = "", applicant_kind: str = "") -> QuerySet[ServiceItem]:
    """Active items whose name, code, keywords or department match every word of ``q``."""
    items = ServiceItem.objects.filter(is_active=True).select_related("department")
    for word in (q or "").split():
        items = items.filter(
            Q(name__icontains=word) | Q(keywords__icontains=word) | Q(code__icontains=word)
            | Q(department__name__icontains=word)
        )
    if department_code:
        items = items.filter(department__code=department_code)
    if applicant_kind:
        items = items.filter(applicant_scope__in=[applicant_kind, "both"])
    return items.order_by("department__sort_order", "code")


def item_guide(code: str) -> ServiceItem | None:
    """An item with what its guide (办事指南) shows: materials and the current process version."""
    return (
        ServiceItem.objects.select_related("department", "process")
        .prefetch_related("materials")
        .filter(code=code)
        .first()
    )
