"""Lists page with Ninja's pagination, one way everywhere: ``{count, next, items}``, a bounded
``limit``, and ``next`` to follow until it is null. Before, ``/cases``, ``/tasks`` and the access
logs stopped at their limit with no way to read past it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from yiwang.cases import services
from yiwang.testing import case_factories
from yiwang.testing.http import assert_error, bearer

pytestmark = pytest.mark.django_db


def read_all(client: Client, url: str, auth: dict[str, Any]) -> tuple[list[dict], set[int]]:
    """Follow ``next`` from the first page; return every row and every count seen."""
    rows, counts = [], set()
    while url:
        response = client.get(url, **auth)
        assert response.status_code == 200, response.content
        page = response.json()
        assert set(page) == {"count", "next", "items"}
        rows += page["items"]
        counts.add(page["count"])
        url = page["next"]
    return rows, counts


def test_an_applicant_pages_through_all_their_cases(world):
    # given five cases
    numbers = [case_factories.apply_online(world.citizen, world.applicant, world.item).number for _ in range(5)]
    client = Client()
    auth = bearer(client, "citizen")
    # when they read two at a time
    first = client.get("/api/v1/cases?limit=2", **auth).json()
    rows, counts = read_all(client, "/api/v1/cases?limit=2", auth)
    # then every case comes once, newest first, and the count is all five
    assert counts == {5} and len(first["items"]) == 2 and first["next"].startswith("http")
    assert [r["number"] for r in rows] == list(reversed(numbers))


def test_an_approver_pages_through_their_inbox(world):
    for _ in range(3):
        case = case_factories.apply_online(world.citizen, world.applicant, world.item)
        services.accept_application(actor=world.clerk, case_id=case.pk)
    client = Client()
    rows, counts = read_all(client, "/api/v1/tasks?limit=1", bearer(client, "scjg_reviewer"))
    assert counts == {3} and len({r["id"] for r in rows}) == 3


def test_the_last_page_has_no_next(world):
    case_factories.apply_online(world.citizen, world.applicant, world.item)
    client = Client()
    page = client.get("/api/v1/cases", **bearer(client, "citizen")).json()
    assert (page["count"], page["next"], len(page["items"])) == (1, None, 1)


@pytest.mark.parametrize(("url", "who", "bound"), [
    ("/api/v1/cases", "citizen", 200), ("/api/v1/tasks", "scjg_reviewer", 500),
    ("/api/v1/exchange/access-logs?role=consumer", "clerk", 1000),
])
def test_a_page_is_bounded_as_documented(world, url, who, bound):
    client = Client()
    auth = bearer(client, who)
    path = url.split("?")[0]
    [limit] = [p for p in client.get("/api/v1/openapi.json").json()["paths"][path]["get"]["parameters"]
               if p["name"] == "limit"]
    assert limit["schema"]["maximum"] == bound
    sep = "&" if "?" in url else "?"
    assert client.get(f"{url}{sep}limit={bound}", **auth).status_code == 200
    assert_error(client.get(f"{url}{sep}limit={bound + 1}", **auth), 422, "validation_failed")
    assert_error(client.get(f"{url}{sep}offset=9223372036854775808", **auth), 422, "validation_failed")
