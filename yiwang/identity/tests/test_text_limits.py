"""What a window clerk or a party types (the verification note, the paper authorisation's reference,
a revocation's reason) is stored and audited whole or refused, never cut: before, the services
stored ``note[:300]``, ``paper_reference[:100]`` and ``reason[:200]`` and the audit record said
something other than what was sent. A line break counts one character (CR LF is stored as LF)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.core.errors import InvalidInput
from yiwang.core.models import Applicant, AuditEvent, RealNameLevel
from yiwang.core.text import max_chars
from yiwang.identity import services
from yiwang.identity.models import Authorisation, AuthorisationStatus, Verification
from yiwang.identity.permissions import level_of
from yiwang.testing import factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

NOTE_MAX = max_chars(Verification, "note")
PAPER_MAX = max_chars(Authorisation, "paper_reference")
REASON_MAX = max_chars(Authorisation, "revoke_reason")
RARE = "𬌗"  # outside the BMP: one character, two UTF-16 code units


def _audits(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def _grant(world, paper_reference: str) -> Authorisation:
    agent = Applicant.objects.filter(name="李四").first() or factories.citizen(
        "agent", first17="11010119850101123", name="李四")[1]
    return services.grant_authorisation(actor=world.clerk, principal=world.applicant, agent_id_number=agent.id_number,
                                        agent_name=agent.name, all_items=True,
                                        valid_until=timezone.now() + dt.timedelta(days=30),
                                        paper_reference=paper_reference)


def test_a_window_note_of_exactly_the_limit_is_stored_and_audited_whole(world):
    # given a note of the limit, with a character outside the BMP and a line break sent as CR LF
    note = "居民身份证原件" + RARE + "\r\n" + "核" * (NOTE_MAX - 9)
    # when the clerk records the check
    row = services.verify_at_window(actor=world.clerk, applicant=world.applicant, document_checked=True, note=note)
    # then the note is the one typed, the line break as LF (one character), in the row and the audit
    kept = note.replace("\r\n", "\n")
    assert len(kept) == NOTE_MAX
    assert Verification.objects.get(pk=row.pk).note == kept
    assert AuditEvent.objects.get(event_type="identity_level_raised").details["note"] == kept


def test_a_window_note_one_over_the_limit_is_refused_and_nothing_is_written(world):
    before = _audits("identity_level_raised")
    with pytest.raises(InvalidInput) as refused:
        services.verify_at_window(actor=world.clerk, applicant=world.applicant, document_checked=True,
                                  note="核" * (NOTE_MAX + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "note"
    assert str(NOTE_MAX) in refused.value.message and refused.value.details["max"] == NOTE_MAX
    assert not Verification.objects.filter(method="window").exists() and _audits("identity_level_raised") == before
    assert level_of(world.applicant) < RealNameLevel.L3


def test_a_paper_reference_of_the_limit_is_kept_and_one_over_is_refused(world):
    before = _audits("identity_authorisation_granted")
    with pytest.raises(InvalidInput) as refused:
        _grant(world, "W" * (PAPER_MAX + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "paper_reference"
    assert not Authorisation.objects.exists() and _audits("identity_authorisation_granted") == before
    made = _grant(world, "W" * (PAPER_MAX - 1) + RARE)
    assert Authorisation.objects.get(pk=made.pk).paper_reference == "W" * (PAPER_MAX - 1) + RARE
    assert AuditEvent.objects.get(event_type="identity_authorisation_granted").details["paper_reference"] == \
        "W" * (PAPER_MAX - 1) + RARE


def test_a_revocation_reason_of_the_limit_is_kept_and_one_over_is_refused(world):
    authorisation = _grant(world, "WT-2026-0001")
    with pytest.raises(InvalidInput) as refused:
        services.revoke_authorisation(actor=world.clerk, authorisation=authorisation, reason="因" * (REASON_MAX + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "reason"
    authorisation.refresh_from_db()
    assert authorisation.status == AuthorisationStatus.ACTIVE and authorisation.revoke_reason == ""
    assert _audits("identity_authorisation_revoked") == 0
    reason = "委托人\r\n" + "因" * (REASON_MAX - 4)
    services.revoke_authorisation(actor=world.clerk, authorisation=authorisation, reason=reason)
    authorisation.refresh_from_db()
    assert authorisation.status == AuthorisationStatus.REVOKED
    assert authorisation.revoke_reason == reason.replace("\r\n", "\n")
    assert AuditEvent.objects.get(event_type="identity_authorisation_revoked").details["reason"] == authorisation.revoke_reason


def test_over_the_api_a_note_and_a_reason_over_the_limit_are_422_naming_the_field(world):
    client = Client()
    payload = {"kind": "person", "id_number": world.applicant.id_number, "document_checked": True,
               "note": "核" * (NOTE_MAX + 1)}
    body = assert_error(post_json(client, "/api/v1/identity/window/verifications", payload, bearer(client, "clerk")),
                        422, "validation_failed")
    assert body["details"]["fields"][0]["field"] == "note"
    assert not Verification.objects.filter(method="window").exists()
    ok = post_json(client, "/api/v1/identity/window/verifications", {**payload, "note": "核" * NOTE_MAX},
                   bearer(client, "clerk"))
    assert ok.status_code == 200 and Verification.objects.get(method="window").note == "核" * NOTE_MAX
    authorisation = _grant(world, "WT-2026-0001")
    path = f"/api/v1/identity/authorisations/{authorisation.pk}/revoke"
    body = assert_error(post_json(client, path, {"reason": "因" * (REASON_MAX + 1)}, bearer(client, "clerk")),
                        422, "validation_failed")
    assert body["details"]["fields"][0]["field"] == "reason"
    assert Authorisation.objects.get(pk=authorisation.pk).status == AuthorisationStatus.ACTIVE


def test_the_window_page_says_the_limit_at_the_field_and_keeps_what_was_typed(world):
    client = Client()
    client.force_login(world.clerk)
    too_long = "核" * (NOTE_MAX + 1)
    page = client.post("/workbench/identity/", {"kind": "person", "id_number": world.applicant.id_number,
                                                "action": "verify", "document_checked": "on", "note": too_long})
    html = page.content.decode()
    assert page.status_code == 422
    assert 'id="err_note"' in html and f"不能超过 {NOTE_MAX} 个字" in html and f'value="{too_long}"' in html
    assert f'maxlength="{NOTE_MAX}"' in html
    assert not Verification.objects.filter(method="window").exists() and level_of(world.applicant) < RealNameLevel.L3
    reference = "W" * (PAPER_MAX + 1)
    page = client.post("/workbench/identity/", {
        "kind": "person", "id_number": world.applicant.id_number, "action": "authorise", "agent_name": "李四",
        "agent_id_number": factories.citizen_id("11010119850101123"), "scope": "all",
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(), "paper_reference": reference})
    html = page.content.decode()
    assert page.status_code == 422 and 'id="err_paper_reference"' in html and f'value="{reference}"' in html
    assert 'value="李四"' in html and not Authorisation.objects.exists()
