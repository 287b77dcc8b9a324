"""Reads owned by ``catalog``: the searchable item catalogue and guides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import EllipsisType
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from yiwang.catalog.models import Material, ProcessVersion, ServiceItem
from yiwang.core.models import Applicant
from yiwang.core.precompiled import PrecompiledQuery


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


# The attribute ``read_materials`` keeps an item's materials in (a list): not a field, only this object's.
MATERIALS_READ = "materials_read"


def item_guide(code: str) -> ServiceItem | None:
    """An item with what its guide (办事指南) shows: materials (``item.materials.all()``, and
    ``read_materials(item)`` without a query) and the current process version."""
    item = (
        ServiceItem.objects.select_related("department", "process")
        .prefetch_related("materials")
        .filter(code=code)
        .first()
    )
    if item is not None:
        setattr(item, MATERIALS_READ, list(item.materials.all()))  # the prefetched rows: no query
    return item


def versions_newest_first(definition: Any) -> QuerySet[ProcessVersion]:
    """The process's versions, the one a new case starts on first (``definition``: an id, or an
    ``OuterRef`` to one)."""
    return ProcessVersion.objects.filter(definition_id=definition).order_by("-version")


# What a submission needs of the version a new case starts on (its runtime restores the spec by id
# and digest): read with the item, the other fields left deferred (``starting_version``).
_STARTING_FIELDS = ("id", "version", "digest")


def _with_starting_version(items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    newest = versions_newest_first(OuterRef("process_id"))
    return items.annotate(**{f"starting_version_{name}": Subquery(newest.values(name)[:1]) for name in _STARTING_FIELDS})


def starting_version(item: ServiceItem) -> ProcessVersion | None | EllipsisType:
    """The version a new case of ``item`` starts on, when ``item_for_application`` read it with the
    item (its other fields are deferred: read when first used); ``...`` when the item was read
    otherwise (the caller reads it: ``versions_newest_first``)."""
    if not hasattr(item, "starting_version_id"):
        return ...
    if item.starting_version_id is None:
        return None
    values = [getattr(item, f"starting_version_{name}") for name in _STARTING_FIELDS]
    version = ProcessVersion.from_db(item._state.db, [*_STARTING_FIELDS, "definition_id"], [*values, item.process_id])
    version.definition = item.process  # as ``definition.versions`` would have set it
    return version


def restore_starting_specs(limit: int = 20) -> None:
    """The specs of the process versions new cases start on, of up to ``limit`` active items (the
    newest), restored into this process's cache (``bpmn.specs_for``, what a case's
    runtime reads by the version's id and digest): a web worker's warm-up (``core.warmup``), so
    that its first acceptance of such an item does not parse its spec."""
    from yiwang.catalog import bpmn

    items = _with_starting_version(ServiceItem.objects.filter(is_active=True).order_by("-pk"))
    ids = {i for i in items.values_list("starting_version_id", flat=True)[:limit]  # type: ignore[misc]  # an annotation of _with_starting_version, unknown to the stubs
           if i is not None}
    for version in ProcessVersion.objects.filter(pk__in=ids).only("id", "digest", "spec_json"):
        bpmn.specs_for((version.pk, version.digest), version.spec_json)


# Every submission reads these: compiled to SQL once per connection (core/precompiled.py).
_ITEM_BY_CODE = PrecompiledQuery(
    lambda code: _with_starting_version(ServiceItem.objects.select_related("process", "department").filter(code=code))[:1],
    code=str)
_MATERIALS_OF = PrecompiledQuery(lambda item_id: Material.objects.filter(item_id=item_id), item_id=int)


def item_for_application(code: str) -> ServiceItem | None:
    """The item ``code`` names, with its process and department (what a submission reads of them),
    and the process version a case made now starts on (``starting_version``)."""
    rows = _ITEM_BY_CODE.fetch(code=code)
    return rows[0] if rows else None


def read_materials(item: ServiceItem) -> list[Material]:
    """The item's materials in their order, read once per item object: the first call reads them
    (precompiled) and keeps them on ``item.materials_read``, a plain attribute of this object; later
    calls answer from it, as for an item from ``item_guide`` (which read them with the item). Each
    material's ``item`` is ``item``. A submission's reads of the materials all go through here."""
    materials = getattr(item, MATERIALS_READ, None)
    if materials is None:
        materials = _MATERIALS_OF.fetch(item_id=item.pk)
        for material in materials:
            material.item = item
        setattr(item, MATERIALS_READ, materials)
    return materials


# ------------------------------------------------------------------------ panels other apps add to the guide


GuidePanel = Callable[[ServiceItem], "tuple[str, dict[str, Any]] | None"]
"""``panel(item)``: a template and its context for a card on the item's public guide page, or
``None``. Apps above catalog register one at start-up (``evaluation``: the item's 好差评 figures),
so that the guide shows them without catalog importing those apps."""

_GUIDE_PANELS: list[GuidePanel] = []


def register_guide_panel(panel: GuidePanel) -> None:
    """Called from the owning app's ``AppConfig.ready``; registering the same panel twice is a no-op."""
    if panel not in _GUIDE_PANELS:
        _GUIDE_PANELS.append(panel)


def guide_panels(item: ServiceItem) -> list[tuple[str, dict[str, Any]]]:
    return [p for p in (panel(item) for panel in _GUIDE_PANELS) if p is not None]


# ------------------------------------------------------------------------ how each material is provided


class Provision:
    """How an applicant provides a material (``obtained_by`` in the API)."""

    UPLOAD = "upload"  # the applicant uploads it (or brings it to the window)
    SHARING = "sharing"  # 免提交: obtained by data sharing for the case
    LICENCE = "licence"  # 免证办: reused from the applicant's valid electronic licence (the applicant chooses it)

    values = (UPLOAD, SHARING, LICENCE)


ProvisionSource = Callable[[ServiceItem, list[Material], Applicant, "dt.datetime | None"], set[int]]
"""``source(item, materials, applicant, now)``: the ids of the materials this source provides for the
applicant now. The apps that hold the data register one at start-up (``exchange`` for ``sharing``,
``licenses`` for ``licence``), so that the one rule below lives here without importing them."""

_PROVISION_SOURCES: dict[str, ProvisionSource] = {}


def register_provision_source(provision: str, source: ProvisionSource) -> None:
    """Called from the owning app's ``AppConfig.ready``."""
    if provision not in (Provision.SHARING, Provision.LICENCE):
        raise ValueError(f"no provision {provision!r} to register a source for")
    _PROVISION_SOURCES[provision] = source


def _provided(provision: str, item: ServiceItem, materials: list[Material], applicant: Applicant,
              now: dt.datetime | None) -> set[int]:
    source = _PROVISION_SOURCES.get(provision)
    return source(item, materials, applicant, now) if source is not None else set()


def material_provisions(item: ServiceItem, applicant: Applicant | None, *,
                        now: dt.datetime | None = None) -> dict[int, str]:
    """``{material id: Provision}`` for every material of ``item``, for this applicant: the ONE
    rule that the item API (``obtained_by``), the guide page, the apply pages and intake use, so that
    a page never promises 免提交 that the submission will not keep.

    * No applicant (anonymous, or a staff account): ``upload`` for every material. Whether a material
      can be obtained by sharing depends on who applies (their kind of ID, the department's access
      to the resource that proves it), so nothing is promised to nobody in particular.
    * ``licence``: electronic-licence reuse (免证办): the source the ``licenses`` app registers.
    * ``sharing``: the source ``exchange`` registers (``exchange.selectors.obtainable_by_sharing``)
      — the policy grants the item's
      department the proof's fields for this kind of applicant now. The applicant's own record is
      read only at submission (for the case, logged); if it is missing or does not meet the proof's
      condition, the submission asks for the upload and keeps everything entered.
    * otherwise ``upload``.
    """
    materials = read_materials(item)
    if applicant is None:
        return {m.pk: Provision.UPLOAD for m in materials}
    licensed = _provided(Provision.LICENCE, item, materials, applicant, now)
    shared = shareable_materials(item, applicant, now=now)
    # 免提交 asks nothing of the applicant; a licence asks for their choice (consent): sharing first
    return {m.pk: Provision.SHARING if m.pk in shared else Provision.LICENCE if m.pk in licensed else Provision.UPLOAD
            for m in materials}


def shareable_materials(item: ServiceItem, applicant: Applicant, *, now: dt.datetime | None = None) -> set[int]:
    """The ids of the materials ``material_provisions`` answers ``sharing`` for (免提交). Sharing comes
    first there, so what the licence source says changes none of them: a submission, which needs only
    these, does not ask it (its read of the licence types, and a check of each licence the applicant
    holds)."""
    materials = read_materials(item)
    ids = {m.pk for m in materials}
    return ids & _provided(Provision.SHARING, item, materials, applicant, now)


def signed_in_applicant(user: Any) -> Applicant | None:
    """The applicant a signed-in user applies as (None: anonymous, or a staff account)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Applicant.objects.filter(user=user).first()


def material_provision(item: ServiceItem, material: Material, applicant: Applicant | None) -> str:
    """How ``applicant`` provides one material of ``item`` (see ``material_provisions``)."""
    return material_provisions(item, applicant).get(material.pk, Provision.UPLOAD)
