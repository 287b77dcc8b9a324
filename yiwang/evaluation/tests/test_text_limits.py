"""A 回访 note and a published rectification outcome are stored whole or refused, never cut: before,
the services kept ``note[:MAX_TEXT]`` and ``published_outcome[:MAX_TEXT]`` and published something
other than what the department wrote. A line break counts one character (CR LF is stored as LF)."""

import pytest
from django.test import Client

from yiwang.core.errors import InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.evaluation import services
from yiwang.evaluation.models import Rectification, RectificationStatus
from yiwang.evaluation.services import MAX_TEXT
from yiwang.testing.http import assert_error, bearer, post_json

RARE = "𬌗"  # outside the BMP: one character, two UTF-16 code units


@pytest.fixture
def replied(place):
    bad = services.rate_case(actor=place.world.citizen, number=place.case.number, level=1, comment="态度很差")
    services.reply_rectification(actor=place.world.head, rectification_id=bad.rectification.pk, reply="已整改。")
    return Rectification.objects.get(pk=bad.rectification.pk)


def test_a_callback_note_of_the_limit_is_kept_whole_and_one_over_is_refused(place, replied):
    with pytest.raises(InvalidInput) as refused:
        services.record_rectification_callback(actor=place.world.supervisor, rectification_id=replied.pk,
                                               result="satisfied", note="访" * (MAX_TEXT + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "note"
    assert str(MAX_TEXT) in refused.value.message
    replied.refresh_from_db()
    assert replied.callback_at is None and replied.callback_note == ""
    assert not AuditEvent.objects.filter(event_type="rectification_called_back").exists()
    note = RARE + "\r\n" + "访" * (MAX_TEXT - 2)
    services.record_rectification_callback(actor=place.world.supervisor, rectification_id=replied.pk,
                                           result="satisfied", note=note)
    replied.refresh_from_db()
    assert replied.callback_note == note.replace("\r\n", "\n") and len(replied.callback_note) == MAX_TEXT


def test_a_published_outcome_of_the_limit_is_published_whole_and_one_over_is_refused(place, replied):
    with pytest.raises(InvalidInput) as refused:
        services.close_rectification(actor=place.world.head, rectification_id=replied.pk,
                                     published_outcome="果" * (MAX_TEXT + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "published_outcome"
    replied.refresh_from_db()
    assert replied.status == RectificationStatus.REPLIED and replied.published_outcome == ""
    assert not AuditEvent.objects.filter(event_type="rectification_closed").exists()
    outcome = "果" * (MAX_TEXT - 1) + RARE
    services.close_rectification(actor=place.world.head, rectification_id=replied.pk, published_outcome=outcome)
    replied.refresh_from_db()
    assert replied.status == RectificationStatus.CLOSED and replied.published_outcome == outcome


def test_over_the_api_a_note_or_an_outcome_over_the_limit_is_422_naming_the_field(place, replied):
    client = Client()
    base = f"/api/v1/evaluations/rectifications/{replied.pk}"
    body = assert_error(post_json(client, f"{base}/callback", {"result": "satisfied", "note": "访" * (MAX_TEXT + 1)},
                                  bearer(client, "supervisor")), 422, "validation_failed")
    assert body["details"]["fields"][0]["field"] == "note"
    assert post_json(client, f"{base}/callback", {"result": "satisfied", "note": "访" * MAX_TEXT},
                     bearer(client, "supervisor")).status_code == 200
    assert Rectification.objects.get(pk=replied.pk).callback_note == "访" * MAX_TEXT
    body = assert_error(post_json(client, f"{base}/close", {"published_outcome": "果" * (MAX_TEXT + 1)},
                                  bearer(client, "scjg_head")), 422, "validation_failed")
    assert body["details"]["fields"][0]["field"] == "published_outcome"
    assert Rectification.objects.get(pk=replied.pk).status == RectificationStatus.REPLIED


def test_the_staff_page_says_the_limit_at_the_field_and_keeps_what_was_typed(place, replied):
    head = Client()
    head.force_login(place.world.head)
    too_long = "果" * (MAX_TEXT + 1)
    page = head.post("/evaluation/staff/", {"action": "close", "id": replied.pk, "published_outcome": too_long})
    html = page.content.decode()
    assert page.status_code == 422
    assert f'id="err-outcome-{replied.pk}"' in html and f"不能超过 {MAX_TEXT} 个字" in html
    assert f'value="{too_long}"' in html
    assert Rectification.objects.get(pk=replied.pk).status == RectificationStatus.REPLIED
