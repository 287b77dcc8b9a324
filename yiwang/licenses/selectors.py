"""Reads of the licence library: the holder's wallet, a licence for a viewer, the department
registry, and what 免证办 needs (``held_licence_for``, ``licence_type_for_material``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yiwang.core.errors import NotFound
from yiwang.core.models import Applicant
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.selectors import staff_roles_of
from yiwang.core.users import User
from yiwang.licenses.errors import LicenceErrorCode
from yiwang.licenses.identifiers import clean_number
from yiwang.licenses.models import (
    DepartmentSeal,
    Licence,
    LicenceStatus,
    LicenceType,
    LicenceUse,
    LicenceVerification,
    ShareLink,
)

RELATED = ("licence_type", "department", "seal", "holder")


def applicant_of(user: User) -> Applicant | None:
    return getattr(user, "applicant", None) if user.is_authenticated else None


def licences_of(applicant: Applicant | None) -> QuerySet[Licence]:
    if applicant is None:
        return Licence.objects.none()
    return Licence.objects.filter(holder=applicant).select_related(*RELATED).order_by("status", "-issued_at", "-id")


def licence_for_viewer(user: User, number: str) -> Licence:
    """The holder, or staff of the issuing department; anyone else is told it does not exist."""
    licence = Licence.objects.select_related(*RELATED).filter(number=clean_number(number)).first()
    if licence is not None:
        applicant = applicant_of(user)
        if applicant is not None and licence.holder_id == applicant.pk:
            return licence
        if any(r.department_id == licence.department_id for r in staff_roles_of(user)):
            return licence
    raise NotFound(LicenceErrorCode.LICENCE_NOT_FOUND, _("证照不存在。"))


# Every submission reads this (catalog.selectors.material_provisions): compiled once per connection
# (core/precompiled.py).
_STANDING_TYPES = PrecompiledQuery(lambda: LicenceType.objects.filter(is_active=True).exclude(material_names=""))


def _standing_types() -> list[LicenceType]:
    return _STANDING_TYPES.fetch()


def licence_type_for_material(material: Any, types: list[LicenceType] | None = None) -> LicenceType | None:
    """The licence type that stands for a material (by the material's name), if any. ``types``: the
    active types that stand for materials, when the caller matches several materials (one read)."""
    name = (getattr(material, "name", "") or "").strip()
    if not name:
        return None
    for licence_type in _standing_types() if types is None else types:
        if name in licence_type.material_name_list():
            return licence_type
    return None


def held_licence_for(applicant: Applicant | None, licence_type: LicenceType | None) -> Licence | None:
    """The applicant's current licence of that type, if any is active and within its validity today
    (for the integrator's ``obtained_by`` selector: ``"licence"`` when this returns one)."""
    from yiwang.licenses.verification import VALID, check_licence

    if applicant is None or licence_type is None:
        return None
    for licence in licences_of(applicant).filter(licence_type=licence_type, status=LicenceStatus.ACTIVE):
        if check_licence(licence).status == VALID:
            return licence
    return None


def offerable_for_materials(applicant: Applicant | None, materials: list[Any]) -> dict[int, Licence]:
    """Material id → the applicant's valid licence that can replace it (the apply page offers these)."""
    out: dict[int, Licence] = {}
    if applicant is None or not materials:
        return out
    types = _standing_types()  # once for all the materials, not once per material
    for material in materials:
        licence = held_licence_for(applicant, licence_type_for_material(material, types))
        if licence is not None:
            out[material.pk] = licence
    return out


def licences_for_case(case_number: str) -> list[Licence]:
    if not case_number:
        return []
    return list(Licence.objects.filter(case_number=case_number).select_related("licence_type", "department"))


def uses_for_case(case_number: str) -> list[LicenceUse]:
    return list(LicenceUse.objects.filter(case_number=case_number).select_related("licence__licence_type", "material"))


def shares_of(licence: Licence) -> list[ShareLink]:
    return list(licence.share_links.all())


def verifications_of(licence: Licence, limit: int = 50) -> list[LicenceVerification]:
    return list(licence.verifications.select_related("share")[:limit])


def registry_departments(user: User) -> list[int]:
    return sorted({r.department_id for r in staff_roles_of(user)})


def registry(user: User, *, q: str = "", type_code: str = "", status: str = "") -> QuerySet[Licence]:
    """Licences issued by the user's departments, searched by number, identifier, holder or type."""
    departments = registry_departments(user)
    qs = Licence.objects.filter(department_id__in=departments).select_related(*RELATED)
    q = (q or "").replace("\x00", "").strip()[:100]
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(identifier__icontains=q) | Q(holder_name__icontains=q)
                       | Q(licence_type__name__icontains=q))
    if type_code:
        qs = qs.filter(licence_type__code=type_code.replace("\x00", "")[:21])
    if status in LicenceStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-issued_at", "-id")


def current_seal_or_none(department: Any) -> DepartmentSeal | None:
    """The department's current electronic seal, or None when it has none (yet)."""
    seal = DepartmentSeal.objects.filter(department=department, is_current=True).first()
    _seals_read[department.pk] = seal
    return seal


# The seal each department had when this process last read it (``current_seal_or_none``). A seal row is
# never changed but for ``is_current`` (a rotation makes a new row; the admin is read-only), so what
# may be stale here is only *which* row is current: a writer that signs with a remembered seal puts
# ``seal_unchanged(department, seal)`` into its own insert (``core.statements.insert_if``), and reads
# again when it fails. No time-based expiry: a rotated or withdrawn seal is refused by the first
# write after it, in every process.
_seals_read: dict[int, DepartmentSeal | None] = {}


def remember_current_seals() -> None:
    """Every department's current seal read into this process's memory (``remembered_seal``), as
    ``current_seal_or_none`` would read each: a web worker's warm-up (``core.warmup``), so that its
    first decision letter does not read it. Departments with no seal are read on first use."""
    for seal in DepartmentSeal.objects.filter(is_current=True).order_by("-pk")[:1000]:
        _seals_read[seal.department_id] = seal  # the lowest key last, as ``.first()`` chooses


def remembered_seal(department: Any) -> DepartmentSeal | None:
    """The department's current seal as this process last read it (read now if never): only for a
    write that checks ``seal_unchanged`` in its own statement."""
    if department.pk in _seals_read:
        return _seals_read[department.pk]
    return current_seal_or_none(department)


def seal_unchanged(department: Any, seal: DepartmentSeal | None) -> tuple[QuerySet[DepartmentSeal] | None,
                                                                         QuerySet[DepartmentSeal] | None]:
    """The condition that ``seal`` (None: no seal) is still the department's current seal, as
    ``insert_if``'s ``(present, absent)``: the row by id, key and seal code, still current (an id
    alone could be another database's row, as after a test's rollback), or no current row at all."""
    if seal is None:
        return None, DepartmentSeal.objects.filter(department=department, is_current=True)
    return DepartmentSeal.objects.filter(pk=seal.pk, department=department, key_id=seal.key_id, es_id=seal.es_id,
                                         is_current=True), None
