"""Catalogue endpoints: public, no token needed."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yiwang.catalog import selectors
from yiwang.catalog.errors import CatalogErrorCode
from yiwang.catalog.models import ServiceItem
from yiwang.core.bounds import MAX_DB_INT
from yiwang.core.errors import NotFound

router = Router(tags=["catalog"])


class ItemSummary(Schema):
    code: str
    name: str
    item_type: str
    item_type_label: str
    department: str
    department_code: str
    applicant_scope: str
    promised_days: int
    legal_days: int
    online_depth: str


class ItemPage(Schema):
    count: int
    items: list[ItemSummary]


class MaterialOut(Schema):
    id: int
    name: str
    required: bool
    form: str
    copies: int
    formats: list[str]
    description: str


class StepOut(Schema):
    task_id: str
    name: str
    department: str
    role: str
    days: int | None


class ItemDetail(ItemSummary):
    fee_description: str
    location: str
    office_hours: str
    conditions: str
    legal_basis: str
    form_schema: list[dict]
    delivery_methods: list[str]
    materials: list[MaterialOut]
    process_key: str
    process_version: int | None
    steps: list[StepOut]


class ItemFilters(Schema):
    q: str = Field("", max_length=100, description="Words matched against name, code, keywords, department")
    department: str = Field("", max_length=32)
    kind: str = Field("", pattern="^(|person|org)$")
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_DB_INT)


def summary(item: ServiceItem) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "item_type": item.item_type,
        "item_type_label": str(item.get_item_type_display()),
        "department": item.department.name,
        "department_code": item.department.code,
        "applicant_scope": item.applicant_scope,
        "promised_days": item.promised_days,
        "legal_days": item.legal_days,
        "online_depth": item.online_depth,
    }


@router.get("/items", auth=None, response=ItemPage)
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> dict:
    """Search the catalogue; ``count`` is the total number of matches."""
    items = selectors.search_items(filters.q, department_code=filters.department, applicant_kind=filters.kind)
    page = list(items[filters.offset : filters.offset + filters.limit])
    return {"count": items.count(), "items": [summary(i) for i in page]}


@router.get("/items/{code}", auth=None, response=ItemDetail)
def get_item(request: HttpRequest, code: str) -> dict:
    """An item's guide (办事指南): conditions, materials, time limits, fees, place, process steps."""
    item = selectors.item_guide(code)
    if item is None:
        raise NotFound(CatalogErrorCode.ITEM_NOT_FOUND, _("事项 %(code)s 不存在。") % {"code": code})
    version = item.process.latest_version()
    return {
        **summary(item),
        "fee_description": item.fee_description,
        "location": item.location,
        "office_hours": item.office_hours,
        "conditions": item.conditions,
        "legal_basis": item.legal_basis,
        "form_schema": item.form_schema,
        "delivery_methods": item.delivery_methods,
        "materials": [
            {"id": m.id, "name": m.name, "required": m.required, "form": m.form, "copies": m.copies,
             "formats": m.allowed_formats(), "description": m.description}
            for m in item.materials.all()
        ],
        "process_key": item.process.key,
        "process_version": version.version if version else None,
        "steps": version.steps if version else [],
    }
