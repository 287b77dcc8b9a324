"""Every URL pattern (pages and API), walked with hostile values: huge and negative integers,
10,000-character strings, bytes that are not UTF-8 and values of the wrong type, in the path, the
query string and the body, anonymously and as a staff member holding many roles. Whatever is sent,
the answer is never a 5xx.

The Django admin (Django's own, behind its own login) and ``i18n/`` are left out. The API is also
fuzzed from its schema by ``yiwang/cases/tests/test_openapi_fuzz.py``; this walk adds the values
that a small schemathesis run rarely reaches (64-bit overflow, very long strings) and the pages.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db

HOSTILE = ["9" * 30, str(2**63), "-1", "0", "x" * 10_000, "%FF%FE%80", "abc", "[]", "null", "1.5", "١٢"]
# Parameter names the views and endpoints read from query strings and forms (and some they don't).
NAMES = ["department", "item", "light", "page", "q", "offset", "limit", "lift", "resource", "key", "fields",
         "purpose", "status", "role", "first", "second", "leaf", "tree_size", "next", "number", "code", "step_id",
         "material_ids", "decision", "comment", "note", "reason", "method", "id", "kind", "encoding", "language",
         "upload_1", "material_1", "applicant_kind", "daily_quota", "rate_per_minute", "expires_at", "field"]
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def routes(patterns=None, prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("admin/", "i18n/")):
                continue
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def urls_for(route: str, real: dict[str, str]):
    """The route with each path parameter set to a real value and to each hostile value."""
    if not PARAM.search(route):
        yield "/" + route
        return
    for value in [None, *HOSTILE]:
        def fill(m, value=value):
            return real.get(m["name"], "1") if value is None else (value if "%" in value else quote(value, safe=""))
        yield "/" + PARAM.sub(fill, route)


def hostile_query(value: str) -> str:
    encoded = value if "%" in value else quote(value, safe="")
    return "&".join(f"{name}={encoded}" for name in NAMES)


def attempts_for(url: str, *, hostile_path: bool):
    """A URL whose path holds hostile values gets a GET and an empty POST; the URL with real values
    gets every hostile query string and body too."""
    yield "get", url, None, None
    yield "post", url, "", "application/x-www-form-urlencoded"
    if hostile_path:
        return
    for value in HOSTILE:
        yield "get", f"{url}?{hostile_query(value)}", None, None
        yield "post", url, hostile_query(value), "application/x-www-form-urlencoded"
        yield "post", url, "{" + ",".join(f'"{n}": "{value}"' for n in NAMES) + "}", "application/json"
    for number in ("9" * 30, "-1", "1e400"):  # numbers, not strings, in JSON
        yield "post", url, "{" + ",".join(f'"{n}": {number}' for n in NAMES) + "}", "application/json"
        yield "post", url, f'{{"materials": [{{"material_id": {number}, "upload_id": {number}}}]}}', "application/json"
    yield "post", url, b"\xff\xfe{\x00", "application/json"
    yield "post", url, '{"item_code": 1, "materials": "x", "form": [], "fields": 7}', "application/json"


def server_errors(client: Client, real: dict[str, str]) -> list[str]:
    found = []
    for route in sorted(set(routes())):
        for index, url in enumerate(urls_for(route, real)):
            for method, target, body, content_type in attempts_for(url, hostile_path=index > 0):
                if method == "get":
                    response = client.get(target)
                else:
                    response = client.generic("POST", target, body, content_type=content_type)
                if response.status_code >= 500:
                    found.append(f"{method.upper()} {target[:160]} ({content_type}): {response.status_code}")
    return found


@pytest.fixture
def real(world) -> dict[str, str]:
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    return {"code": world.item.code, "number": case.number, "action": "accept", "pk": "1", "step_id": "1",
            "sub_id": "1", "cred_id": "1", "entry_id": "1", "push_id": "1", "dataset_id": "1"}


def test_no_url_answers_an_anonymous_visitor_with_a_server_error(real):
    found = server_errors(Client(raise_request_exception=False), real)
    assert not found, "\n".join(found)


def test_no_url_answers_a_staff_member_with_a_server_error(world, real):
    staff = factories.user("many_roles", ZWFW="clerk,supervisor", SCJG="reviewer,decider,steward", GA="steward")
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    found = server_errors(client, real)
    assert not found, "\n".join(found)
