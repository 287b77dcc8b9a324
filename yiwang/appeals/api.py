"""Staff read appeals: ``GET /appeals`` (filters channel, status, category, department) and
``GET /appeals/{number}``. Writes go through the pages (and Open311 for partner systems).

No ``from __future__ import annotations`` here: django-ninja resolves ``Query[...]`` at import."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from yiwang.appeals import board as board_reads
from yiwang.appeals import permissions, selectors
from yiwang.appeals.errors import AppealErrorCode
from yiwang.appeals.models import Appeal
from yiwang.core.errors import Forbidden
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.ids import mask_name
from yiwang.core.pagination import CountNextPagination, offset_field
from yiwang.core.replica import read_from_replica
from yiwang.core.schemas import ERRORS
from yiwang.core.selectors import is_staff_member

router = Router(tags=["appeals"])

ChannelName = Literal["portal", "hotline", "grid", "open311", "sensor"]
StatusName = Literal["triage", "handling", "closed", "merged"]


class AppealFilterQuery(Schema):
    channel: ChannelName | None = Field(None, description="portal, hotline, grid, open311, sensor")
    status: StatusName | None = Field(None, description="triage (待派单), handling, closed, merged")
    category: str | None = Field(None, max_length=64)
    department: str | None = Field(None, max_length=32, description="Lead department code")


class AppealPageQuery(Schema):
    limit: int = Field(50, ge=1, le=200, description="Appeals per page")
    offset: int = offset_field()


class AppealSummaryOut(Schema):
    number: str
    title: str
    appeal_type: str
    urgency: str
    channel: str
    status: str
    category: str
    lead_department: str | None
    received_at: dt.datetime
    due_at: dt.datetime
    sla: str = Field(description="green, yellow, red; done when closed or merged")


class AssignmentOut(Schema):
    department: str
    department_name: str
    role: str
    active: bool
    assigned_at: dt.datetime
    returned_at: dt.datetime | None
    return_reason: str


class AlternativeOutAppeal(Schema):
    category: str
    confidence: float
    department: str | None


class ReportOut(Schema):
    channel: str
    received_at: dt.datetime
    reporter: str = Field(description="Masked name of the reporter")


class AppealOut(AppealSummaryOut):
    body: str
    latitude: float | None
    longitude: float | None
    address: str
    district: str
    suggested_category: str
    confidence: float | None
    alternatives: list[AlternativeOutAppeal]
    first_contact_department: str | None
    assignments: list[AssignmentOut]
    reports: list[ReportOut]
    closed_at: dt.datetime | None
    reply: str
    rating: str
    merged_into: str | None


def _summary(a: Appeal) -> dict[str, Any]:
    return {"number": a.number, "title": a.title, "appeal_type": a.appeal_type, "urgency": a.urgency,
            "channel": a.channel, "status": a.status, "category": a.category,
            "lead_department": a.lead_department.code if a.lead_department is not None else None,
            "received_at": a.received_at, "due_at": a.due_at,
            "sla": selectors.sla_light(status=a.status, due_at=a.due_at, warn_at=a.warn_at, now=timezone.now())}


def _require_staff(request: AuthenticatedRequest) -> None:
    if not is_staff_member(request.user):
        raise Forbidden(AppealErrorCode.NOT_YOUR_APPEAL, _("只有工作人员可以查看诉求工单。"))


@router.get("/appeals", response={200: list[AppealSummaryOut], **ERRORS})
@paginate(CountNextPagination, query=AppealPageQuery, shape=_summary)
def list_appeals(request: AuthenticatedRequest, filters: Query[AppealFilterQuery]) -> Any:
    """Appeals the staff member may see (intake staff and supervisors: all; a department: those it
    leads or co-handles), newest first, filtered, a page at a time (follow ``next``)."""
    _require_staff(request)
    query = selectors.visible_appeals(request.user)
    return selectors.filter_appeals(query, channel=filters.channel or "", status=filters.status or "",
                                    category=filters.category or "", department=filters.department or "",
                                    ).order_by("-received_at", "-id")


class LightCounts(Schema):
    red: int
    yellow: int
    green: int
    light: str = Field(description="The worst light present: red, yellow or green")


class BoardTotalsOut(Schema):
    open: int
    overdue: int
    due_soon: int
    triage: int
    urgent_open: int
    received_24h: int
    closed_24h: int


class BoardCategoryOut(LightCounts):
    category: str = Field(description="Category (the classifier's suggestion while awaiting dispatch)")
    open: int


class BoardDistrictOut(LightCounts):
    district: str = Field(description="Town (乡镇/街道); empty when the appeal has no place in the county")
    open: int


class BoardStatusOut(Schema):
    status: str
    label: str
    open: int
    red: int
    yellow: int
    green: int


class BoardHeatOut(LightCounts):
    category: str
    district: str


class BoardOverdueOut(Schema):
    number: str
    title: str
    category: str
    district: str
    urgency: str
    status: str
    department: str
    due_at: dt.datetime
    overdue_hours: float


class BoardPointOut(Schema):
    number: str
    title: str
    latitude: float
    longitude: float
    approximate: bool = Field(description="true: reported as an address only, placed by the county's gazetteer")
    uncertainty_m: int | None = Field(description="how far the true place may be (metres), for an approximate point")
    urgency: str
    appeal_type: str
    light: str


class TopicAppealOut(Schema):
    number: str
    title: str


class HotTopicOut(Schema):
    label: str = Field(description="The words most of the topic's appeals use")
    keywords: list[str]
    example: str = Field(description="Title of the appeal nearest the topic's centre")
    count: int = Field(description="Appeals of the last 7 days in this topic")
    previous: int = Field(description="Appeals of the 7 days before that match this topic")
    appeals: list[TopicAppealOut]


class HotTopicsOut(Schema):
    computed_at: dt.datetime
    window_start: dt.datetime
    window_end: dt.datetime
    considered: int
    topics: list[HotTopicOut]


class BoardOut(Schema):
    generated_at: dt.datetime
    totals: BoardTotalsOut
    by_category: list[BoardCategoryOut]
    by_district: list[BoardDistrictOut]
    by_status: list[BoardStatusOut]
    heat: list[BoardHeatOut]
    overdue: list[BoardOverdueOut]
    points: list[BoardPointOut]
    hot_topics: HotTopicsOut | None = Field(description="The latest snapshot; null before the first refresh")


@router.get("/appeals/board", response={200: BoardOut, **ERRORS})
@read_from_replica
def get_board(request: AuthenticatedRequest) -> dict[str, Any]:
    """The command board (应急指挥) for duty officers: open appeals by category, town and status
    with their SLA lights, the category × town heat, the oldest overdue, open events and urgent
    appeals with a place, and the latest hot topics (refreshed by a job; see ``computed_at``)."""
    if not permissions.on_duty(request.user):
        raise Forbidden(AppealErrorCode.NOT_ON_DUTY, _("应急指挥看板仅供值班人员（电子监察、派单员、应急管理局、12345中心）使用。"))
    return board_reads.board(timezone.now())


@router.get("/appeals/{number}", response={200: AppealOut, **ERRORS})
def get_appeal(request: AuthenticatedRequest, number: str) -> dict[str, Any]:
    """One appeal with its classification, dispatch history and reports (reporters' names masked)."""
    _require_staff(request)
    a = selectors.appeal_for(request.user, number)
    return {**_summary(a), "body": a.body, "latitude": a.latitude, "longitude": a.longitude, "address": a.address,
            "district": a.district, "suggested_category": a.suggested_category, "confidence": a.confidence,
            "alternatives": [{"category": x.get("category", ""), "confidence": x.get("confidence", 0.0),
                              "department": x.get("department")} for x in a.alternatives],
            "first_contact_department": a.first_contact_department.code if a.first_contact_department is not None else None,
            "assignments": [{"department": s.department.code, "department_name": s.department.name, "role": s.role,
                             "active": s.active, "assigned_at": s.assigned_at, "returned_at": s.returned_at,
                             "return_reason": s.return_reason}
                            for s in a.assignments.select_related("department")],
            "reports": [{"channel": r.channel, "received_at": r.received_at,
                         "reporter": mask_name(r.reporter_name) if r.reporter_name else ""}
                        for r in a.reports.all()],
            "closed_at": a.closed_at, "reply": a.reply, "rating": a.rating,
            "merged_into": a.merged_into.number if a.merged_into is not None else None}
