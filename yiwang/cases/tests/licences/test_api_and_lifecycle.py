"""The API contracts, revocation by the issuing department only, change and renewal, the wallet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.core.models import AuditEvent
from yiwang.ledger.models import LedgerEntry
from yiwang.licenses import services
from yiwang.licenses.models import Licence, LicenceStatus
from yiwang.licenses.verification import check_licence

pytestmark = pytest.mark.django_db


def test_the_holder_lists_and_reads_their_licences(library, client):
    world = library.world
    mine, theirs = library.issue(), library.issue(holder=library.other_applicant)
    client.force_login(world.citizen)
    rows = client.get("/api/v1/licences").json()
    assert [r["number"] for r in rows] == [mine.number]
    body = client.get(f"/api/v1/licences/{mine.number}").json()
    assert body["status"] == "valid" and body["issuer"]["code"] == "SCJG" and body["issuer"]["name"]
    assert body["qr_payload"].startswith("YWL1.") and body["verify_url"].endswith(f"/verify/{mine.qr_token}")
    pdf = client.get(body["pdf_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    # another holder's licence does not exist for this holder
    assert client.get(f"/api/v1/licences/{theirs.number}").status_code == 404
    assert client.get(f"/api/v1/licences/{theirs.number}/pdf").status_code == 404


def test_staff_of_the_issuing_department_read_it_and_others_do_not(library, client):
    licence = library.issue()
    client.force_login(library.world.reviewer)
    assert client.get(f"/api/v1/licences/{licence.number}").status_code == 200
    client.force_login(library.ga_staff)
    assert client.get(f"/api/v1/licences/{licence.number}").status_code == 404
    assert client.get("/api/v1/licences/registry").json() == []
    client.force_login(library.world.reviewer)
    assert [r["number"] for r in client.get("/api/v1/licences/registry?q=张").json()] == [licence.number]


def test_anonymous_callers_are_told_to_sign_in(library, client):
    licence = library.issue()
    assert client.get("/api/v1/licences").status_code == 401
    assert client.get(f"/api/v1/licences/{licence.number}").status_code == 401
    assert client.post(f"/api/v1/licences/{licence.number}/revoke", {"reason": "x"},
                       content_type="application/json").status_code == 401


def test_revoke_by_another_department_is_refused_and_by_the_issuer_recorded(library, client):
    licence = library.issue()
    client.force_login(library.ga_staff)
    response = client.post(f"/api/v1/licences/{licence.number}/revoke", {"reason": "越权"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "licence_not_issuer"
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.ACTIVE

    client.force_login(library.world.decider)
    response = client.post(f"/api/v1/licences/{licence.number}/revoke", {"reason": "  "}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(f"/api/v1/licences/{licence.number}/revoke", {"reason": "提供虚假材料", "kind": "revoke"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert AuditEvent.objects.filter(event_type="licence_revoked", subject_id=licence.number).exists()
    assert LedgerEntry.objects.filter(reference=f"licence:{licence.identifier}:revoked").exists()
    again = client.post(f"/api/v1/licences/{licence.number}/revoke", {"reason": "再次"}, content_type="application/json")
    assert again.status_code == 409
    missing = client.post("/api/v1/licences/NOPE/revoke", {"reason": "x"}, content_type="application/json")
    assert missing.status_code == 404


def test_change_and_renew_make_a_new_version_and_the_old_one_verifies_as_revoked(library):
    licence = library.issue(now=timezone.now() - dt.timedelta(days=365 * 5 - 30))
    changed = services.change_licence(licence=licence, data={"scope": "餐饮服务；食品销售"})
    assert changed.version == 2 and changed.number == f"{licence.number}-V2" and changed.replaces == licence
    assert changed.valid_to == licence.valid_to and changed.data["scope"] == "餐饮服务；食品销售"
    assert check_licence(Licence.objects.get(pk=licence.pk)).status == "revoked"
    renewed = services.renew_licence(licence=changed)
    assert renewed.version == 3 and renewed.valid_to > changed.valid_to
    assert check_licence(renewed).status == "valid"
    from yiwang.core.errors import Conflict

    with pytest.raises(Conflict):
        services.renew_licence(licence=changed)


def test_a_case_of_a_change_item_acts_on_the_holders_licence(library):
    from yiwang.cases import services as case_services
    from yiwang.cases.models import CaseStep, StepStatus
    from yiwang.testing import case_factories, item_factories

    world = library.world
    licence = library.issue()
    change_item = item_factories.item("SCJG-CHG", dept="SCJG")
    library.licence_type.change_items.add(change_item)
    case = case_factories.apply_online(world.citizen, world.applicant, change_item)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    for actor, name in ((world.reviewer, "审查"), (world.decider, "决定")):
        step = CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)
        case_services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve")
    new = Licence.objects.get(case_number=case.number)
    assert new.replaces == licence and new.version == 2 and new.data["shop_name"] == "青禾小馆"
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.SUPERSEDED


@pytest.mark.parametrize("body", [{"days": 0}, {"days": 91}, {"fields": ["password"]}, {"days": "x"},
                                  {"fields": "holder_name"}])
def test_bad_share_requests_are_refused(library, client, body):
    licence = library.issue()
    client.force_login(library.world.citizen)
    response = client.post(f"/api/v1/licences/{licence.number}/shares", body, content_type="application/json")
    assert response.status_code == 422


def test_shares_are_the_holders_own(library, client):
    licence = library.issue()
    client.force_login(library.world.citizen)
    share = client.post(f"/api/v1/licences/{licence.number}/shares", {}, content_type="application/json").json()
    assert share["live"] and share["fields"] == ["holder_name", "valid_from", "valid_to"]
    client.force_login(library.other_citizen)
    assert client.post(f"/api/v1/licences/{licence.number}/shares", {}, content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/licences/shares/{share['id']}/withdraw").status_code == 404
    client.force_login(library.world.citizen)
    withdrawn = client.post(f"/api/v1/licences/shares/{share['id']}/withdraw").json()
    assert withdrawn["withdrawn_at"] and not withdrawn["live"]


def test_wallet_pages_render_for_the_holder(library, client):
    licence = library.issue()
    client.force_login(library.world.citizen)
    page = client.get("/me/licences/")
    assert page.status_code == 200 and licence.number in page.content.decode()
    page = client.get(f"/me/licences/{licence.number}/")
    assert page.status_code == 200 and "食品经营许可证" in page.content.decode()
    response = client.post(f"/me/licences/{licence.number}/share/", {"fields": ["holder_name"], "days": "3"})
    assert response.status_code == 302 and licence.share_links.get().fields == ["holder_name"]
    client.force_login(library.other_citizen)
    assert client.get(f"/me/licences/{licence.number}/").status_code == 404
    assert client.get(f"/licences/{licence.number}/licence.pdf").status_code == 404


def test_the_registry_page_revokes_with_a_reason(library, client):
    licence = library.issue()
    client.force_login(library.world.reviewer)
    assert licence.number in client.get("/work/licences/").content.decode()
    client.post(f"/work/licences/{licence.number}/revoke/", {"reason": "", "kind": "cancel"})
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.ACTIVE
    client.post(f"/work/licences/{licence.number}/revoke/", {"reason": "歇业", "kind": "cancel"})
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.REVOKED
    client.force_login(library.world.citizen)
    assert client.get("/work/licences/").status_code == 404


@pytest.mark.parametrize("number", ["%00", "JY%002026", "x" * 300, "' OR 1=1 --", "%ED%A0%80"])
def test_hostile_numbers_are_simply_not_found(library, client, number):
    """NUL bytes would make PostgreSQL refuse the query (a 500): they never reach it (a 400 with the
    request, yiwang.core.middleware)."""
    nul = "%00" in number
    library.issue()
    client.force_login(library.world.reviewer)
    assert client.get(f"/api/v1/licences/{number}").status_code == (400 if nul else 404)
    assert client.post(f"/api/v1/licences/{number}/revoke", {"reason": "x"},
                       content_type="application/json").status_code == (400 if nul else 404)
    assert client.get(f"/api/v1/licences/registry?q={number}").status_code in ((400,) if nul else (200, 422))  # 422: longer than 100
    client.force_login(library.world.citizen)
    assert client.get(f"/me/licences/{number}/").status_code == (400 if nul else 404)
    assert client.get(f"/api/v1/licences/offerable?item_code={number}").status_code in ((400,) if nul else (404, 422))
