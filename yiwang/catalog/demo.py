"""Demo data owned by ``catalog``: the stock processes, published per department, and the county's
service items (``demo_items.ITEMS``) with their materials and application forms.

``seed_catalog`` needs the departments of ``yiwang.core.demo.seed_core``. It is idempotent: items
are keyed by code, materials by item and name, processes by key and file digest; a second run
creates nothing and changes nothing that is already right.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from yiwang.catalog.demo_items import COMMON_FIELDS, COMMON_MATERIALS, ITEMS, PACKAGES
from yiwang.catalog.form_schema import CONDITION_KEYS, FIELD_TYPES, validate_form_schema
from yiwang.catalog.models import (
    LifeEventPackage,
    Material,
    MaterialForm,
    PackageMember,
    ProcessDefinition,
    ProcessVersion,
    ServiceItem,
)
from yiwang.catalog.processes import SHAPES, definition_key
from yiwang.catalog.services import publish_process_version, publish_stock_process  # noqa: F401 (re-exported)
from yiwang.core.models import Department
from yiwang.core.services import record_audit
from yiwang.core.users import User

_FORMS = {"O": MaterialForm.ORIGINAL, "C": MaterialForm.COPY, "E": MaterialForm.ELECTRONIC}
_DELIVERY = {"w": "window", "p": "post", "e": "electronic"}


def parse_process_ref(process: str, dept: str) -> tuple[str, dict[str, str]]:
    """``"handoff:ZRZY"`` of an SCJG item → (``"handoff"``, {dept: SCJG, partner: ZRZY})."""
    shape, _sep, rest = process.partition(":")
    others = [c for c in rest.split(",") if c]
    params = SHAPES[shape].params
    if not params:
        return shape, {}
    codes = dict(zip(params, [dept, *others], strict=True))
    return shape, codes


def parse_material(spec: str, order: int) -> dict[str, Any]:
    """``"?O:授权委托书|pdf,jpg|委托时提供"`` → the fields of a ``Material``."""
    if spec.startswith("$"):
        spec = COMMON_MATERIALS[spec[1:]]
    required = not spec.startswith("?")
    form_letter, _colon, rest = spec.lstrip("?").partition(":")
    parts = rest.split("|")
    return {
        "name": parts[0],
        "required": required,
        "form": _FORMS[form_letter],
        "formats": parts[1] if len(parts) > 1 and parts[1] else "pdf,jpg,png",
        "description": parts[2] if len(parts) > 2 else "",
        "copies": 1,
        "sort_order": order,
    }


def parse_field(spec: str | dict[str, Any]) -> dict[str, Any]:
    """``"?kind:类型:select:甲/乙"`` → ``{"name", "label", "type", "required", "options"}``; a dict
    ``{"spec": …, "required_when": …, "shown_when": …}`` adds the field's conditions."""
    if isinstance(spec, dict):
        return {**parse_field(spec["spec"]), **{k: spec[k] for k in CONDITION_KEYS if k in spec}}
    if spec.startswith("$"):
        spec = COMMON_FIELDS[spec[1:]]
    required = not spec.startswith("?")
    name, label, field_type, *options = spec.lstrip("?").split(":")
    if field_type not in FIELD_TYPES:
        raise ValueError(f"unknown field type {field_type!r} in {spec!r}")
    field: dict[str, Any] = {"name": name, "label": label, "type": field_type, "required": required}
    if field_type == "select":
        field["options"] = options[0].split("/")
    return field


def item_values(row: dict[str, Any]) -> dict[str, Any]:
    """The ``ServiceItem`` fields of one ``ITEMS`` row (department and process left out)."""
    return {
        "name": row["name"],
        "item_type": row["item_type"],
        "applicant_scope": row["applicant_scope"],
        "legal_days": row["legal_days"],
        "promised_days": row["promised_days"],
        "fee_description": row["fee_description"],
        "online_depth": row["online_depth"],
        "location": row["location"],
        "office_hours": row["office_hours"],
        "conditions": row["conditions"],
        "legal_basis": row["legal_basis"],
        "keywords": row["keywords"],
        "form_schema": validate_form_schema([parse_field(f) for f in row["form"]]),
        "delivery_methods": [_DELIVERY[c] for c in row["delivery"]],
        "is_active": True,
    }


def _sync(obj: Any, values: dict[str, Any]) -> bool:
    changed = [f for f, v in values.items() if getattr(obj, f) != v]
    for f in changed:
        setattr(obj, f, values[f])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def seed_catalog(*, actor: User | None = None) -> dict[str, Any]:
    """Publish the stock processes the demo items use and create or update the items.

    Returns counts and the process keys in use, e.g. for the ``seed_demo`` command's summary.
    """
    departments = {d.code: d for d in Department.objects.all()}
    names = {code: d.name for code, d in departments.items()}
    missing = sorted({c for row in ITEMS for c in [row["department"], *_partners(row)]} - set(departments))
    if missing:
        raise RuntimeError(f"seed_catalog needs the departments of seed_core first; missing: {', '.join(missing)}")
    counts = dict.fromkeys(("items_created", "items_updated", "materials_created", "materials_updated",
                            "packages_created", "packages_updated"), 0)
    processes: dict[str, ProcessDefinition] = {}
    versions_before = _version_count()
    with transaction.atomic():
        for row in ITEMS:
            shape, codes = parse_process_ref(row["process"], row["department"])
            key = definition_key(shape, **codes)
            if key not in processes:
                processes[key] = publish_stock_process(actor=actor, shape=shape, codes=codes, names=names).definition
            values = item_values(row)
            values["department"] = departments[row["department"]]
            values["process"] = processes[key]
            item = ServiceItem.objects.filter(code=row["code"]).first()
            if item is None:
                item = ServiceItem.objects.create(code=row["code"], **values)
                record_audit(actor=actor, event_type="service_item_created", subject_type="service_item",
                             subject_id=item.code, details={"name": item.name, "source": "demo"})
                counts["items_created"] += 1
            elif _sync(item, values):
                counts["items_updated"] += 1
            _seed_materials(item, row["materials"], counts)
        counts["process_versions_published"] = _version_count() - versions_before
        _seed_packages(actor, counts)
        if any(counts.values()):
            record_audit(actor=actor, event_type="demo_catalog_seeded", subject_type="demo", subject_id="catalog",
                         details=dict(counts))
    shapes = sorted({parse_process_ref(row["process"], row["department"])[0] for row in ITEMS})
    return {
        "items": len(ITEMS),
        "departments_with_items": len({row["department"] for row in ITEMS}),
        "processes": sorted(processes),
        "shapes": shapes,
        "packages": len(PACKAGES),
        "counts": counts,
    }


def _partners(row: dict[str, Any]) -> list[str]:
    _shape, _sep, rest = row["process"].partition(":")
    return [c for c in rest.split(",") if c]


def _version_count() -> int:
    return ProcessVersion.objects.count()


# Materials renamed in the demo catalogue: (item, old name) -> new name. A database seeded before
# the rename keeps its row (cases refer to it) under the new name instead of gaining a second one.
MATERIAL_RENAMES = {
    # the same certificate as the other members of 身故一件事 ask for: the package asks for it once
    ("基本殡葬服务费用减免", "死亡证明"): "居民死亡医学证明（推断）书",
}


def _seed_materials(item: ServiceItem, specs: list[str], counts: dict[str, int]) -> None:
    existing = {m.name: m for m in item.materials.all()}
    for (item_name, old), new in MATERIAL_RENAMES.items():
        if item.name == item_name and old in existing and new not in existing:
            existing[new] = existing.pop(old)
    for order, spec in enumerate(specs, start=1):
        values = parse_material(spec, order)
        material = existing.get(values["name"])
        if material is None:
            Material.objects.create(item=item, **values)
            counts["materials_created"] += 1
        elif _sync(material, values):
            counts["materials_updated"] += 1


def _seed_packages(actor: User | None, counts: dict[str, int]) -> None:
    """The 一件事 packages, keyed by code; members by item name (every name must be an item)."""
    by_name = {i.name: i for i in ServiceItem.objects.filter(name__in={m[0] for p in PACKAGES for m in p["members"]})}
    for order, row in enumerate(PACKAGES, start=1):
        unknown = [m[0] for m in row["members"] if m[0] not in by_name]
        if unknown:
            raise RuntimeError(f"package {row['code']} names items that do not exist: {', '.join(unknown)}")
        values = {"name": row["name"], "summary": row["summary"], "guide": row["guide"], "keywords": row["keywords"],
                  "produced_materials": row["produced"], "sort_order": order * 10, "is_active": True}
        package = LifeEventPackage.objects.filter(code=row["code"]).first()
        if package is None:
            package = LifeEventPackage.objects.create(code=row["code"], **values)
            record_audit(actor=actor, event_type="life_event_package_created", subject_type="life_event_package",
                         subject_id=package.code, details={"name": package.name, "source": "demo"})
            counts["packages_created"] += 1
        elif _sync(package, values):
            counts["packages_updated"] += 1
        existing = {m.item_id: m for m in package.members.all()}
        wanted = set()
        for position, (name, optional, note) in enumerate(row["members"], start=1):
            item = by_name[name]
            wanted.add(item.pk)
            member_values = {"optional": optional, "note": note, "sort_order": position}
            member = existing.get(item.pk)
            if member is None:
                PackageMember.objects.create(package=package, item=item, **member_values)
            elif _sync(member, member_values):
                counts["packages_updated"] += 1
        stale = [pk for pk in existing if pk not in wanted]
        if stale:
            package.members.filter(item_id__in=stale).delete()
            counts["packages_updated"] += 1
