"""A department reading its own resource for its own case (免提交) or its own 一数一源 check is the
source, not a consumer: no subscription is needed, the read is still decided by the one policy
function and written to the access log the citizen reads. Every other path is unchanged."""

from __future__ import annotations

import io

import pytest

from yiwang.core.errors import DomainError
from yiwang.core.models import Applicant, ApplicantKind, AuditEvent
from yiwang.exchange import policy, services
from yiwang.exchange.models import AccessLog, Channel, DataResource, KeyKind, Subscription
from yiwang.exchange.selectors import subject_usage
from yiwang.exchange.tests.conftest import zhang

pytestmark = pytest.mark.django_db


def test_the_owner_reads_its_own_resource_for_its_own_case_without_a_subscription_and_it_is_logged(county, now):
    # given 公安局 owns RK and has no subscription to it (none can exist: a department cannot subscribe to its own)
    assert not Subscription.objects.filter(consumer=county.ga).exists()
    # when its own case fetches the applicant's facts (免提交)
    facts = services.fetch_for_case(consumer_department=county.ga, resource_code="RK", key=zhang(),
                                    fields=["name", "birth_date", "address"], purpose="办件免提交：申请人居民身份证",
                                    case_reference="GA-2026-000001", actor=None, now=now)
    # then the facts come back, in clear (the mask rules govern what leaves the department)
    assert facts.found and facts.facts == {"name": "张三", "birth_date": "1990-03-07", "address": "某县城关镇人民路2号"}
    # and the read is in the access log and the audit trail, with its purpose and case, counted against nothing
    log = AccessLog.objects.get(pk=facts.access_id)
    assert (log.consumer_id, log.provider_id, log.channel, log.subscription_id) == (county.ga.pk, county.ga.pk, Channel.CASE, None)
    assert (log.case_reference, log.purpose, log.outcome) == ("GA-2026-000001", "办件免提交：申请人居民身份证", "served")
    assert log.fields_returned == ["name", "birth_date", "address"]
    assert AuditEvent.objects.filter(event_type="exchange_lookup_served", subject_id=str(log.pk)).exists()
    # and the citizen sees it in 数据使用记录
    person = Applicant(kind=ApplicantKind.PERSON, id_number=zhang(), name="张三")
    assert [a.pk for a in subject_usage(person)] == [log.pk]


def test_the_owner_read_is_still_the_policys_decision_and_no_other_path_opens(county, now):
    catalogue = policy.load_resource("RK")
    # the policy decides an owner read only on the case and ingest channels, without a credential
    decision = policy.decide(consumer=policy.Consumer(department=county.ga), catalogue=catalogue, subscriptions=[],
                             field_names=["name"], now=now, channel=Channel.CASE)
    assert decision.owner and decision.subscription is None and decision.mask == {}
    for channel in (Channel.API, Channel.WEB):
        with pytest.raises(DomainError) as refused:
            policy.decide(consumer=policy.Consumer(department=county.ga), catalogue=catalogue, subscriptions=[],
                          field_names=["name"], now=now, channel=channel)
        assert refused.value.code == "no_subscription"
    # the default is the strict one: a caller that does not say why reads as a consumer
    with pytest.raises(DomainError):
        policy.decide(consumer=policy.Consumer(department=county.ga), catalogue=catalogue, subscriptions=[],
                      field_names=["name"], now=now)
    # the provider's staff on the gateway still need a subscription (and a case or reason)
    with pytest.raises(DomainError) as staff:
        services.lookup(consumer=policy.Consumer(department=county.ga), resource_code="RK", key=zhang(), fields=["name"],
                        now=now)
    assert staff.value.code == "no_subscription"
    # another department's case still needs a subscription, and gets the rule's refusal
    with pytest.raises(DomainError) as other:
        services.fetch_for_case(consumer_department=county.mz, resource_code="RK", key=zhang(), fields=["name"],
                                purpose="办件免提交", case_reference="MZ-2026-000001", actor=None, now=now)
    assert other.value.code == "no_subscription"
    assert AccessLog.objects.filter(outcome="refused").count() == 2


def test_an_api_key_of_the_owner_reaches_no_more_than_its_subscriptions(county, now):
    # given a 公安局 system key, issued for a subscription it holds elsewhere (SCJG's companies)
    sub = services.request_subscription(actor=county.ga_steward, consumer=county.ga, resource=county.companies,
                                        fields=["name"], purpose="户籍核对：企业名称", legal_basis="文件")
    sub = services.approve_subscription(actor=county.scjg_steward, subscription=sub, expires_at=None)
    _cred, key = services.issue_credential(actor=county.ga_steward, department=county.ga, name="户籍系统", subscriptions=[sub])
    consumer = services.consumer_for_key(key, now=now)
    # then even on the case channel the key does not read its own department's RK
    with pytest.raises(DomainError) as refused:
        services.lookup(consumer=consumer, resource_code="RK", key=zhang(), fields=["name"], channel=Channel.CASE,
                        case_reference="GA-1", now=now)
    assert refused.value.code == "wrong_department_key"


def test_the_owner_reads_fields_its_negative_list_keeps_from_others(county, now):
    # given RK.household_type is negative-listed: it never leaves 公安局
    services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name="household_type",
                                reason="不对外共享", now=now)
    # then another department cannot get it for its case, but 公安局's own case can
    with pytest.raises(DomainError) as refused:
        services.fetch_for_case(consumer_department=county.scjg, resource_code="RK", key=zhang(),
                                fields=["household_type"], purpose="办件", case_reference="SCJG-1", actor=None, now=now)
    assert refused.value.code == "field_negative_listed"
    own = services.fetch_for_case(consumer_department=county.ga, resource_code="RK", key=zhang(), fields=["household_type"],
                                  purpose="办件", case_reference="GA-1", actor=None, now=now)
    assert own.facts == {"household_type": "居民"}


def test_a_push_compared_with_the_departments_own_source_goes_through_the_policy_and_is_logged(county, now):
    # given 公安局 publishes a second resource whose name field names its own RK.name as the source
    household = services.publish_resource(
        actor=county.ga_steward, code="HJ", name="户籍变动信息", provider=county.ga, key_kind=KeyKind.CITIZEN_ID,
        key_field="id_number",
        fields=[{"name": "id_number", "label": "公民身份号码", "standard": "GB 11643", "required": True},
                {"name": "name", "label": "姓名", "source": "RK.name"}])
    # when it pushes a row whose name differs from RK's
    data = f"id_number,name\n{zhang()},张叁\n".encode()
    result = services.ingest_dataset(actor=county.ga_steward, resource=DataResource.objects.get(pk=household.pk),
                                     stream=io.BytesIO(data), file_name="hj.csv", now=now)
    # then it is compared without any subscription (the owner's own data) and the conflict reported
    assert result.dataset.conflicts == 1 and result.dataset.report["source_reads"] == {"RK": 1}
    # and the read of RK is in the access log under the person, as every comparison is
    log = AccessLog.objects.get(channel=Channel.INGEST)
    assert (log.consumer_id, log.provider_id, log.resource_id, log.subscription_id) == (
        county.ga.pk, county.ga.pk, county.people.pk, None)
    person = Applicant(kind=ApplicantKind.PERSON, id_number=zhang(), name="张三")
    assert log in list(subject_usage(person))
