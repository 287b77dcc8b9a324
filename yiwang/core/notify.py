"""Notices to people: in the site (``Notification``) and through pluggable channels (SMS, email).

How a notice travels:

1. The service that changes a case calls ``notify_applicant`` inside its transaction. It writes the
   ``Notification`` (the 消息 list) and one ``OutboxMessage`` per configured channel, due at once.
   Nothing else: the outbox is the queue (no task is enqueued per action, no second commit). If the
   transaction rolls back, neither the notice nor its outbox rows exist; if it commits, both do,
   whatever happens to the send.
2. The sender (``run_sender``: ``manage.py send_notifications --loop``, a long-running process)
   sends every due row (``send_due_outbox``: new rows, retries whose time has come, rows a crashed
   sender had claimed), waits ``YIWANG_NOTIFY_POLL_SECONDS`` (1 s) and looks again: a committed
   notice leaves within about that interval; a pass that finds nothing is one indexed query.
   (Not LISTEN/NOTIFY: PostgreSQL serialises the commits of transactions that NOTIFY, with a
   database-wide lock held through each one's commit, which the actions' commits cannot afford.)
   ``send_outbox_message`` sends one row: it claims the row, decrypts the applicant's address (only
   here), and calls the channel. Success marks the row ``sent``; an exception records the attempt
   and the error and sets the retry time with exponential backoff (the first pass after it sends it
   again); after ``YIWANG_NOTIFY_MAX_ATTEMPTS`` attempts the row is ``failed``. Nothing the channel
   does can reach the case: the send runs after the commit, in its own transactions, and every
   error is caught. Any number of senders may run (on several hosts): the claim (``_claim``, one
   conditional UPDATE that takes a lease on ``next_attempt_at``) lets exactly one of them send a copy.

   Every copy travels with its message id (``message_id``: the outbox row's id and the time it was
   written), the same on every attempt, so a gateway or mail server that saw an attempt whose answer
   was lost can recognise the retry and drop the duplicate; each attempt is logged with it.
3. Without a running sender, ``send_due_outbox`` once (management command ``send_notifications``,
   for cron, or the task ``send_due_notifications``) sends the same rows. The task
   ``send_notifications`` (a list of ids) is what actions enqueued before the outbox became the
   queue; a worker still runs those left in the task table, and the claim keeps each copy single.

Channels are configured in ``YIWANG_NOTIFY_CHANNELS`` (see docs/notifications.md): a name, a
backend class implementing ``Channel``, and its options. Defaults: SMS to a file under ``var/``,
email through Django's email (a file backend in the demo). ``HttpSmsGateway`` shows the shape of a
real SMS gateway adapter; it is not enabled by default.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import threading
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections, router
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from yiwang.core.clock import DatabaseNow, db_now
from yiwang.core.models import Applicant, Notification, OutboxMessage, OutboxStatus
from yiwang.core.statements import insert_with_children
from yiwang.core.users import User

logger = logging.getLogger(__name__)


class Channel(Protocol):
    """One way of reaching a person. ``address_field`` names the ``Applicant`` field holding the
    address (``phone`` or ``email``); ``send`` raises on any failure (the outbox retries).
    ``message_id`` is the copy's stable id: the same on every attempt, passed on to the gateway
    (or mail header) so that the far side can drop a retried duplicate."""

    name: str
    address_field: str

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None: ...


def message_id(row: OutboxMessage) -> str:
    """The stable id of an outbox copy, the same for every attempt: its row id and the moment it was
    written (UTC, microseconds), so a row id used again after a database is restored from a backup
    does not repeat an id a gateway has already seen."""
    return f"{row.pk}-{row.created_at.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}"


class FileChannel:
    """Appends each message as a JSON line to a file: the demo's SMS "gateway", readable by anyone
    trying the site (``var/notify/sms.log``)."""

    def __init__(self, name: str, *, address_field: str = "phone", path: str | None = None) -> None:
        self.name = name
        self.address_field = address_field
        self.path = Path(path) if path else Path(settings.VAR_DIR) / "notify" / f"{name}.log"

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), "id": message_id, "to": to, "subject": subject,
                           "body": body}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class ConsoleChannel:
    """Writes each message to the log (the worker's output)."""

    def __init__(self, name: str, *, address_field: str = "phone") -> None:
        self.name = name
        self.address_field = address_field

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        logger.warning("notify[%s] message %s to %s: %s — %s", self.name, message_id, to, subject, body)


class EmailChannel:
    """Email through Django's email framework: ``EMAIL_BACKEND`` decides how (SMTP with
    ``EMAIL_HOST`` … in production; a file backend in the demo). The message id becomes the
    ``Message-ID`` header, ``<id@domain of the sender>``: the same for a retried copy."""

    def __init__(self, name: str, *, address_field: str = "email", from_email: str | None = None) -> None:
        self.name = name
        self.address_field = address_field
        self.from_email = from_email

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        from django.core.mail import EmailMessage

        sender = self.from_email or settings.DEFAULT_FROM_EMAIL
        domain = sender.rpartition("@")[2].strip(" >") or "yiwang.invalid"
        EmailMessage(subject, body, sender, [to], headers={"Message-ID": f"<yiwang-{message_id}@{domain}>"}).send(
            fail_silently=False)


# SMS length (GSM 03.38 / 3GPP TS 23.040): a text with Chinese characters is sent in UCS-2, 70
# characters in one message; a longer one is sent as a long (concatenated) SMS in parts of 67 (the
# part header takes 3), which phones show as one message and operators bill per part. The
# gateway's 签名 【…】 counts. docs/notifications.md ("SMS length").
SMS_SINGLE = 70
SMS_PART = 67


def sms_text(*, subject: str, body: str) -> str:
    """The text an SMS carries for a notice (the gateway adds the sign)."""
    return f"{subject}：{body}"


def sms_parts(text: str, *, sign: str = "") -> int:
    """How many SMS parts ``text`` (with the gateway's sign 【sign】) is sent as."""
    length = len(text) + (len(sign) + 2 if sign else 0)
    return 1 if length <= SMS_SINGLE else -(-length // SMS_PART)


class HttpSmsGateway:
    """An SMS gateway reached by HTTP: POSTs ``{"phone", "sign", "text", "out_id"}`` as JSON to ``url``
    with ``Authorization: Bearer <token>`` and ``Idempotency-Key: <message id>``, and expects a 2xx.
    ``out_id`` (the message id) is what most gateways call the caller's own id of a message. Most provincial and commercial gateways
    differ only in field names and signing: copy this class, change ``payload`` and ``check``, and
    name the copy in ``YIWANG_NOTIFY_CHANNELS``. Not enabled by default (no SMS leaves a demo)."""

    def __init__(self, name: str, *, url: str, token: str = "", sign: str = "", timeout: float = 10.0,
                 address_field: str = "phone") -> None:
        self.name = name
        self.address_field = address_field
        if not url.lower().startswith(("https://", "http://")):
            # urlopen would also open file:// and custom schemes: only a web gateway is a gateway
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"the SMS gateway URL must be http(s), not {url[:40]!r}")
        self.url, self.token, self.sign, self.timeout = url, token, sign, timeout

    def payload(self, *, to: str, subject: str, body: str, message_id: str) -> dict[str, Any]:
        return {"phone": to, "sign": self.sign, "text": sms_text(subject=subject, body=body), "out_id": message_id}

    def check(self, status: int, response_body: bytes) -> None:
        if not 200 <= status < 300:
            raise RuntimeError(f"SMS gateway answered HTTP {status}: {response_body[:200]!r}")

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        data = json.dumps(self.payload(to=to, subject=subject, body=body, message_id=message_id),
                          ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=data, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8",
                                                  "Idempotency-Key": message_id,
                                                  **({"Authorization": f"Bearer {self.token}"} if self.token else {})})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - operator's URL
            self.check(response.status, response.read())


def channel_settings() -> dict[str, dict[str, Any]]:
    return dict(getattr(settings, "YIWANG_NOTIFY_CHANNELS", {}) or {})


@functools.lru_cache(maxsize=16)
def _build_channel(name: str, backend: str, options_json: str) -> Channel:
    return import_string(backend)(name, **json.loads(options_json))


def get_channel(name: str) -> Channel:
    config = channel_settings().get(name)
    if config is None:
        raise LookupError(f"notification channel {name!r} is not configured in YIWANG_NOTIFY_CHANNELS")
    return _build_channel(name, config["BACKEND"], json.dumps(config.get("OPTIONS", {}), sort_keys=True))


# -- writing notices (inside the event's transaction) ------------------------------------------------


_NO_ADDRESS = {"status": OutboxStatus.SKIPPED, "last_error": "no address"}


def _has_address(applicant: Applicant, channel_name: str) -> bool:
    """Whether the applicant has an address for this channel. A channel that cannot be built (a
    configuration error) says yes: its row is written pending and the sender records why it fails,
    so a broken channel never fails the action that notifies (the outbox keeps them apart)."""
    try:
        address_field = get_channel(channel_name).address_field
    except Exception:  # noqa: BLE001 - any error building the channel is the sender's to record
        return True
    return bool(getattr(applicant, address_field, ""))


def notify_applicant(
    *,
    applicant: Applicant,
    kind: str,
    title: str,
    body: str,
    params: dict[str, Any],
    case_number: str = "",
    link: str = "",
) -> Notification | None:
    """Notify an applicant of an event: a 消息 for their account (a walk-in applicant may have none)
    and an outbox row per configured channel.

    ``title`` and ``body`` are Chinese message templates (``%(name)s``) filled from ``params``;
    they are translated when shown (see ``Notification.rendered_body``). Call inside the event's
    transaction. A channel the applicant has no address for (no email given) gets its row as
    ``skipped`` at once, as the sender would have left it, without the sender's three statements."""
    rows = [OutboxMessage(applicant=applicant, channel=name, kind=kind, case_number=case_number,
                          subject=(title % params)[:200], body=body % params, next_attempt_at=DatabaseNow(),
                          **({} if _has_address(applicant, name) else _NO_ADDRESS))
            for name in channel_settings()]
    notice = None
    if applicant.user_id:
        notice = Notification(recipient_id=applicant.user_id, kind=kind, title=title, message=body, params=params,
                              case_number=case_number, link=link)
        # the notice and its outbox rows: one statement on PostgreSQL (issue #14); no receiver
        # follows either model
        insert_with_children(notice, rows, link="notification", using=router.db_for_write(Notification))
    elif rows:
        OutboxMessage.objects.bulk_create(rows)
    # the sender takes the rows once the transaction commits (module docstring): nothing to enqueue
    return notice


def send_to_address(
    *, address_field: str, address: str, kind: str, subject: str, body: str, sealed_body: str = "",
    discard_after: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Queue a message to an address that belongs to no applicant yet (a one-time code to the
    phone someone is registering), on every configured channel that reaches that kind of address
    (``address_field``: ``phone`` or ``email``). ``sealed_body``, when given, is what is sent;
    it is stored encrypted and erased once the row is done, and ``body`` (the record) must not
    contain the secret. Call inside the event's transaction, like ``notify_applicant``."""
    names = [name for name in channel_settings() if get_channel(name).address_field == address_field]
    rows = OutboxMessage.objects.bulk_create([
        OutboxMessage(applicant=None, address=address, channel=name, kind=kind, subject=subject[:200], body=body,
                      sealed_body=sealed_body, discard_after=discard_after, next_attempt_at=DatabaseNow())
        for name in names
    ])
    return rows  # sent by the sender once the transaction commits, like ``notify_applicant``'s


# -- sending (the worker) ------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: base × 2^(attempts − 1), at most the cap."""
    base = int(getattr(settings, "YIWANG_NOTIFY_RETRY_BASE_SECONDS", 60))
    cap = int(getattr(settings, "YIWANG_NOTIFY_RETRY_MAX_SECONDS", 3600))
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "YIWANG_NOTIFY_LEASE_SECONDS", 300)))


def _due_by(now: dt.datetime | None) -> Any:
    """What a row's ``next_attempt_at`` is compared with: the given time, or else the database's own
    clock in the statement itself. Rows are stamped ``DatabaseNow()`` by the database; ``db_now()``
    is this server's estimate of that clock, which may be a few milliseconds behind (SQLite's clock
    reads whole milliseconds, a measured offset is off by up to half its round trip), and a row
    written just before would then not yet be due."""
    return DatabaseNow() if now is None else now


def _claim(outbox_id: int, now: dt.datetime, *, due_by: Any = None) -> bool:
    """Take the row for one attempt: one conditional UPDATE, so two senders never send it twice at
    once (a sender that dies leaves the row to be retried when the lease ends). The attempt is
    counted here, when it is taken: a copy that kills its sender each time still reaches
    ``YIWANG_NOTIFY_MAX_ATTEMPTS`` and ends ``failed`` instead of being retried for ever. The row must
    be due by ``due_by`` (``now`` when not given)."""
    return bool(
        OutboxMessage.objects.filter(pk=outbox_id, status=OutboxStatus.PENDING,
                                     next_attempt_at__lte=now if due_by is None else due_by)
        .update(next_attempt_at=now + _lease(), last_attempt_at=now, attempts=F("attempts") + 1)
    )


def _while_claimed(row: OutboxMessage, now: dt.datetime) -> Any:
    """The row, as long as this attempt's claim still holds (its ``last_attempt_at`` is this
    claim's): a send that outlasted its lease, whose row another sender has since taken, changes
    nothing (channels' timeouts, ``EMAIL_TIMEOUT`` and the gateway's, are kept well under the lease)."""
    return OutboxMessage.objects.filter(pk=row.pk, last_attempt_at=now)


def _max_attempts() -> int:
    return int(getattr(settings, "YIWANG_NOTIFY_MAX_ATTEMPTS", 6))


def send_outbox_message(outbox_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one outbox row if it is due; returns its status afterwards. Never raises for a failed send."""
    due_by = _due_by(now)
    now = now or db_now()
    if not _claim(outbox_id, now, due_by=due_by):
        status = OutboxMessage.objects.filter(pk=outbox_id).values_list("status", flat=True).first()
        return status or "missing"
    row = OutboxMessage.objects.select_related("applicant").get(pk=outbox_id)
    attempts = row.attempts  # this one included (``_claim``)
    mid = message_id(row)
    if row.discard_after is not None and row.discard_after <= now:
        _while_claimed(row, now).update(status=OutboxStatus.SKIPPED, sealed_body="",
                                        last_error="expired before it could be sent")
        return OutboxStatus.SKIPPED
    if attempts > _max_attempts():  # every earlier attempt ended with its sender (killed, crashed)
        _while_claimed(row, now).update(status=OutboxStatus.FAILED, sealed_body="",
                                        last_error="the sender stopped during every attempt")
        logger.error("notification %s via %s: message %s failed: the sender stopped during %d attempts",
                     row.pk, row.channel, mid, attempts - 1)
        return OutboxStatus.FAILED
    try:
        channel = get_channel(row.channel)
        # the only place the address is decrypted
        address = row.address or (getattr(row.applicant, channel.address_field, "") if row.applicant else "") or ""
        if not address:
            _while_claimed(row, now).update(status=OutboxStatus.SKIPPED, sealed_body="", last_error="no address")
            return OutboxStatus.SKIPPED
        logger.info("notification %s via %s: sending message %s (attempt %d)", row.pk, row.channel, mid, attempts)
        with translation.override(settings.LANGUAGE_CODE):
            channel.send(to=address, subject=row.subject, body=row.sealed_body or row.body, message_id=mid)
    except Exception as exc:  # noqa: BLE001 - any channel failure is retried, never propagated
        failed = attempts >= _max_attempts()
        status = OutboxStatus.FAILED if failed else OutboxStatus.PENDING
        next_at = now + backoff(attempts)
        _while_claimed(row, now).update(
            status=status, next_attempt_at=next_at,
            **({"sealed_body": ""} if failed else {}),
            last_error=f"{type(exc).__name__}: {exc}"[:500])
        logger.warning("notification %s via %s: message %s failed (attempt %d): %s", row.pk, row.channel, mid,
                       attempts, exc)
        return status  # a pending row is retried by the sender's pass after ``next_at``
    _while_claimed(row, now).update(status=OutboxStatus.SENT, sent_at=timezone.now(), sealed_body="", last_error="")
    logger.info("notification %s via %s: message %s sent (attempt %d)", row.pk, row.channel, mid, attempts)
    return OutboxStatus.SENT


def send_outbox(outbox_ids: list[int], *, now: dt.datetime | None = None,
                stop: threading.Event | None = None) -> dict[str, int]:
    """Send these rows one by one; when ``stop`` is set, after the copy being sent (the rest wait)."""
    counts: dict[str, int] = {}
    for outbox_id in outbox_ids:
        if stop is not None and stop.is_set():
            break
        status = send_outbox_message(outbox_id, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts


SEND_BATCH = 500


def send_due_outbox(*, now: dt.datetime | None = None, limit: int = SEND_BATCH,
                    stop: threading.Event | None = None) -> dict[str, int]:
    """Send every pending row whose time has come (new, retry due, or a dead worker's lease over),
    oldest first, at most ``limit`` (until ``stop`` is set). Without ``now``, the database's clock
    says which rows are due, and each row is claimed at the database's time of its own claim: a pass through a slow gateway must not take leases that
    have already run out (another sender could then claim the same row)."""
    ids = list(due_messages(now=now).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    return send_outbox(ids, now=now, stop=stop)


def due_messages(*, now: dt.datetime | None = None) -> Any:
    """The pending rows whose time has come by ``now``, or else by the database's own clock (the
    one rule of what is due: the sender's pass and the outbox gauges both read it)."""
    return OutboxMessage.objects.filter(Q(status=OutboxStatus.PENDING), next_attempt_at__lte=_due_by(now))


def poll_seconds() -> float:
    return float(getattr(settings, "YIWANG_NOTIFY_POLL_SECONDS", 1.0))


def _without_waiting_for_flush(using: str) -> None:
    """The sender's commits (claims, outcomes) do not wait for the WAL to reach the disk or a standby
    (PostgreSQL's ``synchronous_commit`` off for its own session; the actions' commits are not
    touched). Each copy costs three commits, and each durable one was a wait for the disk (and, in the
    cluster, the standby). Visibility is unchanged, so two senders still never hold the same row;
    what a crash of the database can lose is the last fraction of a second of the sender's marks,
    and a copy whose "sent" was lost is sent again, with the same message id for the gateway to drop
    (as when a sender dies between the send and its mark). Set at each pass: a connection opened
    again after a failover gets it too. Not behind a transaction-pooling PgBouncer
    (``NOTIFY_SENDER_ASYNC_COMMIT=0``): there a session's SET stays on the pooled server connection,
    which the actions' transactions use next."""
    connection = connections[using]
    if connection.vendor == "postgresql" and getattr(settings, "YIWANG_NOTIFY_SENDER_ASYNC_COMMIT", True):
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


def run_sender(*, stop: threading.Event, every: float | None = None, using: str = DEFAULT_DB_ALIAS) -> None:
    """The sender: a pass of ``send_due_outbox`` every ``every`` seconds (``YIWANG_NOTIFY_POLL_SECONDS``)
    until ``stop`` is set (it then ends after the copy being sent); a full batch is followed by the
    next pass at once. A pass that fails (the database restarting, a failover) is logged and the
    connection opened again at the next pass: the rows wait in the outbox meanwhile. Runs in its own
    thread or process, with its own connection, which it closes when it ends."""
    interval = poll_seconds() if every is None else every
    logger.info("notification sender: a pass every %.1f s", interval)
    try:
        while not stop.is_set():
            full = False
            try:
                _without_waiting_for_flush(using)
                counts = send_due_outbox(stop=stop)
                full = sum(counts.values()) >= SEND_BATCH
                if counts:
                    logger.info("notification sender: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
            except Exception:  # noqa: BLE001 - the sender outlives a failed pass (a lost database, a failover)
                logger.exception("notification sender: the pass failed; trying again in %.1f s", interval)
                with contextlib.suppress(DatabaseError, InterfaceError):
                    connections[using].close()  # a broken connection is opened afresh at the next pass
            if not full:
                stop.wait(interval)
    finally:
        connections[using].close()


# -- reading and marking -----------------------------------------------------------------------------


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, actor: User, notification_id: int, now: dt.datetime | None = None) -> Notification:
    """Mark one of the actor's own notifications read (idempotent); another person's is not found."""
    from django.utils.translation import gettext as _

    from yiwang.core.errors import CoreErrorCode, NotFound

    in_range = 0 < notification_id <= 2**63 - 1  # PostgreSQL raises on ids past bigint
    notice = Notification.objects.filter(pk=notification_id, recipient=actor).first() if in_range else None
    if notice is None:
        raise NotFound(CoreErrorCode.NOT_FOUND, _("消息不存在。"))
    if notice.read_at is None:
        notice.read_at = now or timezone.now()
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def mark_all_read(*, actor: User, now: dt.datetime | None = None) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=now or timezone.now())
