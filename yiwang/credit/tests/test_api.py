"""The credit API: a subject's credit for staff and for the subject itself; the signed report."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.test import Client

from yiwang.credit.models import CreditReport
from yiwang.credit.report import statement, verify_report
from yiwang.credit.tests.conftest import company, credit_officer, list_entry, penalty, today
from yiwang.crypto.primitives import sm3_hex
from yiwang.crypto.signing import verify_signature
from yiwang.testing import factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(db):
    user, firm = company("firm", "91330100MA2B3C4D5", "某县失信公司")
    penalty(firm)
    list_entry(firm, "black")
    other_user, other = company("other", "91330100MA2B3C4D6", "某县守法公司")
    penalty(other, number="罚〔2026〕7号")
    return firm, other


def test_credit_staff_read_a_subject_level_lists_and_records(firms):
    firm, _other = firms
    credit_officer("credit", "SCJG")
    client = Client()
    response = client.get(f"/api/v1/credit/subjects/{firm.id_number}", **bearer(client, "credit"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["level"] == "D" and body["level_rules_version"] == "CL-2026.1"
    assert body["lists"][0]["kind"] == "black" and body["lists"][0]["in_force"]
    assert body["records"][0]["kind"] == "penalty" and body["records"][0]["source_department"]


def test_the_subject_itself_reads_its_own_credit(firms):
    firm, _other = firms
    client = Client()
    response = client.get(f"/api/v1/credit/subjects/{firm.id_number}", **bearer(client, "firm"))
    assert response.status_code == 200
    assert response.json()["subject"]["name"] == "某县失信公司"


def test_a_citizen_asking_for_another_subjects_report_is_refused(firms):
    _firm, other = firms
    factories.citizen("someone")
    client = Client()
    for path in (f"/api/v1/credit/subjects/{other.id_number}", f"/api/v1/credit/subjects/{other.id_number}/report",
                 f"/api/v1/credit/subjects/{other.id_number}/report?format=pdf"):
        assert_error(client.get(path, **bearer(client, "someone")), 403, "credit_not_your_subject")
        assert_error(client.get(path, **bearer(client, "firm")), 403, "credit_not_your_subject")
    # nor does a refusal tell whether an unknown subject has a file
    unknown = factories.uscc("91330100MA2B3C4D9")
    assert_error(client.get(f"/api/v1/credit/subjects/{unknown}", **bearer(client, "someone")), 403,
                 "credit_not_your_subject")
    assert not CreditReport.objects.exists()


def test_a_wrong_check_character_is_refused_as_such(firms):
    credit_officer("credit", "SCJG")
    client = Client()
    good = factories.uscc("91330100MA2B3C4D5")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    body = assert_error(client.get(f"/api/v1/credit/subjects/{wrong}", **bearer(client, "credit")), 422, "invalid_uscc")
    assert "校验位" in body["message"]


def test_a_subject_without_a_file_is_not_reported_as_good_credit(db):
    credit_officer("credit", "SCJG")
    client = Client()
    body = assert_error(client.get(f"/api/v1/credit/subjects/{factories.uscc('91330100MA2B3C4D9')}",
                                   **bearer(client, "credit")), 404, "credit_subject_not_found")
    assert "未建档" in body["message"]


def test_the_report_is_signed_and_its_verification_link_checks_it(firms):
    firm, _other = firms
    client = Client()
    response = client.get(f"/api/v1/credit/subjects/{firm.id_number}/report", **bearer(client, "firm"))
    assert response.status_code == 200, response.content
    body = response.json()
    report = CreditReport.objects.get(number=body["number"])
    assert body["sm3"] == report.sm3 and body["level"] == "D"
    signed = statement(number=report.number, code=firm.id_number, issued_at=report.issued_at, sm3=report.sm3)
    assert verify_signature(key_id=body["key_id"], data=signed, signature=base64.b64decode(body["signature"]))
    check = Client().get(f"/api/v1/credit/reports/{report.number}/verify")
    assert check.status_code == 200 and check.json()["valid"] is True
    assert body["verify_url"].endswith(f"/api/v1/credit/reports/{report.number}/verify")
    # a kept report edited afterwards no longer verifies
    CreditReport.objects.filter(pk=report.pk).update(body={**report.body, "level": "A"})
    report.refresh_from_db()
    assert not verify_report(report)
    assert Client().get(f"/api/v1/credit/reports/{report.number}/verify").json()["valid"] is False


def test_the_report_as_a_signed_pdf(firms):
    firm, _other = firms
    client = Client()
    response = client.get(f"/api/v1/credit/subjects/{firm.id_number}/report?format=pdf", **bearer(client, "firm"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF") and response["X-Content-SM3"] == sm3_hex(pdf)
    report = CreditReport.objects.get()
    signed = statement(number=report.number, code=firm.id_number, issued_at=report.issued_at, sm3=sm3_hex(pdf),
                       kind="pdf")
    assert verify_signature(key_id=response["X-Key-Id"], data=signed,
                            signature=base64.b64decode(response["X-Signature-SM2"]))


def test_entering_a_list_entry_that_ends_before_it_starts_is_refused_by_the_api(db):
    credit_officer("credit", "SCJG")
    client = Client()
    response = post_json(client, "/api/v1/credit/list-entries", {
        "subject_kind": "org", "subject_code": factories.uscc("91330100MA2B3C4D5"), "subject_name": "某公司",
        "department": "SCJG", "kind": "black", "reason": "失信", "legal_basis": "《办法》",
        "starts_on": today().isoformat(), "ends_on": (today() - dt.timedelta(days=1)).isoformat()}, bearer(client, "credit"))
    body = assert_error(response, 422, "credit_invalid_period")
    assert "早于起始日期" in body["message"]


def test_entering_a_record_by_api_and_a_repair_decided_by_the_source_department(db):
    credit_officer("credit", "SCJG")
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    client = Client()
    staff = bearer(client, "credit")
    response = post_json(client, "/api/v1/credit/records", {
        "subject_kind": "org", "subject_code": firm.id_number, "subject_name": firm.name, "department": "SCJG",
        "kind": "penalty",
        "title": "未年报", "basis": "《条例》", "decided_on": (today() - dt.timedelta(days=120)).isoformat()}, staff)
    assert response.status_code == 201, response.content
    record_id = response.json()["id"]
    response = post_json(client, f"/api/v1/credit/subjects/{firm.id_number}/repairs",
                         {"record_id": record_id, "statement": "已补报年报"}, bearer(client, "firm"))
    assert response.status_code == 201, response.content
    repair_id = response.json()["id"]
    # the company cannot approve its own repair
    assert_error(post_json(client, f"/api/v1/credit/repairs/{repair_id}/decision", {"approve": True},
                           bearer(client, "firm")), 403, "credit_not_source_department")
    response = post_json(client, f"/api/v1/credit/repairs/{repair_id}/decision", {"approve": True, "note": "已纠正"}, staff)
    assert response.status_code == 200 and response.json()["status"] == "approved"
    body = client.get(f"/api/v1/credit/subjects/{firm.id_number}", **staff).json()
    assert body["records"][0]["status"] == "repaired" and body["level"] == "B"
