"""One-time codes: hashed at rest, expiring, limited attempts, single use, rate-limited per phone
and per IP address, and the same answer for a phone that already has an account."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from yiwang.core import notify
from yiwang.core.errors import DomainError, InvalidInput
from yiwang.core.models import OutboxMessage, OutboxStatus
from yiwang.identity import services
from yiwang.identity.models import VerificationCode
from yiwang.identity.tests.helpers import last_code, register

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def test_the_code_is_stored_only_as_a_keyed_hash_and_reaches_the_phone_once(settings, tmp_path):
    # when a code is requested and the sender makes its pass (the outbox is its queue)
    row = services.request_code(phone=PHONE, ip_address="10.0.0.1")
    assert notify.send_due_outbox() == {OutboxStatus.SENT: 1}

    # then the SMS file has it, the code row holds no code, and the outbox kept no copy of it
    sent = [json.loads(line) for line in (tmp_path / "sms.log").read_text().splitlines()]
    assert sent[-1]["to"] == PHONE
    code = sent[-1]["body"].split("验证码为 ")[1][:6]
    assert code.isdigit() and code not in row.code_hash and PHONE not in row.phone_index
    outbox = OutboxMessage.objects.get(kind="identity_code")
    assert outbox.status == OutboxStatus.SENT and outbox.sealed_body == "" and code not in outbox.body


def test_an_expired_code_is_refused(settings):
    services.request_code(phone=PHONE, ip_address="10.0.0.1")
    code = last_code()
    later = timezone.now() + dt.timedelta(seconds=settings.YIWANG_IDENTITY_CODE_TTL_SECONDS + 1)
    with pytest.raises(InvalidInput) as refused:
        services.verify_code(phone=PHONE, code=code, now=later)
    assert refused.value.code == "code_expired"


def test_brute_force_kills_the_code_even_for_the_right_guess(settings):
    # given a code and five wrong guesses
    services.request_code(phone=PHONE, ip_address="10.0.0.1")
    code = last_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    codes = []
    for _ in range(settings.YIWANG_IDENTITY_CODE_MAX_ATTEMPTS):
        with pytest.raises(InvalidInput) as refused:
            services.verify_code(phone=PHONE, code=wrong)
        codes.append(refused.value.code)
    # then the last wrong guess says the code is dead, and so does the right one now
    assert codes[:-1] == ["code_invalid"] * (len(codes) - 1) and codes[-1] == "code_attempts_exceeded"
    with pytest.raises(InvalidInput) as refused:
        services.verify_code(phone=PHONE, code=code)
    assert refused.value.code == "code_attempts_exceeded"
    assert VerificationCode.objects.get().attempts == settings.YIWANG_IDENTITY_CODE_MAX_ATTEMPTS


def test_a_used_code_cannot_be_replayed():
    services.request_code(phone=PHONE, ip_address="10.0.0.1")
    code = last_code()
    services.verify_code(phone=PHONE, code=code)
    with pytest.raises(InvalidInput) as refused:
        services.verify_code(phone=PHONE, code=code)
    assert refused.value.code == "code_used"


def test_resend_is_limited_per_phone():
    now = timezone.now()
    services.request_code(phone=PHONE, ip_address="10.0.0.1", now=now)
    with pytest.raises(DomainError) as refused:
        services.request_code(phone=PHONE, ip_address="10.0.0.2", now=now + dt.timedelta(seconds=10))
    assert refused.value.status == 429 and refused.value.details["retry_after_seconds"] == 50


def test_codes_per_phone_per_hour_are_limited(settings):
    start = timezone.now()
    for i in range(settings.YIWANG_IDENTITY_CODE_PER_PHONE_PER_HOUR):
        services.request_code(phone=PHONE, ip_address=f"10.0.0.{i}", now=start + dt.timedelta(minutes=2 * i))
    with pytest.raises(DomainError) as refused:
        services.request_code(phone=PHONE, ip_address="10.0.1.1", now=start + dt.timedelta(minutes=20))
    assert refused.value.code == "code_rate_limited"


def test_codes_per_ip_address_are_limited(settings):
    settings.YIWANG_IDENTITY_CODE_PER_IP_PER_HOUR = 3
    for i in range(3):
        services.request_code(phone=f"1391234567{i}", ip_address="10.9.9.9")
    with pytest.raises(DomainError) as refused:
        services.request_code(phone="13912345679", ip_address="10.9.9.9")
    assert refused.value.code == "code_rate_limited" and refused.value.status == 429
    # another address is not held back
    services.request_code(phone="13912345679", ip_address="10.9.9.10")


def test_a_registered_phone_gets_the_same_answer_but_no_usable_code(tmp_path):
    # given a phone that already has an account
    register(PHONE)
    later = timezone.now() + dt.timedelta(minutes=2)
    # when someone asks for a code for it, the answer is the same as for a new number
    row = services.request_code(phone=PHONE, ip_address="10.0.0.9", now=later)
    notify.send_due_outbox(now=later)
    assert row.pk and not row.deliverable
    # and the owner's phone is told, with no code to try
    last = json.loads((tmp_path / "sms.log").read_text().splitlines()[-1])
    assert "已注册" in last["body"] and not any(ch.isdigit() for ch in last["body"])
    with pytest.raises(InvalidInput) as refused:
        services.verify_code(phone=PHONE, code="123456", now=later)
    assert refused.value.code == "code_invalid"


@pytest.mark.parametrize("phone", ["12345", "23912345678", "1391234567x", "", "+1 2025550123"])
def test_bad_phone_numbers_are_refused(phone):
    with pytest.raises(InvalidInput) as refused:
        services.request_code(phone=phone, ip_address="10.0.0.1")
    assert refused.value.code == "phone_invalid"


def test_a_code_that_expired_in_the_outbox_is_discarded_not_sent_late():
    services.request_code(phone=PHONE, ip_address="10.0.0.1")
    row = OutboxMessage.objects.get(kind="identity_code")
    status = notify.send_outbox_message(row.pk, now=row.discard_after + dt.timedelta(seconds=1))
    row.refresh_from_db()
    assert status == OutboxStatus.SKIPPED and row.sealed_body == ""
