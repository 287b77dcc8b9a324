"""What a case gives the applicant: a signed document and a notice at every event, downloadable by
those who may see the case, printable receipts that tell the truth about the case's state, and a
public progress page that shows status only."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.http import HttpRequest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.documents import progress_url, verify_document
from yiwang.cases.models import CaseDocument, CaseStatus, CaseStep, DocumentKind, StepStatus
from yiwang.cases.rating import RECEIPT, rating_link
from yiwang.cases.tests.test_instant import FORM, RULES
from yiwang.catalog.services import publish_rule_set_version
from yiwang.core import notify
from yiwang.core.models import AuditEvent, Notification, OutboxMessage, OutboxStatus
from yiwang.crypto.primitives import sm3_hex
from yiwang.testing import case_factories, factories, item_factories

pytestmark = pytest.mark.django_db


def step(case, name):
    return CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)


def decide(world, case, decision="approve", comment=""):
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=step(case, "审查").pk, decision="approve")
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=step(case, "决定").pk, decision=decision,
                           comment=comment)
    case.refresh_from_db()
    return case


def kinds(case):
    return list(CaseDocument.objects.filter(case=case).values_list("kind", flat=True))


def notices(world):
    return list(Notification.objects.filter(recipient=world.citizen).order_by("id").values_list("kind", flat=True))


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        pdf = pypdfium2.PdfDocument(handle.read())
    return "".join(page.get_textpage().get_text_range() for page in pdf)


def login(client, username):
    assert client.login(request=HttpRequest(), username=username, password=f"pw-{username}")
    return client


def test_each_event_produces_its_document_notice_and_outbox_rows(world):
    # given a citizen's application
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert kinds(case) == [] and notices(world) == []

    # when the window asks for a correction, the citizen supplies it, and the window accepts
    material = world.item.materials.get(name="经营场所证明")
    notice = services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[material.pk],
                                         note="租赁合同缺少签字页")
    refs = [r for r in case_factories.required_material_refs(world.citizen, world.item) if r.material_id == material.pk]
    services.supply_correction(actor=world.citizen, case_id=case.pk, materials=refs)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    # and the department approves, and the window delivers electronically
    decide(world, case)
    services.deliver_result(actor=world.clerk, case_id=case.pk, method="electronic")

    # then each event left its document and its notice, with an SMS and an email copy queued
    assert kinds(case) == [DocumentKind.CORRECTION_NOTICE, DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.APPROVAL_DECISION]
    assert CaseDocument.objects.get(kind=DocumentKind.CORRECTION_NOTICE).correction == notice
    assert notices(world) == ["case_correction_requested", "case_accepted", "case_decided_approved",
                              "case_delivered_electronic"]
    assert OutboxMessage.objects.filter(case_number=case.number).count() == 8
    assert set(OutboxMessage.objects.values_list("channel", flat=True)) == {"sms", "email"}
    correction = Notification.objects.get(kind="case_correction_requested")
    assert "经营场所证明" in correction.rendered_body() and "租赁合同缺少签字页" in correction.rendered_body()
    assert correction.case_number == case.number and correction.link == f"/me/cases/{case.number}/"
    # the correction notice names what is missing, in Chinese, with the masked ID number
    text = pdf_text(CaseDocument.objects.get(kind=DocumentKind.CORRECTION_NOTICE))
    assert "一次性告知书" in text and "经营场所证明" in text and "租赁合同缺少签字页" in text
    assert world.applicant.id_number not in text and "110101********" in text


def test_refusal_at_the_window_gives_a_refusal_notice_with_remedies(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.reject_application(actor=world.clerk, case_id=case.pk, reason="不属于本县管辖")
    document = CaseDocument.objects.get(case=case)
    assert document.kind == DocumentKind.REJECTION_NOTICE and document.signer_department.code == "ZWFW"
    text = pdf_text(document)
    assert "不予受理决定书" in text and "不属于本县管辖" in text and "行政复议" in text
    assert notices(world) == ["case_rejected"]
    assert "不属于本县管辖" in Notification.objects.get().rendered_body()


def test_a_denial_letter_carries_the_reasons_and_the_remedies(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    decide(world, case, "deny", "经营场所不符合消防要求")
    document = CaseDocument.objects.get(case=case, kind=DocumentKind.DENIAL_DECISION)
    assert document.title == "不予行政许可决定书" and document.signer_department.code == "SCJG"
    text = pdf_text(document).replace("\r", "").replace("\n", "")
    assert "经营场所不符合消防要求" in text
    assert "六十日内" in text and "行政复议" in text and "六个月内" in text and "行政诉讼" in text
    assert notices(world)[-1] == "case_decided_denied"


def test_documents_verify_and_a_tampered_file_or_statement_does_not(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    document = CaseDocument.objects.get(case=case)
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and document.size == len(data)
    assert document.algorithm == "SM2-with-SM3" and document.key_id and document.signature
    assert verify_document(document).valid
    # its digests are on the audit stream (and so on the ledger)
    issued = AuditEvent.objects.get(event_type="case_document_issued", subject_id=str(document.pk))
    assert issued.subject_type == "case_document" and issued.actor_department.code == "ZWFW"
    assert issued.details["sha256"] == document.sha256 and issued.details["sm3"] == document.sm3

    # a changed byte in the stored file fails
    with open(document.file.path, "r+b") as handle:
        handle.seek(len(data) // 2)
        handle.write(bytes([data[len(data) // 2] ^ 0x01]))
    assert not verify_document(document).valid
    with open(document.file.path, "wb") as handle:
        handle.write(data)
    assert verify_document(document).valid

    # hashes rewritten to match a forged file still fail: the signature covers the SM3
    forged = data + b"\n% an incremental update appended by a forger\n"
    with open(document.file.path, "wb") as handle:
        handle.write(forged)
    document.sha256, document.sm3 = hashlib.sha256(forged).hexdigest(), sm3_hex(forged)
    assert verify_document(document).problem == "signature does not verify with a trusted key"

    # a genuine document passed off as another kind fails too
    with open(document.file.path, "wb") as handle:
        handle.write(data)
    document.refresh_from_db()
    document.kind = DocumentKind.APPROVAL_DECISION
    assert not verify_document(document).valid
    document.refresh_from_db()
    document.signature = base64.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01").decode()
    assert not verify_document(document).valid


def test_instant_approval_with_electronic_delivery_gives_receipt_letter_and_one_notice(world):
    item = item_factories.item("RS-CARD", dept="SCJG", form_schema=FORM, materials=(("身份证明", True),),
                          stages=[{"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"}])
    publish_rule_set_version(actor=None, key="card", name="补领规则", dmn_xml=RULES, items=[item])
    item.refresh_from_db()
    refs = case_factories.required_material_refs(world.citizen, item)
    case, _ = services.submit_application(actor=world.citizen, item=item, applicant=world.applicant,
                                          form_data={"reported_loss": "是", "months": 12}, materials=refs)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.decided_by_rules
    assert kinds(case) == [DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.APPROVAL_DECISION]
    assert all(verify_document(d).valid for d in CaseDocument.objects.filter(case=case))
    assert "秒批" in pdf_text(CaseDocument.objects.get(case=case, kind=DocumentKind.APPROVAL_DECISION))
    assert notices(world) == ["case_instant_approved_delivered"]


def test_a_channel_that_raises_never_touches_the_case(world, settings):
    settings.YIWANG_NOTIFY_CHANNELS = {
        "sms": {"BACKEND": "yiwang.core.tests.test_notify.BrokenChannel", "OPTIONS": {"address_field": "phone"}}}
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    assert notify.send_due_outbox() == {OutboxStatus.PENDING: 1}  # the sender's pass: the channel raised
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert kinds(case) == [DocumentKind.ACCEPTANCE_RECEIPT] and notices(world) == ["case_accepted"]
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "gateway unreachable" in row.last_error


def test_documents_download_for_applicant_and_clerk_and_404_for_others(world, client):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    document = CaseDocument.objects.get(case=case)
    other_citizen, _ = factories.citizen("other", first17="11010119851212003")
    stranger = factories.user("ga_clerkless", GA="reviewer")  # staff of a department not handling the case
    url = f"/documents/{document.pk}/"

    for username in ("citizen", "clerk", "scjg_reviewer"):
        response = login(Client(), username).get(url)
        assert response.status_code == 200, username
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF") and response["X-Content-SHA256"] == document.sha256
    for username in ("other", "ga_clerkless"):
        assert login(Client(), username).get(url).status_code == 404, username
    assert Client().get(url).status_code == 302  # to the login page
    assert login(Client(), "citizen").get("/documents/999999/").status_code == 404
    assert other_citizen and stranger


def test_case_api_lists_documents_and_they_download_with_a_token(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    client = Client()

    def token(username):
        return {"HTTP_AUTHORIZATION": "Bearer " + client.post(
            "/api/v1/auth/token", {"username": username, "password": f"pw-{username}"},
            content_type="application/json").json()["token"]}

    auth = token("citizen")
    assert client.get(f"/api/v1/cases/{case.number}", **auth).json()["documents"] == []
    services.accept_application(actor=world.clerk, case_id=case.pk)
    decide(world, case)
    documents = client.get(f"/api/v1/cases/{case.number}", **auth).json()["documents"]
    assert [d["kind"] for d in documents] == ["acceptance_receipt", "approval_decision"]
    assert documents[1]["name"] == "准予行政许可决定书" and set(documents[0]) == {"kind", "name", "url", "sha256"}
    response = client.get(documents[1]["url"], **auth)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == documents[1]["sha256"]

    factories.citizen("other", first17="11010119851212003")
    refused = client.get(documents[1]["url"], **token("other"))
    assert refused.status_code == 404 and refused.json()["code"] == "case_not_found"
    english = client.get(f"/api/v1/cases/{case.number}", HTTP_ACCEPT_LANGUAGE="en", **auth).json()["documents"]
    assert english[1]["name"] == "Decision granting the administrative licence"


def test_the_receipt_of_a_finished_case_promises_no_deadline(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    citizen = login(Client(), "citizen")
    url = f"/cases/{case.number}/receipts/acceptance_receipt/"

    case.refresh_from_db()
    open_receipt = citizen.get(url).content.decode()
    assert "承诺办结时限" in open_receipt and len(case.query_code) == 8 and case.query_code in open_receipt
    assert 'class="toolbar no-print"' in open_receipt and "<nav" not in open_receipt and "<script>" not in open_receipt
    assert world.applicant.id_number not in open_receipt and "110101********" in open_receipt

    decide(world, case)
    services.deliver_result(actor=world.clerk, case_id=case.pk, method="window")
    finished = citizen.get(url).content.decode()
    assert "承诺办结时限" not in finished and "已办结" in finished and "办结时间" in finished
    # the on-screen receipt box of the case page says the same
    page = citizen.get(f"/me/cases/{case.number}/?receipt=1").content.decode()
    assert "承诺办结时限至" not in page and 'id="print-acceptance_receipt"' in page

    # the clerk prints it from the case page; another citizen cannot
    staff_page = login(Client(), "clerk").get(f"/work/cases/{case.number}/").content.decode()
    assert f'href="{url}"' in staff_page
    factories.citizen("other", first17="11010119851212003")
    assert login(Client(), "other").get(url).status_code == 404
    assert citizen.get(f"/cases/{case.number}/receipts/rejection_notice/").status_code == 404
    assert citizen.get(f"/cases/{case.number}/receipts/nonsense/").status_code == 404


def test_public_progress_page_shows_status_only_and_refuses_a_wrong_code(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    case.refresh_from_db()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{8}", case.query_code)
    anonymous = Client()

    page = anonymous.get("/progress/", {"n": case.number, "c": case.query_code.lower()})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="progress-status"' in html and "审批中" in html and case.item.name in html
    for personal in (world.applicant.name, world.applicant.id_number, world.applicant.id_number[-4:],
                     world.applicant.phone, "青禾小馆"):
        assert personal not in html, personal

    wrong = anonymous.get("/progress/", {"n": case.number, "c": "AAAAAAAA"})
    assert wrong.status_code == 404 and 'id="progress-status"' not in wrong.content.decode()
    unknown = anonymous.get("/progress/", {"n": "YW2099010100000001", "c": case.query_code})
    assert unknown.status_code == 404 and unknown.content.decode().count("查询码不正确") == 1
    assert anonymous.get("/progress/", {"n": case.number}).status_code == 404
    assert anonymous.get("/progress/", {"n": case.number, "c": "x" * 5000}).status_code == 404
    assert anonymous.get("/progress/").status_code == 200


def test_messages_page_and_unread_count_on_every_page(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    citizen = login(Client(), "citizen")
    home = citizen.get("/").content.decode()
    assert re.search(r'id="unread-count"[^>]*>1</span>', home)
    listing = citizen.get("/me/messages/").content.decode()
    assert "申请已受理" in listing and case.number in listing
    notice = Notification.objects.get(recipient=world.citizen)

    # another person cannot mark it read
    factories.citizen("other", first17="11010119851212003")
    assert login(Client(), "other").post(f"/me/messages/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None

    opened = citizen.post(f"/me/messages/{notice.pk}/read/", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == f"/me/cases/{case.number}/"
    assert 'id="unread-count"' not in citizen.get("/").content.decode()
    english = citizen.get("/me/messages/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Application accepted" in english.content.decode()


def test_ids_out_of_range_are_not_found_not_errors(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note="补充说明")
    citizen = login(Client(), "citizen")
    huge = 2**64
    assert citizen.get(f"/documents/{huge}/").status_code == 404
    assert citizen.get(f"/cases/{case.number}/receipts/correction_notice/", {"correction": str(huge)}).status_code == 404
    assert citizen.get(f"/cases/{case.number}/receipts/correction_notice/", {"correction": "x"}).status_code == 404
    assert citizen.get(f"/cases/{case.number}/receipts/correction_notice/").status_code == 200
    assert citizen.post(f"/me/messages/{huge}/read/").status_code == 404
    assert citizen.get(f"/api/v1/documents/{huge}").status_code in (404, 422)
    assert citizen.post(f"/api/v1/notifications/{huge}/read").status_code in (404, 422)


def test_the_case_page_receipt_box_of_a_finished_case_promises_no_deadline(world):
    # given a case delivered and closed (办结)
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    citizen = login(Client(), "citizen")
    assert "承诺办结时限至" in citizen.get(f"/me/cases/{case.number}/?receipt=1").content.decode()
    services.accept_application(actor=world.clerk, case_id=case.pk)
    decide(world, case)
    services.deliver_result(actor=world.clerk, case_id=case.pk, method="window")
    # when the applicant opens the receipt view of the case page, then it states the status instead
    page = citizen.get(f"/me/cases/{case.number}/?receipt=1").content.decode()
    assert "承诺办结时限至" not in page and "已办结" in page


def test_the_receipts_printed_qr_codes_read_back_as_the_progress_and_rating_links(world):
    # given an accepted case and its receipt, printed (rasterised by PDFium, as a camera sees paper)
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    case.refresh_from_db()
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT)
    with receipt.file.open("rb") as handle:
        page = pypdfium2.PdfDocument(handle.read())[0].render(scale=3).to_pil()
    # when a phone reads its QR codes
    texts = sorted(code.text for code in zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode))
    # then they are the public progress page of this case (its number and query code) and where to rate it
    progress = progress_url(case)
    assert f"n={case.number}&c={case.query_code}" in progress
    rating = rating_link(case, RECEIPT)
    assert rating is not None
    assert texts == sorted([progress, rating.url])


def _files_beside(document) -> list[str]:
    from django.core.files.storage import default_storage

    folder = document.file.name.rsplit("/", 1)[0]
    return sorted(default_storage.listdir(folder)[1])


def test_a_receipt_or_letter_issued_again_is_the_first_and_leaves_no_second_row_or_file(world):
    # given a decided case, with its receipt and its decision letter
    from yiwang.cases.documents import issue_document
    from yiwang.core.clock import db_now

    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    case = decide(world, case)
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT)
    letter = CaseDocument.objects.get(case=case, kind=DocumentKind.APPROVAL_DECISION)
    files = _files_beside(letter)
    # when each is issued again (the insert is refused by the case's one-per-kind constraint)
    again = [issue_document(case=case, kind=document.kind, department=document.signer_department, now=db_now())
             for document in (receipt, letter)]
    # then the first documents come back, no second row was written, and the file rendered for the
    # refused insert was removed
    assert [d.pk for d in again] == [receipt.pk, letter.pk]
    assert kinds(case) == [DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.APPROVAL_DECISION]
    assert _files_beside(letter) == files
    # and a retried acceptance is refused by the case's state, the receipt unchanged
    client = Client()
    from yiwang.testing.http import bearer, post_json

    response = post_json(client, f"/api/v1/cases/{case.number}/accept", {}, bearer(client, "clerk"))
    assert response.status_code == 409, response.content
    assert list(CaseDocument.objects.filter(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT)) == [receipt]


def test_a_document_whose_seal_this_process_has_read_is_one_statement(world):
    # given an accepted case, its department's seal (none here) read by this process
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from yiwang.cases.documents import issue_document
    from yiwang.cases.models import Case
    from yiwang.core.clock import db_now
    from yiwang.core.services import audit_batch

    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT)
    department = receipt.signer_department
    receipt.delete()
    case = Case.objects.select_related("item", "department", "applicant").get(pk=case.pk)  # as the lock reads it
    # when the receipt is issued (as the acceptance issues it, its audit record queued with the event's)
    with transaction.atomic(), audit_batch(), CaptureQueriesContext(connection) as queries:
        issued = issue_document(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT, department=department, now=db_now())
    # then the insert, with its checks inside it, is the only statement (besides the savepoint's two)
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) == 1, writes
    assert issued.pk is not None and verify_document(issued).valid


def test_a_seal_that_keeps_changing_refuses_the_acceptance_and_changes_nothing(world, monkeypatch):
    # given a submitted case, and a department whose seal changes under every attempt to issue the
    # receipt (the insert's check that the seal read is still the current one never holds)
    from yiwang.cases import documents
    from yiwang.licenses.models import DepartmentSeal
    from yiwang.testing.http import bearer, post_json

    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    files_before = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    monkeypatch.setattr(documents, "seal_unchanged", lambda department, seal: (DepartmentSeal.objects.filter(pk=-1), None))
    # when the clerk accepts it
    client = Client()
    response = post_json(client, f"/api/v1/cases/{case.number}/accept", {}, bearer(client, "clerk"))
    # then a 409 says what happened and that nothing changed; the case is as it was, no receipt, no file left
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "seal_changing"
    assert "印章正在更换" in body["message"] and "没有生效" in body["message"]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert not CaseDocument.objects.filter(case=case).exists()
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")) == files_before
    # and once the seal holds still, the same acceptance goes through
    monkeypatch.undo()
    response = post_json(client, f"/api/v1/cases/{case.number}/accept", {}, bearer(client, "clerk"))
    assert response.status_code == 200, response.content
    assert kinds(case) == [DocumentKind.ACCEPTANCE_RECEIPT]


def test_a_秒批_whose_letter_meets_a_changing_seal_leaves_neither_case_nor_file(world, monkeypatch):
    # given an item decided by rules, and a seal that holds for the receipt and then keeps changing
    # under the decision letter (the second document of the same submission)
    from yiwang.cases import documents
    from yiwang.cases.models import Case
    from yiwang.core.errors import Conflict
    from yiwang.licenses.models import DepartmentSeal

    item = item_factories.item("RS-SEAL", dept="SCJG", form_schema=FORM, materials=(("身份证明", True),),
                               stages=[{"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"}])
    publish_rule_set_version(actor=None, key="card-seal", name="补领规则", dmn_xml=RULES, items=[item])
    item.refresh_from_db()
    refs = case_factories.required_material_refs(world.citizen, item)
    pdfs_before = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    real, calls = documents.seal_unchanged, []

    def holds_once(department, seal):
        calls.append(department)
        return real(department, seal) if len(calls) == 1 else (DepartmentSeal.objects.filter(pk=-1), None)

    monkeypatch.setattr(documents, "seal_unchanged", holds_once)
    # when the applicant submits
    with pytest.raises(Conflict) as refused:
        services.submit_application(actor=world.citizen, item=item, applicant=world.applicant,
                                    form_data={"reported_loss": "是", "months": 12}, materials=refs)
    # then the submission is refused as a whole: no case, no document, and the receipt's file, stored
    # before the letter failed, is gone with its row
    assert refused.value.code == "seal_changing" and len(calls) == 4
    assert not Case.objects.filter(item=item).exists() and not CaseDocument.objects.exists()
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")) == pdfs_before


def test_a_correction_notice_issued_again_is_the_first_and_another_correction_gets_its_own(world):
    # given a case with one correction request and its notice
    from yiwang.cases.documents import issue_document
    from yiwang.core.clock import db_now

    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    correction = services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note="补充说明")
    first = CaseDocument.objects.get(case=case, kind=DocumentKind.CORRECTION_NOTICE)
    # when the notice of that correction is issued again
    again = issue_document(case=case, kind=DocumentKind.CORRECTION_NOTICE, department=first.signer_department,
                           now=db_now(), correction=correction)
    # then it is the first one (the insert refused: a correction has one notice, CaseDocument.correction
    # is one-to-one)
    assert again.pk == first.pk
    assert CaseDocument.objects.filter(case=case, kind=DocumentKind.CORRECTION_NOTICE).count() == 1
