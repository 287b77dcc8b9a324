"""/metrics counts gateway lookups by outcome and refusal code once their access log is committed."""

from __future__ import annotations

import pytest

from yiwang.core.errors import DomainError
from yiwang.exchange import services
from yiwang.exchange.tests.conftest import zhang
from yiwang.testing import factories
from yiwang.testing.metrics import scrape, value

pytestmark = pytest.mark.django_db

LOOKUPS = "yiwang_exchange_lookups_total"


def test_lookups_are_counted_by_outcome_and_refusal_code(county, now, django_capture_on_commit_callbacks):
    before = scrape()

    def delta(found: dict, **labels: str) -> float:
        return (value(found, LOOKUPS, **labels) or 0) - (value(before, LOOKUPS, **labels) or 0)

    with django_capture_on_commit_callbacks(execute=True):
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now)
        services.lookup(consumer=county.consumer(), resource_code="RK", key=factories.citizen_id("11010119700101001"),
                        fields=["name"], now=now)
        with pytest.raises(DomainError) as refused:
            services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["religion"], now=now)

    found = scrape()
    assert delta(found, outcome="served", refusal_code="") == 1
    assert delta(found, outcome="not_found", refusal_code="") == 1
    assert delta(found, outcome="refused", refusal_code=refused.value.code) == 1


def test_a_lookup_whose_transaction_is_rolled_back_is_not_counted(county, now, django_capture_on_commit_callbacks):
    before = value(scrape(), LOOKUPS, outcome="served", refusal_code="") or 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now)
    assert callbacks  # the count waits for the commit, which never comes here
    assert (value(scrape(), LOOKUPS, outcome="served", refusal_code="") or 0) == before
