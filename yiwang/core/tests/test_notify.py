"""Notices through channels: the outbox row is written with the notice, sent by the sender's pass
after the commit, retried with backoff when a channel fails, and a failure never reaches the
transaction that caused it (the sender loop itself: test_notify_sender.py)."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from yiwang.core import notify
from yiwang.core.errors import NotFound
from yiwang.core.models import Notification, OutboxMessage, OutboxStatus
from yiwang.testing import factories

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS: list[dict[str, str]] = []


class BrokenChannel:
    """A gateway that is down: every send raises."""

    def __init__(self, name: str, *, address_field: str = "phone") -> None:
        self.name, self.address_field = name, address_field

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        ATTEMPTS.append({"to": to, "subject": subject, "id": message_id})
        raise ConnectionError("gateway unreachable")


def channels(settings: Any, **backends: str) -> None:
    settings.YIWANG_NOTIFY_CHANNELS = {
        name: {"BACKEND": backend, "OPTIONS": {"address_field": "email" if name == "email" else "phone"}}
        for name, backend in backends.items()
    }


def send_notice(applicant: Any, **extra: Any) -> Notification | None:
    with transaction.atomic():
        return notify.notify_applicant(applicant=applicant, kind="case_accepted", title="申请已受理",
                                       body="您的办件 %(number)s 已受理。", params={"number": "YW1"},
                                       case_number="YW1", link="/me/cases/YW1/", **extra)


def test_a_notice_just_written_is_due_even_when_this_servers_estimate_of_the_database_clock_lags(monkeypatch):
    # the estimate of the database's clock (db_now) is a measured offset, off by up to half a round
    # trip (SQLite's clock reads whole milliseconds); the row itself was stamped by the database
    from yiwang.core import clock

    _, applicant = factories.citizen()
    applicant.email = "zhang@example.cn"
    applicant.save()
    send_notice(applicant)
    clock.db_now()  # measure, then make the estimate lag the database by two seconds
    measured_at, offset = clock._offsets["default"]
    monkeypatch.setitem(clock._offsets, "default", (measured_at, offset - dt.timedelta(seconds=2)))

    # the pass right after the commit sends it: the database says which rows are due
    assert notify.send_due_outbox() == {OutboxStatus.SENT: 2}


def test_a_notice_stamped_at_a_whole_second_is_due_at_that_second(monkeypatch):
    # the database's clock reads a whole second when the notice is written (on SQLite one stamp in
    # a thousand; pinned here), and a sender asks for what is due at the moment read back from it
    from yiwang.core import clock

    monkeypatch.setattr(clock, "_SQLITE_NOW", "'2026-12-07 10:00:00'")
    _, applicant = factories.citizen()
    applicant.email = "zhang@example.cn"  # a phone and an email: two copies to send
    applicant.save()
    send_notice(applicant)
    moment = OutboxMessage.objects.values_list("next_attempt_at", flat=True).first()
    if connection.vendor == "sqlite":
        assert moment == dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)
    # then both copies are due at that moment, as at any later one
    assert notify.send_due_outbox(now=moment) == {OutboxStatus.SENT: 2}


def test_notice_and_outbox_rows_are_written_together_and_sent_after_commit(settings, tmp_path):
    # given an applicant with a phone and an email, and the file SMS channel and Django email
    user, applicant = factories.citizen()
    applicant.email = "zhang@example.cn"
    applicant.save()
    sms_log = tmp_path / "sms.log"
    settings.YIWANG_NOTIFY_CHANNELS = {
        "sms": {"BACKEND": "yiwang.core.notify.FileChannel", "OPTIONS": {"address_field": "phone", "path": str(sms_log)}},
        "email": {"BACKEND": "yiwang.core.notify.EmailChannel", "OPTIONS": {"address_field": "email"}},
    }

    # when the event's transaction commits and the sender makes its pass
    notice = send_notice(applicant)
    assert notify.send_due_outbox() == {OutboxStatus.SENT: 2}

    # then the 消息 exists and each channel sent its copy to the decrypted address
    assert notice is not None and notice.recipient_id == user.pk
    rows = {r.channel: r for r in OutboxMessage.objects.all()}
    assert {c: r.status for c, r in rows.items()} == {"sms": OutboxStatus.SENT, "email": OutboxStatus.SENT}
    assert all(r.attempts == 1 and r.notification_id == notice.pk for r in rows.values())
    line = json.loads(sms_log.read_text(encoding="utf-8").splitlines()[0])
    assert line["to"] == "13800138000" and "YW1" in line["body"]
    assert mail.outbox[0].to == ["zhang@example.cn"] and mail.outbox[0].subject == "申请已受理"
    # each copy carries its own row's message id: in the SMS line, and as the email's Message-ID
    assert line["id"] == notify.message_id(rows["sms"]) != notify.message_id(rows["email"])
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]
    assert mail.outbox[0].message()["Message-ID"] == f"<yiwang-{notify.message_id(rows['email'])}@{domain}>"


def test_a_rolled_back_event_leaves_no_notice_and_sends_nothing(settings):
    _user, applicant = factories.citizen()
    channels(settings, sms="yiwang.core.tests.test_notify.BrokenChannel")
    ATTEMPTS.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify.notify_applicant(applicant=applicant, kind="k", title="t", body="b", params={})
        raise RuntimeError("the case change failed")
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists() and ATTEMPTS == []


def test_a_failing_channel_is_retried_with_backoff_and_gives_up_after_the_limit(settings, caplog):
    # given a channel that always fails, three attempts at most
    _user, applicant = factories.citizen()
    channels(settings, sms="yiwang.core.tests.test_notify.BrokenChannel")
    settings.YIWANG_NOTIFY_MAX_ATTEMPTS = 3
    settings.YIWANG_NOTIFY_RETRY_BASE_SECONDS = 60
    ATTEMPTS.clear()

    # when the notice is sent after commit (attempt 1), and the sweep runs before and after the retry time
    notice = send_notice(applicant)
    assert notify.send_due_outbox() == {OutboxStatus.PENDING: 1}
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error == "ConnectionError: gateway unreachable"
    first_retry = row.next_attempt_at
    assert first_retry - row.last_attempt_at == dt.timedelta(seconds=60)
    assert notify.send_due_outbox(now=first_retry - dt.timedelta(seconds=1)) == {}  # not yet due
    notify.send_due_outbox(now=first_retry)
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at - first_retry == dt.timedelta(seconds=120)
    notify.send_due_outbox(now=row.next_attempt_at)

    # then it stops as failed, with the last error kept, and the 消息 in the site is untouched
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3) and "gateway unreachable" in row.last_error
    assert notify.send_due_outbox(now=row.next_attempt_at + dt.timedelta(days=1)) == {}
    assert len(ATTEMPTS) == 3 and ATTEMPTS[0]["to"] == "13800138000"
    # every attempt carried the same message id (the gateway can drop a retried duplicate), logged
    assert {a["id"] for a in ATTEMPTS} == {notify.message_id(row)}
    assert sum(notify.message_id(row) in r.getMessage() for r in caplog.records if "failed" in r.getMessage()) == 3
    assert Notification.objects.get().pk == notice.pk


def test_a_row_claimed_by_one_worker_is_not_sent_by_another_until_its_lease_ends(settings):
    _user, applicant = factories.citizen()
    channels(settings, sms="yiwang.core.notify.ConsoleChannel")
    row = OutboxMessage.objects.create(applicant=applicant, channel="sms", kind="k", subject="s", body="b")
    now = timezone.now()
    assert notify._claim(row.pk, now)  # a worker took it and then died
    assert notify.send_outbox_message(row.pk, now=now + dt.timedelta(seconds=10)) == OutboxStatus.PENDING
    row.refresh_from_db()
    assert row.attempts == 1  # the dead worker's attempt, counted when it took the row; none by the other
    assert notify.send_outbox_message(row.pk, now=now + dt.timedelta(minutes=6)) == OutboxStatus.SENT
    row.refresh_from_db()
    assert row.attempts == 2


def test_no_address_means_skipped_as_written_and_never_taken_by_the_sender(settings):
    _user, applicant = factories.citizen()  # has a phone, no email
    channels(settings, email="yiwang.core.notify.EmailChannel", sms="yiwang.core.notify.ConsoleChannel")
    send_notice(applicant)
    # written as the sender would have left it: no claim, no attempt, no statement of the sender's
    email = OutboxMessage.objects.get(channel="email")
    assert (email.status, email.last_error, email.attempts) == (OutboxStatus.SKIPPED, "no address", 0)
    assert notify.send_due_outbox() == {OutboxStatus.SENT: 1}  # the SMS only
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_attempt_at) == (OutboxStatus.SKIPPED, 0, None)
    assert mail.outbox == []


def test_an_address_removed_after_the_notice_was_written_is_skipped_by_the_sender(settings):
    _user, applicant = factories.citizen()
    applicant.email = "zhang@example.cn"
    applicant.save()
    channels(settings, email="yiwang.core.notify.EmailChannel")
    send_notice(applicant)
    applicant.email = ""  # the applicant took the address away before the copy left
    applicant.save()
    assert notify.send_due_outbox() == {OutboxStatus.SKIPPED: 1}
    row = OutboxMessage.objects.get()
    assert (row.status, row.last_error) == (OutboxStatus.SKIPPED, "no address")
    assert mail.outbox == []


def test_walk_in_applicant_without_account_gets_the_sms_only(settings, tmp_path):
    applicant = factories.citizen("walkin", first17="11010119800101123")[1]
    applicant.user = None
    applicant.save()
    settings.YIWANG_NOTIFY_CHANNELS = {
        "sms": {"BACKEND": "yiwang.core.notify.FileChannel",
                "OPTIONS": {"address_field": "phone", "path": str(tmp_path / "sms.log")}}}
    assert send_notice(applicant) is None
    assert not Notification.objects.exists()
    assert notify.send_due_outbox() == {OutboxStatus.SENT: 1}
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


class _Gateway(http.server.BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        _Gateway.received.append({"auth": self.headers.get("Authorization"), "key": self.headers.get("Idempotency-Key"),
                                  "json": json.loads(self.rfile.read(length))})
        self.send_response(_Gateway.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


def test_http_sms_gateway_posts_the_documented_shape_and_a_5xx_is_a_failure():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        gateway = notify.HttpSmsGateway("sms", url=f"http://127.0.0.1:{server.server_port}/send", token="t0k",
                                        sign="某县政务")
        _Gateway.received.clear()
        gateway.send(to="13800138000", subject="申请已受理", body="您的办件已受理。", message_id="7-20261206T010203000004Z")
        assert _Gateway.received == [{"auth": "Bearer t0k", "key": "7-20261206T010203000004Z", "json": {
            "phone": "13800138000", "sign": "某县政务", "text": "申请已受理：您的办件已受理。",
            "out_id": "7-20261206T010203000004Z"}}]
        _Gateway.status = 503
        with pytest.raises(Exception, match="503"):
            gateway.send(to="13800138000", subject="s", body="b", message_id="8-20261206T010203000004Z")
    finally:
        _Gateway.status = 200
        server.shutdown()


def test_mark_read_only_your_own():
    user, applicant = factories.citizen()
    other, _ = factories.citizen("other", first17="11010119851212003")
    notice = send_notice(applicant)
    with pytest.raises(NotFound):
        notify.mark_read(actor=other, notification_id=notice.pk)
    assert notify.unread_count(user) == 1
    notify.mark_read(actor=user, notification_id=notice.pk)
    notify.mark_read(actor=user, notification_id=notice.pk)
    assert notify.unread_count(user) == 0


def test_notification_api_contract_and_read_in_english(settings):
    user, applicant = factories.citizen()
    other, _ = factories.citizen("other", first17="11010119851212003")
    settings.YIWANG_NOTIFY_CHANNELS = {}
    notice = send_notice(applicant)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": "Bearer " + client.post(
        "/api/v1/auth/token", {"username": "citizen", "password": "pw-citizen"},
        content_type="application/json").json()["token"]}

    body = client.get("/api/v1/notifications", **auth).json()
    assert (body["count"], body["unread"]) == (1, 1)
    assert set(body["items"][0]) == {"id", "kind", "title", "body", "case_number", "created_at", "read_at"}
    assert body["items"][0]["body"] == "您的办件 YW1 已受理。" and body["items"][0]["case_number"] == "YW1"

    other_auth = {"HTTP_AUTHORIZATION": "Bearer " + client.post(
        "/api/v1/auth/token", {"username": "other", "password": "pw-other"},
        content_type="application/json").json()["token"]}
    refused = client.post(f"/api/v1/notifications/{notice.pk}/read", **other_auth)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert client.get("/api/v1/notifications", **other_auth).json() == {"count": 0, "unread": 0, "items": []}
    assert client.post("/api/v1/notifications/999999/read", **auth).status_code == 404

    read = client.post(f"/api/v1/notifications/{notice.pk}/read", **auth)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/v1/notifications", **auth).json()["unread"] == 0
    assert client.get("/api/v1/notifications").status_code == 401


def test_a_channel_that_cannot_be_built_never_fails_the_action_that_notifies(settings):
    # a county's SMS gateway configured with a URL it refuses (a configuration error)
    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": "yiwang.core.notify.HttpSmsGateway",
                                               "OPTIONS": {"address_field": "phone", "url": "ftp://gateway.invalid/"}}}
    with pytest.raises(Exception):  # noqa: B017 - whatever the gateway's constructor raises
        notify.get_channel("sms")
    _user, applicant = factories.citizen()
    # the event's transaction commits with its notice and the row, pending
    notice = send_notice(applicant)
    assert notice is not None and Notification.objects.filter(pk=notice.pk).exists()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    # and the sender records why it cannot send, to retry once the setting is mended
    assert notify.send_due_outbox() == {OutboxStatus.PENDING: 1}
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_error
