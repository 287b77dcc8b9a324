"""An appeal's life: received, classified, dispatched or queued, returned, closed, called back, reopened."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.appeals import selectors, services
from yiwang.appeals.models import (
    Appeal,
    AppealAssignment,
    AppealChannel,
    AppealCorrection,
    AppealStatus,
    AppealType,
    Urgency,
)
from yiwang.appeals.tests.conftest import CLEAR, NOW, VAGUE, submit
from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.core.models import AuditEvent, Notification
from yiwang.intelligence.models import LabelledExample

pytestmark = pytest.mark.django_db


def audit_types(appeal: Appeal) -> list[str]:
    return list(AuditEvent.objects.filter(subject_type="appeal", subject_id=appeal.number)
                .order_by("id").values_list("event_type", flat=True))


def test_a_clear_appeal_is_numbered_classified_and_dispatched_automatically(county):
    # given / when
    report = submit(county.citizen)
    appeal = report.appeal
    # then
    assert appeal.number == f"20260302{appeal.pk:07d}"
    assert appeal.status == AppealStatus.HANDLING
    assert appeal.auto_dispatched
    assert appeal.lead_department.code == "JT"
    assert appeal.category == "交通运输"
    assert appeal.confidence > 0.5
    assert appeal.first_contact_department.code == "JT"  # nobody took it first: the lead answers first
    assert report.reporter_user == county.citizen
    assert len(report.token) >= 20
    assert audit_types(appeal) == ["appeal_received", "appeal_dispatched"]
    assert Notification.objects.filter(recipient=county.jt, kind="appeal_dispatched").count() == 1


def test_a_vague_appeal_waits_in_the_dispatcher_queue_with_the_alternatives(county):
    appeal = submit(county.agent, channel=AppealChannel.HOTLINE, title=VAGUE).appeal
    assert appeal.status == AppealStatus.TRIAGE
    assert appeal.lead_department is None
    assert appeal.triage_reason == "low_confidence"
    assert len(appeal.alternatives) == 3
    assert {a["category"] for a in appeal.alternatives} <= {"交通运输", "教育文体", "环境保护", "卫生计生"}
    assert appeal.first_contact_department.code == "RX"  # 首接负责: the hotline took it
    assert list(selectors.triage_queue()) == [appeal]


def test_only_agents_register_calls_and_only_grid_workers_report_from_the_grid(county):
    with pytest.raises(Forbidden):
        submit(county.citizen, channel=AppealChannel.HOTLINE)
    with pytest.raises(Forbidden):
        submit(county.agent, channel=AppealChannel.GRID)
    assert submit(county.grid, channel=AppealChannel.GRID).appeal.channel == AppealChannel.GRID


def test_a_dispatcher_dispatches_to_a_lead_and_co_handlers_and_the_correction_is_kept(county):
    appeal = submit(county.agent, channel=AppealChannel.HOTLINE, title=VAGUE).appeal
    suggested = appeal.suggested_category
    # when
    services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category="教育文体", lead="JY",
                             co=["HB"], now=NOW)
    # then
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.HANDLING and appeal.lead_department.code == "JY"
    assert not appeal.auto_dispatched
    rows = {(a.department.code, a.role, a.active) for a in appeal.assignments.all()}
    assert rows == {("JY", "lead", True), ("HB", "co", True)}
    correction = AppealCorrection.objects.get(appeal=appeal)
    assert (correction.suggested_category, correction.category) == (suggested, "教育文体")
    example = LabelledExample.objects.get(pk=correction.labelled_example_id)
    assert (example.label, example.predicted, example.source) == ("教育文体", suggested, "correction")
    assert selectors.classifier_corrections()[0]["category"] == "教育文体"
    assert "appeal_classification_corrected" in audit_types(appeal)


def test_dispatching_as_proposed_records_no_correction(county):
    appeal = submit(county.agent, channel=AppealChannel.HOTLINE, title=VAGUE).appeal
    services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category=appeal.suggested_category,
                             lead=appeal.suggested_department, now=NOW)
    assert not AppealCorrection.objects.exists()
    assert not LabelledExample.objects.exists()


def test_an_appeal_nobody_owns_goes_to_the_catch_all_department(county):
    appeal = submit(county.agent, channel=AppealChannel.HOTLINE, title=VAGUE).appeal
    services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category="环境保护", catch_all=True, now=NOW)
    appeal.refresh_from_db()
    assert appeal.lead_department.code == "XZFB"
    # the catch-all cannot send it back
    with pytest.raises(Conflict) as refused:
        services.return_appeal(actor=county.catch_all, number=appeal.number, reason="不归我们管", now=NOW)
    assert refused.value.code == "catch_all_cannot_return"


def test_dispatch_refusals(county):
    appeal = submit(county.agent, channel=AppealChannel.HOTLINE, title=VAGUE).appeal
    with pytest.raises(Forbidden):
        services.dispatch_appeal(actor=county.agent, number=appeal.number, category="环境保护", lead="HB")
    with pytest.raises(InvalidInput) as unknown:
        services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category="不存在的类别", lead="HB")
    assert unknown.value.code == "category_unknown"
    with pytest.raises(InvalidInput) as no_dept:
        services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category="环境保护", lead="NOPE")
    assert no_dept.value.code == "department_not_found"
    with pytest.raises(InvalidInput) as same:
        services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category="环境保护", lead="HB",
                                 co=["HB"])
    assert same.value.code == "co_handler_is_lead"
    services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category="环境保护", lead="HB")
    with pytest.raises(Conflict):  # no longer in the queue
        services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category="环境保护", lead="HB")


def test_a_department_returns_an_appeal_once_and_it_is_redispatched(county):
    appeal = submit(county.citizen).appeal  # auto-dispatched to JT
    # when JT returns it
    services.return_appeal(actor=county.jt, number=appeal.number, reason="属于道路养护，非我局职责", now=NOW)
    appeal.refresh_from_db()
    # then it is back in the queue, and the dispatcher is told
    assert appeal.status == AppealStatus.TRIAGE and appeal.lead_department is None
    assert Notification.objects.filter(recipient=county.dispatcher, kind="appeal_returned").exists()
    returned = AppealAssignment.objects.get(appeal=appeal, department__code="JT")
    assert returned.return_reason == "属于道路养护，非我局职责" and not returned.active
    # re-dispatched to JT again, JT cannot return it a second time
    services.dispatch_appeal(actor=county.dispatcher, number=appeal.number, category="交通运输", lead="JT", now=NOW)
    with pytest.raises(Conflict) as twice:
        services.return_appeal(actor=county.jt, number=appeal.number, reason="还是不归我们", now=NOW)
    assert twice.value.code == "already_returned"
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.HANDLING


def test_return_refusals(county):
    appeal = submit(county.citizen).appeal
    with pytest.raises(InvalidInput):
        services.return_appeal(actor=county.jt, number=appeal.number, reason="   ")
    with pytest.raises(Forbidden):  # HB is not the lead
        services.return_appeal(actor=county.hb, number=appeal.number, reason="不是我们")


def test_closure_and_a_satisfied_call_back(county):
    appeal = submit(county.citizen).appeal
    closed_at = NOW + dt.timedelta(days=1)  # Tuesday
    services.close_appeal(actor=county.jt, number=appeal.number, reply="已增开高峰班次", now=closed_at)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED and appeal.reply == "已增开高峰班次"
    # the call-back is due by the end of the next working day (Wednesday, Shanghai)
    assert appeal.callback_due_at == dt.datetime(2026, 3, 4, 16, 0, tzinfo=dt.UTC)
    report = appeal.reports.get()
    assert report.notices.get().kind == "appeal_closed"
    services.record_callback(actor=county.agent, number=appeal.number, rating="satisfied", now=closed_at)
    appeal.refresh_from_db()
    assert appeal.rating == "satisfied" and appeal.status == AppealStatus.CLOSED
    assert appeal.callbacks.get().on_time


def test_not_satisfied_reopens_once(county):
    appeal = submit(county.citizen).appeal
    services.close_appeal(actor=county.jt, number=appeal.number, reply="已处理", now=NOW)
    # when the reporter is not satisfied
    services.record_callback(actor=county.agent, number=appeal.number, rating="not_satisfied", now=NOW)
    appeal.refresh_from_db()
    # then it is handled again, with a new deadline
    assert appeal.status == AppealStatus.HANDLING and appeal.reopen_count == 1 and appeal.due_at > NOW
    assert "appeal_reopened" in audit_types(appeal)
    # a second "not satisfied" is recorded, but does not reopen it again
    services.close_appeal(actor=county.jt, number=appeal.number, reply="再次处理", now=NOW)
    services.record_callback(actor=county.agent, number=appeal.number, rating="not_satisfied", now=NOW)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED and appeal.rating == "not_satisfied" and appeal.reopen_count == 1
    assert [c.reopened for c in appeal.callbacks.all()] == [True, False]


def test_a_rating_for_an_appeal_that_is_not_closed_is_refused(county):
    appeal = submit(county.citizen).appeal
    with pytest.raises(Conflict) as refused:
        services.record_callback(actor=county.agent, number=appeal.number, rating="satisfied")
    assert refused.value.code == "not_closed"
    services.close_appeal(actor=county.jt, number=appeal.number, reply="已处理", now=NOW)
    with pytest.raises(InvalidInput):
        services.record_callback(actor=county.agent, number=appeal.number, rating="great")
    with pytest.raises(Forbidden):
        services.record_callback(actor=county.citizen, number=appeal.number, rating="satisfied")
    services.record_callback(actor=county.agent, number=appeal.number, rating="basic")
    with pytest.raises(Conflict) as again:
        services.record_callback(actor=county.agent, number=appeal.number, rating="satisfied")
    assert again.value.code == "already_rated"


def test_only_the_lead_department_closes(county):
    appeal = submit(county.citizen).appeal
    with pytest.raises(Forbidden):
        services.close_appeal(actor=county.hb, number=appeal.number, reply="x")


@pytest.mark.parametrize("fields, field", [
    ({"title": ""}, "title"),
    ({"title": "标" * 201}, "title"),
    ({"body": "长" * 5001}, "body"),
    ({"body": "含有\x00空字符"}, "body"),
    ({"latitude": 200, "longitude": 120}, "latitude"),
    ({"latitude": 30, "longitude": -181}, "longitude"),
    ({"latitude": "nan", "longitude": 120}, "latitude"),
    ({"latitude": 30}, "longitude"),
    ({"latitude": "abc", "longitude": "def"}, "latitude"),
    ({"address": ""}, "address"),
    ({"reporter_phone": "138-abc"}, "phone"),
    ({"reporter_email": "not-an-email"}, "email"),
    ({"appeal_type": "rant"}, "appeal_type"),
    ({"urgency": "yesterday"}, "urgency"),
])
def test_bad_intake_is_refused_with_the_field(county, fields, field):
    title = fields.pop("title", CLEAR)
    with pytest.raises(InvalidInput) as refused:
        submit(county.citizen, title=title, **fields)
    assert refused.value.details["field"] == field
    assert not Appeal.objects.exists()


def test_a_type_urgency_and_point_are_kept(county):
    appeal = submit(county.citizen, appeal_type=AppealType.HELP, urgency=Urgency.URGENT,
                    latitude="30.1", longitude="120.2", address="").appeal
    assert (appeal.appeal_type, appeal.urgency, appeal.latitude, appeal.longitude) == ("help", "urgent", 30.1, 120.2)
