"""Access logs page like every list: ``{count, next, items}``, at most 1,000 a page, ``next`` to
follow. Before, a steward could read the newest 1,000 and no further."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.cases.tests.test_api_pagination import read_all
from yiwang.exchange import services
from yiwang.exchange.tests.conftest import zhang
from yiwang.testing.http import bearer

pytestmark = pytest.mark.django_db


def test_a_steward_pages_through_who_used_their_data(county):
    for purpose in ("企业开办", "社保核验", "低保审核"):
        services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"],
                                 purpose=purpose)
    client = Client()
    rows, counts = read_all(client, "/api/v1/exchange/access-logs?limit=2", bearer(client, "ga_steward"))
    assert counts == {3}
    assert [r["purpose"] for r in rows] == ["低保审核", "社保核验", "企业开办"]
