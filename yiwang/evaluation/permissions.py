"""Who may rate what, and who sees and handles ratings: the one home of these rules.

- A case is rated by the person it was for: its applicant's account (verified to real-name L2, the
  same rule as 我的办件), the applicant's agent (代理人), or whoever submitted it online. The clerk
  who typed a window application in is its ``submitted_by`` but never its rater.
- An appeal is rated by a reporter of it (any report merged into it, with an account).
- A window visit is rated by whoever holds its signed token (the tablet in front of the person,
  or the QR code on their receipt); nobody signs in.
- Ratings are anonymous to the rated: no page or API shows who rated. The staff member served
  is shown only to supervisors (电子监察) and to the heads of the rated department, never to the
  clerks themselves.
- The rated department's heads and staff reply to its rectifications and ask for 申诉复核;
  supervisors record the 回访, decide 申诉复核 and may close rectifications.
"""

from __future__ import annotations

from yiwang.appeals.models import Appeal, AppealReport
from yiwang.cases.models import Case, Channel
from yiwang.cases.selectors import sees_cases_made_for_them
from yiwang.core.models import Role
from yiwang.core.selectors import departments_where, is_supervisor
from yiwang.core.users import User


def may_rate_case(user: User, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if case.applicant.user_id == user.pk and sees_cases_made_for_them(user):
        return True
    if case.agent is not None and case.agent.user_id == user.pk:
        return True
    return case.channel == Channel.ONLINE and case.submitted_by_id == user.pk


def may_rate_appeal(user: User, appeal: Appeal) -> bool:
    if not user.is_authenticated:
        return False
    return AppealReport.objects.filter(appeal=appeal, reporter_user=user).exists()


def rated_departments(user: User) -> list[int]:
    """Departments whose ratings the user works on (any staff role there)."""
    return departments_where(user)


def may_handle_department(user: User, department_id: int) -> bool:
    return department_id in rated_departments(user)


def may_see_staff(user: User, department_id: int | None = None) -> bool:
    """Who sees which staff member a rating is about: supervisors, and heads of that department."""
    if is_supervisor(user):
        return True
    heads = departments_where(user, Role.HEAD)
    return bool(heads) if department_id is None else department_id in heads


def may_supervise(user: User) -> bool:
    return is_supervisor(user)


def may_see_evaluation_pages(user: User) -> bool:
    return is_supervisor(user) or bool(rated_departments(user))
