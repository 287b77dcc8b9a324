"""The gateway as consumers meet it: what it serves, what it refuses and why, and what it logs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import IntegrityError, transaction

from yiwang.core.errors import DomainError
from yiwang.core.models import AuditEvent
from yiwang.crypto.primitives import sm3_hex
from yiwang.exchange import gateway, policy, services
from yiwang.exchange.models import AccessLog, Outcome, Subscription
from yiwang.exchange.rows import key_index
from yiwang.exchange.tests.conftest import PEOPLE_FIELDS, zhang
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def refusal(county, now, **kw) -> DomainError:
    args = {"consumer": county.consumer(), "resource_code": "RK", "key": zhang(), "fields": ["name"], "now": now} | kw
    with pytest.raises(DomainError) as caught:
        services.lookup(**args)
    return caught.value


def test_served_fields_are_the_subscribed_ones_masked_by_rule(county, now):
    # when
    result = services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(),
                             fields=["id_number", "name", "gender", "birth_date", "address"], purpose="企业开办", now=now)
    # then
    assert result.found
    assert result.data == {"id_number": "110101********8515"[:6] + "********" + zhang()[-4:], "name": "张*", "gender": "男",
                           "birth_date": "1990-03-07", "address": "某县城关镇人****"}
    assert sorted(result.masked) == ["address", "id_number", "name"]


def test_clear_fields_granted_by_the_steward_are_not_masked(county, now):
    # given
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=["name", "address"], clear_fields=["name"], purpose="高龄津贴",
                                        legal_basis="条例", now=now)
    services.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=now + dt.timedelta(days=9),
                                  clear_fields=["name"], now=now)
    # when
    result = services.lookup(consumer=county.consumer(county.mz), resource_code="RK", key=zhang(), now=now)
    # then
    assert result.data == {"name": "张三", "address": "某县城关镇人****"}


def test_unmasked_access_is_granted_only_as_the_steward_approves_it_field_by_field(county, now):
    # given a request asking name and address in clear
    ask = dict(actor=county.mz_clerk, consumer=county.mz, resource=county.people, fields=["name", "address"],
               clear_fields=["name", "address"], legal_basis="条例", now=now)
    sub = services.request_subscription(purpose="高龄津贴", **ask)
    # an approval that does not name clear fields grants none (it used to grant what was asked, unseen)
    approved = services.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None, now=now)
    assert approved.clear_fields == []
    result = services.lookup(consumer=county.consumer(county.mz), resource_code="RK", key=zhang(), now=now)
    assert result.data["name"] == "张*"
    # fewer clear fields than asked: exactly those, recorded in the audit
    sub2 = services.request_subscription(purpose="高龄津贴复核", **ask)
    approved = services.approve_subscription(actor=county.ga_steward, subscription=sub2, expires_at=None,
                                             clear_fields=["name"], now=now)
    assert approved.clear_fields == ["name"]
    audit = AuditEvent.objects.filter(event_type="exchange_subscription_approved", subject_id=str(sub2.pk)).get()
    assert audit.details["clear_fields"] == ["name"] and audit.details["clear_fields_asked"] == ["name", "address"]
    # more than asked, or a field not approved, is refused
    sub3 = services.request_subscription(purpose="高龄津贴三", **{**ask, "clear_fields": ["address"]})
    with pytest.raises(DomainError) as caught:
        services.approve_subscription(actor=county.ga_steward, subscription=sub3, expires_at=None, clear_fields=["name"])
    assert caught.value.status == 422 and caught.value.details["clear_fields"] == ["name"]
    with pytest.raises(DomainError):
        services.approve_subscription(actor=county.ga_steward, subscription=sub3, expires_at=None, fields=["name"],
                                      clear_fields=["address"])


def test_unknown_key_is_served_as_not_found_and_logged(county, now):
    # when
    result = services.lookup(consumer=county.consumer(), resource_code="RK", key=factories.citizen_id("11010119700101001"),
                             fields=["name"], now=now)
    # then
    assert not result.found and result.data == {}
    assert AccessLog.objects.get(pk=result.access_id).outcome == Outcome.NOT_FOUND


def test_every_served_lookup_is_logged_and_audited_with_the_sm3_of_the_response(county, now):
    # when
    result = services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name", "gender"],
                             purpose="企业开办", case_reference="SCJG-2026-0001", now=now)
    # then
    log = AccessLog.objects.get(pk=result.access_id)
    assert (log.consumer, log.provider, log.resource_code) == (county.scjg, county.ga, "RK")
    assert log.fields_returned == ["name", "gender"] and log.purpose == "企业开办" and log.case_reference == "SCJG-2026-0001"
    assert log.subject_index == key_index("citizen_id", zhang()) and log.subject_masked.endswith(zhang()[-4:])
    body = {"resource": "RK", "version": 1, "found": True, "data": result.data, "fetched_at": now.isoformat(),
            "purpose": "企业开办", "case": "SCJG-2026-0001"}
    assert log.response_sm3 == result.response_sm3 == sm3_hex(
        json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    event = AuditEvent.objects.get(event_type="exchange_lookup_served", subject_id=str(log.pk))
    assert event.details["response_sm3"] == result.response_sm3 and event.actor_department == county.scjg
    assert zhang() not in json.dumps(event.details)  # no personal data on the audit stream


@pytest.mark.parametrize("field", [f["name"] for f in PEOPLE_FIELDS])
def test_negative_list_refuses_each_field_it_names_and_only_that_field(county, now, field):
    # given: the consumer subscribed to every field the sharing class allows, then one is listed
    shareable = [f["name"] for f in PEOPLE_FIELDS if f.get("sharing_class") != "none"]
    Subscription.objects.filter(pk=county.subscription.pk).update(fields=shareable)
    services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name=field, reason="测试", now=now)
    # when / then: the listed field is refused, naming the rule and the field
    error = refusal(county, now, fields=[field])
    assert (error.status, error.code, error.details["fields"]) == (403, "field_negative_listed", [field])
    # and every other shareable field is still served
    others = [f for f in shareable if f != field]
    assert set(services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=others, now=now).data) == set(others)


def test_a_field_listed_after_approval_is_refused_and_left_out_of_default_answers(county, now):
    # given
    services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name="address", reason="住址不出本部门",
                                now=now)
    # when
    error = refusal(county, now, fields=["name", "address"])
    served = services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), now=now)
    # then
    assert error.code == "field_negative_listed" and error.details["fields"] == ["address"]
    assert "address" not in served.data and served.withheld == [{"field": "address", "code": "field_negative_listed",
                                                                  "scope": "field"}]


def test_a_whole_resource_on_the_negative_list_refuses_every_field(county, now):
    # given
    services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name=None, reason="整体不共享", now=now)
    # when
    error = refusal(county, now, fields=["gender"])
    # then
    assert error.code == "field_negative_listed" and error.details["scope"] == "resource"


def test_lifting_an_entry_serves_the_field_again(county, now):
    # given
    entry = services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name="name", reason="x", now=now)
    # when
    services.lift_negative_entry(actor=county.ga_steward, entry=entry, now=now)
    # then
    assert services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now).found


def test_a_not_shareable_field_is_refused_by_its_class(county, now):
    Subscription.objects.filter(pk=county.subscription.pk).update(fields=["name", "police_notes"])
    assert refusal(county, now, fields=["police_notes"]).code == "field_not_shareable"


def test_unknown_resource_is_404_and_unknown_field_422(county, now):
    # when
    missing = refusal(county, now, resource_code="NOPE")
    unknown = refusal(county, now, fields=["name", "shoe_size"])
    # then
    assert (missing.status, missing.code) == (404, "unknown_resource")
    assert (unknown.status, unknown.code, unknown.details["unknown_fields"]) == (422, "unknown_field", ["shoe_size"])


def test_a_field_outside_the_subscription_is_refused(county, now):
    error = refusal(county, now, fields=["name", "household_type"])
    assert (error.status, error.code, error.details["fields"]) == (403, "field_not_subscribed", ["household_type"])


def test_expired_revoked_pending_and_missing_subscriptions_are_refused_by_name(county, now):
    # expired
    later = county.subscription.expires_at + dt.timedelta(seconds=1)
    assert refusal(county, later).code == "subscription_expired"
    # revoked
    services.revoke_subscription(actor=county.ga_steward, subscription=county.subscription, reason="用途已结束", now=now)
    assert refusal(county, now).code == "subscription_revoked"
    # pending
    services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people, fields=["name"],
                                  purpose="p", legal_basis="b", now=now)
    assert refusal(county, now, consumer=county.consumer(county.mz)).code == "subscription_pending"
    # none at all
    assert refusal(county, now, resource_code="QY", key=factories.uscc()).code == "no_subscription"


def test_daily_quota_is_counted_in_the_database_and_refuses_when_spent(county, now):
    # given
    Subscription.objects.filter(pk=county.subscription.pk).update(daily_quota=3, rate_per_minute=1000)
    for i in range(3):
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"],
                        now=now + dt.timedelta(minutes=i))
    # when
    error = refusal(county, now + dt.timedelta(minutes=5))
    # then
    assert (error.status, error.code) == (403, "quota_exhausted")
    assert Subscription.objects.get(pk=county.subscription.pk).day_count == 3
    # and the next day the quota is fresh
    assert services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"],
                           now=now + dt.timedelta(days=1)).found


def test_rate_limit_is_429_within_the_minute_and_free_the_next(county, now):
    # given
    Subscription.objects.filter(pk=county.subscription.pk).update(rate_per_minute=2)
    minute = now.replace(second=0)
    for s in (1, 2):
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"],
                        now=minute + dt.timedelta(seconds=s))
    # when
    error = refusal(county, minute + dt.timedelta(seconds=30))
    # then
    assert (error.status, error.code) == (429, "rate_limited")
    assert services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"],
                           now=minute + dt.timedelta(seconds=61)).found


def test_a_refused_lookup_does_not_count_against_the_quota(county, now):
    refusal(county, now, fields=["household_type"])
    assert Subscription.objects.get(pk=county.subscription.pk).total_count == 0


@pytest.mark.parametrize(("key", "problem"), [
    ("11010119900307851X", "check_digit"),
    ("1101011990030785", "format"),
    ("110101199013078519", "birth_date"),
    ("", "missing"),
    (None, "missing"),
])
def test_malformed_or_absent_keys_are_422_naming_the_problem(county, now, key, problem):
    if problem == "check_digit":
        good = zhang()
        key = good[:17] + ("0" if good[17] != "0" else "1")
    error = refusal(county, now, key=key)
    assert (error.status, error.code, error.details["problem"]) == (422, "invalid_lookup_key", problem)
    if problem == "check_digit":
        assert "校验位" in error.message


def test_a_credential_of_department_a_cannot_read_department_bs_resource(county, now):
    # given: SCJG's key is scoped to its subscription to GA's people resource
    _cred, key = services.issue_credential(actor=county.scjg_clerk, department=county.scjg, name="企业开办系统",
                                           subscriptions=[county.subscription])
    consumer = services.consumer_for_key(key)
    # when: it asks for a resource outside its scope (QY, provided by SCJG itself / any other)
    error = refusal(county, now, consumer=consumer, resource_code="QY", key=factories.uscc())
    # then
    assert (error.status, error.code) == (403, "wrong_department_key")
    # and inside its scope it works
    assert services.lookup(consumer=consumer, resource_code="RK", key=zhang(), fields=["name"], now=now).found


def test_a_credential_presented_for_another_department_is_refused(county, now):
    _cred, key = services.issue_credential(actor=county.scjg_clerk, department=county.scjg, name="x",
                                           subscriptions=[county.subscription])
    forged = policy.Consumer(department=county.mz, credential=services.consumer_for_key(key).credential)
    assert refusal(county, now, consumer=forged).code == "wrong_department_key"


def test_revoked_or_unknown_credentials_authenticate_nobody(county, now):
    cred, key = services.issue_credential(actor=county.scjg_clerk, department=county.scjg, name="x",
                                          subscriptions=[county.subscription])
    services.revoke_credential(actor=county.scjg_clerk, credential=cred, now=now)
    assert services.consumer_for_key(key) is None
    assert services.consumer_for_key("yw_ex_forged") is None
    assert cred.digest != key and key not in str(cred.__dict__)


def test_every_refusal_is_logged_with_its_rule_and_audited(county, now):
    # when
    refusal(county, now, fields=["household_type"])
    refusal(county, now, resource_code="NOPE")
    # then
    logs = list(AccessLog.objects.order_by("id").values_list("outcome", "refusal_code", "resource_code"))
    assert logs == [("refused", "field_not_subscribed", "RK"), ("refused", "unknown_resource", "NOPE")]
    assert AuditEvent.objects.filter(event_type="exchange_lookup_refused").count() == 2


def test_a_lookup_reads_a_bounded_number_of_queries(county, now, django_assert_max_num_queries):
    # three reads (catalogue, subscriptions, row: one round trip on PostgreSQL) and one write (one
    # statement on PostgreSQL; an UPDATE and two INSERTs in a savepoint elsewhere)
    with django_assert_max_num_queries(8):
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now)


def revoke_between_read_and_write(county, monkeypatch, now):
    """The provider revokes the subscription after the gateway has read it and before it writes."""
    read = gateway.read_for_lookup

    def read_then_revoke(**kw):
        snapshot = read(**kw)
        services.revoke_subscription(actor=county.ga_steward, subscription=county.subscription, reason="撤销", now=now)
        return snapshot

    monkeypatch.setattr(gateway, "read_for_lookup", read_then_revoke)


def test_a_subscription_revoked_after_the_read_is_honoured_at_the_write(county, now, monkeypatch):
    # given
    revoke_between_read_and_write(county, monkeypatch, now)
    # when
    error = refusal(county, now)
    # then nothing was served, counted or logged as served; the refusal names the rule
    assert (error.status, error.code) == (403, "subscription_revoked")
    assert list(AccessLog.objects.values_list("outcome", "refusal_code")) == [("refused", "subscription_revoked")]
    assert not AuditEvent.objects.filter(event_type="exchange_lookup_served").exists()
    assert Subscription.objects.get(pk=county.subscription.pk).total_count == 0


def test_the_served_access_is_written_all_or_nothing(county, now, monkeypatch):
    # given the audit event's insert fails in the database, after the counter and the access log
    record = gateway.record_served

    def record_with_a_broken_audit_event(access):
        access.audit_event = None  # NOT NULL
        return record(access)

    monkeypatch.setattr(gateway, "record_served", record_with_a_broken_audit_event)
    # when
    with pytest.raises(IntegrityError), transaction.atomic():
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now)
    # then the use was not counted and nothing was logged
    assert Subscription.objects.get(pk=county.subscription.pk).total_count == 0
    assert not AccessLog.objects.exists()


def test_a_served_lookup_writes_the_same_rows_as_the_orm_would(county, now):
    # the access log and the audit event are written in plain SQL: read back through the ORM
    _cred, key = services.issue_credential(actor=county.scjg_clerk, department=county.scjg, name="x",
                                           subscriptions=[county.subscription])
    result = services.lookup(consumer=services.consumer_for_key(key, now=now), resource_code="RK", key=zhang(),
                             fields=["name", "gender"], purpose="企业开办", now=now)
    log = AccessLog.objects.get(pk=result.access_id)
    assert log.created_at == now and log.credential is not None and log.channel == "api"
    assert log.fields_requested == ["name", "gender"] and log.outcome == "served" and log.refusal_code == ""
    event = AuditEvent.objects.get(subject_type="exchange_access", subject_id=str(log.pk))
    assert event.created_at == now and event.details["fields"] == ["name", "gender"]
    assert event.details["consumer"] == "SCJG" and event.details["channel"] == "api"


def test_an_expired_credential_authenticates_nobody(county, now):
    _cred, key = services.issue_credential(actor=county.scjg_clerk, department=county.scjg, name="x",
                                           subscriptions=[county.subscription], expires_at=now + dt.timedelta(days=1))
    assert services.consumer_for_key(key, now=now) is not None
    assert services.consumer_for_key(key, now=now + dt.timedelta(days=2)) is None
