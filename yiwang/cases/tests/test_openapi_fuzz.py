"""The public contract, fuzzed: schemathesis reads ``/api/v1/openapi.json`` and sends generated
requests (valid ones and deliberately invalid ones) to every operation, signed in as a citizen and,
separately, as a window clerk. Whatever it sends, the answer is never a 5xx (a 500 is always a bug),
and it is what the contract says: a documented status code, the documented content type, and a body
that matches the status's schema (errors included: ``{code, message, details}``). A client
generated from the document relies on all three.

How it runs: the requests go straight into the WSGI application, in the test's own thread, so
they use the test's database connection and see the ``world`` data inside the test transaction
(plain ``django_db``: no committed data, no live server, no slow flush). Django closes "old"
database connections when each request starts and ends; inside a test transaction that would close
the test's own connection, so for the duration we disconnect those two handlers, exactly as
``django.test.Client`` does for its requests.

One pytest test per role walks every operation with its own small Hypothesis run, so the world is
built twice rather than once per operation, and every failing operation is reported together.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, Response
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from yiwang.core.services import issue_api_token
from yiwang.testing import case_factories
from yiwang.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Generated requests per operation and role; small, so the whole file stays within seconds.
MAX_EXAMPLES = int(os.environ.get("YIWANG_FUZZ_EXAMPLES", "5"))

# Loaded when the module is collected (serving the schema needs no database). We drive each
# operation's strategy ourselves rather than use ``schema.parametrize()``: that makes one pytest
# test per operation, each rebuilding the world (too slow), and the lazy
# ``schemathesis.pytest.from_fixture`` loader fails on pytest 9.2 (it sets ``Function._nodeid``).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def requests_keep_the_test_connection(db):
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def requests_for(operation):
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    try:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001 - some operations have nothing to make invalid
        pass
    return st.one_of(strategies)


def contract_breaches(headers):
    """Fuzz every operation; return one entry per operation that answered with a 5xx or otherwise
    than documented (status, content type, body schema)."""
    found = []
    operations = [result.ok() for result in schema.get_all_operations()]
    # Revoking one's own tokens ends the token this run signs in with: fuzz it last, so that every
    # other operation is still called signed in.
    operations.sort(key=lambda op: op.path.endswith("/auth/tokens/revoke"))
    for operation in operations:

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=requests_for(operation))
        def answers_as_documented(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            answers_as_documented()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected and reported below
            found.append(f"{operation.label}:\n{exc}")
    return found


def signed_in_as(world, username):
    case_factories.apply_online(world.citizen, world.applicant, world.item)  # a case for requests to find
    request = RequestFactory().post("/api/v1/auth/token")
    return {"Authorization": f"Bearer {issue_api_token(request=request, username=username, password=f'pw-{username}')}"}


def test_every_operation_answers_a_citizen_as_documented(world, requests_keep_the_test_connection):
    found = contract_breaches(signed_in_as(world, "citizen"))
    assert not found, "\n\n".join(found)


def test_every_operation_answers_a_clerk_as_documented(world, requests_keep_the_test_connection):
    found = contract_breaches(signed_in_as(world, "clerk"))
    assert not found, "\n\n".join(found)


def test_the_checks_catch_a_body_that_breaks_its_schema(world, requests_keep_the_test_connection):
    # The fuzzing above passes vacuously if the checks never look at bodies; here one does.
    # given a real answer to GET /items/{code}
    operation = schema["/api/v1/items/{code}"]["GET"]
    case = operation.Case(path_parameters={"code": world.item.code})
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    # when its body loses a required field, or an error loses its code
    body = json.loads(response.content)
    del body["steps"]
    broken = Response(status_code=200, headers=response.headers, content=json.dumps(body).encode(),
                      request=response.request, elapsed=0, verify=True)
    error = Response(status_code=404, headers=response.headers, content=b'{"message": "x", "details": {}}',
                     request=response.request, elapsed=0, verify=True)
    # then the checks fail both
    for bad in (broken, error):
        with pytest.raises(BaseExceptionGroup) as failures:
            case.validate_response(bad, checks=CHECKS)
        assert "Response violates schema" in str(failures.value)
