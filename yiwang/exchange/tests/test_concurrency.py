"""Quotas hold under concurrent lookups: the counter lives in the database, not in a process."""

from __future__ import annotations

import pytest

from yiwang.core.errors import DomainError
from yiwang.exchange import services
from yiwang.exchange.models import AccessLog, Subscription
from yiwang.exchange.tests.conftest import zhang
from yiwang.testing.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_lookups_never_overshoot_the_daily_quota(county, now):
    # given: a quota of 3 and 6 lookups released at the same moment
    Subscription.objects.filter(pk=county.subscription.pk).update(daily_quota=3, rate_per_minute=1000)

    def one() -> object:
        return services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now)

    # when
    outcomes = race(*[one] * 6)
    # then: exactly 3 served, the others refused by name, and the counter says 3
    served = [o for o in outcomes if o.error is None]
    refused = [o.error for o in outcomes if o.error is not None]
    assert len(served) == 3
    assert all(isinstance(e, DomainError) and e.code == "quota_exhausted" for e in refused), refused
    assert Subscription.objects.get(pk=county.subscription.pk).day_count == 3
    assert AccessLog.objects.filter(outcome="served").count() == 3
    assert AccessLog.objects.filter(refusal_code="quota_exhausted").count() == 3
