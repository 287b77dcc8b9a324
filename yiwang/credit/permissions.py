"""Who may read and write credit data (one home: services, selectors, views and the API call these)."""

from __future__ import annotations

from yiwang.core.ids import normalize_id
from yiwang.core.models import ApplicantKind, Department, applicant_id_index
from yiwang.core.selectors import departments_where
from yiwang.core.users import User
from yiwang.credit.models import CreditSubject


def is_credit_staff(user: User) -> bool:
    """Credit staff read any subject's credit: superusers and holders of ``credit.view_creditsubject``."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm("credit.view_creditsubject")))


def may_enter_records(user: User, department: Department) -> bool:
    """A record is entered by hand by a credit staff member of its source department (or a superuser)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_perm("credit.add_creditrecord") and department.pk in departments_where(user)


def is_the_subject(user: User, subject: CreditSubject) -> bool:
    """The signed-in applicant is this subject (same kind and the same blind index of the number)."""
    applicant = getattr(user, "applicant", None) if user.is_authenticated else None
    if applicant is None:
        return False
    kind = "org" if applicant.kind == ApplicantKind.ORGANISATION else "person"
    return kind == subject.kind and applicant.id_index == subject.id_index


def may_view_subject(user: User, subject: CreditSubject) -> bool:
    return is_credit_staff(user) or is_the_subject(user, subject)


def may_see_id_number(user: User, subject: CreditSubject) -> bool:
    """A person's ID number is shown in clear only inside the department that recorded the person."""
    if subject.kind != "person":
        return True
    return bool(user.is_authenticated and subject.department_id
                and subject.department_id in departments_where(user))


def may_decide_repair(user: User, department: Department) -> bool:
    """The source department decides a repair (信用修复): its staff with the change permission."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_perm("credit.change_repairrequest") and department.pk in departments_where(user)


def code_is_own(user: User, code: str) -> bool:
    """``code`` (credit code, ID number or a person's public code) names the signed-in applicant."""
    applicant = getattr(user, "applicant", None) if user.is_authenticated else None
    if applicant is None:
        return False
    value = normalize_id(code or "")
    if value.startswith("P") and len(value) == 17:
        return applicant.kind == ApplicantKind.PERSON and applicant.id_index[:16] == value[1:].lower()
    return applicant_id_index(applicant.kind, value) == applicant.id_index
