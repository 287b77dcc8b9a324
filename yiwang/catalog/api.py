"""Catalogue endpoints: public, no token needed."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yiwang.catalog import packages, selectors
from yiwang.catalog.errors import CatalogErrorCode
from yiwang.catalog.models import LifeEventPackage, ServiceItem
from yiwang.core.auth import PUBLIC_OR_SIGNED_IN
from yiwang.core.errors import NotFound
from yiwang.core.schemas import PUBLIC_ERRORS, ErrorOut

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
    obtained_by: Literal["upload", "sharing", "licence"] = Field(
        ..., description="How the signed-in applicant provides it: upload; sharing (免提交: obtained by data sharing "
        "for the case); licence (reused from an electronic licence). Anonymous callers and staff accounts get "
        "upload: whether sharing applies depends on who applies.")


class ProcessStepOut(Schema):
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
    steps: list[ProcessStepOut]


class ItemFilters(Schema):
    q: str = Field("", max_length=100, description="Words matched against name, code, keywords, department")
    department: str = Field("", max_length=32)
    kind: str = Field("", pattern="^(|person|org)$")
    limit: int = Field(20, ge=1, le=200)
    # Bounded: an offset past what a database integer holds was a 500; the catalogue has hundreds of items.
    offset: int = Field(0, ge=0, le=10_000)


def summary(item: ServiceItem) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "item_type": item.item_type,
        "item_type_label": str(item.get_item_type_display()),
        "department": item.department.display_name,
        "department_code": item.department.code,
        "applicant_scope": item.applicant_scope,
        "promised_days": item.promised_days,
        "legal_days": item.legal_days,
        "online_depth": item.online_depth,
    }


@router.get("/items", auth=None, response={200: ItemPage, **PUBLIC_ERRORS})
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> dict:
    """Search the catalogue; ``count`` is the total number of matches."""
    items = selectors.search_items(filters.q, department_code=filters.department, applicant_kind=filters.kind)
    page = list(items[filters.offset : filters.offset + filters.limit])
    return {"count": items.count(), "items": [summary(i) for i in page]}


@router.get("/items/{code}", auth=PUBLIC_OR_SIGNED_IN, response={200: ItemDetail, **PUBLIC_ERRORS, 401: ErrorOut,
                                                                  403: ErrorOut})
def get_item(request: HttpRequest, code: str) -> dict:
    """An item's guide (办事指南): conditions, materials, time limits, fees, place, process steps.

    Public. Signed in (bearer token or session), each material's ``obtained_by`` is true for the
    caller's applicant; anonymous, it is ``upload``. An invalid token is a 401, not an anonymous answer."""
    item = selectors.item_guide(code)
    if item is None:
        raise NotFound(CatalogErrorCode.ITEM_NOT_FOUND, _("事项 %(code)s 不存在。") % {"code": code})
    version = item.process.latest_version()
    provisions = selectors.material_provisions(item, selectors.signed_in_applicant(request.auth))  # type: ignore[attr-defined]  # django-ninja sets request.auth after authentication; HttpRequest's stubs do not have it
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
             "formats": m.allowed_formats(), "description": m.description,
             "obtained_by": provisions.get(m.pk, selectors.Provision.UPLOAD)}
            for m in item.materials.all()
        ],
        "process_key": item.process.key,
        "process_version": version.version if version else None,
        "steps": version.steps if version else [],
    }


# ------------------------------------------------------------------------ 一件事 packages


class PackageMemberOut(Schema):
    code: str
    name: str
    department: str
    optional: bool
    note: str
    promised_days: int


class PackageMaterialOut(Schema):
    id: int = Field(..., description="Refer to the material by this id when applying (asked once for every member that needs it)")
    name: str
    required: bool
    formats: list[str]
    description: str
    item_codes: list[str]


class PackageSummary(Schema):
    code: str
    name: str
    summary: str
    items: int
    departments: int
    applicant_kinds: list[str]


class PackageDetail(PackageSummary):
    guide: str
    promised_days: int
    members: list[PackageMemberOut]
    form_schema: list[dict]
    materials: list[PackageMaterialOut]


def package_summary(package: LifeEventPackage) -> dict:
    members = list(package.members.all())
    return {"code": package.code, "name": package.name, "summary": package.summary, "items": len(members),
            "departments": len({m.item.department_id for m in members}),
            "applicant_kinds": packages.applicant_kinds(members)}


def package_detail(package: LifeEventPackage) -> dict:
    """The package's guide: the combined form and materials of all members (optional ones included:
    a material or field only an optional member needs is asked only when that member is chosen)."""
    members = list(package.members.all())
    codes = {m.item_id: m.item.code for m in members}
    return {
        **package_summary(package),
        "guide": package.guide,
        "promised_days": packages.promised_days(members),
        "members": [{"code": m.item.code, "name": m.item.name, "department": m.item.department.display_name, "optional": m.optional,
                     "note": m.note, "promised_days": m.item.promised_days} for m in members],
        "form_schema": [f.spec for f in packages.combined_form(members)],
        "materials": [{"id": g.key, "name": g.name, "required": g.required, "formats": g.formats,
                       "description": g.description, "item_codes": [codes[i] for i in g.item_ids]}
                      for g in packages.combined_materials(package, members)],
    }


@router.get("/packages", auth=None, response={200: list[PackageSummary], **PUBLIC_ERRORS})
def list_packages(request: HttpRequest) -> list[dict]:
    """The 一件事 life-event packages the county offers."""
    return [package_summary(p) for p in packages.active_packages()]


@router.get("/packages/{code}", auth=None, response={200: PackageDetail, **PUBLIC_ERRORS})
def get_package(request: HttpRequest, code: str) -> dict:
    """A package's guide: its member items, one combined form and one merged set of materials."""
    package = packages.package_guide(code)
    if package is None:
        raise NotFound(CatalogErrorCode.PACKAGE_NOT_FOUND, _("一件事 %(code)s 不存在。") % {"code": code})
    return package_detail(package)
