"""Queries per action request, pinned: a change that adds a query to the one-window hot path fails
here and must say why (update the pin in the same commit).

Counted as production issues them: the test runs outside a wrapping test transaction
(``transaction=True``), so the action's own ``transaction.atomic()`` is the outermost one and
takes no savepoint (BEGIN and COMMIT are not SQL statements Django logs); each request carries the
bearer token only, as another system's client does (no session cookie; a browser's session costs
one more read, the session row). Authentication is included: one query (token, user and roles).

Issue #14 asks for at most 8 per action request. Reached (2026-12-06, branch ``hotpath``): the
approval step that does not decide takes exactly 8 in ``cases`` (token, lock, step + open steps +
engine state, the step's update, the engine state's update, the next step's insert, the case's
update, the audit record) plus what the lower apps add in the same transaction, listed per action in
``OTHER_APPS`` (they are cut on other branches: ``kpi2`` the KPI rollup's read, ``credit2`` the joint
credit rules' reads). The other actions write more than 8 rows by what they must do (documents,
notifications, the credit register): see docs/benchmarks.md, "Cases", 2026-12-06."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yiwang.cases.models import CaseStep, StepStatus
from yiwang.cases.tests.test_api import apply_payload
from yiwang.testing.http import bearer, post_json

pytestmark = pytest.mark.django_db

# Per action: queries the lower apps add inside the action's transaction (reads each of them can
# drop on its own branch), then what the case's own path takes. The pin is their sum.
OTHER_APPS = {
    # insights: the case's KPI fact read after each audit record (2 audit records on submit, decide);
    # credit: the joint rule versions and the evaluating department, on submit and at each decision
    "submit": 0, "accept": 1, "complete": 3, "decide": 5, "deliver": 1,
}
PINNED = {"submit": 35, "accept": 22, "complete": 13, "decide": 42, "deliver": 12}


def _counted(client, call):
    client.cookies.clear()  # the bearer token only, as an API client sends
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code in (200, 201), response.content
    return response, len(queries)


def test_each_action_of_a_two_step_case_stays_within_its_pinned_query_count(world):
    client = Client()
    citizen, clerk = bearer(client, "citizen"), bearer(client, "clerk")
    reviewer, decider = bearer(client, "scjg_reviewer"), bearer(client, "scjg_decider")
    body = apply_payload(client, citizen, world.item)
    counts = {}

    response, counts["submit"] = _counted(client, lambda: post_json(client, "/api/v1/applications", body, citizen))
    number = response.json()["number"]
    _, counts["accept"] = _counted(client, lambda: post_json(client, f"/api/v1/cases/{number}/accept", {}, clerk))
    review = CaseStep.objects.get(case__number=number, name="审查", status=StepStatus.OPEN)
    _, counts["complete"] = _counted(
        client, lambda: post_json(client, f"/api/v1/tasks/{review.pk}/complete", {"decision": "approve"}, reviewer))
    decide = CaseStep.objects.get(case__number=number, name="决定", status=StepStatus.OPEN)
    _, counts["decide"] = _counted(
        client, lambda: post_json(client, f"/api/v1/tasks/{decide.pk}/complete", {"decision": "approve"}, decider))
    _, counts["deliver"] = _counted(
        client, lambda: post_json(client, f"/api/v1/cases/{number}/deliver", {"method": "electronic"}, clerk))

    over = {action: (counts[action], pin) for action, pin in PINNED.items() if counts[action] > pin}
    assert not over, f"queries per request above the pin (count, pin): {over}"
    assert counts["complete"] - OTHER_APPS["complete"] <= 8, counts  # issue #14's goal, on the cases path
