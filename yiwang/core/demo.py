"""Demo data owned by ``core``: the county's departments, the working-day calendar for 2025–2026,
demo accounts with their staff roles, and about 200 applicants for historical cases.

``seed_core`` is idempotent: a second run creates nothing and changes nothing that is already
right (rows are keyed by department code, date, username and ID number). Names, ID numbers and
phone numbers are generated deterministically, so every run and every machine sees the same county.
The county (某县) and its division code are fictitious; the ID numbers carry valid check characters.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet

from yiwang.core.ids import citizen_id_check_digit, uscc_check_char
from yiwang.core.models import Applicant, ApplicantKind, Department, Role, StaffRole, applicant_id_index
from yiwang.core.services import load_statutory_calendar, record_audit, register_applicant
from yiwang.core.users import User

DEMO_PASSWORD = "yiwang2026"
COUNTY = "某县"
COUNTY_DIVISION_CODE = "330999"  # fictitious county-level division code (GB/T 2260 style)
HISTORICAL_APPLICANT_COUNT = 200

# code, name, English name, is the service centre (综合窗口)
DEPARTMENTS: list[tuple[str, str, str, bool]] = [
    ("ZWFW", "县政务服务管理局", "County Government Services Administration", True),
    ("SCJG", "县市场监督管理局", "County Administration for Market Regulation", False),
    ("GA", "县公安局", "County Public Security Bureau", False),
    ("RS", "县人力资源和社会保障局", "County Human Resources and Social Security Bureau", False),
    ("ZJ", "县住房和城乡建设局", "County Housing and Urban-Rural Development Bureau", False),
    ("ZRZY", "县自然资源局", "County Natural Resources Bureau", False),
    ("SW", "国家税务总局某县税务局", "County Taxation Bureau, State Taxation Administration", False),
    ("WJ", "县卫生健康委员会", "County Health Commission", False),
    ("JY", "县教育局", "County Education Bureau", False),
    ("MZ", "县民政局", "County Civil Affairs Bureau", False),
    ("JT", "县交通运输局", "County Transport Bureau", False),
    ("CG", "县城市管理局", "County Urban Management Bureau", False),
    ("YJ", "县应急管理局", "County Emergency Management Bureau", False),
    ("HB", "生态环境局某县分局", "County Branch, Municipal Ecology and Environment Bureau", False),
    ("WL", "县文化和旅游局", "County Culture and Tourism Bureau", False),
    ("NY", "县农业农村局", "County Agriculture and Rural Affairs Bureau", False),
    ("SL", "县水利局", "County Water Resources Bureau", False),
    ("YB", "县医疗保障局", "County Healthcare Security Bureau", False),
    ("GJJ", "住房公积金管理中心某县管理部", "County Office, Municipal Housing Provident Fund Management Centre", False),
    ("TY", "县退役军人事务局", "County Veterans Affairs Bureau", False),
    ("YC", "县烟草专卖局", "County Tobacco Monopoly Bureau", False),
    ("CL", "县残疾人联合会", "County Disabled Persons' Federation", False),
    ("SF", "县司法局", "County Justice Bureau", False),
    ("XF", "县消防救援大队", "County Fire and Rescue Brigade", False),
]

# Departments whose approvers the brief names; every other department with items gets them too,
# so that every demo item can be processed end to end.
APPROVER_DEPARTMENTS = [code for code, *_rest in DEPARTMENTS if code != "ZWFW"]
STEWARD_DEPARTMENTS = ["GA", "SCJG", "RS", "ZRZY", "SW", "MZ"]

# The statutory calendar lives in ``yiwang.core.holidays_cn`` (2025, 2026; 2027 provisional), loaded
# by ``load_statutory_calendar`` for a demo and for production alike.

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"
)
MALE_GIVEN = "伟强军磊勇杰涛斌明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国志文立新海东晨阳春光荣成永庆德"
FEMALE_GIVEN = "芳娟敏静丽艳娜秀英华玲婷雪慧琳颖倩洁霞红梅兰燕萍琴云莉桂凤月佳怡欣悦雅婧晓璐茜蕾"
TOWNS = ("城关镇", "青禾镇", "白沙镇", "石桥镇", "东岗镇", "云岭乡", "柳溪乡", "南塘街道", "北门街道", "龙泉镇")
STREETS = ("人民路", "解放路", "建设路", "中山路", "文化路", "新华街", "青禾大道", "滨江路", "府前街", "迎宾大道",
           "学府路", "工业园路", "健康路", "丰收路", "环城北路")
VILLAGES = ("石桥村", "柳溪村", "前进村", "红星村", "新民村", "杨家村", "下洋村", "白鹤村", "东山村", "大塘村")
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
                   "177", "180", "186", "187", "188", "189", "199")
TRADE_NAMES = ("恒达", "鑫源", "华兴", "德胜", "宏图", "新锐", "瑞丰", "金穗", "聚福", "永安", "佳禾", "盛世",
               "明远", "益民", "绿源", "天诚", "荣昌", "顺通", "博远", "嘉华", "汇丰", "长青", "兴旺", "和美",
               "福临", "安泰", "锦程", "康源", "诚信", "方圆")
INDUSTRIES = ("餐饮管理有限公司", "建筑工程有限公司", "商贸有限公司", "农业开发有限公司", "物流有限公司",
              "信息技术有限公司", "食品有限公司", "家具制造有限公司", "汽车维修有限公司", "医药连锁有限公司",
              "建材有限公司", "文化传媒有限公司", "旅游开发有限公司", "劳务服务有限公司", "环保科技有限公司",
              "酒店管理有限公司", "物业服务有限公司", "电子商务有限公司")
COOPERATIVES = ("茶叶专业合作社", "果蔬种植专业合作社", "生猪养殖专业合作社", "水稻种植专业合作社", "中药材专业合作社")
ORG_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the USCC charset (no I, O, S, V, Z)


# --- deterministic generators -------------------------------------------------------------------

def person_name(rng: random.Random, *, female: bool) -> str:
    given = FEMALE_GIVEN if female else MALE_GIVEN
    length = 1 if rng.random() < 0.3 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(length))


def citizen_id(rng: random.Random, *, birth: dt.date, female: bool, division: str = COUNTY_DIVISION_CODE) -> str:
    """A valid GB 11643 number: division, birth date, sequence (odd for men, even for women), check."""
    seq = rng.randrange(0, 500) * 2 + (0 if female else 1)
    first17 = f"{division}{birth:%Y%m%d}{seq:03d}"
    return first17 + citizen_id_check_digit(first17)


def _org_code(rng: random.Random) -> str:
    return org_code("MA" + "".join(rng.choice(ORG_CODE_CHARS) for _ in range(6)))


def org_code(body: str) -> str:
    """A nine-character organisation code (GB 11714): eight characters and their MOD 11 check."""
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def uscc(rng: random.Random, *, kind_code: str = "91", division: str = COUNTY_DIVISION_CODE) -> str:
    """A valid GB 32100 code: registering authority and kind, division, organisation code, check."""
    first17 = f"{kind_code}{division}{_org_code(rng)}"
    return first17 + uscc_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def county_address(rng: random.Random) -> str:
    town = rng.choice(TOWNS)
    if town.endswith(("镇", "乡")) and rng.random() < 0.5:
        return f"{COUNTY}{town}{rng.choice(VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
    return f"{COUNTY}{town}{rng.choice(STREETS)}{rng.randint(1, 300)}号"


@functools.cache
def historical_applicant_data() -> tuple[dict[str, str], ...]:
    """The ~200 applicants of historical cases: three quarters people, one quarter organisations.
    Treat the rows as read-only (the result is cached)."""
    rng = random.Random(2026)
    rows: list[dict[str, str]] = []
    used_names: set[str] = set()
    used_numbers: set[str] = set()
    while len(rows) < HISTORICAL_APPLICANT_COUNT:
        if len(rows) % 4 == 3:
            if rng.random() < 0.2:
                name = f"{COUNTY}{rng.choice(TRADE_NAMES)}{rng.choice(COOPERATIVES)}"
                code = uscc(rng, kind_code="93")
            else:
                name = f"{COUNTY}{rng.choice(TRADE_NAMES)}{rng.choice(INDUSTRIES)}"
                code = uscc(rng)
            if name in used_names:
                continue
            used_names.add(name)
            rep = person_name(rng, female=rng.random() < 0.35)
            rows.append({"kind": ApplicantKind.ORGANISATION, "name": name, "id_number": code,
                         "phone": mobile(rng), "address": county_address(rng), "legal_representative": rep})
        else:
            female = rng.random() < 0.5
            birth = dt.date(1938, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 68))
            division = COUNTY_DIVISION_CODE if rng.random() < 0.85 else rng.choice(("330100", "330200", "320100", "340100", "360100"))
            rows.append({"kind": ApplicantKind.PERSON, "name": person_name(rng, female=female),
                         "id_number": citizen_id(rng, birth=birth, female=female, division=division),
                         "phone": mobile(rng), "address": county_address(rng), "legal_representative": ""})
        if rows[-1]["id_number"] in used_numbers:
            rows.pop()
        else:
            used_numbers.add(rows[-1]["id_number"])
    return tuple(rows)


# --- accounts -----------------------------------------------------------------------------------

def demo_accounts() -> list[dict[str, Any]]:
    """Every demo account: username, display name, roles as (department code, role), description."""
    accounts: list[dict[str, Any]] = [
        {"username": "admin", "name": "周立新", "superuser": True, "roles": [], "description": "平台管理员（Django 管理后台）"},
        # 三权分立: one account per administrator role (yiwang/core/admin_roles.py)
        {"username": "sysadmin", "name": "", "roles": [], "admin_role": "system_admin", "description": "系统管理员"},
        {"username": "secadmin", "name": "", "roles": [], "admin_role": "security_admin", "description": "安全管理员"},
        {"username": "auditor", "name": "", "roles": [], "admin_role": "audit_admin", "description": "审计管理员"},
        {"username": "citizen", "name": "张明华", "roles": [], "description": "自然人申请人"},
        {"username": "citizen2", "name": "李秀英", "roles": [], "description": "自然人申请人（80 岁以上，可申领高龄津贴）"},
        {"username": "enterprise", "name": "陈建平", "roles": [], "description": "法人申请人：某县青禾餐饮管理有限公司（法定代表人）"},
        {"username": "clerk", "name": "", "roles": [("ZWFW", Role.CLERK)], "description": "综合窗口受理人员"},
        {"username": "clerk2", "name": "", "roles": [("ZWFW", Role.CLERK)], "description": "综合窗口受理人员"},
        {"username": "supervisor", "name": "", "roles": [("ZWFW", Role.SUPERVISOR)], "description": "电子监察人员"},
    ]
    names = {code: name for code, name, *_rest in DEPARTMENTS}
    for code in APPROVER_DEPARTMENTS:
        accounts.append({"username": f"{code.lower()}_reviewer", "name": "", "roles": [(code, Role.REVIEWER)],
                         "description": f"{names[code]}审查人员"})
        accounts.append({"username": f"{code.lower()}_decider", "name": "", "roles": [(code, Role.DECIDER)],
                         "description": f"{names[code]}审核决定人员"})
    for code, name, *_rest in DEPARTMENTS:
        accounts.append({"username": f"{code.lower()}_head", "name": "", "roles": [(code, Role.HEAD)],
                         "description": f"{name}负责人"})
    for code in STEWARD_DEPARTMENTS:
        accounts.append({"username": f"{code.lower()}_steward", "name": "", "roles": [(code, Role.STEWARD)],
                         "description": f"{names[code]}数据管理员"})
    for account in accounts:
        if not account["name"]:
            rng = random.Random(f"yiwang-staff:{account['username']}")
            account["name"] = person_name(rng, female=rng.random() < 0.45)
        account.setdefault("superuser", False)
    return accounts


CITIZEN = {"name": "张明华", "id_number_17": f"{COUNTY_DIVISION_CODE}19880315041", "phone": "13857612345",
           "address": f"{COUNTY}城关镇人民路 88 号青禾小区 3 幢 201 室"}
CITIZEN2 = {"name": "李秀英", "id_number_17": f"{COUNTY_DIVISION_CODE}19430612042", "phone": "13905760321",
            "address": f"{COUNTY}青禾镇石桥村 5 组 17 号"}
ENTERPRISE = {"name": f"{COUNTY}青禾餐饮管理有限公司", "id_number_17": f"91{COUNTY_DIVISION_CODE}" + org_code("MA2H7K3Q"),
              "phone": "0570-6012888", "address": f"{COUNTY}城关镇府前街 26 号", "legal_representative": "陈建平"}


def _citizen_number(first17: str) -> str:
    return first17 + citizen_id_check_digit(first17)


def _uscc_number(first17: str) -> str:
    return first17 + uscc_check_char(first17)


# --- seeding ------------------------------------------------------------------------------------

def _sync(obj: Any, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``obj`` and save the fields that differ; True when something changed."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def _seed_departments(counts: dict[str, int]) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for order, (code, name, name_en, is_centre) in enumerate(DEPARTMENTS, start=1):
        values = {"name": name, "name_en": name_en, "is_service_centre": is_centre, "sort_order": order * 10}
        dept = Department.objects.filter(code=code).first()
        if dept is None:
            dept = Department.objects.create(code=code, **values)
            record_audit(actor=None, event_type="department_created", subject_type="department", subject_id=code,
                         details={"name": name, "source": "demo"})
            counts["departments_created"] += 1
        elif _sync(dept, values):
            counts["departments_updated"] += 1
        departments[code] = dept
    return departments


def calendar_exceptions() -> dict[dt.date, tuple[bool, str]]:
    """Every day of the statutory calendar that differs from the Monday–Friday rule."""
    from yiwang.core.holidays_cn import STATUTORY_CALENDAR, exceptions_of

    return {day: value for year in STATUTORY_CALENDAR for day, value in exceptions_of(year).items()}


def _seed_calendar(actor: User | None, counts: dict[str, int]) -> None:
    counts["calendar_days_set"] += load_statutory_calendar(actor=actor)["days_set"]


def _seed_users(departments: dict[str, Department], counts: dict[str, int]) -> dict[str, Any]:
    user_model = get_user_model()
    password_hash: str | None = None
    users: dict[str, Any] = {}
    for account in demo_accounts():
        username = account["username"]
        values = {"first_name": account["name"], "is_superuser": account["superuser"],
                  "is_staff": account["superuser"] or bool(account.get("admin_role")), "is_active": True}
        user = user_model.objects.filter(username=username).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = user_model.objects.create(username=username, password=password_hash, **values)
            record_audit(actor=None, event_type="user_created", subject_type="user", subject_id=user.pk,
                         details={"username": username, "source": "demo"})
            counts["users_created"] += 1
        elif _sync(user, values):
            counts["users_updated"] += 1
        for code, role in account["roles"]:
            _row, created = StaffRole.objects.get_or_create(user=user, department=departments[code], role=role)
            if created:
                record_audit(actor=None, event_type="staff_role_granted", subject_type="user", subject_id=user.pk,
                             details={"department": code, "role": str(role), "source": "demo"})
                counts["staff_roles_created"] += 1
        if account.get("admin_role"):
            from yiwang.core.admin_roles import assign_admin_role

            assign_admin_role(actor=None, user=user, role=account["admin_role"])
        users[username] = user
    return users


def _link_applicant(*, actor: User | None, user: Any, counts: dict[str, int], **data: str) -> Applicant:
    if not Applicant.objects.with_id_number(data["kind"], data["id_number"]).exists():
        counts["applicants_created"] += 1
    applicant = register_applicant(actor=actor, user=user, **data)
    if applicant.user_id is None:
        applicant.user = user
        applicant.save(update_fields=["user"])
    return applicant


def seed_core(*, actor: User | None = None) -> dict[str, Any]:
    """Create (or bring up to date) the county's departments, calendar, demo accounts and applicants.

    Returns what a README or a caller needs: the password, the accounts with their roles, the
    demo applicants' ids and the counts of what this run created or changed.
    """
    counts = dict.fromkeys(("departments_created", "departments_updated", "calendar_days_set", "users_created",
                            "users_updated", "staff_roles_created", "applicants_created"), 0)
    with transaction.atomic():
        departments = _seed_departments(counts)
        _seed_calendar(actor, counts)
        users = _seed_users(departments, counts)
        citizen = _link_applicant(
            actor=actor, user=users["citizen"], counts=counts, kind=ApplicantKind.PERSON, name=CITIZEN["name"],
            id_number=_citizen_number(CITIZEN["id_number_17"]), phone=CITIZEN["phone"], address=CITIZEN["address"])
        citizen2 = _link_applicant(
            actor=actor, user=users["citizen2"], counts=counts, kind=ApplicantKind.PERSON, name=CITIZEN2["name"],
            id_number=_citizen_number(CITIZEN2["id_number_17"]), phone=CITIZEN2["phone"], address=CITIZEN2["address"])
        enterprise = _link_applicant(
            actor=actor, user=users["enterprise"], counts=counts, kind=ApplicantKind.ORGANISATION,
            name=ENTERPRISE["name"], id_number=_uscc_number(ENTERPRISE["id_number_17"]), phone=ENTERPRISE["phone"],
            address=ENTERPRISE["address"], legal_representative=ENTERPRISE["legal_representative"])
        existing = set(Applicant.objects.values_list("kind", "id_number"))
        for row in historical_applicant_data():
            if (row["kind"], row["id_number"]) in existing:
                continue
            register_applicant(actor=actor, kind=row["kind"], name=row["name"], id_number=row["id_number"],
                               phone=row["phone"], address=row["address"],
                               legal_representative=row["legal_representative"])
            counts["applicants_created"] += 1
        historical_ids = list(historical_applicants().order_by("id").values_list("id", flat=True))
        if any(counts.values()):
            record_audit(actor=actor, event_type="demo_core_seeded", subject_type="demo", subject_id="core",
                         details=dict(counts))
    return {
        "password": DEMO_PASSWORD,
        "accounts": [
            {"username": a["username"], "name": a["name"], "description": a["description"],
             "superuser": a["superuser"], "roles": [f"{code}:{role}" for code, role in a["roles"]]}
            for a in demo_accounts()
        ],
        "departments": len(departments),
        "calendar_days": len(calendar_exceptions()),
        "applicants": {"citizen": citizen.pk, "citizen2": citizen2.pk, "enterprise": enterprise.pk},
        "historical_applicant_ids": historical_ids,
        "counts": counts,
    }


def historical_applicants() -> QuerySet[Applicant]:
    """The generated applicants without accounts, for historical cases (a queryset)."""
    rows = historical_applicant_data()
    # ID numbers are encrypted: match them through their blind indexes
    indexes = [applicant_id_index(r["kind"], r["id_number"]) for r in rows]
    return Applicant.objects.filter(id_index__in=indexes, user__isnull=True)


# Seeders of apps above ``cases`` (where ``seed_demo`` lives): the top floor (evaluation, insights,
# programme) cannot be imported by the command, so each registers its seeder in its AppConfig.ready.
# ``seed_demo`` runs them in ``order`` after its own, before the demo's history goes onto the ledger.
_DEMO_SEEDERS: dict[str, tuple[int, Any]] = {}


def register_demo_seeder(name: str, seeder: Any, *, order: int = 100) -> None:
    """Register ``seeder()`` (idempotent, returns a short dict for the summary) under ``name``."""
    _DEMO_SEEDERS[name] = (order, seeder)


def registered_demo_seeders() -> list[tuple[str, Any]]:
    return [(name, seeder) for name, (_, seeder) in sorted(_DEMO_SEEDERS.items(), key=lambda kv: (kv[1][0], kv[0]))]
