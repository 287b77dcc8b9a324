"""我的信用 on the portal and the staff lookup."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.credit.tests.conftest import company, credit_officer, list_entry, penalty
from yiwang.crypto.primitives import sm3_hex
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def test_a_company_reads_its_own_credit_and_downloads_its_signed_report(db):
    user, firm = company("firm", "91330100MA2B3C4D5", "某县失信公司")
    penalty(firm)
    list_entry(firm, "black", reason="食品安全严重违法")
    client = Client()
    client.force_login(user)
    page = client.get("/credit/mine/").content.decode()
    assert "某县失信公司" in page and "食品安全严重违法" in page and ">D<" in page
    response = client.get("/credit/mine/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["X-Content-SM3"] == sm3_hex(response.content)


def test_a_company_without_a_file_is_told_so_not_shown_as_good(db):
    user, _firm = company("new", "91330100MA2B3C4D5", "新设公司")
    client = Client()
    client.force_login(user)
    assert "未建档" in client.get("/credit/mine/").content.decode()
    assert client.get("/credit/mine/report.pdf").status_code == 404


def test_staff_lookup_needs_the_credit_permission_and_hides_a_persons_number_outside_its_department(db):
    factories.department("SCJG")
    _citizen_user, person = factories.citizen()
    penalty(person)  # filed by SCJG
    client = Client()
    client.force_login(factories.user("clerk", ZWFW="clerk"))
    assert client.get("/credit/lookup/").status_code == 403
    client.force_login(credit_officer("sw_credit", "SW"))
    page = client.post("/credit/lookup/", {"code": person.id_number}).content.decode()
    assert "未按规定公示年报" in page and person.id_number not in page
    client.force_login(credit_officer("scjg_credit", "SCJG"))
    page = client.post("/credit/lookup/", {"code": person.id_number}).content.decode()
    assert person.id_number in page


def test_my_credit_and_the_staff_lookup_give_the_level_reasons_in_english(db):
    user, firm = company("firm", "91330100MA2B3C4D5", "某县失信公司")
    penalty(firm)
    list_entry(firm, "black", reason="食品安全严重违法")
    client = Client()
    client.force_login(user)
    en = client.get("/credit/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "On the credit blacklist" in en and "在失信惩戒名单期内" not in en
    assert "Credit repair" in en
    zh = client.get("/credit/mine/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "在失信惩戒名单期内" in zh
    officer = credit_officer("scjg_credit", "SCJG")
    staff = Client()
    staff.force_login(officer)
    page = staff.post("/credit/lookup/", {"code": firm.id_number}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "On the credit blacklist" in page and "administrative penalties in the last 12 months" not in page
