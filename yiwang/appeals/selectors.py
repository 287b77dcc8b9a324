"""Reads: the SLA light, the dispatcher's queue, lists and details, the corrections the classifier reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yiwang.appeals import permissions
from yiwang.appeals.errors import AppealErrorCode as Code
from yiwang.appeals.models import Appeal, AppealCorrection, AppealReport, AppealStatus
from yiwang.core.errors import Forbidden, NotFound
from yiwang.core.models import AuditEvent
from yiwang.core.users import User

GREEN, YELLOW, RED, DONE = "green", "yellow", "red", "done"
LIGHTS = (GREEN, YELLOW, RED)


# The SLA light of an appeal, in its one home: red from ``due_at``, yellow from ``warn_at`` (the
# last fifth of the time, or the working-day warning of core's calendar), green before; done once
# closed or merged. ``sla_light`` for an appeal in hand, ``sla_light_q`` as a filter.
def sla_light(*, status: str, due_at: dt.datetime, warn_at: dt.datetime, now: dt.datetime) -> str:
    if status not in AppealStatus.open_states():
        return DONE
    if due_at <= now:
        return RED
    if warn_at <= now:
        return YELLOW
    return GREEN


def sla_light_q(light: str, *, now: dt.datetime) -> Q:
    open_q = Q(status__in=AppealStatus.open_states())
    if light == RED:
        return open_q & Q(due_at__lte=now)
    if light == YELLOW:
        return open_q & Q(warn_at__lte=now, due_at__gt=now)
    if light == GREEN:
        return open_q & Q(warn_at__gt=now)
    raise ValueError(f"unknown SLA light {light!r}")


def visible_appeals(user: User) -> QuerySet[Appeal]:
    """The appeals a staff member may list: all for intake staff and supervisors, else those their
    departments lead or co-handle."""
    base = Appeal.objects.select_related("lead_department")
    if permissions.sees_all(user):
        return base
    mine = permissions.department_ids(user)
    if not mine:
        return base.none()
    return base.filter(Q(lead_department__in=mine) | Q(assignments__department__in=mine)).distinct()


def filter_appeals(query: QuerySet[Appeal], *, channel: str = "", status: str = "", category: str = "",
                   department: str = "", light: str = "", now: dt.datetime | None = None) -> QuerySet[Appeal]:
    if channel:
        query = query.filter(channel=channel)
    if status:
        query = query.filter(status=status)
    if category:
        query = query.filter(category=category)
    if department:
        query = query.filter(lead_department__code=department)
    if light in LIGHTS and now is not None:
        query = query.filter(sla_light_q(light, now=now))
    return query


def triage_queue() -> QuerySet[Appeal]:
    """The dispatcher's queue: waiting appeals, the most urgent and oldest first."""
    return (Appeal.objects.filter(status=AppealStatus.TRIAGE)
            .order_by("due_at", "received_at"))


def appeal_for(user: User, number: str) -> Appeal:
    appeal = (Appeal.objects.select_related("lead_department", "first_contact_department", "merged_into")
              .filter(number=str(number or "")[:20]).first())
    if appeal is None:
        raise NotFound(Code.APPEAL_NOT_FOUND, _("工单 %(number)s 不存在。") % {"number": str(number)[:20]})
    if not permissions.may_view(user, appeal):
        raise Forbidden(Code.NOT_YOUR_APPEAL, _("您无权查看该工单。"))
    return appeal


def timeline(appeal: Appeal) -> list[AuditEvent]:
    numbers = [appeal.number]
    return list(AuditEvent.objects.filter(subject_type="appeal", subject_id__in=numbers)
                .select_related("actor").order_by("created_at", "id"))


def report_by_token(token: str) -> AppealReport | None:
    token = str(token or "")[:32]
    if not token:
        return None
    return (AppealReport.objects.select_related("appeal", "appeal__lead_department", "appeal__merged_into")
            .filter(token=token).first())


def classifier_corrections(*, since: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Dispatchers' corrections for the classifier's next training: (title, body, suggested, chosen
    category and department, model version). The selector the classifier can read; each one whose
    category intelligence knew is also a ``LabelledExample`` (``labelled_example_id``)."""
    rows = AppealCorrection.objects.select_related("appeal").order_by("created_at", "id")
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return [{"title": c.appeal.title, "body": c.appeal.body, "suggested_category": c.suggested_category,
             "category": c.category, "suggested_department": c.suggested_department, "department": c.department,
             "model_version": c.model_version, "labelled_example_id": c.labelled_example_id,
             "created_at": c.created_at} for c in rows]
