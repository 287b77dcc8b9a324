"""The public contract, fuzzed: schemathesis reads ``/api/v1/openapi.json`` and sends generated
requests (valid ones and deliberately invalid ones) to every operation, signed in as a citizen and,
separately, as a window clerk. Whatever it sends, the answer is never a 5xx: a 500 is always a bug.

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

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from yiwang.core.services import issue_api_token
from yiwang.testing import factories
from yiwang.wsgi import application

pytestmark = pytest.mark.django_db

# Generated requests per operation and role; small, so the whole file stays within seconds.
MAX_EXAMPLES = 5

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


def server_errors(headers):
    """Fuzz every operation; return one line per operation that answered with a 5xx."""
    found = []
    operations = [result.ok() for result in schema.get_all_operations()]
    # Revoking one's own tokens ends the token this run signs in with: fuzz it last, so that every
    # other operation is still called signed in.
    operations.sort(key=lambda op: op.path.endswith("/auth/tokens/revoke"))
    for operation in operations:

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=requests_for(operation))
        def no_server_error(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            no_server_error()
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            found.append(f"{operation.label}:\n{exc}")
    return found


def signed_in_as(world, username):
    factories.apply_online(world.citizen, world.applicant, world.item)  # a case for requests to find
    request = RequestFactory().post("/api/v1/auth/token")
    return {"Authorization": f"Bearer {issue_api_token(request=request, username=username, password=f'pw-{username}')}"}


def test_no_operation_answers_a_citizen_with_a_server_error(world, requests_keep_the_test_connection):
    found = server_errors(signed_in_as(world, "citizen"))
    assert not found, "\n\n".join(found)


def test_no_operation_answers_a_clerk_with_a_server_error(world, requests_keep_the_test_connection):
    found = server_errors(signed_in_as(world, "clerk"))
    assert not found, "\n\n".join(found)
