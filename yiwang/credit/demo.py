"""Demo credit data (idempotent): joint rules, item settings, a credit resource, one black-listed and
one red-listed company among the demo applicants, and the ``enterprise`` account's company on file
with a clean record (a licence)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from yiwang.catalog.models import Material, ServiceItem
from yiwang.core import calendar
from yiwang.core.demo import ENTERPRISE, _uscc_number, historical_applicant_data
from yiwang.core.models import ApplicantKind, Department
from yiwang.credit import services
from yiwang.credit.ingest import publish_credit_resource
from yiwang.credit.models import CreditRecord, ItemCreditPolicy, ListEntry, ListKind, RecordKind, Severity
from yiwang.ledger.witness import add_witness

RULES = Path(__file__).resolve().parent / "rules"
FOOD_ITEM = "食品经营许可"
REPAIR_ITEM = "信用修复（行政处罚信息、严重违法失信名单）"
WITNESSES = ("SCJG", "SW", "GA")
CREDIT_OFFICERS = ("scjg_steward", "sw_steward")
CREDIT_PERMISSIONS = ("add_creditrecord", "view_creditsubject", "change_repairrequest")


def demo_companies() -> tuple[dict[str, str], dict[str, str]]:
    """The black-listed and the red-listed company: the first two organisations among the demo's
    historical applicants (never the ``enterprise`` account's company)."""
    orgs = [row for row in historical_applicant_data() if row["kind"] == ApplicantKind.ORGANISATION]
    return orgs[0], orgs[1]


def seed_credit(*, today: dt.date | None = None) -> dict[str, Any]:
    today = today or calendar.local_today()
    departments = {d.code: d for d in Department.objects.filter(code__in=["SCJG", "SW", "FGW", "ZWFW"])}
    scjg, sw = departments["SCJG"], departments["SW"]
    version = services.publish_joint_rules(actor=None, key="credit_joint_demo", name="联合奖惩示例规则",
                                           dmn_xml=(RULES / "joint_demo.dmn").read_text(encoding="utf-8"),
                                           description="失信限制、守信容缺、近期处罚不秒批、告知承诺制")
    food = ServiceItem.objects.filter(name=FOOD_ITEM, department=scjg).first()
    if food is not None:
        tolerance = Material.objects.filter(item=food, name__startswith="与食品经营相适应").first()
        ItemCreditPolicy.objects.update_or_create(item=food, defaults={
            "restricted": True, "category": "食品", "commitment_system": True, "tolerance_material": tolerance})
    publish_credit_resource(actor=None, department=scjg, code="SCJG_XYXX", name="市场监管信用信息（双公示）")
    # 信用修复 as a case: 市场监管局's repair item (its own BPMN, catalog/processes/credit_repair.bpmn)
    repair_item = ServiceItem.objects.filter(name=REPAIR_ITEM, department=scjg).first()
    if repair_item is not None:
        ItemCreditPolicy.objects.update_or_create(item=repair_item, defaults={"repairs": True})

    black, red = demo_companies()
    year = today.year
    if not CreditRecord.objects.filter(source_department=scjg, decision_no=f"县市监罚〔{year}〕17号").exists():
        services.add_record(
            actor=None, check_permission=False, subject_kind="org", subject_number=black["id_number"],
            subject_name=black["name"], department=scjg,
            data=services.RecordInput(kind=RecordKind.PENALTY, title="经营超过保质期的食品，罚款并没收违法所得",
                                      basis="《中华人民共和国食品安全法》第一百二十四条",
                                      decided_on=today - dt.timedelta(days=60), decision_no=f"县市监罚〔{year}〕17号",
                                      severity=Severity.SERIOUS))
    # a general penalty past its minimum publicity (3 months): repairable, through the repair item
    if not CreditRecord.objects.filter(source_department=scjg, decision_no=f"县市监罚〔{year}〕9号").exists():
        services.add_record(
            actor=None, check_permission=False, subject_kind="org", subject_number=black["id_number"],
            subject_name=black["name"], department=scjg,
            data=services.RecordInput(kind=RecordKind.PENALTY, title="未按规定公示年度报告，警告",
                                      basis="《企业信息公示暂行条例》第十条", decided_on=today - dt.timedelta(days=150),
                                      decision_no=f"县市监罚〔{year}〕9号", severity=Severity.GENERAL))
    subject = services.ensure_subject(kind="org", id_number=black["id_number"], name=black["name"], department=None)
    if not ListEntry.objects.filter(subject=subject, kind=ListKind.BLACK).exists():
        services.add_list_entry(
            actor=None, check_permission=False, subject_kind="org", subject_number=black["id_number"],
            subject_name=black["name"], department=scjg, kind=ListKind.BLACK, severity=Severity.SERIOUS,
            reason="食品安全严重违法失信", legal_basis="《市场监督管理严重违法失信名单管理办法》第七条",
            starts_on=today - dt.timedelta(days=55), ends_on=today + dt.timedelta(days=3 * 365))
    subject = services.ensure_subject(kind="org", id_number=red["id_number"], name=red["name"], department=None)
    if not ListEntry.objects.filter(subject=subject, kind=ListKind.RED).exists():
        services.add_list_entry(
            actor=None, check_permission=False, subject_kind="org", subject_number=red["id_number"],
            subject_name=red["name"], department=sw, kind=ListKind.RED, reason="纳税信用 A 级纳税人",
            legal_basis="《纳税信用管理办法》第二十九条", starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31))
    enterprise_code = _uscc_number(ENTERPRISE["id_number_17"])
    if not CreditRecord.objects.filter(source_department=scjg, decision_no="县市监食许〔2025〕88号").exists():
        services.add_record(
            actor=None, check_permission=False, subject_kind="org", subject_number=enterprise_code,
            subject_name=ENTERPRISE["name"], department=scjg,
            data=services.RecordInput(kind=RecordKind.LICENCE, title="食品经营许可（餐饮服务）",
                                      basis="《中华人民共和国食品安全法》第三十五条", decided_on=dt.date(2025, 6, 18),
                                      decision_no="县市监食许〔2025〕88号"))
    # the data stewards of 市场监管局 and 税务局 are their departments' credit officers
    permissions = list(Permission.objects.filter(content_type__app_label="credit", codename__in=CREDIT_PERMISSIONS))
    for user in get_user_model().objects.filter(username__in=CREDIT_OFFICERS):
        user.user_permissions.add(*permissions)
    # the consortium: three departments witness the ledger with their own SM2 keys
    witnesses = [add_witness(actor=None, department=d) for d in Department.objects.filter(code__in=WITNESSES)]
    return {"joint_rules_version": version.version, "witnesses": len(witnesses), "black_listed": black["name"], "red_listed": red["name"]}
