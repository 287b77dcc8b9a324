"""Instant approval (秒批): rules pass → the system decides in the same request; a rule fails →
a person decides, told which rule; a bad DMN file is refused at upload."""

from __future__ import annotations

import pytest

from yiwang.cases import selectors, services
from yiwang.cases.models import CaseStatus, CaseStep, InstantDecision, Outcome
from yiwang.catalog.services import publish_rule_set_version
from yiwang.core.errors import InvalidInput
from yiwang.testing import case_factories, item_factories

pytestmark = pytest.mark.django_db

FORM = [
    {"name": "reported_loss", "label": "是否已挂失", "type": "select", "options": ["是", "否"], "required": True},
    {"name": "months", "label": "连续居住月数", "type": "number", "required": False},
]


def dmn(*rows: tuple[str, str, str], inputs: tuple[str, str] = ("form.reported_loss", "if form.months = null then 0 else form.months")) -> str:
    body = "".join(
        f'<rule id="r{i}"><inputEntry id="r{i}a"><text>{a}</text></inputEntry><inputEntry id="r{i}b"><text>{b}</text>'
        f'</inputEntry><outputEntry id="r{i}o"><text>"{reason}"</text></outputEntry></rule>'
        for i, (a, b, reason) in enumerate(rows)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
        'id="d" name="t" namespace="http://yiwang"><decision id="card_rules" name="补领规则">'
        '<decisionTable id="t" hitPolicy="COLLECT">'
        f'<input id="i1" label="是否已挂失"><inputExpression id="e1"><text>{inputs[0]}</text></inputExpression></input>'
        f'<input id="i2" label="月数"><inputExpression id="e2"><text>{inputs[1]}</text></inputExpression></input>'
        '<output id="o" label="未通过的规则" name="failed_rule"/>' + body + "</decisionTable></decision></definitions>"
    )


RULES = dmn(("&quot;否&quot;", "", "补领前须先挂失"), ("", "&lt; 6", "须连续居住满6个月"))


@pytest.fixture
def instant_item(world):
    item = item_factories.item("RS-CARD", dept="SCJG", form_schema=FORM,
                          stages=[{"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"}],
                          materials=(("身份证明", True),))
    publish_rule_set_version(actor=None, key="card", name="补领规则", dmn_xml=RULES, items=[item])
    item.refresh_from_db()
    return item


def apply(world, item, form):
    refs = case_factories.required_material_refs(world.citizen, item)
    case, _created = services.submit_application(actor=world.citizen, item=item, applicant=world.applicant,
                                                 form_data=form, materials=refs)
    case.refresh_from_db()
    return case


def test_all_rules_pass_so_the_system_decides_in_the_same_request(world, instant_item):
    case = apply(world, instant_item, {"reported_loss": "是", "months": 12})

    assert case.status == CaseStatus.CLOSED and case.outcome == Outcome.APPROVED and case.decided_by_rules
    decision = InstantDecision.objects.get(case=case)
    assert decision.passed and decision.rules_version.version == 1
    assert decision.evidence == {"是否已挂失": "是", "月数": 12.0}
    step = CaseStep.objects.get(case=case)
    assert step.status == "completed" and step.completed_by is None and "秒批" in step.comment
    timeline = selectors.case_timeline(case)
    assert [t.event_type for t in timeline] == ["case_submitted", "case_accepted", "case_decided", "case_delivered"]
    assert timeline[1].department == "系统（秒批）"


def test_a_failing_rule_sends_the_case_to_a_person_naming_the_rule(world, instant_item):
    case = apply(world, instant_item, {"reported_loss": "否", "months": 3})

    assert case.status == CaseStatus.SUBMITTED and not case.decided_by_rules
    decision = InstantDecision.objects.get(case=case)
    assert not decision.passed
    assert decision.failed_rules == ["补领前须先挂失", "须连续居住满6个月"]
    failed = [t for t in selectors.case_timeline(case) if t.event_type == "case_instant_rules_failed"]
    assert failed and failed[0].details["failed_rules"] == decision.failed_rules
    # a person takes it from here, as with any case
    services.accept_application(actor=world.clerk, case_id=case.pk)


def test_a_rule_that_cannot_be_decided_never_approves(world, instant_item):
    # given a table without a default for a missing number: FEEL's null < 6 is neither true nor false
    publish_rule_set_version(actor=None, key="card", name="补领规则", dmn_xml=dmn(
        ("", "&lt; 6", "须连续居住满6个月"), inputs=("form.reported_loss", "form.months")))
    case = apply(world, instant_item, {"reported_loss": "是"})
    decision = InstantDecision.objects.get(case=case)
    # then no row fired, yet the case is not approved: a person decides, told which cell was undecided
    assert not decision.passed and decision.failed_rules == [] and decision.rules_version.version == 2
    assert "第 1 行" in decision.error and "月数" in decision.error and "null" in decision.error
    assert case.status == CaseStatus.SUBMITTED


def test_a_table_that_cannot_run_sends_the_case_to_a_person_with_the_reason(world, instant_item):
    # given a version whose table went wrong after publication (as a stored Python text the data
    # migration could not convert would): the stored XML no longer parses as FEEL
    version = instant_item.instant_rules.versions.get()
    version.dmn_xml = version.dmn_xml.replace("form.reported_loss", 'form.get("reported_loss")')
    version.digest = "edited-in-place"  # tables are cached per process by (pk, digest)
    version.save()
    case = apply(world, instant_item, {"reported_loss": "是", "months": 12})
    decision = InstantDecision.objects.get(case=case)
    assert not decision.passed and "是否已挂失" in decision.error and "FEEL" in decision.error
    assert case.status == CaseStatus.SUBMITTED


def test_feel_entries_that_python_misread_now_fire(world, instant_item):
    # given an age-like rule written as the FEEL list "16,17" and a list of refused answers
    publish_rule_set_version(actor=None, key="card", name="补领规则", dmn_xml=dmn(
        ('"否","不清楚"', "", "补领前须先挂失"), ("", "16,17", "须满18个月"), ("", "not([1..100])", "月数超出范围")))
    # then 16 is refused (Python read "16,17" as a tuple and let it pass), and so is 200
    assert InstantDecision.objects.get(case=apply(world, instant_item, {"reported_loss": "是", "months": 16})
                                       ).failed_rules == ["须满18个月"]
    assert InstantDecision.objects.get(case=apply(world, instant_item, {"reported_loss": "否", "months": 200})
                                       ).failed_rules == ["补领前须先挂失", "月数超出范围"]
    assert InstantDecision.objects.get(case=apply(world, instant_item, {"reported_loss": "是", "months": 40})).passed


def test_a_new_rule_version_applies_to_new_cases_and_old_cases_keep_theirs(world, instant_item):
    first = apply(world, instant_item, {"reported_loss": "是", "months": 12})
    publish_rule_set_version(actor=None, key="card", name="补领规则", dmn_xml=dmn(("", "&lt; 24", "须连续居住满24个月")))
    second = apply(world, instant_item, {"reported_loss": "是", "months": 12})
    assert InstantDecision.objects.get(case=first).rules_version.version == 1
    assert InstantDecision.objects.get(case=second).rules_version.version == 2
    assert InstantDecision.objects.get(case=second).failed_rules == ["须连续居住满24个月"]


def test_window_applications_are_not_instant(world, instant_item):
    refs = case_factories.required_material_refs(world.clerk, instant_item)
    case, _ = services.submit_application(actor=world.clerk, item=instant_item, applicant=world.applicant,
                                          form_data={"reported_loss": "是", "months": 12}, materials=refs,
                                          channel="window")
    assert not InstantDecision.objects.filter(case=case).exists()


@pytest.mark.parametrize("bad, reason", [
    ("<definitions", "XML"),
    (RULES.replace("form.reported_loss", "salary"), "未知变量"),
    (RULES.replace("form.reported_loss", "form.income"), "不存在的字段"),
    (RULES.replace("form.reported_loss", "facts.wealth"), "未声明的事实"),
    (RULES.replace('hitPolicy="COLLECT"', 'hitPolicy="COLLECT" aggregation="COUNT"'), "汇总"),
    (RULES.replace('<inputEntry id="r1b">', '<inputEntry id="r1b" expressionLanguage="python">'), "第 2 行"),
    (RULES.replace("&lt; 6", "__import__(&quot;os&quot;).getcwd()"), "不是有效的 FEEL"),
    (RULES.replace('"补领前须先挂失"', "补领前须先挂失"), "带引号"),
])
def test_a_dmn_file_that_cannot_be_used_is_refused_at_upload_with_the_reason(world, instant_item, bad, reason):
    with pytest.raises(InvalidInput) as err:
        publish_rule_set_version(actor=None, key="card", name="补领规则", dmn_xml=bad)
    assert err.value.code == "rules_rejected" and reason in err.value.message
    assert instant_item.instant_rules.versions.count() == 1


def test_share_of_cases_decided_without_a_person(world, instant_item):
    apply(world, instant_item, {"reported_loss": "是", "months": 12})
    apply(world, instant_item, {"reported_loss": "否", "months": 12})
    case_factories.apply_online(world.citizen, world.applicant, world.item)
    rates = selectors.automation_rates()
    assert rates["overall"] == {"submitted": 3, "decided_by_rules": 1, "rate": pytest.approx(1 / 3)}
    by_item = {r["item_code"]: r for r in rates["items"]}
    assert by_item["RS-CARD"]["rate"] == pytest.approx(0.5)


def test_admin_uploads_a_rule_version_and_sees_a_refusal_in_the_form(world, instant_item, client):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin_user = get_user_model().objects.create_superuser("root", password="pw-root")
    client.force_login(admin_user)
    rule_set = instant_item.instant_rules
    url = f"/admin/catalog/ruleset/{rule_set.pk}/upload/"
    refused = client.post(url, {"dmn_file": SimpleUploadedFile("r.dmn", RULES.replace(
        'hitPolicy="COLLECT"', 'hitPolicy="COLLECT" aggregation="SUM"').encode())})
    assert refused.status_code == 200 and "汇总" in refused.content.decode()
    ok = client.post(url, {"dmn_file": SimpleUploadedFile("r.dmn", dmn(("", "&lt; 3", "须满3个月")).encode())})
    assert ok.status_code == 302 and rule_set.versions.count() == 2


def test_the_clerk_sees_which_rules_failed(world, instant_item, client):
    case = apply(world, instant_item, {"reported_loss": "否", "months": 12})
    client.force_login(world.clerk)
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert 'id="instant-failed"' in page and "补领前须先挂失" in page


def test_automation_rates_api_is_for_supervisors(world, instant_item, client):
    apply(world, instant_item, {"reported_loss": "是", "months": 12})
    client.force_login(world.supervisor)
    body = client.get("/api/v1/kpi/automation").json()
    assert body["overall"]["decided_by_rules"] == 1
    client.force_login(world.reviewer)
    assert client.get("/api/v1/kpi/automation").status_code == 403
