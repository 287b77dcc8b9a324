"""What a gateway process remembers of the policy never outlives a change: every change to what
the gateway decides on, by any path (services, admin, ``QuerySet.update``, raw SQL), changes the
policy token, and every lookup reads the token in the statement that reads its row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yiwang.core.models import Department
from yiwang.exchange import gateway, services
from yiwang.exchange.models import (
    AccessLog,
    NegativeListEntry,
    PolicyState,
    ResourceField,
    SharingClass,
    Subscription,
    SubscriptionStatus,
)
from yiwang.exchange.tests.conftest import zhang
from yiwang.exchange.tests.test_gateway import refusal

pytestmark = pytest.mark.django_db


def token() -> str:
    return PolicyState.objects.get(pk=1).token


def served(county, now, **kw):
    args = {"consumer": county.consumer(), "resource_code": "RK", "key": zhang(), "fields": ["name"], "now": now} | kw
    return services.lookup(**args)


@pytest.fixture(autouse=True)
def forget():
    gateway.remembered.clear()
    yield
    gateway.remembered.clear()


def test_a_negative_list_entry_written_past_the_services_applies_to_the_next_lookup(county, now):
    # given the process has read and remembered the policy
    assert served(county, now).found
    # when an entry is written directly (an admin edit, a script)
    NegativeListEntry.objects.create(resource=county.people, field=ResourceField.objects.get(resource=county.people,
                                                                                             name="name"), reason="x")
    # then
    assert refusal(county, now).code == "field_negative_listed"


def test_a_sharing_class_changed_by_queryset_update_applies_to_the_next_lookup(county, now):
    assert served(county, now).found
    ResourceField.objects.filter(resource=county.people, name="name").update(sharing_class=SharingClass.NONE)
    assert refusal(county, now).code == "field_not_shareable"


def test_a_subscription_revoked_by_raw_sql_applies_to_the_next_lookup(county, now):
    assert served(county, now).found
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exchange_subscription SET status = %s WHERE id = %s",
                       [SubscriptionStatus.REVOKED, county.subscription.pk])
    assert refusal(county, now).code == "subscription_revoked"


def test_a_subscription_approved_after_a_refusal_serves_the_next_lookup(county, now):
    # given the ministry of civil affairs has no subscription, and the process remembers that
    assert refusal(county, now, consumer=county.consumer(county.mz)).code == "no_subscription"
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=["name"], purpose="高龄津贴", legal_basis="条例", now=now)
    # when
    services.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None, now=now)
    # then
    assert served(county, now, consumer=county.consumer(county.mz)).found


def test_a_renamed_provider_shows_in_the_next_answer(county, now):
    assert served(county, now).provider_name == "县公安局"
    Department.objects.filter(pk=county.ga.pk).update(name="县公安局（改）")
    assert served(county, now).provider_name == "县公安局（改）"


def test_counting_a_use_does_not_change_the_token_but_a_policy_change_does(county, now):
    # given
    before = token()
    # when
    served(county, now)
    # then the counters moved, the token did not
    assert Subscription.objects.get(pk=county.subscription.pk).total_count == 1
    assert token() == before
    # and a steward's decision changes it
    services.revoke_subscription(actor=county.ga_steward, subscription=county.subscription, reason="到期", now=now)
    assert token() != before


def test_a_remembered_lookup_reads_its_row_and_token_in_one_statement(county, now):
    # given the policy is remembered
    served(county, now)
    # when
    with CaptureQueriesContext(connection) as queries:
        served(county, now)
    # then one read (row and token), then the write
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and "exchange_policystate" in reads[0]


def test_a_key_revoked_after_the_process_remembered_it_is_refused_unlogged(county):
    # given a system that has looked up once, so the process remembers its key
    client = Client()
    _cred, key = services.issue_credential(actor=county.scjg_clerk, department=county.scjg, name="x",
                                           subscriptions=[county.subscription])
    auth = {"HTTP_X_API_KEY": key}
    assert client.get("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang(), "fields": "name"}, **auth).status_code == 200
    # when the key is revoked
    services.revoke_credential(actor=county.scjg_clerk, credential=_cred)
    response = client.get("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang(), "fields": "name"}, **auth)
    # then as if it had never been valid
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert AccessLog.objects.count() == 1


def test_a_rolled_back_change_never_brings_back_what_was_remembered_under_it(county, now):
    # given a change made, read and remembered inside a transaction that is then rolled back
    from django.db import transaction

    before = token()
    with pytest.raises(RuntimeError), transaction.atomic():
        ResourceField.objects.filter(resource=county.people, name="name").update(sharing_class=SharingClass.NONE)
        assert refusal(county, now).code == "field_not_shareable"
        raise RuntimeError
    # then the old state and its token are back, and so is what is served
    assert token() == before
    assert served(county, now).found


def test_without_the_policy_state_row_the_gateway_still_answers_rightly(county, now):
    # given the row is gone (a restored dump without it, a flushed database)
    PolicyState.objects.all().delete()
    assert served(county, now).found
    # then nothing is remembered, so a change still applies at once
    ResourceField.objects.filter(resource=county.people, name="name").update(sharing_class=SharingClass.NONE)
    assert refusal(county, now).code == "field_not_shareable"


@pytest.mark.django_db(transaction=True)
def test_the_policy_state_row_is_back_after_a_flush():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert PolicyState.objects.filter(pk=1).exists()
