"""English mode reads in English: timeline events, step names of the stock processes, OCR
findings and department names — on the pages and in the API with ``Accept-Language: en`` — while
Chinese mode (the site's language) is unchanged."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone, translation

from yiwang.cases import services
from yiwang.cases.models import CaseMaterial, FindingKind, MaterialFinding
from yiwang.catalog.labels import step_label
from yiwang.core.models import Department
from yiwang.intelligence.prereview import FieldKey
from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_names(world):
    Department.objects.filter(code="SCJG").update(name="县市场监督管理局", name_en="County Administration for Market Regulation")
    Department.objects.filter(code="ZWFW").update(name_en="County Government Services Administration")
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    return case


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=f"pw-{username}")
    return client


def test_the_case_page_in_english(english_names):
    case = english_names
    html = signed_in("citizen").get(f"/me/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # timeline events
    assert "Submit application" in html and "提交申请" not in html
    # the department, the current step of the stock two-step process, the steps table
    assert "County Administration for Market Regulation" in html and "县市场监督管理局" not in html
    assert ">Review<" in html and ">审查<" not in html
    # Chinese mode keeps the Chinese
    zh = signed_in("citizen").get(f"/me/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "提交申请" in zh and "县市场监督管理局" in zh and ">审查<" in zh


def test_the_case_in_the_api_in_english(english_names):
    case = english_names
    client = signed_in("citizen")
    body = client.get(f"/api/v1/cases/{case.number}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["department"] == "County Administration for Market Regulation"
    assert body["current_step"] == "Review"
    assert [s["name"] for s in body["steps"]] == ["Review"]
    labels = [t["label"] for t in body["timeline"]]
    assert "Submit application" in labels and not any("提交" in label for label in labels)
    assert "County Government Services Administration" in [t["department"] for t in body["timeline"]]
    zh = client.get(f"/api/v1/cases/{case.number}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["department"] == "县市场监督管理局" and zh["current_step"] == "审查"


def test_ocr_findings_are_said_again_in_english(english_names):
    case = english_names
    material = CaseMaterial.objects.filter(case=case).first()
    MaterialFinding.objects.create(
        material=material, kind=FindingKind.FIELD_MISMATCH, field=FieldKey.NAME, expected="张三", found="张叁",
        confidence=0.91, message="「姓名」与申请信息不一致：申请为「张三」，材料上识别为「张叁」（识别置信度 91%）。",
        created_at=timezone.now())
    clerk = signed_in("clerk")
    html = clerk.get(f"/work/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "“Name” does not match the application" in html and "与申请信息不一致：申请为" not in html
    zh = clerk.get(f"/work/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "「姓名」与申请信息不一致：申请为「张三」，材料上识别为「张叁」（识别置信度 91%）。" in zh


def test_every_finding_kind_has_an_english_text_and_the_stored_text_is_unchanged():
    from yiwang.intelligence.prereview import FindingKind as Kind
    from yiwang.intelligence.prereview import finding_text

    facts = {"field": FieldKey.CITIZEN_ID, "expected": "x", "found": "2020-01-31", "confidence": 0.5, "page": 1,
             "pages_total": 9, "pages_read": 5}
    kinds = [v for k, v in vars(Kind).items() if k.isupper()]
    assert len(kinds) == 8
    for kind in kinds:
        with translation.override("en"):
            english = finding_text(kind, **facts)
        with translation.override("zh-hans"):
            chinese = finding_text(kind, **facts)
        assert english and not any("\u4e00" <= c <= "\u9fff" for c in english), (kind, english)
        assert chinese != english
    with translation.override("zh-hans"):
        assert finding_text(Kind.EXPIRED, found="2020-01-31", confidence=0.5) == "材料已过有效期：有效期至 2020年01月31日（识别置信度 50%）。"


def test_partner_steps_are_named_by_the_departments_english_name(world):
    factories.department("GA")
    Department.objects.filter(code="GA").update(name="县公安局", name_en="County Public Security Bureau")
    with translation.override("en"):
        assert step_label("县公安局会签") == "County Public Security Bureau countersignature"
        assert step_label("县公安局协查核验") == "County Public Security Bureau verification"
        assert step_label("决定、县公安局会签") == "Decision, County Public Security Bureau countersignature"
        assert step_label("统一出件") == "Result delivery"
        assert step_label("某个自定义环节") == "某个自定义环节"  # an operator's own name is data
    with translation.override("zh-hans"):
        assert step_label("县公安局会签") == "县公安局会签"


def test_search_and_home_name_departments_in_english(world):
    Department.objects.filter(code="SCJG").update(name="县市场监督管理局", name_en="County Administration for Market Regulation")
    client = Client()
    for path in ("/", "/items/?q=测试"):
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "County Administration for Market Regulation" in html and "县市场监督管理局" not in html, path
