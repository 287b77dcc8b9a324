from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from yiwang.catalog.models import Material
from yiwang.core import calendar
from yiwang.core.models import ApplicantKind
from yiwang.core.services import register_applicant
from yiwang.credit import services
from yiwang.credit.models import ItemCreditPolicy, ListKind, RecordKind, Severity
from yiwang.testing import factories, item_factories

RULES = (Path(__file__).resolve().parent.parent / "rules" / "joint_demo.dmn").read_text(encoding="utf-8")


def today() -> dt.date:
    """The county's date (UTC+8) when the test runs. Read at each use, never kept in a module constant:
    a date read at collection went stale when a run crossed the county's midnight (16:00 UTC), and
    tests then compared yesterday's date with the one the services stamped."""
    return calendar.local_today()


def credit_officer(username: str, dept: str) -> Any:
    """A credit officer of ``dept``: enters its records, decides its repairs, reads credit."""
    user = factories.user(username, **{dept: "reviewer"})
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="credit", codename__in=[
        "add_creditrecord", "view_creditsubject", "change_repairrequest"]))
    return get_fresh(user)


def get_fresh(user: Any) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user.pk)


def company(username: str, first17: str, name: str) -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    applicant = register_applicant(actor=user, kind=ApplicantKind.ORGANISATION, name=name,
                                   id_number=factories.uscc(first17), phone="13800138000", address="某县", user=user)
    return user, applicant


def penalty(applicant: Any, dept: str = "SCJG", *, days_ago: int = 30, severity: str = Severity.GENERAL,
            number: str = "罚〔2026〕1号") -> Any:
    return services.add_record(
        actor=None, check_permission=False, subject_kind=applicant.kind, subject_number=applicant.id_number,
        subject_name=applicant.name, department=factories.department(dept),
        data=services.RecordInput(kind=RecordKind.PENALTY, title="未按规定公示年报", basis="《企业信息公示暂行条例》",
                                  decided_on=today() - dt.timedelta(days=days_ago), decision_no=number, severity=severity))


def list_entry(applicant: Any, kind: str, dept: str = "SCJG", **extra: Any) -> Any:
    defaults = {"reason": "示例", "legal_basis": "《示例办法》", "starts_on": today() - dt.timedelta(days=10)}
    return services.add_list_entry(actor=None, check_permission=False, subject_kind=applicant.kind,
                                   subject_number=applicant.id_number, subject_name=applicant.name,
                                   department=factories.department(dept), kind=kind, **{**defaults, **extra})


@pytest.fixture
def joint_rules(db: Any) -> Any:
    return services.publish_joint_rules(actor=None, key="demo", name="联合奖惩示例", dmn_xml=RULES)


@pytest.fixture
def food_item(world: Any) -> Any:
    """A restricted item under 告知承诺制-free settings, whose site-layout material may follow later."""
    item = item_factories.item("SCJG-FOOD", dept="SCJG")
    ItemCreditPolicy.objects.create(item=item, restricted=True, category="食品",
                                    tolerance_material=Material.objects.get(item=item, name="经营场所证明"))
    return item


__all__ = ["ListKind", "RecordKind", "Severity", "company", "credit_officer", "list_entry", "penalty", "today"]
