"""The demo seed has a black-listed and a red-listed company among its applicants, and the
``enterprise`` account's company on file with a clean record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings

from yiwang.catalog.demo import seed_catalog
from yiwang.core.calendar import invalidate_calendar_cache
from yiwang.core.demo import seed_core
from yiwang.core.models import Applicant, ApplicantKind
from yiwang.credit.demo import demo_companies, seed_credit
from yiwang.credit.models import CreditRecord, ItemCreditPolicy, ListEntry
from yiwang.credit.selectors import credit_status_of
from yiwang.ledger.models import Witness

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        seed_core()
        seed_catalog()
        summary = seed_credit()
        invalidate_calendar_cache()
        yield summary
        transaction.set_rollback(True)
    invalidate_calendar_cache()


@pytest.mark.django_db
def test_one_black_listed_and_one_red_listed_company_among_the_demo_applicants(seeded):
    black, red = demo_companies()
    today = dt.date.today()
    for row, status in ((black, "black"), (red, "red")):
        applicant = Applicant.objects.with_id_number(ApplicantKind.ORGANISATION, row["id_number"]).get()
        assert applicant.user_id is None
        assert credit_status_of("org", applicant.id_index, today) == status


@pytest.mark.django_db
def test_the_enterprise_accounts_company_is_on_file_and_clean(seeded):
    applicant = Applicant.objects.get(user__username="enterprise")
    assert credit_status_of("org", applicant.id_index, dt.date.today()) == "normal"
    record = CreditRecord.objects.get(subject__id_index=applicant.id_index)
    assert record.kind == "licence"


@pytest.mark.django_db
def test_the_food_licence_is_a_restricted_commitment_item_and_three_departments_witness(seeded):
    policy = ItemCreditPolicy.objects.get(item__name="食品经营许可")
    assert policy.restricted and policy.commitment_system and policy.tolerance_material is not None
    assert Witness.objects.count() == 3


@pytest.mark.django_db
def test_seeding_again_adds_nothing(seeded):
    counts = (CreditRecord.objects.count(), ListEntry.objects.count(), Witness.objects.count())
    with transaction.atomic():
        seed_credit()
        assert (CreditRecord.objects.count(), ListEntry.objects.count(), Witness.objects.count()) == counts
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_market_regulation_steward_is_a_credit_officer(seeded):
    from django.contrib.auth import get_user_model

    from yiwang.credit.permissions import is_credit_staff, may_enter_records

    steward = get_user_model().objects.get(username="scjg_steward")
    assert is_credit_staff(steward)
    assert may_enter_records(steward, steward.staff_roles.get().department)
