"""What data sharing asks of cases: whether a case justifies a staff member's lookup of a person.

Registered with ``yiwang.exchange.policy`` at start-up (``CasesConfig.ready``), so that the policy
stays the one place that decides, without data sharing importing cases.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from yiwang.cases.models import Case
from yiwang.cases.permissions import may_see_personal_data
from yiwang.core.errors import Forbidden, InvalidInput
from yiwang.core.ids import citizen_id_problem, normalize_id
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.models import KeyKind
from yiwang.exchange.policy import Consumer, Reference
from yiwang.exchange.rows import key_index


def check_case_reference(consumer: Consumer, ref: Reference, subject_index: str) -> None:
    """The looker's department handles the case, the looker may see its personal data, and the person
    looked up is its applicant or named in its form."""
    case = Case.objects.select_related("applicant").filter(number=ref.number.strip()).first()
    if case is None:
        raise InvalidInput(Code.REFERENCE_NOT_FOUND, _("办件 %(number)s 不存在。") % {"number": ref.number[:40]},
                           {"kind": ref.kind, "number": ref.number[:40]})
    user, dept = consumer.user, consumer.department
    related = case.department_id == dept.pk or case.steps.filter(department_id=dept.pk).exists()
    if user is None or not related or not may_see_personal_data(user, case):
        raise Forbidden(Code.NOT_HANDLING_CASE, _("您（%(dept)s）不承办办件 %(number)s，不能以其名义查询。")
                        % {"dept": dept.name, "number": case.number}, {"number": case.number})
    people = {case.applicant.id_number, *(str(v) for v in (case.form_data or {}).values() if isinstance(v, str))}
    indexes = {key_index(KeyKind.CITIZEN_ID, normalize_id(p)) for p in people
               if p and citizen_id_problem(normalize_id(p)) is None}
    if subject_index not in indexes:
        raise Forbidden(Code.SUBJECT_NOT_IN_CASE, _("办件 %(number)s 的申请人和申请表中没有所查询的人。")
                        % {"number": case.number}, {"number": case.number})
