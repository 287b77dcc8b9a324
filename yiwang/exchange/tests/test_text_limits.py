"""What a steward or a looker types (a lookup's purpose and reason, a review note, a dataset
decision, a subscription's purpose, basis and decision reason, a negative-list entry's reason) is
stored and audited whole or refused, never cut: before, ``lookup`` kept ``reason_text[:300]`` (and
its access log ``purpose[:300]``), ``review_lookup`` ``note[:300]``, ``confirm_dataset`` and
``discard_dataset`` ``reason[:300]``; the others reached the database over its column (a 500 on
PostgreSQL). A line break counts one character (CR LF is stored as LF)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from yiwang.core.errors import InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.exchange import services
from yiwang.exchange.models import (
    AccessLog,
    Channel,
    Dataset,
    DatasetStatus,
    LookupReview,
    NegativeListEntry,
    Subscription,
    SubscriptionStatus,
)
from yiwang.exchange.policy import Consumer, Justification
from yiwang.exchange.tests.conftest import zhang
from yiwang.exchange.tests.test_steward_and_citizen_pages import signed_in

pytestmark = pytest.mark.django_db

LIMITS = services.text_limits()
RARE = "𬌗"


def _reasoned_lookup(county: Any, *, reason: str = "当事人在场办理，尚未立案", purpose: str = "窗口咨询核验") -> Any:
    return services.lookup(consumer=Consumer(department=county.scjg, user=county.scjg_clerk), resource_code="RK",
                           key=zhang(), fields=["name"], purpose=purpose, actor=county.scjg_clerk, channel=Channel.WEB,
                           justification=Justification(reason_code="in_person", reason_text=reason))


def _held(county: Any) -> Dataset:
    return Dataset.objects.create(resource=county.people, version=9, status=DatasetStatus.HELD, file_format="csv",
                                  rows_loaded=2, rows_rejected=40)


def _over(limit: int) -> str:
    return "理" * (limit + 1)


def _at(limit: int) -> tuple[str, str]:
    """A text of ``limit`` characters as sent (a CR LF line break, a character outside the BMP) and as kept."""
    sent = "理由\r\n" + RARE + "理" * (limit - 4)
    return sent, sent.replace("\r\n", "\n")


def test_a_lookup_reason_or_purpose_over_the_limit_is_refused_and_nothing_is_logged(county):
    before = AuditEvent.objects.count()
    for kwargs, field in (({"reason": _over(300)}, "reason"), ({"purpose": _over(300)}, "purpose")):
        with pytest.raises(InvalidInput) as refused:
            _reasoned_lookup(county, **kwargs)
        assert refused.value.code == "text_too_long" and refused.value.details["field"] == field
        assert "300" in refused.value.message
    assert not AccessLog.objects.exists() and not LookupReview.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_lookup_reason_and_purpose_of_the_limit_are_kept_whole(county):
    reason, kept_reason = _at(300)
    purpose, kept_purpose = _at(300)
    result = _reasoned_lookup(county, reason=reason, purpose=purpose)
    assert LookupReview.objects.get().reason_text == kept_reason
    assert AccessLog.objects.get(pk=result.access_id).purpose == kept_purpose


def test_a_review_note_of_the_limit_is_kept_and_one_over_is_refused(county):
    _reasoned_lookup(county)
    review = LookupReview.objects.get()
    with pytest.raises(InvalidInput) as refused:
        services.review_lookup(actor=county.ga_steward, review=review, verdict="flagged", note=_over(LIMITS["review_note"]))
    assert refused.value.details["field"] == "note"
    assert LookupReview.objects.get().status == "pending"
    assert not AuditEvent.objects.filter(event_type="exchange_lookup_flagged").exists()
    sent, kept = _at(LIMITS["review_note"])
    services.review_lookup(actor=county.ga_steward, review=review, verdict="flagged", note=sent)
    assert LookupReview.objects.get().note == kept
    assert AuditEvent.objects.get(event_type="exchange_lookup_flagged").details["note"] == kept


@pytest.mark.parametrize("decide", [services.confirm_dataset, services.discard_dataset])
def test_a_dataset_decision_reason_of_the_limit_is_kept_and_one_over_is_refused(county, decide: Callable[..., Any]):
    held = _held(county)
    with pytest.raises(InvalidInput) as refused:
        decide(actor=county.ga_steward, dataset=held, reason=_over(LIMITS["dataset_reason"]))
    assert refused.value.details["field"] == "reason"
    assert Dataset.objects.get(pk=held.pk).status == DatasetStatus.HELD
    assert not AuditEvent.objects.filter(event_type__in=["exchange_dataset_confirmed", "exchange_dataset_discarded"]).exists()
    sent, kept = _at(LIMITS["dataset_reason"])
    decide(actor=county.ga_steward, dataset=held, reason=sent)
    assert Dataset.objects.get(pk=held.pk).decision_reason == kept


def _request(county: Any, purpose: str = "高龄津贴申领", legal_basis: str = "文件") -> Subscription:
    return services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                         fields=["household_type"], purpose=purpose, legal_basis=legal_basis)


def _list(county: Any, reason: str = "涉及个人隐私", legal_basis: str = "") -> NegativeListEntry:
    return services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name="address",
                                       reason=reason, legal_basis=legal_basis)


@pytest.mark.parametrize("field", ["purpose", "legal_basis"])
def test_a_subscription_request_text_of_the_limit_is_kept_and_one_over_is_refused(county, field: str):
    existing = Subscription.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _request(county, **{field: _over(LIMITS[field])})
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == field
    assert Subscription.objects.count() == existing
    sent, kept = _at(LIMITS[field])
    assert getattr(Subscription.objects.get(pk=_request(county, **{field: sent}).pk), field) == kept


@pytest.mark.parametrize("decide", [services.refuse_subscription, services.revoke_subscription,
                                    services.approve_subscription])
def test_a_subscription_decision_reason_of_the_limit_is_kept_and_one_over_is_refused(county, decide):
    sub = county.subscription if decide is services.revoke_subscription else _request(county)
    status = Subscription.objects.get(pk=sub.pk).status
    extra = {"expires_at": None} if decide is services.approve_subscription else {}
    with pytest.raises(InvalidInput) as refused:
        decide(actor=county.ga_steward, subscription=sub, reason=_over(LIMITS["decision_reason"]), **extra)
    assert refused.value.details["field"] == "reason" and Subscription.objects.get(pk=sub.pk).status == status
    sent, kept = _at(LIMITS["decision_reason"])
    decide(actor=county.ga_steward, subscription=sub, reason=sent, **extra)
    assert Subscription.objects.get(pk=sub.pk).decision_reason == kept


@pytest.mark.parametrize(("field", "limit"), [("reason", "negative_reason"), ("legal_basis", "negative_legal_basis")])
def test_a_negative_list_text_of_the_limit_is_kept_and_one_over_is_refused(county, field: str, limit: str):
    with pytest.raises(InvalidInput) as refused:
        _list(county, **{field: _over(LIMITS[limit])})
    assert refused.value.details["field"] == field and not NegativeListEntry.objects.exists()
    sent, kept = _at(LIMITS[limit])
    entry = _list(county, **{field: sent})
    assert getattr(NegativeListEntry.objects.get(pk=entry.pk), field) == kept


def test_the_pages_say_the_limit_at_the_field_and_keep_what_was_typed(county):
    steward = signed_in(county.ga_steward)
    too_long = _over(LIMITS["decision_reason"])
    # a refusal reason on the subscriptions page, at its row
    sub = _request(county)
    page = steward.post(f"/work/exchange/subscriptions/{sub.pk}/refuse/", {"subscription": sub.pk, "reason": too_long},
                        follow=True).content.decode()
    assert f'id="err_reason_{sub.pk}"' in page and f'value="{too_long}"' in page and "不能超过 300 个字" in page
    assert Subscription.objects.get(pk=sub.pk).status == SubscriptionStatus.PENDING
    # a negative-list reason
    page = steward.post("/work/exchange/negative-list/", {"resource": "RK", "field": "address", "reason": too_long},
                        follow=True).content.decode()
    assert 'id="err_reason"' in page and f'value="{too_long}"' in page and not NegativeListEntry.objects.exists()
    # a request's purpose goes back to the resource page, where its form is
    clerk = signed_in(county.mz_clerk)
    answer = clerk.post("/work/exchange/subscriptions/", {"resource": "RK", "consumer": "MZ", "fields": ["household_type"],
                                                          "purpose": too_long, "legal_basis": "文件"}, follow=True)
    page = answer.content.decode()
    assert answer.redirect_chain[-1][0] == "/work/exchange/resources/RK/"
    assert 'id="err_purpose"' in page and f'value="{too_long}"' in page and 'value="文件"' in page
    # a dataset decision
    held = _held(county)
    page = steward.post(f"/work/exchange/datasets/{held.pk}/", {"action": "confirm", "reason": too_long},
                        follow=True).content.decode()
    assert 'id="err_reason"' in page and f'value="{too_long}"' in page
    assert Dataset.objects.get(pk=held.pk).status == DatasetStatus.HELD
    # a review note, at its row
    _reasoned_lookup(county)
    review = LookupReview.objects.get()
    page = steward.post("/work/exchange/reviews/", {"review": review.pk, "verdict": "flagged", "note": too_long},
                        follow=True).content.decode()
    assert f'id="err_note_{review.pk}"' in page and f'value="{too_long}"' in page
    assert LookupReview.objects.get().status == "pending"


def test_a_refused_form_keeps_only_its_texts_capped_in_the_session_not_everything_posted(county):
    """Before, every value of a refused post was kept in the session (up to the 5 MB body) until
    the next exchange page."""
    from yiwang.exchange.views import REFUSED, _refill_cap

    clerk = signed_in(county.mz_clerk)
    huge = "长" * 300_000  # 0.9 MB each, within the request body limit
    answer = clerk.post("/work/exchange/subscriptions/", {"resource": "RK", "consumer": "MZ", "fields": ["household_type"],
                                                          "purpose": huge, "legal_basis": "文件", "other": huge})
    assert answer.status_code == 302
    kept = clerk.session[REFUSED]
    assert kept["field"] == "purpose" and "不能超过" in kept["message"]
    assert kept["values"] == {"purpose": "长" * _refill_cap(), "legal_basis": "文件"}
    assert _refill_cap() > LIMITS["purpose"]  # the refill shows the refused text past its limit
