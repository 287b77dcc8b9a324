"""The sender (``notify.run_sender``, ``manage.py send_notifications --loop``): the outbox is the
queue. An action's transaction writes its rows and enqueues nothing; a running sender sends them
after the commit, never a rolled-back one's, and two senders at once send each copy once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, transaction

from yiwang.core import notify
from yiwang.core.models import Notification, OutboxMessage, OutboxStatus
from yiwang.core.tasks import send_notifications
from yiwang.testing import factories
from yiwang.testing.sender import running_senders

pytestmark = pytest.mark.django_db(transaction=True)

SENT: list[str] = []  # the bodies the recording channel sent, from every sender thread
SENT_LOCK = threading.Lock()


class RecordingChannel:
    """A gateway that keeps what it sent; each send takes a few milliseconds, so that two senders
    working through the same due rows overlap."""

    def __init__(self, name: str, *, address_field: str = "phone") -> None:
        self.name, self.address_field = name, address_field

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        time.sleep(0.002)
        with SENT_LOCK:
            SENT.append(body)


@pytest.fixture
def recording(settings: Any) -> list[str]:
    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": f"{__name__}.RecordingChannel",
                                               "OPTIONS": {"address_field": "phone"}}}
    SENT.clear()
    return SENT


def notify_in_transaction(applicant: Any, body: str) -> None:
    with transaction.atomic():
        notify.notify_applicant(applicant=applicant, kind="case_accepted", title="申请已受理", body=body, params={},
                                case_number="YW1")


def wait_until_sent(*bodies: str, timeout: float = 30.0) -> None:
    """Wait (a bound, not a speed check) until the sender has sent every one of these bodies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with SENT_LOCK:
            if set(bodies) <= set(SENT):
                return
        time.sleep(0.01)
    raise AssertionError(f"not sent within {timeout} s: {set(bodies) - set(SENT)}")


def test_the_action_enqueues_nothing_and_a_running_sender_sends_its_notice_after_the_commit(
        recording, django_capture_on_commit_callbacks):
    _user, applicant = factories.citizen()
    # the action's transaction writes the notice and its row, and asks for nothing after its commit
    with django_capture_on_commit_callbacks() as callbacks:
        notify_in_transaction(applicant, "您的办件 YW1 已受理。")
    assert callbacks == []
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0) and recording == []

    # a sender started afterwards (or running all along) takes it at its next pass
    with running_senders(1):
        wait_until_sent("您的办件 YW1 已受理。")
        notify_in_transaction(applicant, "您的办件 YW1 已办结。")  # and one committed while it runs
        wait_until_sent("您的办件 YW1 已办结。")
    assert recording == ["您的办件 YW1 已受理。", "您的办件 YW1 已办结。"]
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}


def test_a_rolled_back_action_sends_nothing_while_a_sender_runs(recording):
    _user, applicant = factories.citizen()
    with running_senders(1):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify.notify_applicant(applicant=applicant, kind="k", title="t", body="回滚的通知", params={})
            raise RuntimeError("the case change failed")
        # a notice committed after it: once it is sent, the sender has passed where the other would be
        notify_in_transaction(applicant, "提交的通知")
        wait_until_sent("提交的通知")
    assert recording == ["提交的通知"]
    assert list(Notification.objects.values_list("message", flat=True)) == ["提交的通知"]


def test_two_senders_at_once_send_each_copy_once(recording):
    # given forty committed notices, due together
    _user, applicant = factories.citizen()
    bodies = [f"通知 {i}" for i in range(40)]
    for body in bodies:
        notify_in_transaction(applicant, body)

    # when two senders, each with its own connection, start on them at the same moment
    with running_senders(2):
        wait_until_sent(*bodies)

    # then every copy went out exactly once, and each row records one attempt
    assert sorted(recording) == sorted(bodies)
    assert list(OutboxMessage.objects.values_list("status", "attempts").distinct()) == [(OutboxStatus.SENT, 1)]


class SlowGateway(RecordingChannel):
    """A gateway that takes longer to answer than the lease lasts."""

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        time.sleep(1.2)
        super().send(to=to, subject=subject, body=body, message_id=message_id)


def test_each_copy_of_a_slow_pass_is_claimed_at_its_own_time_not_the_pass_start(recording, settings):
    # given a one-second lease and a gateway slower than that, two copies due
    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": f"{__name__}.SlowGateway",
                                               "OPTIONS": {"address_field": "phone"}}}
    settings.YIWANG_NOTIFY_LEASE_SECONDS = 1
    _user, applicant = factories.citizen()
    notify_in_transaction(applicant, "第一条")
    notify_in_transaction(applicant, "第二条")
    # when one pass sends both
    assert notify.send_due_outbox() == {OutboxStatus.SENT: 2}
    # then the second was claimed when its turn came: its lease was not over before it was taken
    # (claimed at the pass's start, another sender could have taken it while the first was sent)
    first, second = OutboxMessage.objects.order_by("id")
    assert second.last_attempt_at - first.last_attempt_at >= dt.timedelta(seconds=1)
    assert recording == ["第一条", "第二条"]


def test_a_sender_whose_database_went_away_keeps_sending(recording, monkeypatch):
    # given a sender whose first pass loses the database (a restart, a failover)
    real_pass = notify.send_due_outbox
    failures: list[int] = []

    def pass_after_an_outage(**kwargs: Any) -> dict[str, int]:
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real_pass(**kwargs)

    monkeypatch.setattr(notify, "send_due_outbox", pass_after_an_outage)
    _user, applicant = factories.citizen()
    notify_in_transaction(applicant, "断线后的通知")
    # when it runs, then it logs the failure, connects again and sends the notice
    with running_senders(1):
        wait_until_sent("断线后的通知")
    assert failures == [1] and recording == ["断线后的通知"]


def test_a_send_task_enqueued_before_the_upgrade_does_not_send_a_copy_again(recording):
    # a row written before the outbox became the queue, whose task is still in the task table
    _user, applicant = factories.citizen()
    notify_in_transaction(applicant, "升级前的通知")
    row = OutboxMessage.objects.get()
    # the sender sends it; the old task, run by a worker afterwards, finds it sent
    assert notify.send_due_outbox() == {OutboxStatus.SENT: 1}
    assert send_notifications.enqueue([row.pk]).return_value == {OutboxStatus.SENT: 1}
    assert recording == ["升级前的通知"]


class OutlivesItsLease(RecordingChannel):
    """A gateway whose first send outlasts the lease: meanwhile another sender takes the row and
    sends it; then the first answers with an error."""

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        with SENT_LOCK:
            first = not SENT
            SENT.append(body)
        if first:
            row = OutboxMessage.objects.get()
            later = row.next_attempt_at + dt.timedelta(seconds=1)  # the first claim's lease is over
            assert notify.send_outbox_message(row.pk, now=later) == OutboxStatus.SENT
            raise TimeoutError("the gateway answered after the lease")


def test_a_sender_whose_lease_ran_out_changes_nothing_when_it_finally_answers(recording, settings):
    # given a copy whose first send outlasts its lease, while another sender takes it and sends it
    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": f"{__name__}.OutlivesItsLease",
                                               "OPTIONS": {"address_field": "phone"}}}
    _user, applicant = factories.citizen()
    notify_in_transaction(applicant, "超时的通知")
    # when the first sender's late failure comes back
    notify.send_due_outbox()
    # then the row stays as the sender holding it left it: sent, after two attempts (not turned back
    # to pending to be sent a third time, nor counted as one)
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, "")
    assert recording == ["超时的通知", "超时的通知"]


def test_a_copy_during_which_every_sender_stopped_ends_failed_not_retried_for_ever(recording, settings):
    # given a copy whose sender was killed during each of its attempts (each claim, then nothing)
    settings.YIWANG_NOTIFY_MAX_ATTEMPTS = 3
    _user, applicant = factories.citizen()
    notify_in_transaction(applicant, "每次都中断的通知")
    row = OutboxMessage.objects.get()
    moment = row.next_attempt_at
    for _attempt in range(3):
        assert notify._claim(row.pk, moment)  # the sender took it and died before any answer
        moment = OutboxMessage.objects.get().next_attempt_at + dt.timedelta(seconds=1)
    # when a sender takes it once more after the last lease, then it is failed, not sent
    assert notify.send_outbox_message(row.pk, now=moment) == OutboxStatus.FAILED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sealed_body) == (OutboxStatus.FAILED, 4, "")
    assert recording == []


SETTINGS_SEEN: list[str] = []


class CommitSettingChannel:
    """Records the sender's own session's ``synchronous_commit`` (PostgreSQL) as it sends."""

    def __init__(self, name: str, *, address_field: str = "phone") -> None:
        self.name, self.address_field = name, address_field

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                SETTINGS_SEEN.append(cursor.fetchone()[0])
        else:
            SETTINGS_SEEN.append("sqlite")
        with SENT_LOCK:
            SENT.append(body)


def test_the_senders_commits_do_not_wait_for_the_disk_and_the_actions_still_do(settings):
    from django.db import connection

    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": f"{__name__}.CommitSettingChannel",
                                               "OPTIONS": {"address_field": "phone"}}}
    SENT.clear()
    SETTINGS_SEEN.clear()
    _user, applicant = factories.citizen()
    notify_in_transaction(applicant, "您的办件 YW1 已受理。")
    with running_senders(1):
        wait_until_sent("您的办件 YW1 已受理。")
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    if connection.vendor == "postgresql":
        assert SETTINGS_SEEN == ["off"]  # the sender's session
        with connection.cursor() as cursor:  # this (an action's) connection keeps the server's setting
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    else:
        assert SETTINGS_SEEN == ["sqlite"]  # nothing to relax: SQLite has no such setting


def test_behind_a_transaction_pooler_the_senders_commits_stay_durable(settings):
    # NOTIFY_SENDER_ASYNC_COMMIT=0: a session's SET would stay on a pooled server connection
    from django.db import connection

    settings.YIWANG_NOTIFY_SENDER_ASYNC_COMMIT = False
    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": f"{__name__}.CommitSettingChannel",
                                               "OPTIONS": {"address_field": "phone"}}}
    SENT.clear()
    SETTINGS_SEEN.clear()
    _user, applicant = factories.citizen()
    notify_in_transaction(applicant, "您的办件 YW1 已受理。")
    with running_senders(1):
        wait_until_sent("您的办件 YW1 已受理。")
    assert SETTINGS_SEEN == (["on"] if connection.vendor == "postgresql" else ["sqlite"])
