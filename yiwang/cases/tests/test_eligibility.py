"""Eligibility before submission (申请前预检): the item's 秒批 rules, through the same evaluation as
秒批, tell the citizen at once what already fails, what waits for an empty field, and what is
checked at submission — writing nothing and reading no shared data."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.models import Case, InstantDecision
from yiwang.cases.services.eligibility import EligibilityStatus, check_eligibility
from yiwang.catalog.demo import parse_field
from yiwang.catalog.demo_items import ITEMS
from yiwang.catalog.demo_rules import RULES_DIR
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.services import publish_rule_set_version
from yiwang.core.models import AuditEvent
from yiwang.exchange.models import AccessLog
from yiwang.testing import case_factories, factories, item_factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

LOCAL_38 = "33099919880412123"  # 本县 (330999), born 1988-04-12
LOCAL_82 = "33099919440101123"  # 本县, born 1944-01-01
FULL_FORM = {"hukou_county": "本县", "residence_status": "本县居住", "bank_account": "6222", "guardian_phone": "13800000000"}


def demo_item(name: str, rules: str, code: str) -> ServiceItem:
    """A demo item's form (from the demo catalogue) with its demo rule set published on it."""
    row = next(r for r in ITEMS if r["name"] == name)
    item = item_factories.item(code, dept="SCJG", form_schema=[parse_field(f) for f in row["form"]],
                          materials=(("身份证明", True),), scope="person")
    publish_rule_set_version(actor=None, key=rules, name=f"{name}规则", items=[item],
                             dmn_xml=(RULES_DIR / f"{rules}.dmn").read_text(encoding="utf-8"))
    item.refresh_from_db()
    return item


@pytest.fixture
def elderly(db):
    return demo_item("高龄津贴申领", "elderly_allowance", "MZ-ELDER")


def reasons(checks) -> list[str]:
    return [c.reason for c in checks]


def test_a_38_year_old_learns_at_once_that_the_allowance_needs_80_years(world, elderly):
    # given a local 38-year-old who has filled in nothing yet
    _user, applicant = factories.citizen("young", first17=LOCAL_38)

    # when the item's rules are pre-checked
    result = check_eligibility(item=elderly, applicant=applicant, form={})

    # then the age rule fails with its reason, and the 户籍 rule waits for its field instead of passing
    assert result.status == EligibilityStatus.FAILS
    assert reasons(result.failing) == ["申请人须年满80周岁"]
    assert "申请人须年满80周岁" in result.message
    pending = {c.reason: [f["name"] for f in c.fields] for c in result.pending}
    assert pending == {"申请人须为本县户籍": ["hukou_county"]}


def test_a_half_filled_form_shows_no_refusal_it_has_not_earned(world, elderly):
    # given an 82-year-old local citizen
    _user, applicant = factories.citizen("old", first17=LOCAL_82)

    # when nothing is filled in, then nothing fails: the 户籍 rule waits
    empty = check_eligibility(item=elderly, applicant=applicant, form={"hukou_county": ""})
    assert empty.status == EligibilityStatus.INCOMPLETE and not empty.failing
    assert "户籍所在地" in empty.message

    # when 本县 is chosen, every rule passes; when 外县, the 户籍 rule fails
    assert check_eligibility(item=elderly, applicant=applicant, form={"hukou_county": "本县"}).status == "passes"
    outside = check_eligibility(item=elderly, applicant=applicant, form={"hukou_county": "外县"})
    assert outside.status == EligibilityStatus.FAILS and reasons(outside.failing) == ["申请人须为本县户籍"]


def test_the_pre_check_says_what_instant_approval_will_say(world, elderly):
    # given a 38-year-old whose pre-check fails
    user, applicant = factories.citizen("young", first17=LOCAL_38)
    form = {**FULL_FORM, "hukou_county": "外县"}
    pre = check_eligibility(item=elderly, applicant=applicant, form=form)

    # when they submit anyway
    case, _created = services.submit_application(actor=user, item=elderly, applicant=applicant, form_data=form,
                                                 materials=case_factories.required_material_refs(user, elderly))

    # then 秒批 names the same reasons (one evaluation of the rules, not two)
    decision = InstantDecision.objects.get(case=case)
    assert not decision.passed
    assert sorted(decision.failed_rules) == sorted(reasons(pre.failing))


def test_an_open_case_of_the_same_item_is_known_before_submitting(world, elderly):
    user, applicant = factories.citizen("old", first17=LOCAL_82)
    services.submit_application(actor=user, item=elderly, applicant=applicant, form_data={**FULL_FORM, "hukou_county": "外县"},
                                materials=case_factories.required_material_refs(user, elderly))
    result = check_eligibility(item=elderly, applicant=applicant, form={"hukou_county": "本县"})
    assert reasons(result.failing) == ["已有在办的高龄津贴申请"]


def test_the_pre_check_writes_nothing_and_reads_no_shared_data(world):
    # given an item whose rule reads a fact from data sharing
    item = item_factories.item("SHARED-RULE", dept="SCJG", form_schema=[
        {"name": "kind", "label": "类型", "type": "select", "options": ["甲", "乙"], "required": True}])
    dmn = (RULES_DIR / "social_security_card.dmn").read_text(encoding="utf-8")
    dmn = dmn.replace("form.reported_loss", "facts.shared.RS_SBCBXX.status").replace(
        "form.delivery = &quot;邮寄到家&quot; and (form.delivery_address = null or form.delivery_address = &quot;&quot;)",
        "form.kind = &quot;乙&quot;").replace(
        'form.delivery = "邮寄到家" and (form.delivery_address = null or form.delivery_address = "")', 'form.kind = "乙"')
    publish_rule_set_version(actor=None, key="shared_rule", name="共享规则", items=[item], dmn_xml=dmn)
    item.refresh_from_db()
    before = (AuditEvent.objects.count(), AccessLog.objects.count(), Case.objects.count())

    # when it is pre-checked
    result = check_eligibility(item=item, applicant=world.applicant, form={"kind": "乙"})

    # then the shared-data row is left to submission, the form row fails, and nothing was written
    assert [(c.reason, c.why) for c in result.deferred] == [("补领前须先挂失原社会保障卡", "shared")]
    assert reasons(result.failing) == ["选择邮寄到家须填写邮寄地址"]
    assert (AuditEvent.objects.count(), AccessLog.objects.count(), Case.objects.count()) == before


@pytest.mark.parametrize("form", [
    "not a form", None, [1, 2], {"hukou_county": ["本县"]}, {"hukou_county": {"$gt": ""}},
    {"hukou_county": "北京"}, {"hukou_county": "x" * 100_000}, {"guardian_phone": 10**400},
    {"bank_account": True, "hukou_county": 1.5}, {"__proto__": "x", "form": "y"},
])
def test_garbage_is_treated_as_empty_fields_never_as_a_crash(world, elderly, form):
    _user, applicant = factories.citizen("old", first17=LOCAL_82)
    result = check_eligibility(item=elderly, applicant=applicant, form=form)
    assert result.status in (EligibilityStatus.INCOMPLETE, EligibilityStatus.PASSES)
    assert not result.failing


def test_a_not_well_formed_value_is_named(world, elderly):
    _user, applicant = factories.citizen("old", first17=LOCAL_82)
    result = check_eligibility(item=elderly, applicant=applicant, form={"hukou_county": "北京"})
    assert result.field_problems == [{"field": "hukou_county", "label": "户籍所在地", "problem": "不是可选项"}]
    assert [c.reason for c in result.pending] == ["申请人须为本县户籍"]


def test_an_item_without_rules_says_so(world):
    result = check_eligibility(item=world.item, applicant=world.applicant, form={})
    assert result.status == EligibilityStatus.NO_RULES and result.rules_version is None


def test_an_organisation_is_told_a_person_only_item_is_not_for_it(world, elderly):
    user = factories.user("firm")
    from yiwang.core.services import register_applicant

    org = register_applicant(actor=user, kind="org", name="某公司", id_number=factories.uscc(), user=user)
    result = check_eligibility(item=elderly, applicant=org, form={})
    assert result.status == EligibilityStatus.FAILS and result.failing[0].rule == 0


# ---------------------------------------------------------------- API


def test_api_pre_checks_for_the_signed_in_applicant(world, elderly):
    # given a signed-in 38-year-old
    factories.citizen("young", first17=LOCAL_38)
    client = Client()
    auth = bearer(client, "young")

    # when the half-filled form is sent
    response = post_json(client, f"/api/v1/items/{elderly.code}/eligibility", {"form": {"hukou_county": ""}}, auth)

    # then the age rule fails, the 户籍 rule waits, and the field states come along
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "fails" and body["rules_version"] == 1
    assert [r["reason"] for r in body["failing"]] == ["申请人须年满80周岁"]
    assert body["pending"][0]["fields"] == [{"name": "hukou_county", "label": "户籍所在地"}]
    assert {f["name"] for f in body["fields"]} == {"hukou_county", "residence_status", "bank_account", "guardian_phone"}


def test_api_refuses_what_it_cannot_answer_with_a_4xx(world, elderly):
    client = Client()
    assert client.post(f"/api/v1/items/{elderly.code}/eligibility", data="{}",
                       content_type="application/json").status_code == 401
    auth = bearer(client, "citizen")
    assert_error(post_json(client, "/api/v1/items/NOPE/eligibility", {"form": {}}, auth), 404, "item_not_found")
    clerk = bearer(client, "clerk")
    assert_error(post_json(client, f"/api/v1/items/{elderly.code}/eligibility", {"form": {}}, clerk), 422,
                 "not_your_case")
    for body in ({"form": []}, {"form": "x"}, "{"):
        response = client.post(f"/api/v1/items/{elderly.code}/eligibility", data=json.dumps(body) if body != "{" else body,
                               content_type="application/json", **auth)
        assert 400 <= response.status_code < 500, (body, response.status_code)
    schema = client.get("/api/v1/openapi.json").json()
    assert "EligibilityOut" in schema["components"]["schemas"]


# ---------------------------------------------------------------- portal


def test_the_apply_page_checks_without_javascript(world, elderly):
    # given a 38-year-old on the apply page
    factories.citizen("young", first17=LOCAL_38)
    client = Client()
    client.login(request=HttpRequest(), username="young", password="pw-young")
    page = client.get(f"/items/{elderly.code}/apply/").content.decode()
    assert "检查是否符合条件" in page and "js/form-conditions.js" in page and "<script>" not in page

    # when they press 检查是否符合条件 with a half-filled form
    response = client.post(f"/items/{elderly.code}/apply/", {"action": "check", "hukou_county": "",
                                                             "submission_token": "t1"})

    # then the page says why at once, keeps what was typed, and submits nothing
    text = response.content.decode()
    assert response.status_code == 200 and "申请人须年满80周岁" in text
    assert not Case.objects.exists()


def test_the_form_check_fragment_answers_the_script(world, elderly):
    factories.citizen("young", first17=LOCAL_38)
    client = Client()
    client.login(request=HttpRequest(), username="young", password="pw-young")
    response = client.post(f"/items/{elderly.code}/form-check/", {"eligibility": "1", "hukou_county": "外县"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "申请人须年满80周岁" in text and "申请人须为本县户籍" in text
    assert client.get(f"/items/{elderly.code}/form-check/").status_code == 405
    assert client.post("/items/NOPE/form-check/", {}).status_code == 404
