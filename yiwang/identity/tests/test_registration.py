"""Registration of people and enterprises: the ID numbers' check characters, the code, the level."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from yiwang.core.errors import Conflict, InvalidInput
from yiwang.core.models import Applicant, AuditEvent
from yiwang.core.services import register_applicant
from yiwang.identity import services
from yiwang.identity.permissions import level_of
from yiwang.identity.tests.helpers import last_code, register
from yiwang.testing import factories

pytestmark = pytest.mark.django_db
PASSWORD = "Yiwang-Test-2026"


def test_a_person_registers_with_the_code_and_is_l1():
    user = register("13912345678")
    applicant = Applicant.objects.get(user=user)
    assert user.username == "13912345678" and user.check_password(PASSWORD)
    assert applicant.name == "王芳" and applicant.phone == "13912345678" and level_of(applicant) == 1
    assert AuditEvent.objects.filter(event_type="identity_person_registered", subject_id=str(applicant.pk)).exists()


def test_a_wrong_citizen_id_check_digit_is_refused_before_the_code_is_used():
    services.request_code(phone="13912345678", ip_address="10.0.0.1")
    good = factories.citizen_id("33099919800101123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InvalidInput) as refused:
        services.register_person(name="王芳", id_number=bad, phone="13912345678", code=last_code(), password=PASSWORD)
    assert refused.value.code == "invalid_citizen_id" and refused.value.details["problem"] == "check_digit"
    # the code was not spent on a form that could not succeed
    services.verify_code(phone="13912345678", code=last_code())


def test_a_wrong_code_registers_nobody():
    services.request_code(phone="13912345678", ip_address="10.0.0.1")
    wrong = f"{(int(last_code()) + 1) % 10**6:06d}"
    with pytest.raises(InvalidInput) as refused:
        services.register_person(name="王芳", id_number=factories.citizen_id("33099919800101123"), phone="13912345678",
                                 code=wrong, password=PASSWORD)
    assert refused.value.code == "code_invalid" and not get_user_model().objects.filter(username="13912345678").exists()


def test_a_weak_password_is_refused():
    services.request_code(phone="13912345678", ip_address="10.0.0.1")
    with pytest.raises(InvalidInput) as refused:
        services.register_person(name="王芳", id_number=factories.citizen_id("33099919800101123"), phone="13912345678",
                                 code=last_code(), password="123")
    assert refused.value.code == "password_invalid"


def test_an_id_number_with_an_account_cannot_register_again():
    register("13912345678")
    with pytest.raises(Conflict) as refused:
        register("13912345679", ip="10.0.0.2")
    assert refused.value.code == "already_registered"


def test_a_walk_in_applicant_registering_takes_over_their_record_only_under_their_own_name():
    clerk = factories.user("clerk", ZWFW="clerk")
    number = factories.citizen_id("33099919800101123")
    walk_in = register_applicant(actor=clerk, kind="person", name="王芳", id_number=number)
    with pytest.raises(Conflict):
        register("13912345670", name="王芳芳")
    user = register("13912345671", ip="10.0.0.3")
    walk_in.refresh_from_db()
    assert walk_in.user_id == user.pk


ENTERPRISE = {"name": "某县青禾餐饮有限公司", "legal_representative": "赵刚", "operator_name": "钱丽"}


def _enterprise(uscc: str, **overrides: str):
    services.request_code(phone="13712345678", ip_address="10.0.0.1")
    data: dict[str, Any] = {**ENTERPRISE, "uscc": uscc, "legal_representative_id": factories.citizen_id("33099919750505123"),
            "operator_id_number": factories.citizen_id("33099919900909123"), "phone": "13712345678",
            "code": last_code(), "password": PASSWORD, **overrides}
    return services.register_enterprise(**data)


def test_an_enterprise_registers_with_its_credit_code_legal_representative_and_operator():
    code = factories.uscc("91330999MA2B3C4D5")
    user = _enterprise(code)
    applicant = Applicant.objects.get(user=user)
    assert user.username == code and applicant.kind == "org" and applicant.legal_representative == "赵刚"
    assert applicant.real_name.operator_name == "钱丽" and level_of(applicant) == 1
    assert applicant.real_name.legal_representative_id_number == factories.citizen_id("33099919750505123")


def test_a_credit_code_with_a_wrong_check_character_is_refused():
    good = factories.uscc("91330999MA2B3C4D5")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InvalidInput) as refused:
        _enterprise(bad)
    assert refused.value.code == "invalid_uscc" and refused.value.details["problem"] == "check_digit"


def test_a_legal_representative_id_with_a_wrong_check_digit_is_refused_and_named():
    good = factories.citizen_id("33099919750505123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InvalidInput) as refused:
        _enterprise(factories.uscc("91330999MA2B3C4D5"), legal_representative_id=bad)
    assert refused.value.details["field"] == "legal_representative_id"


def test_an_applicant_read_with_its_level_is_one_query_and_the_level_read_then_serves_one_check(
        django_assert_num_queries):
    from yiwang.identity.models import RealName
    from yiwang.identity.selectors import applicant_of

    # given a registered person (L1)
    user = register("13900000001")
    # when their profile is read for a request: one query, the level with it, no second read for the check
    with django_assert_num_queries(1):
        applicant = applicant_of(user)
        assert applicant is not None and user.applicant is applicant
        assert level_of(applicant) == 1
    # then a level raised afterwards counts at the next check: that one reads the database again
    RealName.objects.filter(applicant=applicant).update(level=2)
    with django_assert_num_queries(1):
        assert level_of(applicant) == 2
