"""A worker killed while sending: the copy goes out again when its claim's lease ends (at least once;
the recipient may get it twice), and never twice while the lease holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.core import notify
from yiwang.core.models import OutboxMessage, OutboxStatus
from yiwang.testing import factories

pytestmark = pytest.mark.django_db

DELIVERED: list[str] = []
MESSAGE_IDS: list[str] = []


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (not an Exception: no handler catches it)."""


class GatewayThenDeath:
    """The gateway accepts the message, then the worker dies before it can mark the row sent."""

    die = True

    def __init__(self, name: str, *, address_field: str = "phone") -> None:
        self.name, self.address_field = name, address_field

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        DELIVERED.append(body)
        MESSAGE_IDS.append(message_id)
        if GatewayThenDeath.die:
            raise Killed


def test_a_copy_whose_sender_died_after_the_gateway_took_it_is_sent_again_after_the_lease(settings):
    DELIVERED.clear()
    MESSAGE_IDS.clear()
    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": f"{__name__}.GatewayThenDeath",
                                               "OPTIONS": {"address_field": "phone"}}}
    settings.YIWANG_NOTIFY_LEASE_SECONDS = 300
    _user, applicant = factories.citizen()
    row = OutboxMessage.objects.create(applicant=applicant, channel="sms", kind="case_accepted", subject="受理",
                                       body="您的办件 YW1 已受理。")
    now = timezone.now()
    with pytest.raises(Killed):
        notify.send_outbox_message(row.pk, now=now)
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and DELIVERED == ["您的办件 YW1 已受理。"]

    GatewayThenDeath.die = False
    try:
        # while the lease holds, the cron sweep leaves it alone: no second copy yet
        assert notify.send_due_outbox(now=now + dt.timedelta(seconds=299)) == {}
        # after it, the copy goes out again: the recipient has the same text twice
        assert notify.send_due_outbox(now=now + dt.timedelta(seconds=301)) == {OutboxStatus.SENT: 1}
    finally:
        GatewayThenDeath.die = True
    assert DELIVERED == ["您的办件 YW1 已受理。"] * 2
    # both copies carry the row's one message id: a gateway that keeps ids drops the second
    assert MESSAGE_IDS == [notify.message_id(row)] * 2
    row.refresh_from_db()
    # two attempts, counted when each was taken: the one its sender died in, and the one that sent it
    assert row.status == OutboxStatus.SENT and row.attempts == 2
