"""The calendar knows the years whose holidays were entered, and refuses to count working days
past the last of them (rather than take holidays for working days); the published years load from
``yiwang.core.holidays_cn``, with 2027 provisional until checked against the State Council's notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from yiwang.cases.models import Case
from yiwang.cases.tests.test_api import apply_payload
from yiwang.core import calendar
from yiwang.core.errors import DomainError
from yiwang.core.models import AuditEvent, CalendarDay, CalendarYear
from yiwang.core.services import load_statutory_calendar, set_calendar_year
from yiwang.testing import case_factories, factories
from yiwang.testing.calendar import local
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def published_calendar_only(db):
    """Only the years shipped in holidays_cn are known (the test calendar's years removed)."""
    CalendarYear.objects.all().delete()
    load_statutory_calendar(actor=None)
    calendar.invalidate_calendar_cache()


def test_the_shipped_calendar_runs_through_2027_with_2027_provisional(published_calendar_only):
    years = {y.year: y.status for y in CalendarYear.objects.all()}
    assert years == {2025: "confirmed", 2026: "confirmed", 2027: "provisional"}
    assert "暂定" in CalendarYear.objects.get(year=2027).source
    assert calendar.last_known_year() == 2027
    # 2027's statutory days, on their 2027 dates, with weekend days made up (补假)
    assert not calendar.is_working_day(D(2027, 1, 1))  # 元旦, a Friday
    assert not calendar.is_working_day(D(2027, 2, 5))  # 除夕, a Friday
    assert not calendar.is_working_day(D(2027, 2, 10))  # 春节补假, a Wednesday
    assert calendar.is_working_day(D(2027, 2, 11))
    assert not calendar.is_working_day(D(2027, 6, 9))  # 端午
    assert not calendar.is_working_day(D(2027, 9, 15))  # 中秋
    assert not calendar.is_working_day(D(2027, 10, 5))  # 国庆补假, a Tuesday
    assert calendar.is_working_day(D(2027, 10, 6))


def test_loading_is_idempotent_audited_and_keeps_an_operators_confirmation(published_calendar_only):
    assert load_statutory_calendar(actor=None) == {"days_set": 0, "years_set": 0, "years_kept": 0}
    # when an operator corrects 2027 in the admin and confirms it
    set_calendar_year(actor=None, year=2027, status="confirmed", source="国务院办公厅关于2027年部分节假日安排的通知")
    counts = load_statutory_calendar(actor=None)
    # then loading the shipped (provisional) data again does not undo it
    assert counts["years_kept"] == 1
    assert CalendarYear.objects.get(year=2027).status == "confirmed"
    assert AuditEvent.objects.filter(event_type="calendar_year_set", subject_id="2027").count() == 2
    call_command("load_calendar", stdout=open("/dev/null", "w"))
    assert CalendarDay.objects.filter(date__year=2026).count() > 30


def test_working_days_past_the_last_known_year_are_refused(published_calendar_only):
    # a 5-day deadline from Christmas 2027 ends in 2028, which the calendar does not know
    with pytest.raises(calendar.CalendarYearUnknown) as exc:
        calendar.deadline_after(local(2027, 12, 27, 9), 5)
    assert exc.value.status == 409 and exc.value.code == "calendar_year_unknown"
    assert "2027" in exc.value.message and "2028" in exc.value.message
    assert exc.value.details == {"date": "2028-01-01", "last_known_year": 2027}
    # within the known years nothing changes
    assert calendar.deadline_after(local(2027, 12, 20, 9), 5) == local(2027, 12, 28)


def test_with_no_year_entered_nothing_is_computed(db):
    CalendarYear.objects.all().delete()
    calendar.invalidate_calendar_cache()
    with pytest.raises(calendar.CalendarYearUnknown) as exc:
        calendar.deadline_after(local(2026, 3, 2, 9), 5)
    assert exc.value.details["last_known_year"] is None
    assert "load_calendar" in exc.value.message


def test_an_application_past_the_calendar_is_a_clear_4xx_and_nothing_is_stored(world):
    # given a calendar that ends with 2026 and today in late December 2026
    CalendarYear.objects.filter(year__gte=2027).delete()
    calendar.invalidate_calendar_cache()
    # when a citizen applies for a 5-day item on 28 December, whose deadline falls in 2027
    with pytest.raises(DomainError) as exc:
        case_factories.apply_online(world.citizen, world.applicant, world.item, now=local(2026, 12, 28, 9))
    assert exc.value.code == "calendar_year_unknown"
    assert not Case.objects.exists()


def test_the_api_answers_409_with_the_calendar_message(world):
    CalendarYear.objects.all().delete()
    calendar.invalidate_calendar_cache()
    client = Client()
    auth = bearer(client, "citizen")
    payload = apply_payload(client, auth, world.item)
    response = post_json(client, "/api/v1/applications", payload, auth)
    body = assert_error(response, 409, "calendar_year_unknown")
    assert "工作日历" in body["message"]
    assert not Case.objects.exists()


def test_the_admin_warns_when_the_calendar_runs_out_or_is_provisional(published_calendar_only):
    # in November of the last known year, the operator is told to enter the next
    CalendarYear.objects.filter(year=2027).delete()
    warnings = calendar.horizon_warnings(D(2026, 11, 15))
    assert any("只录入到 2026 年" in w and "2027" in w for w in warnings)
    assert calendar.horizon_warnings(D(2026, 3, 1)) == []
    # a provisional year ahead must be checked
    load_statutory_calendar(actor=None)
    assert any("2027 年的工作日历为暂定" in w for w in calendar.horizon_warnings(D(2026, 12, 6)))
    # and the admin shows it on its front page and on the calendar's pages
    admin = factories.user("admin_user")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    for path in ("/admin/", "/admin/core/calendaryear/", "/admin/core/calendarday/"):
        page = client.get(path)
        assert page.status_code == 200 and "2027 年的工作日历为暂定" in page.content.decode(), path


def test_confirming_a_year_in_the_admin_is_audited(published_calendar_only):
    admin = factories.user("admin_user")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    year = CalendarYear.objects.get(year=2027)
    response = client.post(f"/admin/core/calendaryear/{year.pk}/change/",
                           {"year": 2027, "status": "confirmed", "source": "国务院办公厅关于2027年部分节假日安排的通知"})
    assert response.status_code == 302, response.content
    assert CalendarYear.objects.get(year=2027).status == "confirmed"
    assert AuditEvent.objects.filter(event_type="calendar_year_set", subject_id="2027", actor=admin).exists()
    assert not any("2027 年的工作日历为暂定" in w for w in calendar.horizon_warnings(D(2026, 12, 6)))
