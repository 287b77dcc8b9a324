"""催办 and escalation run by the task worker without an operator: ``supervise_appeals --schedule``
starts a chain of passes, each enqueueing the next five minutes later."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yiwang.appeals.models import Appeal, Urgency
from yiwang.appeals.tasks import SUPERVISE_EVERY, schedule_supervision, supervise
from yiwang.appeals.tests.conftest import submit
from yiwang.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def waiting():
    return DBTaskResult.objects.filter(task_path=supervise.module_path, status="READY")


def test_scheduling_enqueues_one_pass_five_minutes_ahead_however_often_it_is_asked(database_tasks):
    before = timezone.now()
    out = io.StringIO()
    call_command("supervise_appeals", "--schedule", stdout=out)
    call_command("supervise_appeals", "--schedule", stdout=out)
    assert schedule_supervision() is True
    [row] = waiting()
    assert before + SUPERVISE_EVERY <= row.run_after <= timezone.now() + SUPERVISE_EVERY
    assert "5 minutes" in out.getvalue()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_worker_runs_the_pass_and_the_pass_schedules_the_next(database_tasks, county):
    appeal = submit(county.citizen, urgency=Urgency.EMERGENCY).appeal  # due long ago
    schedule_supervision()
    waiting().update(run_after=timezone.now() - dt.timedelta(seconds=1))  # its time has come
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", stdout=io.StringIO(),
                 stderr=io.StringIO())
    appeal.refresh_from_db()
    assert appeal.urged_at is not None and appeal.escalated_at is not None
    assert AuditEvent.objects.filter(event_type="appeal_urged", subject_id=appeal.number).exists()
    assert DBTaskResult.objects.filter(task_path=supervise.module_path, status="SUCCESSFUL").count() == 1
    [following] = waiting()
    assert following.run_after > timezone.now() + SUPERVISE_EVERY - dt.timedelta(minutes=1)


def test_a_failing_pass_still_schedules_the_next(database_tasks, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("yiwang.appeals.tasks.supervise_appeals", broken)
    with pytest.raises(RuntimeError):
        supervise.call()
    assert waiting().count() == 1


def test_without_a_deferring_backend_the_command_says_to_use_cron(county):
    # the tests' default backend runs tasks at once: a chain would recurse, so nothing is enqueued
    assert schedule_supervision() is False
    with pytest.raises(CommandError, match="cron"):
        call_command("supervise_appeals", "--schedule", stdout=io.StringIO())
    assert not Appeal.objects.exists()


# ---------------------------------------------------------------- the board's hot topics, the same way


def test_hot_topics_are_scheduled_once_ten_minutes_ahead_and_a_refresh_schedules_the_next(database_tasks, monkeypatch):
    from yiwang.appeals.tasks import HOT_TOPICS_EVERY, refresh_hot_topics, schedule_hot_topics

    def hot_waiting():
        return DBTaskResult.objects.filter(task_path=refresh_hot_topics.module_path, status="READY")

    before = timezone.now()
    out = io.StringIO()
    call_command("refresh_hot_topics", "--schedule", stdout=out)
    assert schedule_hot_topics() is True
    [row] = hot_waiting()
    assert before + HOT_TOPICS_EVERY <= row.run_after <= timezone.now() + HOT_TOPICS_EVERY
    assert "10 minutes" in out.getvalue()
    assert not waiting().exists()  # the two chains are apart

    def broken():
        raise RuntimeError("database gone")

    hot_waiting().delete()
    monkeypatch.setattr("yiwang.appeals.tasks.hot_topics.refresh", broken)
    with pytest.raises(RuntimeError):
        refresh_hot_topics.call()
    assert hot_waiting().count() == 1
