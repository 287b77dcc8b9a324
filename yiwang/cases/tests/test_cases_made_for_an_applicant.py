"""Cases someone else submitted for a person (at the window, or as their agent) show on that person's
account only once the account is verified (L2 or above). Registering with a name, an ID number and a
phone (L1) proves none of them, and must not open another person's window cases."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.cases import selectors, services
from yiwang.cases.models import Channel
from yiwang.identity.services import verify_at_window
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def test_a_window_case_is_hidden_from_an_unverified_account_and_shown_after_verification(world):
    # given a case the window entered for 张三, whose account is only self-declared (L1 or none)
    refs = case_factories.required_material_refs(world.clerk, world.item)
    case, _ = services.submit_application(actor=world.clerk, item=world.item, applicant=world.applicant,
                                          form_data={"shop_name": "青禾小馆"}, materials=refs, channel=Channel.WINDOW)
    client = Client()
    client.force_login(world.citizen)
    # then the account does not list it, and cannot open it
    assert case not in selectors.applicant_cases(world.citizen)
    assert client.get(f"/me/cases/{case.number}/").status_code in (403, 404)
    # when a clerk verifies the person at the window (L3)
    verify_at_window(actor=world.clerk, applicant=world.applicant, document_checked=True, note="身份证原件核验")
    # then the case is theirs to see
    assert case in selectors.applicant_cases(world.citizen)
    assert client.get(f"/me/cases/{case.number}/").status_code == 200


def test_a_case_the_person_submitted_is_theirs_whatever_their_level(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert case in selectors.applicant_cases(world.citizen)
