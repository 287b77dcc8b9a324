"""What a 一件事 package asks of the applicant, derived from its member items.

* **One form.** The member items' form fields, each asked once: a field of the same name, type and
  options in two members (联系电话, 经营场所地址 …) is one field of the combined form. Two members
  using one name for different questions keep both, the second renamed ``<name>__<n>`` (n = the
  member's position) so that each case still gets the answer to its own question.
* **One set of materials.** A material of the same name in two members (申请人居民身份证, 居民死亡医学
  证明 …) is asked once, accepting the formats every member accepts; required when any chosen member
  requires it. Materials the package itself produces (``produced_materials``) are not asked.

``member_form`` maps the combined answers back to the fields one member item needs; the split into
cases (``yiwang.cases.services.packages``) uses it, so one function says what each case receives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from yiwang.catalog.models import LifeEventPackage, Material, PackageMember, ServiceItem


@dataclass
class CombinedField:
    name: str  # the name in the combined form
    spec: dict[str, Any]  # the field dict shown (label, type, required, options …)
    sources: list[tuple[int, str]] = field(default_factory=list)  # (member item id, field name in that item)


@dataclass
class CombinedMaterial:
    key: int  # the id of the first member material of this name: what the applicant refers to
    name: str
    required: bool
    formats: list[str]
    description: str
    materials: list[Material] = field(default_factory=list)  # one per member item that asks for it

    @property
    def item_ids(self) -> list[int]:
        return [m.item_id for m in self.materials]


def active_packages() -> QuerySet[LifeEventPackage]:
    return LifeEventPackage.objects.filter(is_active=True).prefetch_related(
        Prefetch("members", queryset=PackageMember.objects.select_related("item__department").order_by("sort_order", "id")))


def package_guide(code: str) -> LifeEventPackage | None:
    """A package with its members, their departments and materials (for the guide and the split)."""
    return (
        LifeEventPackage.objects.filter(code=code, is_active=True)
        .prefetch_related(Prefetch("members", queryset=PackageMember.objects.select_related(
            "item__department", "item__process").prefetch_related("item__materials").order_by("sort_order", "id")))
        .first()
    )


def chosen_members(package: LifeEventPackage, optional_codes: list[str] | None = None) -> list[PackageMember]:
    """The required members and the optional ones chosen (all optional ones when ``None``)."""
    members = list(package.members.all())
    if optional_codes is None:
        return members
    wanted = set(optional_codes)
    return [m for m in members if not m.optional or m.item.code in wanted]


def _field_shape(spec: dict[str, Any]) -> tuple:
    return (spec.get("type"), tuple(spec.get("options") or ()))


def combined_form(members: list[PackageMember]) -> list[CombinedField]:
    fields: dict[str, CombinedField] = {}
    for position, member in enumerate(members, start=1):
        for spec in member.item.form_schema or []:
            name = spec["name"]
            existing = fields.get(name)
            if existing is not None and _field_shape(existing.spec) == _field_shape(spec):
                existing.sources.append((member.item_id, name))
                if spec.get("required") and not existing.spec.get("required"):
                    existing.spec = {**existing.spec, "required": True}
                continue
            combined_name = name if existing is None else f"{name}__{position}"
            shown = dict(spec)
            if existing is not None:
                shown["label"] = f"{spec.get('label', name)}（{member.item.name}）"
            shown["name"] = combined_name
            fields[combined_name] = CombinedField(name=combined_name, spec=shown, sources=[(member.item_id, name)])
    return list(fields.values())


def member_form(fields: list[CombinedField], item: ServiceItem, answers: dict[str, Any]) -> dict[str, Any]:
    """The part of the combined answers that ``item``'s own form asks for, under its own field names."""
    out: dict[str, Any] = {}
    for f in fields:
        for item_id, name in f.sources:
            if item_id == item.pk and f.name in answers:
                out[name] = answers[f.name]
    return out


def combined_materials(package: LifeEventPackage, members: list[PackageMember]) -> list[CombinedMaterial]:
    produced = set(package.produced_materials or [])
    merged: dict[str, CombinedMaterial | None] = {}
    for member in members:
        for material in member.item.materials.all():
            if material.name in produced:
                continue
            formats = material.allowed_formats()
            group = merged.get(material.name)
            if group is not None and group.formats and formats and not set(group.formats) & set(formats):
                group = None  # no file could satisfy both: asked separately, under the member's name
            if group is None:
                merged.setdefault(material.name, None)
                key = material.name if merged[material.name] is None else f"{material.name}#{material.pk}"
                merged[key] = CombinedMaterial(
                    key=material.pk, name=material.name, required=material.required, formats=formats,
                    description=material.description, materials=[material])
                continue
            common = [f for f in group.formats if f in formats] if group.formats and formats else group.formats or formats
            group.formats = common
            group.required = group.required or material.required
            group.materials.append(material)
    return [g for g in merged.values() if g is not None]


def produced_material_ids(package: LifeEventPackage, members: list[PackageMember]) -> set[int]:
    produced = set(package.produced_materials or [])
    return {m.pk for member in members for m in member.item.materials.all() if m.name in produced}


def promised_days(members: list[PackageMember]) -> int:
    """The member cases run in parallel: the package is done when its slowest member is."""
    return max((m.item.promised_days for m in members), default=0)


def applicant_kinds(members: list[PackageMember]) -> list[str]:
    """The applicant kinds every required member accepts."""
    return [k for k in ("person", "org") if all(m.item.accepts(k) for m in members if not m.optional)]
