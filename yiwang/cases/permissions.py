"""Who may see what of a case: the one home of the need-to-know rule and of the masking it implies.

The rule (``may_see_personal_data``): the applicant, window clerks and approvers of a department
that handles the case see the applicant's personal data in full; everyone else who may open the
case (supervisors, staff of other departments) sees it masked. The same rule governs every form
of personal data on a case: the applicant's fields, identifying form values, the facts fetched by
data sharing (免提交) and the uploaded files (ID-card scans and the like). Pages and the API call
the functions here; none of them masks on its own. ``may_complete`` says who acts on an approval step.
"""

from __future__ import annotations

from typing import Any

from yiwang.cases.models import Case, CaseMaterial, CaseStep
from yiwang.cases.selectors import is_clerk, is_own_case
from yiwang.core.ids import mask_address, mask_id_number, mask_name, mask_phone
from yiwang.core.models import APPROVER_ROLES, Applicant, ApplicantKind, Role
from yiwang.core.selectors import staff_roles_of
from yiwang.core.users import User

HIDDEN = "***"


def may_complete(actor: User, step: CaseStep) -> bool:
    """Who may act on an approval step: staff of the step's department whose role fits it (the
    step's role, or any approver role if it names none); heads may act on any step."""
    for r in staff_roles_of(actor):
        if r.department_id != step.department_id:
            continue
        if r.role == Role.HEAD or (step.role and r.role == step.role) or (not step.role and r.role in APPROVER_ROLES):
            return True
    return False


def may_see_personal_data(user: User, case: Case) -> bool:
    """The applicant, window clerks and staff of a department that handles the case (an approver
    role there) see personal data in full; everyone else (supervisors, other departments, data
    stewards) sees it masked."""
    if not user.is_authenticated:
        return False
    if is_own_case(user, case) or is_clerk(user):
        return True
    departments = {r.department_id for r in staff_roles_of(user) if r.role in APPROVER_ROLES}
    if not departments:
        return False
    return case.department_id in departments or case.steps.filter(department_id__in=departments).exists()


def may_open_material(user: User, material: CaseMaterial) -> bool:
    """A material's file is personal data: only who sees the case's personal data in full opens it;
    a material not yet attached to a case only by who uploaded it."""
    if material.case is None:
        return user.is_authenticated and material.uploaded_by_id == user.pk
    return may_see_personal_data(user, material.case)


def applicant_view(applicant: Applicant, full: bool) -> dict[str, Any]:
    """The applicant's fields for a viewer: in full, or masked (an organisation's name is public)."""
    person = applicant.kind == ApplicantKind.PERSON
    return {
        "kind": applicant.kind,
        "kind_label": applicant.get_kind_display(),
        "name": applicant.name if full or not person else mask_name(applicant.name),
        "id_number": applicant.id_number if full else mask_id_number(applicant.id_number),
        "phone": applicant.phone if full else mask_phone(applicant.phone),
        "address": applicant.address if full else mask_address(applicant.address),
        "masked": not full,
    }


def form_value_for_viewer(field: dict[str, Any], value: Any, full: bool) -> Any:
    """Form values that identify a person (phones, ID numbers) are masked for staff who do not
    handle the case."""
    if full or value in (None, ""):
        return value
    name = field.get("name", "")
    if field.get("type") == "tel" or "phone" in name or "mobile" in name:
        return mask_phone(str(value))
    if "id_number" in name or "id_card" in name:
        return mask_id_number(str(value))
    return value


def masked_form(case: Case, full: bool) -> dict[str, Any]:
    fields = {f["name"]: f for f in case.item.form_schema or []}
    return {k: form_value_for_viewer(fields.get(k, {"name": k}), v, full) for k, v in case.form_data.items()}


def shared_facts_view(shared_facts: dict[str, Any] | None, full: bool) -> dict[str, Any] | None:
    """Facts fetched for 免提交 are the applicant's personal data from another department: shown in
    full only under the same rule; others see the provenance (who provided what, when) and the
    fields' labels, every value hidden."""
    if shared_facts is None or full:
        return shared_facts
    return {**shared_facts, "facts": {k: (v if v in (None, "") else HIDDEN) for k, v in (shared_facts.get("facts") or {}).items()},
            "masked": True}
