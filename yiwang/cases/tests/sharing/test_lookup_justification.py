"""A staff member's lookup of a person names a case they handle, or a documented reason that the
provider's steward reviews afterwards (issue 8 item 7)."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.exchange import services
from yiwang.exchange.models import AccessLog, LookupReview, Outcome, ReviewStatus
from yiwang.exchange.tests.conftest import PEOPLE, zhang
from yiwang.testing import case_factories, factories, item_factories
from yiwang.testing.http import bearer

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/lookup"


@pytest.fixture
def mz(county):
    """民政 subscribes to 人口基础信息 (name in clear); 张三 has applied for an MZ item."""
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=["name", "birth_date"], clear_fields=["name"], purpose="高龄津贴",
                                        legal_basis="条例")
    services.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None, clear_fields=["name"])
    factories.user("mz_decider", MZ="decider")
    user, applicant = factories.citizen("zhangsan", first17=PEOPLE[0][0], name="张三")
    case = case_factories.apply_online(user, applicant, item_factories.item("MZ-GLJT", dept="MZ"))
    return case


def _lookup(client, auth, **body):
    return client.post(URL, {"resource": "RK", "key": zhang(), "fields": ["name"], **body},
                       content_type="application/json", **auth)


def test_a_free_text_purpose_no_longer_unlocks_a_person(county, mz):
    client = Client()
    response = _lookup(client, bearer(client, "mz_reviewer"), purpose="随便看看")
    assert (response.status_code, response.json()["code"]) == (422, "lookup_justification_required")
    assert AccessLog.objects.filter(outcome=Outcome.REFUSED, refusal_code="lookup_justification_required").count() == 1


def test_a_case_the_looker_handles_and_whose_applicant_is_looked_up_is_enough(county, mz):
    client = Client()
    auth = bearer(client, "mz_reviewer")
    ok = _lookup(client, auth, reference={"kind": "case", "number": mz.number})
    assert ok.status_code == 200, ok.content
    assert ok.json()["data"] == {"name": "张三"} and ok.json()["case_reference"] == mz.number
    assert AccessLog.objects.get(pk=ok.json()["access_id"]).case_reference == mz.number
    # the shorthand case_reference is the same reference, GET too
    assert _lookup(client, auth, case_reference=mz.number).status_code == 200
    got = client.get(URL, {"resource": "RK", "key": zhang(), "fields": "name", "reference_number": mz.number}, **auth)
    assert got.status_code == 200
    # someone else than the case's people
    other = factories.citizen_id(PEOPLE[1][0])
    wrong_person = client.post(URL, {"resource": "RK", "key": other, "fields": ["name"], "case_reference": mz.number},
                               content_type="application/json", **auth)
    assert (wrong_person.status_code, wrong_person.json()["code"]) == (403, "subject_not_in_case")
    # an unknown case, an unsupported kind (appeals come later)
    assert _lookup(client, auth, case_reference="MZ-0000-000000").json()["code"] == "reference_not_found"
    appeal = _lookup(client, auth, reference={"kind": "appeal", "number": "FY-2026-1"})
    assert (appeal.status_code, appeal.json()["code"]) == (422, "reference_kind_unsupported")


def test_a_case_of_another_department_or_one_the_looker_does_not_handle_is_refused(county, mz):
    client = Client()
    # 市场监管 staff, with their own subscription to RK, naming 民政's case
    scjg = _lookup(client, bearer(client, "scjg_reviewer"), case_reference=mz.number)
    assert (scjg.status_code, scjg.json()["code"]) == (403, "not_handling_case")
    # a 民政 data steward is staff of MZ but handles no case
    factories.user("mz_steward", MZ="steward")
    steward = _lookup(client, bearer(client, "mz_steward"), case_reference=mz.number)
    assert (steward.status_code, steward.json()["code"]) == (403, "not_handling_case")


def test_a_documented_reason_is_served_and_queued_for_the_providers_steward(county, mz):
    client = Client()
    auth = bearer(client, "mz_reviewer")
    # a reason code outside the list, or no text, is refused
    assert _lookup(client, auth, reason_code="curious", reason="想看看这个人的信息").json()["code"] == "unknown_reason_code"
    assert _lookup(client, auth, reason_code="other", reason="").json()["code"] == "lookup_justification_required"
    served = _lookup(client, auth, reason_code="in_person", reason="当事人在窗口申请临时救助，尚未立案")
    assert served.status_code == 200
    review = LookupReview.objects.get(access_id=served.json()["access_id"])
    assert (review.status, review.provider, review.consumer, review.reason_code) == ("pending", county.ga, county.mz, "in_person")
    # the provider's steward sees it on the review page and flags it (a note required)
    steward = Client()
    steward.force_login(county.ga_steward)
    page = steward.get("/work/exchange/reviews/").content.decode()
    assert "当事人在窗口申请临时救助" in page and "县民政局" in page
    steward.post("/work/exchange/reviews/", {"review": review.pk, "verdict": "flagged", "note": ""})
    assert LookupReview.objects.get(pk=review.pk).status == ReviewStatus.PENDING
    steward.post("/work/exchange/reviews/", {"review": review.pk, "verdict": "flagged", "note": "未见救助申请记录"})
    review.refresh_from_db()
    assert (review.status, review.reviewed_by, review.note) == ("flagged", county.ga_steward, "未见救助申请记录")
    # nobody else reviews: another department's steward does not even find it
    other = Client()
    other.force_login(county.scjg_steward)
    assert "当事人在窗口申请临时救助" not in other.get("/work/exchange/reviews/?status=flagged").content.decode()
    with pytest.raises(Exception) as caught:
        services.review_lookup(actor=county.scjg_steward, review=review, verdict="reviewed")
    assert getattr(caught.value, "code", "") == "not_steward"
    assert steward.post("/work/exchange/reviews/", {"review": "9" * 30, "verdict": "reviewed"}).status_code == 302


def test_systems_with_api_keys_and_applications_fetching_their_own_facts_need_no_justification(county, mz):
    facts = services.fetch_for_case(consumer_department=county.mz, resource_code="RK", key=zhang(), fields=["name"],
                                    purpose="办件免提交", case_reference="X-1", actor=county.mz_clerk)
    assert facts.found
    _cred, key = services.issue_credential(actor=county.scjg_clerk, department=county.scjg, name="企业开办系统",
                                           subscriptions=[county.subscription])
    response = Client().get(URL, {"resource": "RK", "key": zhang(), "fields": "name"}, HTTP_X_API_KEY=key)
    assert response.status_code == 200


def test_an_overlong_get_parameter_is_a_422_not_a_500(county):
    client = Client()
    response = client.get(URL, {"resource": "RK", "key": "1" * 10_000}, **bearer(client, "scjg_reviewer"))
    assert response.status_code == 422
