"""Deadlines by rule (2 h, 24 h, 7 and 15 working days), the SLA light, 催办 and escalation."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.appeals import selectors, services
from yiwang.appeals.models import AppealChannel, DeadlineRule, DeadlineUnit, Urgency
from yiwang.appeals.tests.conftest import NOW, submit
from yiwang.core.models import AuditEvent, CalendarDay, Notification

pytestmark = pytest.mark.django_db
SHANGHAI_MIDNIGHT = dt.time(16, 0, tzinfo=dt.UTC)  # the end of a Shanghai day, in UTC


def test_an_emergency_is_due_in_two_hours(county):
    appeal = submit(county.citizen, urgency=Urgency.EMERGENCY).appeal
    assert appeal.deadline_rule == "emergency"
    assert appeal.due_at == NOW + dt.timedelta(hours=2)
    assert appeal.warn_at == NOW + dt.timedelta(minutes=96)


def test_water_power_gas_heating_are_due_in_24_hours(county):
    appeal = submit(county.citizen, title="小区突然停水一整天", body="自来水停了没有通知").appeal
    assert appeal.deadline_rule == "utilities"
    assert appeal.due_at == NOW + dt.timedelta(hours=24)


def test_general_is_seven_working_days_and_complex_fifteen(county):
    general = submit(county.citizen).appeal
    assert general.deadline_rule == "general"
    # Monday 2 March + 7 working days = Wednesday 11 March, to its end in Shanghai
    assert general.due_at == dt.datetime.combine(dt.date(2026, 3, 11), SHANGHAI_MIDNIGHT)
    complex_ = submit(county.citizen, is_complex=True).appeal
    assert complex_.deadline_rule == "complex"
    assert complex_.due_at == dt.datetime.combine(dt.date(2026, 3, 23), SHANGHAI_MIDNIGHT)


def test_working_days_come_from_the_calendar(county):
    # a holiday on Tuesday 3 March pushes the 7th working day one day later
    CalendarDay.objects.create(date=dt.date(2026, 3, 3), is_working_day=False, name="测试假日")
    from yiwang.core.calendar import invalidate_calendar_cache
    invalidate_calendar_cache()
    assert submit(county.citizen).appeal.due_at == dt.datetime.combine(dt.date(2026, 3, 12), SHANGHAI_MIDNIGHT)


def test_rules_are_configurable(county):
    DeadlineRule.objects.filter(code="general").update(amount=3, unit=DeadlineUnit.CALENDAR_DAYS)
    appeal = submit(county.citizen).appeal
    assert appeal.due_at == dt.datetime.combine(dt.date(2026, 3, 5), SHANGHAI_MIDNIGHT)  # end of Thursday


def test_the_light_turns_yellow_then_red(county):
    appeal = submit(county.citizen, urgency=Urgency.EMERGENCY).appeal

    def light(at):
        return selectors.sla_light(status=appeal.status, due_at=appeal.due_at, warn_at=appeal.warn_at, now=at)

    assert light(NOW + dt.timedelta(minutes=90)) == "green"
    assert light(NOW + dt.timedelta(minutes=100)) == "yellow"
    assert light(NOW + dt.timedelta(hours=2)) == "red"
    for name, at in (("green", NOW), ("yellow", NOW + dt.timedelta(minutes=100)), ("red", NOW + dt.timedelta(hours=3))):
        assert list(selectors.filter_appeals(selectors.visible_appeals(county.dispatcher), light=name, now=at)) == [appeal]


def test_overdue_appeals_are_urged_then_escalated_to_the_head_once(county):
    appeal = submit(county.citizen, urgency=Urgency.EMERGENCY).appeal
    # before the deadline nothing happens
    assert services.supervise_appeals(now=NOW + dt.timedelta(hours=1)) == {"urged": 0, "escalated": 0}
    # at the deadline the lead department is urged (催办)
    assert services.supervise_appeals(now=NOW + dt.timedelta(hours=2)) == {"urged": 1, "escalated": 0}
    assert Notification.objects.filter(recipient=county.jt, kind="appeal_urged").count() == 1
    assert services.supervise_appeals(now=NOW + dt.timedelta(hours=3)) == {"urged": 0, "escalated": 0}
    # a day later the head is told
    assert services.supervise_appeals(now=NOW + dt.timedelta(hours=26)) == {"urged": 0, "escalated": 1}
    assert Notification.objects.filter(recipient=county.jt_head, kind="appeal_escalated").count() == 1
    assert not Notification.objects.filter(recipient=county.jt, kind="appeal_escalated").exists()
    assert services.supervise_appeals(now=NOW + dt.timedelta(hours=50)) == {"urged": 0, "escalated": 0}
    assert set(AuditEvent.objects.filter(subject_id=appeal.number).values_list("event_type", flat=True)) >= {
        "appeal_urged", "appeal_escalated"}


def test_a_closed_appeal_is_not_urged(county):
    appeal = submit(county.citizen, urgency=Urgency.EMERGENCY).appeal
    services.close_appeal(actor=county.jt, number=appeal.number, reply="已处理", now=NOW)
    assert services.supervise_appeals(now=NOW + dt.timedelta(days=3)) == {"urged": 0, "escalated": 0}


def test_a_queued_appeal_shows_to_intake_staff_but_not_to_departments(county):
    appeal = submit(county.agent, channel=AppealChannel.HOTLINE, title="关于一些事情的反映意见").appeal
    assert appeal in selectors.visible_appeals(county.supervisor)
    assert appeal not in selectors.visible_appeals(county.jt)


def test_changing_a_deadline_rule_in_the_admin_is_audited(county):
    from django.contrib.auth import get_user_model
    from django.test import Client

    root = get_user_model().objects.create_superuser("root", password="pw-root")
    rule = DeadlineRule.objects.get(code="general")
    client = Client()
    client.force_login(root)
    response = client.post(f"/admin/appeals/deadlinerule/{rule.pk}/change/", {
        "code": "general", "name": "一般诉求", "priority": 90, "match_urgency": "", "match_keywords": "",
        "amount": 5, "unit": "working_days", "active": "on"})
    assert response.status_code == 302
    assert DeadlineRule.objects.get(pk=rule.pk).amount == 5
    assert AuditEvent.objects.filter(event_type="deadlinerule_changed", actor=root).exists()


def test_the_supervise_command_urges_what_is_overdue_now(county):
    import io

    from django.core.management import call_command

    submit(county.citizen, urgency=Urgency.EMERGENCY)  # due two hours after NOW, long past today
    out = io.StringIO()
    call_command("supervise_appeals", stdout=out)
    assert out.getvalue().strip() == "urged 1, escalated 1"
    call_command("supervise_appeals", stdout=out)
    assert out.getvalue().strip().endswith("urged 0, escalated 0")
