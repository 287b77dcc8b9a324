"""What a request asks to see (period, department, item) and whether the reader may: the one home
of the checks the API, the pages and the exports share. Everything a person can get wrong here is
a 4xx with a message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.catalog.models import ServiceItem
from yiwang.core.calendar import local_date
from yiwang.core.errors import Forbidden, InvalidInput, NotFound
from yiwang.core.models import Department
from yiwang.core.users import User
from yiwang.insights.errors import InsightsErrorCode as Code
from yiwang.insights.kpis import BY_CODE
from yiwang.insights.selectors import PERIODS, period_bounds, visible_departments

MAX_DAYS = 3 * 366 + 1


@dataclass(frozen=True)
class Scope:
    start: dt.date
    end: dt.date
    department: Department | None
    item: ServiceItem | None
    departments: list[Department]  # the departments the reader may pick (all for a supervisor)
    all_departments: bool  # the reader may see the county-wide figures


def require_reader(user: User) -> list[Department] | None:
    visible = visible_departments(user)
    if visible == []:
        raise Forbidden(Code.NOT_ALLOWED, _("只有电子监察人员和部门负责人可以查看试点指标。"))
    return visible


def resolve(user: User, *, start: dt.date | None = None, end: dt.date | None = None, period: str = "",
            department: str = "", item: str = "", today: dt.date | None = None) -> Scope:
    visible = require_reader(user)
    today = today or local_date(timezone.now())
    if period:
        if period not in PERIODS:
            raise InvalidInput(Code.PERIOD_INVALID, _("统计周期只能是周、月或季度。"), {"period": period[:20]})
        start, end = period_bounds(period, today)
    if start is None and end is None:
        start, end = period_bounds("month", today)
    elif start is None or end is None:
        raise InvalidInput(Code.PERIOD_INVALID, _("请同时填写起止日期。"))
    if start > end:
        raise InvalidInput(Code.PERIOD_INVALID, _("开始日期不能晚于结束日期。"),
                           {"from": start.isoformat(), "to": end.isoformat()})
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(Code.PERIOD_TOO_LONG, _("统计区间最长三年。"), {"days": (end - start).days + 1})
    choices = list(Department.objects.all()) if visible is None else visible
    dept = None
    if department:
        dept = Department.objects.filter(code=department[:32]).first()
        if dept is None:
            raise NotFound(Code.DEPARTMENT_NOT_FOUND, _("部门 %(code)s 不存在。") % {"code": department[:32]},
                           {"department": department[:32]})
        if visible is not None and dept not in visible:
            raise Forbidden(Code.DEPARTMENT_NOT_YOURS, _("您只能查看本部门的指标。"), {"department": dept.code})
    elif visible is not None:
        # a department head without a choice sees their (first) department, never the county
        dept = visible[0]
    svc = None
    if item:
        svc = ServiceItem.objects.filter(code=item[:40]).first()
        if svc is None:
            raise NotFound(Code.ITEM_NOT_FOUND, _("事项 %(code)s 不存在。") % {"code": item[:40]}, {"item": item[:40]})
        if visible is not None and svc.department_id not in {d.pk for d in visible}:
            raise Forbidden(Code.DEPARTMENT_NOT_YOURS, _("您只能查看本部门的指标。"), {"item": svc.code})
    return Scope(start=start, end=end, department=dept, item=svc, departments=choices, all_departments=visible is None)


def kpi_definition(code: str):
    d = BY_CODE.get(code)
    if d is None:
        raise NotFound(Code.KPI_NOT_FOUND, _("指标 %(code)s 不存在。") % {"code": code[:40]}, {"code": code[:40]})
    return d
