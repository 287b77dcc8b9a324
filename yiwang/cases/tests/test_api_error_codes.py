"""Each refusal has its own code: a client branches on ``code``, so two different problems under
one code (``not_your_case`` for "not a clerk" and for "no applicant profile") cannot be told apart."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.cases.models import Case
from yiwang.testing import case_factories, factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

WALK_IN = {"kind": "person", "name": "李四", "id_number": factories.citizen_id("11010119800101123")}


def test_a_citizen_applying_for_someone_else_is_told_only_clerks_may(world):
    client = Client()
    payload = {"item_code": world.item.code, "form": {}, "materials": [], "applicant": WALK_IN}
    assert_error(post_json(client, "/api/v1/applications", payload, bearer(client, "citizen")), 403, "not_a_clerk")
    assert not Case.objects.exists()


def test_an_account_without_an_applicant_profile_is_told_so(world):
    client = Client()
    payload = {"item_code": world.item.code, "form": {}, "materials": []}
    assert_error(post_json(client, "/api/v1/applications", payload, bearer(client, "scjg_reviewer")), 422,
                 "no_applicant_profile")
    assert not Case.objects.exists()


def test_someone_elses_case_is_still_not_your_case(world):
    client = Client()
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    factories.citizen("other", first17="11010119850505123", name="王五")
    assert_error(client.get(f"/api/v1/cases/{case.number}", **bearer(client, "other")), 403, "not_your_case")


@pytest.mark.parametrize("action, body", [("accept", {}), ("deliver", {"method": "electronic"})])
def test_a_window_action_refuses_in_the_order_a_read_of_the_case_did(world, action, body):
    """accept and deliver find, check and lock the case in one statement (issue #14): the refusals
    stay those of reading the case first, then of the action."""
    client = Client()
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    factories.citizen("other", first17="11010119850505123", name="王五")
    url = f"/api/v1/cases/{case.number}/{action}"
    assert_error(post_json(client, "/api/v1/cases/YW2000010100000000/" + action, body, bearer(client, "other")), 404,
                 "case_not_found")
    assert_error(post_json(client, url, body, bearer(client, "other")), 403, "not_your_case")
    # the applicant may see the case, but only a clerk acts at the window
    assert_error(post_json(client, url, body, bearer(client, "citizen")), 403, "not_your_step")
    if action == "deliver":  # a clerk on a case in the wrong state: the state is checked after the lock
        assert_error(post_json(client, url, body, bearer(client, "clerk")), 409, "illegal_transition")
    case.refresh_from_db()
    assert case.status == "submitted"


def test_a_malformed_delivery_is_422_whatever_the_case(world):
    """The body is checked before the case is looked up (the usual contract, issue #14): post without
    an address is 422 ``address_required`` on a case that does not exist, on someone else's, and on
    one in the wrong state alike; an unknown method is 422 before any lookup in the service too
    (the HTML form's path, which no schema checks)."""
    from yiwang.cases import services
    from yiwang.core.errors import InvalidInput

    client = Client()
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    factories.citizen("other", first17="11010119850505123", name="王五")
    body = {"method": "post", "detail": "  "}
    for number, who in (("YW2000010100000000", "clerk"), (case.number, "other"), (case.number, "clerk")):
        assert_error(post_json(client, f"/api/v1/cases/{number}/deliver", body, bearer(client, who)), 422,
                     "address_required")
    with pytest.raises(InvalidInput) as refused:
        services.deliver_result(actor=world.clerk, number="YW2000010100000000", method="drone")
    assert refused.value.code == "delivery_method_not_offered"
    case.refresh_from_db()
    assert case.status == "submitted"
