"""Demo data of data sharing: nine resources from eight departments, rows for the county's demo
people and enterprises (the same names, ID numbers and credit codes as ``yiwang.core.demo``, plus
a generated population around them), negative-list entries, subscriptions in every state, the
免提交 mappings of the demo items' materials, and a few accesses so that 数据使用记录 is not empty.

``seed_exchange`` is idempotent: resources are keyed by code, data loads only into a resource with
no data yet, and entries, subscriptions and proofs are created only when missing. Rows are loaded
through the real ingestion service, so each resource shows a dataset version and a quality report
(婚姻登记 deliberately carries a few bad rows and a name that differs from 人口基础信息).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiwang.core import demo as core_demo
from yiwang.core.models import Applicant, ApplicantKind, Department
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.exchange import services
from yiwang.exchange.models import (
    AccessLog,
    DataResource,
    FieldStandard,
    FieldType,
    KeyKind,
    MaskRule,
    MaterialProof,
    NegativeListEntry,
    SharingClass,
    Subscription,
    SubscriptionStatus,
)
from yiwang.exchange.models import Sensitivity as S

GENERATED_PEOPLE = 2600
GENERATED_ORGS = 320
ETHNICITIES = ["汉族"] * 18 + ["畲族", "回族", "满族", "苗族"]
SCHOOLS = ("某县实验小学", "某县城关第二小学", "青禾镇中心小学", "某县第一中学", "某县实验中学", "白沙镇初级中学", "某县高级中学")


def F(name: str, label: str, **kw: Any) -> dict[str, Any]:  # noqa: N802 - reads like a table row
    return {"name": name, "label": label, **kw}


ID = {"field_type": FieldType.STRING, "standard": FieldStandard.CITIZEN_ID, "required": True,
      "sensitivity": S.SENSITIVE, "mask_rule": MaskRule.ID_NUMBER, "sharing_class": SharingClass.CONDITIONAL}
NAME = {"required": True, "sensitivity": S.PERSONAL, "mask_rule": MaskRule.NAME, "sharing_class": SharingClass.CONDITIONAL}
DATE = {"field_type": FieldType.DATE, "standard": FieldStandard.DATE}


def enum(*values: str, **kw: Any) -> dict[str, Any]:
    return {"field_type": FieldType.ENUM, "allowed_values": list(values), **kw}


# code, name, department, key kind, key field, description, update cycle, fields
RESOURCES: list[dict[str, Any]] = [
    {"code": "GA_RKJBXX", "name": "人口基础信息", "dept": "GA", "key_kind": KeyKind.CITIZEN_ID, "key_field": "id_number",
     "cycle": "实时", "description": "本县户籍人口的身份、户籍地址等基础信息（公安人口库）。", "fields": [
         F("id_number", "公民身份号码", **ID),
         F("name", "姓名", **NAME),
         F("gender", "性别", standard=FieldStandard.GENDER, required=True, sensitivity=S.PERSONAL,
           sharing_class=SharingClass.UNCONDITIONAL),
         F("birth_date", "出生日期", **DATE, required=True, sensitivity=S.PERSONAL, sharing_class=SharingClass.UNCONDITIONAL),
         F("ethnicity", "民族", **enum(*sorted(set(ETHNICITIES))), sensitivity=S.PERSONAL),
         F("address", "户籍地址", sensitivity=S.PERSONAL, mask_rule=MaskRule.ADDRESS),
         F("household_type", "户口性质", **enum("农业家庭户口", "非农业家庭户口", "居民家庭户口"), sensitivity=S.PERSONAL),
         F("police_notes", "治安管理信息", sensitivity=S.SENSITIVE, sharing_class=SharingClass.NONE, mask_rule=MaskRule.FULL),
     ]},
    {"code": "SCJG_QYDJXX", "name": "企业登记信息", "dept": "SCJG", "key_kind": KeyKind.USCC, "key_field": "uscc",
     "cycle": "实时", "description": "市场主体登记信息：名称、法定代表人、注册资本、经营范围、登记状态。", "fields": [
         F("uscc", "统一社会信用代码", standard=FieldStandard.USCC, required=True, sensitivity=S.PUBLIC,
           sharing_class=SharingClass.UNCONDITIONAL),
         F("name", "企业名称", required=True, sensitivity=S.PUBLIC, sharing_class=SharingClass.UNCONDITIONAL),
         F("legal_representative", "法定代表人", required=True, sensitivity=S.PUBLIC, sharing_class=SharingClass.UNCONDITIONAL),
         F("legal_representative_id", "法定代表人身份号码", **{**ID, "required": False}),
         F("registered_capital", "注册资本（万元）", field_type=FieldType.DECIMAL, sensitivity=S.PUBLIC),
         F("established_on", "成立日期", **DATE, required=True, sensitivity=S.PUBLIC, sharing_class=SharingClass.UNCONDITIONAL),
         F("address", "住所", sensitivity=S.PUBLIC, sharing_class=SharingClass.UNCONDITIONAL),
         F("business_scope", "经营范围", sensitivity=S.PUBLIC, sharing_class=SharingClass.UNCONDITIONAL),
         F("status", "登记状态", **enum("存续", "在业", "注销", "吊销"), required=True, sensitivity=S.PUBLIC,
           sharing_class=SharingClass.UNCONDITIONAL),
         F("contact_phone", "联络员电话", standard=FieldStandard.PHONE, sensitivity=S.PERSONAL, mask_rule=MaskRule.PHONE),
     ]},
    {"code": "RS_SBCBXX", "name": "社保参保信息", "dept": "RS", "key_kind": KeyKind.CITIZEN_ID, "key_field": "id_number",
     "cycle": "每日", "description": "城镇职工与城乡居民基本养老保险参保、缴费状态。", "fields": [
         F("id_number", "公民身份号码", **ID),
         F("name", "姓名", **NAME, source="GA_RKJBXX.name"),
         F("insurance_type", "险种", **enum("城镇职工基本养老保险", "城乡居民基本养老保险"), required=True),
         F("status", "参保状态", **enum("参保缴费", "暂停缴费", "终止参保"), required=True),
         F("start_date", "参保日期", **DATE),
         F("employer_uscc", "参保单位代码", standard=FieldStandard.USCC),
         F("monthly_base", "缴费基数（元）", field_type=FieldType.DECIMAL, sensitivity=S.SENSITIVE),
     ]},
    {"code": "ZRZY_BDCDJ", "name": "不动产登记信息", "dept": "ZRZY", "key_kind": KeyKind.CITIZEN_ID, "key_field": "id_number",
     "cycle": "实时", "description": "权利人名下不动产（主要一处）的产权证号、坐落、面积、用途与抵押状态。", "fields": [
         F("id_number", "权利人身份号码", **ID),
         F("owner_name", "权利人", **NAME, source="GA_RKJBXX.name"),
         F("certificate_no", "不动产权证号", required=True),
         F("location", "坐落", required=True, mask_rule=MaskRule.ADDRESS, sensitivity=S.PERSONAL),
         F("area", "建筑面积（㎡）", field_type=FieldType.DECIMAL),
         F("usage", "用途", **enum("住宅", "商业", "工业", "宅基地")),
         F("registered_on", "登簿日期", **DATE),
         F("mortgaged", "是否抵押", field_type=FieldType.BOOLEAN),
     ]},
    {"code": "SW_NSXX", "name": "纳税信息", "dept": "SW", "key_kind": KeyKind.USCC, "key_field": "uscc",
     "cycle": "每月", "description": "纳税人类型、纳税信用等级、上年度纳税额与欠税状态。", "fields": [
         F("uscc", "纳税人识别号", standard=FieldStandard.USCC, required=True, sensitivity=S.PUBLIC,
           sharing_class=SharingClass.UNCONDITIONAL),
         F("taxpayer_name", "纳税人名称", required=True, sensitivity=S.PUBLIC, source="SCJG_QYDJXX.name",
           sharing_class=SharingClass.UNCONDITIONAL),
         F("taxpayer_type", "纳税人类型", **enum("一般纳税人", "小规模纳税人")),
         F("credit_rating", "纳税信用等级", **enum("A", "B", "M", "C", "D")),
         F("tax_paid_last_year", "上年度纳税额（元）", field_type=FieldType.DECIMAL, sensitivity=S.INTERNAL),
         F("in_arrears", "是否欠税", field_type=FieldType.BOOLEAN),
     ]},
    {"code": "MZ_HYDJ", "name": "婚姻登记信息", "dept": "MZ", "key_kind": KeyKind.CITIZEN_ID, "key_field": "id_number",
     "cycle": "实时", "description": "婚姻状况及最近一次婚姻登记信息。", "fields": [
         F("id_number", "公民身份号码", **ID),
         F("name", "姓名", **NAME, source="GA_RKJBXX.name"),
         F("marital_status", "婚姻状况", **enum("未婚", "已婚", "离婚", "丧偶"), required=True, sensitivity=S.PERSONAL),
         F("registered_on", "登记日期", **DATE, sensitivity=S.PERSONAL),
         F("spouse_name", "配偶姓名", sensitivity=S.PERSONAL, mask_rule=MaskRule.NAME),
         F("spouse_id", "配偶身份号码", **{**ID, "required": False}),
     ]},
    {"code": "MZ_CJRXX", "name": "残疾人信息", "dept": "MZ", "key_kind": KeyKind.CITIZEN_ID, "key_field": "id_number",
     "cycle": "每月", "description": "持证残疾人的残疾类别、等级与残疾人证号（会同县残联）。", "fields": [
         F("id_number", "公民身份号码", **ID),
         F("name", "姓名", **NAME),
         F("disability_type", "残疾类别", **enum("视力", "听力", "言语", "肢体", "智力", "精神", "多重"), required=True,
           sensitivity=S.SENSITIVE),
         F("grade", "残疾等级", **enum("一级", "二级", "三级", "四级"), required=True, sensitivity=S.SENSITIVE),
         F("certificate_no", "残疾人证号", sensitivity=S.SENSITIVE, mask_rule=MaskRule.ID_NUMBER),
         F("issued_on", "发证日期", **DATE),
         F("diagnosis", "致残原因（诊断）", sensitivity=S.SENSITIVE),
     ]},
    {"code": "JY_XJXX", "name": "学籍信息", "dept": "JY", "key_kind": KeyKind.CITIZEN_ID, "key_field": "id_number",
     "cycle": "每学期", "description": "中小学生学籍：学校、年级、入学日期。", "fields": [
         F("id_number", "学生身份号码", **ID),
         F("name", "学生姓名", **NAME),
         F("school", "学校", required=True, sensitivity=S.INTERNAL),
         F("grade", "年级", **enum("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级",
                                  "高一", "高二", "高三"), required=True),
         F("enrolled_on", "入学日期", **DATE),
     ]},
    {"code": "ZJ_GJJJC", "name": "住房公积金缴存信息", "dept": "ZJ", "key_kind": KeyKind.CITIZEN_ID, "key_field": "id_number",
     "cycle": "每月", "description": "住房公积金账户状态与月缴存额（由住建局代为发布）。", "fields": [
         F("id_number", "公民身份号码", **ID),
         F("name", "姓名", **NAME),
         F("account_status", "账户状态", **enum("正常", "封存", "销户"), required=True),
         F("monthly_deposit", "月缴存额（元）", field_type=FieldType.DECIMAL, sensitivity=S.SENSITIVE),
         F("balance", "账户余额（元）", field_type=FieldType.DECIMAL, sensitivity=S.SENSITIVE),
         F("opened_on", "开户日期", **DATE),
     ]},
]

NEGATIVE: list[tuple[str, str | None, str, str]] = [
    ("GA_RKJBXX", "police_notes", "涉及公安业务秘密与个人隐私，不对外共享。", "《中华人民共和国个人信息保护法》第二十八条"),
    ("RS_SBCBXX", "monthly_base", "缴费基数反映个人收入，属敏感个人信息。", "《中华人民共和国个人信息保护法》第二十八条"),
    ("MZ_CJRXX", "diagnosis", "致残原因含医疗健康信息，不予共享。", "《残疾人保障法》《个人信息保护法》"),
    ("ZJ_GJJJC", "balance", "账户余额属个人金融信息，不对外共享。", "《住房公积金管理条例》"),
]

# consumer, resource, fields, purpose, legal basis, final state
SUBSCRIPTIONS: list[tuple[str, str, list[str], str, str, str]] = [
    ("SCJG", "GA_RKJBXX", ["id_number", "name", "gender", "birth_date"], "企业开办：核验法定代表人身份",
     "《市场主体登记管理条例》第十六条", "approved"),
    ("MZ", "GA_RKJBXX", ["name", "birth_date", "address"], "高龄津贴申领：核验年龄与户籍",
     "《某省老年人权益保障条例》", "approved"),
    ("ZRZY", "MZ_HYDJ", ["name", "marital_status", "spouse_name"], "不动产登记：核验婚姻状况与共有人",
     "《不动产登记暂行条例实施细则》", "approved"),
    ("RS", "SCJG_QYDJXX", ["uscc", "name", "legal_representative", "status"], "社保单位参保登记：核验单位登记状态",
     "《社会保险法》第五十七条", "approved"),
    ("ZWFW", "GA_RKJBXX", ["id_number", "name", "address"], "综合窗口受理：核验申请人身份",
     "《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》", "approved"),
    ("JY", "ZRZY_BDCDJ", ["owner_name", "location"], "义务教育招生：核验学区房产", "《义务教育法》第十二条", "pending"),
    ("SW", "GA_RKJBXX", ["name", "address"], "个人所得税汇算：核验纳税人户籍", "《税收征收管理法》", "pending"),
    ("JT", "RS_SBCBXX", ["name", "insurance_type", "status"], "网约车驾驶员背景核查", "《网络预约出租汽车经营服务管理暂行办法》",
     "refused"),
    ("CG", "GA_RKJBXX", ["name", "address"], "城市管理执法：当事人身份核查", "《行政处罚法》", "revoked"),
    ("WJ", "MZ_HYDJ", ["marital_status"], "出生医学证明办理：核验父母婚姻状况", "《母婴保健法》", "expired"),
]

# material name → resource, fields, condition, condition field, condition value
PROOFS: dict[str, tuple[str, list[str], str, str, str]] = {
    "申请人居民身份证": ("GA_RKJBXX", ["name", "gender", "birth_date", "address"], "row_exists", "", ""),
    "居民户口簿本人页": ("GA_RKJBXX", ["name", "birth_date", "address", "household_type"], "row_exists", "", ""),
    "居民户口簿": ("GA_RKJBXX", ["name", "birth_date", "address", "household_type"], "row_exists", "", ""),
    "原居民身份证": ("GA_RKJBXX", ["name", "gender", "birth_date", "address"], "row_exists", "", ""),
    "营业执照": ("SCJG_QYDJXX", ["name", "legal_representative", "address", "status"], "field_equals", "status", "存续"),
    "营业执照正副本": ("SCJG_QYDJXX", ["name", "legal_representative", "address", "status"], "field_equals", "status", "存续"),
    "不动产权证书": ("ZRZY_BDCDJ", ["owner_name", "certificate_no", "location", "area", "usage"], "row_exists", "", ""),
    "不动产登记证明": ("ZRZY_BDCDJ", ["owner_name", "certificate_no", "location"], "row_exists", "", ""),
    "婚姻状况证明": ("MZ_HYDJ", ["name", "marital_status"], "field_nonempty", "marital_status", ""),
    "结婚证": ("MZ_HYDJ", ["name", "marital_status", "registered_on", "spouse_name"], "field_equals", "marital_status", "已婚"),
    "参保缴费证明": ("RS_SBCBXX", ["name", "insurance_type", "status", "start_date"], "field_equals", "status", "参保缴费"),
    "参保缴费凭证": ("RS_SBCBXX", ["name", "insurance_type", "status", "start_date"], "field_equals", "status", "参保缴费"),
    "中华人民共和国残疾人证": ("MZ_CJRXX", ["name", "disability_type", "grade", "certificate_no"], "row_exists", "", ""),
    "残疾证或医疗诊断证明": ("MZ_CJRXX", ["name", "disability_type", "grade"], "row_exists", "", ""),
}


# ------------------------------------------------------------------------------ the population


def _birth(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _female(id_number: str) -> bool:
    return int(id_number[16]) % 2 == 0


@functools.cache
def population() -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
    """``(people, organisations)``: the demo applicants first (same names and numbers as
    ``yiwang.core.demo``), then generated residents and enterprises of the county."""
    people: list[dict[str, Any]] = []
    orgs: list[dict[str, Any]] = []
    seen: set[str] = set()

    def person(name: str, number: str, address: str, phone: str = "") -> None:
        if number not in seen:
            seen.add(number)
            people.append({"name": name, "id_number": number, "address": address, "phone": phone})

    c1, c2, ent = core_demo.CITIZEN, core_demo.CITIZEN2, core_demo.ENTERPRISE
    person(c1["name"], core_demo._citizen_number(c1["id_number_17"]), c1["address"], c1["phone"])
    person(c2["name"], core_demo._citizen_number(c2["id_number_17"]), c2["address"], c2["phone"])
    orgs.append({"name": ent["name"], "id_number": core_demo._uscc_number(ent["id_number_17"]), "address": ent["address"],
                 "phone": "", "legal_representative": ent["legal_representative"]})
    seen.add(orgs[0]["id_number"])
    for row in core_demo.historical_applicant_data():
        if row["kind"] == ApplicantKind.PERSON:
            person(row["name"], row["id_number"], row["address"], row["phone"])
        elif row["id_number"] not in seen:
            seen.add(row["id_number"])
            orgs.append(dict(row))
    rng = random.Random("yiwang-exchange-population")
    while len(people) < GENERATED_PEOPLE:
        female = rng.random() < 0.5
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 94))
        if birth > dt.date(2025, 12, 31):
            continue
        person(core_demo.person_name(rng, female=female),
               core_demo.citizen_id(rng, birth=birth, female=female), core_demo.county_address(rng), core_demo.mobile(rng))
    names = {o["name"] for o in orgs}
    while len(orgs) < GENERATED_ORGS:
        coop = rng.random() < 0.15
        name = f"{core_demo.COUNTY}{rng.choice(core_demo.TRADE_NAMES)}{rng.choice(core_demo.COOPERATIVES if coop else core_demo.INDUSTRIES)}"
        code = core_demo.uscc(rng, kind_code="93" if coop else "91")
        if name in names or code in seen:
            continue
        names.add(name)
        seen.add(code)
        orgs.append({"name": name, "id_number": code, "address": core_demo.county_address(rng), "phone": core_demo.mobile(rng),
                     "legal_representative": core_demo.person_name(rng, female=rng.random() < 0.35)})
    return tuple(people), tuple(orgs)


def _age(birth: dt.date, on: dt.date = dt.date(2026, 11, 1)) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _rows(code: str) -> list[dict[str, Any]]:
    """The rows of one resource, deterministic."""
    people, orgs = population()
    rng = random.Random(f"yiwang-exchange:{code}")
    adults = [p for p in people if _age(_birth(p["id_number"])) >= 18]
    out: list[dict[str, Any]] = []
    if code == "GA_RKJBXX":
        for p in people:
            number = p["id_number"]
            out.append({"id_number": number, "name": p["name"], "gender": "女" if _female(number) else "男",
                        "birth_date": _birth(number).isoformat(), "ethnicity": rng.choice(ETHNICITIES),
                        "address": p["address"],
                        "household_type": rng.choice(("农业家庭户口", "居民家庭户口", "居民家庭户口", "非农业家庭户口")),
                        "police_notes": "无" if rng.random() < 0.97 else "有治安处罚记录"})
    elif code == "SCJG_QYDJXX":
        adult_ids = [p["id_number"] for p in adults]
        for i, o in enumerate(orgs):
            coop = o["id_number"].startswith("93")
            out.append({"uscc": o["id_number"], "name": o["name"], "legal_representative": o["legal_representative"],
                        "legal_representative_id": rng.choice(adult_ids),
                        "registered_capital": str(rng.choice((10, 30, 50, 100, 200, 500, 1000))),
                        "established_on": (dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 7500))).isoformat(),
                        "address": o["address"],
                        "business_scope": "农产品种植、销售" if coop else "一般项目：" + o["name"][len(core_demo.COUNTY) + 2:],
                        "status": "存续" if i == 0 or rng.random() < 0.9 else rng.choice(("注销", "吊销")),
                        "contact_phone": o["phone"] if o["phone"].startswith("1") else ""})
    elif code == "RS_SBCBXX":
        for i, p in enumerate(adults):
            if i > 1 and rng.random() > 0.75:
                continue
            worker = i == 0 or rng.random() < 0.5
            out.append({"id_number": p["id_number"], "name": p["name"],
                        "insurance_type": "城镇职工基本养老保险" if worker else "城乡居民基本养老保险",
                        "status": "参保缴费" if i < 2 or rng.random() < 0.85 else rng.choice(("暂停缴费", "终止参保")),
                        "start_date": (max(_birth(p["id_number"]) + dt.timedelta(days=18 * 366), dt.date(1995, 1, 1))
                                       + dt.timedelta(days=rng.randrange(0, 2000))).isoformat(),
                        "employer_uscc": rng.choice(orgs)["id_number"] if worker else "",
                        "monthly_base": str(rng.randrange(3500, 12000, 100)) if worker else ""})
    elif code == "ZRZY_BDCDJ":
        for i, p in enumerate(adults):
            if i > 0 and rng.random() > 0.45:
                continue
            out.append({"id_number": p["id_number"], "owner_name": p["name"],
                        "certificate_no": f"浙（2024）某县不动产权第{rng.randrange(1, 9999999):07d}号",
                        "location": p["address"], "area": f"{rng.uniform(45, 180):.2f}",
                        "usage": "住宅" if rng.random() < 0.8 else rng.choice(("宅基地", "商业")),
                        "registered_on": (dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 5800))).isoformat(),
                        "mortgaged": "是" if rng.random() < 0.3 else "否"})
    elif code == "SW_NSXX":
        for o in orgs:
            out.append({"uscc": o["id_number"], "taxpayer_name": o["name"],
                        "taxpayer_type": "一般纳税人" if rng.random() < 0.3 else "小规模纳税人",
                        "credit_rating": rng.choice("AABBBMC"), "tax_paid_last_year": str(rng.randrange(0, 2_000_000, 100)),
                        "in_arrears": "是" if rng.random() < 0.05 else "否"})
    elif code == "MZ_HYDJ":
        pool = list(adults)
        # the demo people (i 0 and 1) are married, so that 结婚证 (免提交 when 已婚) keeps its promise
        # for each; 李秀英's spouse is chosen without drawing, so the generated rows stay as they were
        elder_spouse = next(p for p in pool[2:] if not _female(p["id_number"]) and _age(_birth(p["id_number"])) >= 75)
        for i, p in enumerate(pool):
            age = _age(_birth(p["id_number"]))
            status = "已婚" if i <= 1 else rng.choices(
                ("未婚", "已婚", "离婚", "丧偶"), weights=(25 if age < 30 else 5, 60, 10, 3 if age < 60 else 25))[0]
            spouse = elder_spouse if i == 1 else rng.choice(pool) if status == "已婚" else None
            name = p["name"]
            if i > 1 and rng.random() < 0.004:  # 一数一源: a name typed differently from 人口基础信息
                name = name[0] + "晓" + name[2:] if len(name) > 2 else name + "华"
            row = {"id_number": p["id_number"], "name": name, "marital_status": status,
                   "registered_on": (max(_birth(p["id_number"]) + dt.timedelta(days=22 * 366), dt.date(1980, 1, 1))
                                     + dt.timedelta(days=rng.randrange(0, 3000))).isoformat() if status != "未婚" else "",
                   "spouse_name": spouse["name"] if spouse else "", "spouse_id": spouse["id_number"] if spouse else ""}
            if i > 1 and rng.random() < 0.01:  # a few bad rows, so the quality report shows rejections
                row[rng.choice(("id_number", "registered_on", "marital_status"))] = rng.choice(
                    (p["id_number"][:17] + ("0" if p["id_number"][17] != "0" else "1"), "2019-02-30", "已离"))
            out.append(row)
    elif code == "MZ_CJRXX":
        for i, p in enumerate(people):
            drawn = rng.random() if i != 1 else 0.0
            if i == 0 and drawn > 0.05:  # 张明华 holds a 残疾人证 too (免提交 of the disability items keeps its
                # promise for both demo people), written without drawing so the generated rows stay as they were
                out.append({"id_number": p["id_number"], "name": p["name"], "disability_type": "视力", "grade": "四级",
                            "certificate_no": p["id_number"] + "14", "issued_on": "2019-05-20", "diagnosis": "（略）"})
                continue
            if (i != 1 and drawn > 0.05) or _age(_birth(p["id_number"])) < 3:
                continue
            out.append({"id_number": p["id_number"], "name": p["name"],
                        "disability_type": "肢体" if i == 1 else rng.choice(("视力", "听力", "言语", "肢体", "肢体", "智力", "精神")),
                        "grade": "三级" if i == 1 else rng.choice(("一级", "二级", "三级", "四级", "四级")),
                        "certificate_no": p["id_number"] + rng.choice("1234567") + str(rng.randint(1, 4)),
                        "issued_on": (dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 5000))).isoformat(),
                        "diagnosis": "（略）"})
    elif code == "JY_XJXX":
        grades = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级", "高一", "高二", "高三")
        for p in people:
            age = _age(_birth(p["id_number"]), dt.date(2026, 9, 1))
            if not 6 <= age <= 17:
                continue
            grade = grades[age - 6]
            school = SCHOOLS[rng.randrange(0, 3)] if age < 12 else SCHOOLS[rng.randrange(3, 6)] if age < 15 else SCHOOLS[6]
            out.append({"id_number": p["id_number"], "name": p["name"], "school": school, "grade": grade,
                        "enrolled_on": f"{2026 - (age - 6 if age < 12 else age - 12 if age < 15 else age - 15)}-09-01"})
    elif code == "ZJ_GJJJC":
        for i, p in enumerate(adults):
            if i > 0 and rng.random() > 0.3:
                continue
            out.append({"id_number": p["id_number"], "name": p["name"],
                        "account_status": "正常" if i == 0 or rng.random() < 0.85 else "封存",
                        "monthly_deposit": str(rng.randrange(300, 3000, 10)), "balance": str(rng.randrange(0, 200000, 10)),
                        "opened_on": (dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 6500))).isoformat()})
    return out


def rows_csv(code: str) -> bytes:
    """One resource's demo rows as a UTF-8 CSV file (header: field names)."""
    rows = _rows(code)
    spec = next(r for r in RESOURCES if r["code"] == code)
    names = [f["name"] for f in spec["fields"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# ------------------------------------------------------------------------------ seeding


def seed_exchange(*, actor: User | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Create (or complete) the demo catalogue, data, negative list, subscriptions, 免提交 proofs and
    a few accesses. Needs ``yiwang.core.demo.seed_core`` first (departments and applicants); uses the
    catalogue's items when ``seed_catalog`` has run. Returns counts of what this run created."""
    now = now or timezone.now()
    counts = dict.fromkeys(("resources", "rows_loaded", "negative_entries", "subscriptions", "proofs", "accesses"), 0)
    departments = {d.code: d for d in Department.objects.all()}
    missing = {r["dept"] for r in RESOURCES} - set(departments)
    if missing:
        raise RuntimeError(f"seed_core must run first: departments {sorted(missing)} are missing")
    resources: dict[str, DataResource] = {}
    for spec in RESOURCES:  # the order matters: 一数一源 sources come first
        existed = DataResource.objects.filter(code=spec["code"]).exists()
        resource = services.publish_resource(
            actor=actor, code=spec["code"], name=spec["name"], provider=departments[spec["dept"]], key_kind=spec["key_kind"],
            key_field=spec["key_field"], fields=spec["fields"], description=spec["description"],
            key_label=next(f["label"] for f in spec["fields"] if f["name"] == spec["key_field"]), update_cycle=spec["cycle"],
        )
        counts["resources"] += 0 if existed else 1
        counts["subscriptions"] += _seed_source_subscriptions(actor, spec, resources, departments[spec["dept"]], now)
        if resource.current_version == 0:
            result = services.ingest_dataset(actor=actor, resource=resource, stream=io.BytesIO(rows_csv(spec["code"])),
                                             file_name=f"{spec['code']}-demo.csv", now=now - dt.timedelta(days=30))
            counts["rows_loaded"] += result.dataset.rows_loaded
        resources[spec["code"]] = resource
    for code, field_name, reason, basis in NEGATIVE:
        res = resources[code]
        if not NegativeListEntry.objects.filter(resource=res, field__name=field_name, lifted_at__isnull=True).exists():
            services.add_negative_entry(actor=actor, resource=res, field_name=field_name, reason=reason, legal_basis=basis,
                                        now=now - dt.timedelta(days=29))
            counts["negative_entries"] += 1
    for consumer, code, fields, purpose, basis, state in SUBSCRIPTIONS:
        counts["subscriptions"] += _seed_subscription(actor, departments[consumer], resources[code], fields, purpose, basis,
                                                      state, now)
    counts["proofs"], proof_subs = _seed_proofs(actor, resources, now)
    counts["subscriptions"] += proof_subs
    counts["accesses"] = _seed_accesses(actor, departments, now)
    if any(counts.values()):
        record_audit(actor=actor, event_type="demo_exchange_seeded", subject_type="demo", subject_id="exchange",
                     details=dict(counts))
    return {"resources": len(resources), "counts": counts}


def _seed_source_subscriptions(actor: User | None, spec: dict[str, Any], resources: dict[str, DataResource],
                               consumer: Department, now: dt.datetime) -> int:
    """一数一源: a resource whose fields name another department's authoritative source compares with
    it only under a subscription granting those fields in clear (``policy.may_compare``)."""
    wanted: dict[str, list[str]] = {}
    for f in spec["fields"]:
        if f.get("source"):
            code, name = f["source"].split(".")
            if resources[code].provider_id != consumer.pk:
                wanted.setdefault(code, []).append(name)
    made = 0
    purpose = "一数一源：与权威来源比对"
    for code, names in wanted.items():
        if Subscription.objects.filter(consumer=consumer, resource=resources[code], purpose=purpose).exists():
            continue
        sub = services.request_subscription(actor=actor, consumer=consumer, resource=resources[code], fields=names,
                                            clear_fields=names, purpose=purpose, legal_basis="《政务信息资源共享管理暂行办法》",
                                            now=now - dt.timedelta(days=32))
        services.approve_subscription(actor=actor, subscription=sub, expires_at=now + dt.timedelta(days=365 * 2),
                                      daily_quota=1000, rate_per_minute=60, reason="一数一源核对，同意以原值比对。",
                                      clear_fields=names,
                                      now=now - dt.timedelta(days=31))
        made += 1
    return made


def _seed_subscription(actor: User | None, consumer: Department, resource: DataResource, fields: list[str],
                       purpose: str, basis: str, state: str, now: dt.datetime) -> int:
    if Subscription.objects.filter(consumer=consumer, resource=resource, purpose=purpose).exists():
        return 0
    with transaction.atomic():
        start = now - dt.timedelta(days=200 if state == "expired" else 28)
        sub = services.request_subscription(actor=actor, consumer=consumer, resource=resource, fields=fields,
                                            purpose=purpose, legal_basis=basis, now=start)
        if state == "refused":
            services.refuse_subscription(actor=actor, subscription=sub, now=start + dt.timedelta(days=1),
                                         reason="背景核查不属于参保信息的共享用途，请通过公安渠道办理。")
        elif state in ("approved", "revoked", "expired"):
            services.approve_subscription(
                actor=actor, subscription=sub, now=start + dt.timedelta(days=1),
                expires_at=start + dt.timedelta(days=90 if state == "expired" else 365 * 2),
                daily_quota=5000, rate_per_minute=300, reason="用途与依据明确，同意共享。",
            )
            if state == "revoked":
                services.revoke_subscription(actor=actor, subscription=sub, now=start + dt.timedelta(days=10),
                                             reason="执法核查应逐案申请，不再长期开放。")
    return 1


def _seed_proofs(actor: User | None, resources: dict[str, DataResource], now: dt.datetime) -> tuple[int, int]:
    from yiwang.catalog.models import Material

    created = subs = 0
    needed: dict[tuple[int, str], set[str]] = {}
    for material in Material.objects.filter(name__in=list(PROOFS)).select_related("item__department"):
        code, fields, condition, cfield, cvalue = PROOFS[material.name]
        _proof, made = MaterialProof.objects.get_or_create(
            material=material, resource=resources[code],
            defaults={"fields": fields, "condition": condition, "condition_field": cfield, "condition_value": cvalue,
                      "note": "演示：由数据共享获取，免于提交"},
        )
        created += made
        if material.item.department.pk != resources[code].provider_id:
            needed.setdefault((material.item.department.pk, code), set()).update([*fields, *([cfield] if cfield else [])])
    for (dept_id, code), needed_fields in needed.items():
        consumer = Department.objects.get(pk=dept_id)
        purpose = f"办件免提交：{resources[code].name}"
        if Subscription.objects.filter(consumer=consumer, resource=resources[code], purpose=purpose).exists():
            continue
        sub = services.request_subscription(actor=actor, consumer=consumer, resource=resources[code], fields=sorted(needed_fields),
                                            purpose=purpose, legal_basis="《优化营商环境条例》第三十五条；国务院“一网通办”有关要求",
                                            clear_fields=sorted(needed_fields), now=now - dt.timedelta(days=20))
        services.approve_subscription(actor=actor, subscription=sub, expires_at=now + dt.timedelta(days=365 * 2),
                                      daily_quota=20000, rate_per_minute=600, reason="办件免提交，同意以原值提供。",
                                      clear_fields=sorted(needed_fields),
                                      now=now - dt.timedelta(days=19))
        subs += 1
    return created, subs


def _seed_accesses(actor: User | None, departments: dict[str, Department], now: dt.datetime) -> int:
    """A few staff lookups of the demo people, so that 数据使用记录 and the stewards' review queue are
    not empty. Each is what it says: a staff member at a counter looking a person up with a
    documented reason (no case yet), reviewed afterwards by the provider's steward — never a case
    number the person could not open. (Lookups for the person's own cases appear as they apply.)"""
    from django.contrib.auth import get_user_model

    from yiwang.exchange.models import Channel, LookupReason
    from yiwang.exchange.policy import Consumer, Justification

    people, _orgs = population()
    citizen, citizen2 = people[0]["id_number"], people[1]["id_number"]
    plan = [
        ("ZWFW", "clerk", "GA_RKJBXX", citizen, ["id_number", "name", "address"],
         "综合窗口：申请人在场咨询，核验身份后指导填表", 12),
        ("SCJG", "scjg_reviewer", "GA_RKJBXX", citizen, ["name", "gender", "birth_date"],
         "企业开办咨询：核验拟任法定代表人的身份信息", 9),
        ("ZRZY", "zrzy_reviewer", "MZ_HYDJ", citizen, ["name", "marital_status", "spouse_name"],
         "不动产登记窗口咨询：核验婚姻状况与共有人", 5),
        ("MZ", "mz_reviewer", "GA_RKJBXX", citizen2, ["name", "birth_date", "address"],
         "高龄津贴政策咨询：当事人在场，核验年龄与户籍", 3),
    ]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[p[1] for p in plan])}
    done = 0
    for consumer, username, code, key, fields, purpose, days in plan:
        if AccessLog.objects.filter(purpose=purpose, channel=Channel.WEB).exists():
            continue
        user = users.get(username)
        services.lookup(consumer=Consumer(department=departments[consumer], user=user), resource_code=code, key=key,
                        fields=fields, purpose=purpose, actor=user, channel=Channel.WEB,
                        now=now - dt.timedelta(days=days),
                        justification=Justification(reason_code=LookupReason.IN_PERSON, reason_text=purpose))
        done += 1
    return done


def demo_applicant_keys() -> dict[str, str]:
    """The demo accounts' ID numbers, for docs and tests."""
    return {a.user.username: a.id_number for a in Applicant.objects.filter(user__username__in=["citizen", "citizen2", "enterprise"])}


__all__ = ["seed_exchange", "rows_csv", "population", "SubscriptionStatus"]
