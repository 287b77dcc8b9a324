"""Fixtures of the exchange tests: fixed 国密 keys, a small county with two providers and a consumer."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from yiwang.exchange import services
from yiwang.exchange.models import DataResource, FieldStandard, FieldType, KeyKind, MaskRule, SharingClass, Subscription
from yiwang.exchange.models import Sensitivity as S
from yiwang.testing import factories

TEST_SM4_KEYS = "ex2:00112233445566778899aabbccddeeff, ex1:0123456789abcdeffedcba9876543210"
TEST_BLIND_KEY = "5a" * 32
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def exchange_keys(settings: Any, tmp_path: Any) -> Any:
    settings.YIWANG_SM4_KEYS = TEST_SM4_KEYS
    settings.YIWANG_BLIND_INDEX_KEY = TEST_BLIND_KEY
    settings.VAR_DIR = tmp_path
    return settings


PEOPLE = [
    ("11010119900307851", "张三"),
    ("11010119851120432", "李四"),
    ("33099919430612042", "王秀英"),
]

PEOPLE_FIELDS: list[dict[str, Any]] = [
    {"name": "id_number", "label": "公民身份号码", "standard": FieldStandard.CITIZEN_ID, "required": True,
     "sensitivity": S.SENSITIVE, "mask_rule": MaskRule.ID_NUMBER},
    {"name": "name", "label": "姓名", "required": True, "sensitivity": S.PERSONAL, "mask_rule": MaskRule.NAME},
    {"name": "gender", "label": "性别", "standard": FieldStandard.GENDER, "sharing_class": SharingClass.UNCONDITIONAL},
    {"name": "birth_date", "label": "出生日期", "field_type": FieldType.DATE, "required": True},
    {"name": "address", "label": "住址", "sensitivity": S.PERSONAL, "mask_rule": MaskRule.ADDRESS},
    {"name": "household_type", "label": "户口性质", "field_type": FieldType.ENUM, "allowed_values": ["农业", "居民"]},
    {"name": "police_notes", "label": "治安信息", "sharing_class": SharingClass.NONE},
    {"name": "religion", "label": "宗教信仰", "sensitivity": S.SENSITIVE},
]


def people_csv(rows: list[tuple[str, str]] | None = None, extra: str = "") -> bytes:
    lines = ["id_number,name,gender,birth_date,address,household_type,police_notes,religion"]
    for first17, name in rows or PEOPLE:
        number = factories.citizen_id(first17)
        lines.append(f"{number},{name},{'女' if int(number[16]) % 2 == 0 else '男'},"
                     f"{number[6:10]}-{number[10:12]}-{number[12:14]},某县城关镇人民路{len(name)}号,居民,无,无")
    return ("\n".join(lines) + "\n" + extra).encode()


@dataclass
class County:
    ga: Any
    scjg: Any
    mz: Any
    ga_steward: Any
    scjg_steward: Any
    scjg_clerk: Any
    mz_clerk: Any
    people: DataResource
    companies: DataResource
    subscription: Subscription

    def consumer(self, dept: Any | None = None) -> Any:
        from yiwang.exchange.policy import Consumer

        return Consumer(department=dept or self.scjg)


@pytest.fixture
def county(db: Any) -> County:
    ga, scjg, mz = factories.department("GA", "县公安局"), factories.department("SCJG", "县市场监管局"), factories.department("MZ", "县民政局")
    ga_steward = factories.user("ga_steward", GA="steward")
    scjg_steward = factories.user("scjg_steward", SCJG="steward")
    scjg_clerk = factories.user("scjg_reviewer", SCJG="reviewer")
    mz_clerk = factories.user("mz_reviewer", MZ="reviewer")
    people = services.publish_resource(actor=ga_steward, code="RK", name="人口基础信息", provider=ga,
                                       key_kind=KeyKind.CITIZEN_ID, key_field="id_number", fields=PEOPLE_FIELDS)
    services.ingest_dataset(actor=ga_steward, resource=people, stream=io.BytesIO(people_csv()), file_name="rk.csv",
                            now=NOW - dt.timedelta(days=3))
    companies = services.publish_resource(
        actor=scjg_steward, code="QY", name="企业登记信息", provider=scjg, key_kind=KeyKind.USCC, key_field="uscc",
        fields=[{"name": "uscc", "label": "统一社会信用代码", "standard": FieldStandard.USCC, "required": True},
                {"name": "name", "label": "企业名称", "required": True, "sensitivity": S.PUBLIC},
                {"name": "legal_representative", "label": "法定代表人", "sensitivity": S.PUBLIC}])
    services.ingest_dataset(actor=scjg_steward, resource=companies, file_name="qy.json", now=NOW - dt.timedelta(days=3),
                            stream=io.BytesIO(f'[{{"uscc": "{factories.uscc()}", "name": "某县青禾餐饮管理有限公司", '
                                              f'"legal_representative": "张三"}}]'.encode()))
    sub = services.request_subscription(actor=scjg_clerk, consumer=scjg, resource=people,
                                        fields=["id_number", "name", "gender", "birth_date", "address"],
                                        purpose="企业开办：核验法定代表人身份", legal_basis="《市场主体登记管理条例》",
                                        now=NOW - dt.timedelta(days=2))
    sub = services.approve_subscription(actor=ga_steward, subscription=sub, expires_at=NOW + dt.timedelta(days=365),
                                        daily_quota=100, rate_per_minute=50, now=NOW - dt.timedelta(days=1))
    return County(ga=ga, scjg=scjg, mz=mz, ga_steward=ga_steward, scjg_steward=scjg_steward, scjg_clerk=scjg_clerk,
                  mz_clerk=mz_clerk, people=DataResource.objects.get(pk=people.pk),
                  companies=DataResource.objects.get(pk=companies.pk), subscription=sub)


@pytest.fixture
def now() -> dt.datetime:
    return NOW


def grant_source_in_clear(county: County, fields: tuple[str, ...] = ("name",)) -> Subscription:
    """民政 may read RK's ``fields`` in clear: what a 一数一源 comparison with RK needs (``policy.may_compare``)."""
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=list(fields), clear_fields=list(fields), purpose="一数一源核对",
                                        legal_basis="《婚姻登记条例》")
    return services.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None,
                                         clear_fields=list(fields))


def zhang() -> str:
    return factories.citizen_id(PEOPLE[0][0])


__all__ = ["County", "NOW", "grant_source_in_clear", "people_csv", "zhang", "timezone"]
