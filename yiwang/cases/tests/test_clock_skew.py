"""An application server whose clock is wrong does not move deadlines: they come from the database's clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from yiwang.cases import services
from yiwang.cases.models import CaseStep
from yiwang.core import calendar, clock
from yiwang.core.clock import db_now
from yiwang.core.models import AuditEvent
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db

SKEW = dt.timedelta(hours=3)


@pytest.fixture
def skewed(monkeypatch):
    """This process's clock runs three hours ahead (an application server whose NTP failed)."""
    real = timezone.now
    monkeypatch.setattr("django.utils.timezone.now", lambda: real() + SKEW)
    clock.forget_offsets()  # a server measures its offset when it starts (fixtures before this one may have measured)
    yield real  # the root conftest forgets the skewed offset after the test


def close_to(value: dt.datetime, reference: dt.datetime) -> bool:
    return abs(value - reference) < dt.timedelta(minutes=5)


def test_the_database_clock_is_not_the_servers(skewed):
    assert close_to(db_now(), skewed())
    assert not close_to(db_now(), timezone.now())


def test_the_offset_is_measured_once_then_kept_until_it_is_old(skewed, settings):
    """The hot path pays no query for the database's clock; a clock stepped while the process runs
    is corrected at the next measurement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.YIWANG_CLOCK_SYNC_SECONDS = 60
    with CaptureQueriesContext(connection) as first:
        db_now()
    with CaptureQueriesContext(connection) as later:
        assert close_to(db_now(), skewed())
    assert len(first) == 1 and len(later) == 0

    settings.YIWANG_CLOCK_SYNC_SECONDS = 0  # every reading is old: measured again
    with CaptureQueriesContext(connection) as again:
        assert close_to(db_now(), skewed())
    assert len(again) == 1


def test_submission_and_acceptance_on_a_skewed_server_keep_the_databases_time(world, skewed):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    real_now = skewed()
    assert close_to(case.submitted_at, real_now)
    assert case.due_at == calendar.deadline_after(case.submitted_at, world.item.promised_days)
    assert case.warn_at == calendar.warning_at(case.due_at, world.item.promised_days)

    services.accept_application(actor=world.clerk, case_id=case.pk)
    case.refresh_from_db()
    assert close_to(case.accepted_at, real_now)
    step = CaseStep.objects.get(case=case, status="open")
    assert close_to(step.opened_at, real_now) and step.due_at > step.opened_at
    audits = AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk))
    assert all(close_to(a.created_at, real_now) for a in audits)


def test_escalation_on_a_skewed_server_does_not_escalate_early(world, skewed, monkeypatch):
    """A step due in two hours is not overdue for a server running three hours ahead."""
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    step = CaseStep.objects.get(case=case, status="open")
    CaseStep.objects.filter(pk=step.pk).update(due_at=skewed() + dt.timedelta(hours=2))
    assert services.escalate_overdue_steps() == 0
    CaseStep.objects.filter(pk=step.pk).update(due_at=skewed() - dt.timedelta(minutes=1))
    assert services.escalate_overdue_steps() == 1


def test_a_notice_written_on_a_skewed_server_is_due_at_once(world, skewed, settings, tmp_path):
    """Its copy's due time is the database's: the sender (on the database's clock) takes it at once,
    not three hours later."""
    from yiwang.core import notify
    from yiwang.core.models import OutboxMessage, OutboxStatus

    with transaction.atomic():
        notify.notify_applicant(applicant=world.applicant, kind="case_accepted", title="受理", body="已受理。",
                                params={}, case_number="YW1")
    row = OutboxMessage.objects.get(channel="sms")
    assert close_to(row.next_attempt_at, skewed())
    assert notify.send_outbox_message(row.pk) == OutboxStatus.SENT
