"""免提交: facts for a case with their provenance, and materials proven by data sharing."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.core.errors import DomainError
from yiwang.core.models import AuditEvent
from yiwang.exchange import services
from yiwang.exchange.models import AccessLog, Channel, MaterialProof
from yiwang.exchange.selectors import materials_provable_by_sharing
from yiwang.exchange.tests.conftest import zhang
from yiwang.testing import factories, item_factories

pytestmark = pytest.mark.django_db


def test_fetch_for_case_returns_facts_with_provenance_and_logs_the_case(county, now):
    # when
    facts = services.fetch_for_case(consumer_department=county.scjg, resource_code="RK", key=zhang(),
                                    fields=["name", "birth_date"], purpose="企业开办", case_reference="SCJG-2026-000001",
                                    actor=county.scjg_clerk, now=now)
    # then
    assert facts.found and facts.facts["birth_date"] == "1990-03-07"
    assert facts.provenance() | {"access_id": 0} == {
        "resource": "RK", "resource_name": "人口基础信息", "provider": "GA", "provider_name": "县公安局", "version": 1,
        "fetched_at": now.isoformat(), "response_sm3": facts.response_sm3, "access_id": 0}
    log = AccessLog.objects.get(pk=facts.access_id)
    assert (log.channel, log.case_reference, log.actor) == (Channel.CASE, "SCJG-2026-000001", county.scjg_clerk)
    assert AuditEvent.objects.filter(event_type="exchange_lookup_served", subject_id=str(log.pk)).exists()


def test_fetch_for_case_goes_through_the_same_policy(county, now):
    services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name="birth_date", reason="x", now=now)
    with pytest.raises(DomainError) as caught:
        services.fetch_for_case(consumer_department=county.scjg, resource_code="RK", key=zhang(), fields=["birth_date"],
                                purpose="p", case_reference="C-1", actor=None, now=now)
    assert caught.value.code == "field_negative_listed"
    with pytest.raises(DomainError) as no_case:
        services.fetch_for_case(consumer_department=county.scjg, resource_code="RK", key=zhang(), fields=["name"],
                                purpose="p", case_reference="", actor=None, now=now)
    assert no_case.value.code == "purpose_required"


def test_materials_provable_by_sharing_and_proven_for_a_case(county, now):
    # given: an SCJG item asks for 身份证明 (proven by 人口基础信息) and 经营场所证明 (not provable)
    item = item_factories.item("SCJG-010", dept="SCJG")
    id_material = item.materials.get(name="身份证明")
    MaterialProof.objects.create(material=id_material, resource=county.people, fields=["name", "gender"],
                                 condition=MaterialProof.Condition.FIELD_EQUALS, condition_field="gender",
                                 condition_value="男")
    _user, zhang_applicant = factories.citizen("zhang", first17="11010119900307851", name="张三")
    _user2, stranger = factories.citizen("stranger", first17="11010119700101001", name="路人")
    # when
    provable = materials_provable_by_sharing(item=item, applicant=zhang_applicant)
    proven = services.prove_materials(item=item, applicant=zhang_applicant, consumer_department=county.scjg,
                                      case_reference="SCJG-2026-000002", actor=None, now=now)
    unproven = services.prove_materials(item=item, applicant=stranger, consumer_department=county.scjg,
                                        case_reference="SCJG-2026-000003", actor=None, now=now)
    # then
    assert [p.material.name for p in provable] == ["身份证明"]
    assert [(m.material_name, m.proven) for m in proven] == [("身份证明", True)]
    assert proven[0].facts.facts == {"name": "张*", "gender": "男"}
    assert [(m.proven, m.code) for m in unproven] == [(False, "not_found")]


def test_a_refused_proof_leaves_the_material_to_upload_and_says_why(county, now):
    item = item_factories.item("MZ-001", dept="MZ")
    MaterialProof.objects.create(material=item.materials.get(name="身份证明"), resource=county.people, fields=["name"])
    _user, applicant = factories.citizen("zhang", first17="11010119900307851", name="张三")
    # MZ has no subscription
    result = services.prove_materials(item=item, applicant=applicant, consumer_department=county.mz,
                                      case_reference="MZ-2026-1", actor=None, now=now + dt.timedelta(minutes=1))
    assert [(r.proven, r.code) for r in result] == [(False, "no_subscription")]


def test_staff_lookups_spending_the_rate_and_quota_cannot_starve_citizens_免提交(county, now):
    # given a subscription with a tiny rate and quota, spent by staff lookups
    sub = county.subscription
    type(sub).objects.filter(pk=sub.pk).update(rate_per_minute=2, daily_quota=3)
    for _ in range(2):
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now)
    with pytest.raises(DomainError) as limited:
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now)
    assert limited.value.code == "rate_limited"
    # when applications fetch facts for their own cases, more than the rate within the same minute
    for i in range(5):
        facts = services.fetch_for_case(consumer_department=county.scjg, resource_code="RK", key=zhang(), fields=["name"],
                                        purpose="办件免提交", case_reference=f"SCJG-2026-{i:06d}", actor=None, now=now)
        assert facts.found
    # then staff are still limited, and the case uses are counted in their own allowance
    with pytest.raises(DomainError):
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now)
    sub.refresh_from_db()
    assert (sub.minute_count, sub.case_day_count, sub.total_count) == (2, 5, 7)
    # and the case allowance is itself bounded
    type(sub).objects.filter(pk=sub.pk).update(case_daily_quota=5)
    with pytest.raises(DomainError) as spent:
        services.fetch_for_case(consumer_department=county.scjg, resource_code="RK", key=zhang(), fields=["name"],
                                purpose="办件免提交", case_reference="SCJG-2026-999999", actor=None, now=now)
    assert spent.value.code == "quota_exhausted" and spent.value.details["case_daily_quota"] == 5
