"""Demo appeals for the county: the catch-all department and the 12345 centre, the intake accounts
(dispatcher, agent, grid worker; password as every demo account), Open311 services, sensor rules
and devices, and a few thousand appeals over the last 90 days across channels, categories and
states (bulk-inserted: seeding stays fast). Idempotent: what exists is left as it is."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from yiwang.appeals import geo, hot_topics
from yiwang.appeals.models import (
    Appeal,
    AppealAssignment,
    AppealChannel,
    AppealReport,
    AppealStatus,
    AppealType,
    AssignmentRole,
    Open311Service,
    Rating,
    Sensor,
    SensorRule,
    Urgency,
)
from yiwang.core.demo import DEMO_PASSWORD
from yiwang.core.models import Department, Role, StaffRole
from yiwang.core.services import record_audit

DEPARTMENTS = [("XZFB", "县人民政府办公室", "County Government Office"), ("RX", "12345政务服务便民热线中心",
                                                                   "12345 Hotline Centre")]
ACCOUNTS = [("dispatcher", "RX", Role.DISPATCHER, "12345派单员"), ("agent", "RX", Role.AGENT, "12345热线坐席"),
            ("grid", "XZFB", Role.GRID, "网格员")]
SERVICES = [  # service_code, name, category, group
    ("construction", "城乡建设", "城乡建设", "城市管理"), ("labour", "劳动和社会保障", "劳动和社会保障", "民生"),
    ("education", "教育文体", "教育文体", "民生"), ("commerce", "商贸旅游", "商贸旅游", "市场"),
    ("environment", "环境保护", "环境保护", "环境"), ("health", "卫生计生", "卫生计生", "民生"),
    ("transport", "交通运输", "交通运输", "交通"),
]
RULES = [  # sensor_type, name, operator, threshold, unit, clear after s, category, department, urgency
    ("water_depth", "积水", "gt", 20, "cm", 900, "城乡建设", "ZJ", Urgency.EMERGENCY),
    ("smoke", "烟感", "gt", 0.5, "", 600, "城乡建设", "XF", Urgency.EMERGENCY),
    ("manhole", "井盖位移", "gt", 2, "cm", 1800, "城乡建设", "CG", Urgency.URGENT),
    ("noise", "噪声", "gt", 70, "dB", 1800, "环境保护", "HB", Urgency.NORMAL),
    ("water_quality", "水质", "lt", 5, "mg/L", 3600, "环境保护", "HB", Urgency.URGENT),
]
TOPICS = {  # category → (lead department, titles)
    "城乡建设": ("ZJ", ["小区门口道路破损积水", "老旧小区加装电梯进度慢", "路灯不亮夜间出行不便", "违章搭建占用消防通道",
                    "下水道堵塞污水外溢", "小区停水没有提前通知"]),
    "劳动和社会保障": ("RS", ["工地拖欠农民工工资", "社保转移手续办理难", "公司未签劳动合同", "失业金申领咨询"]),
    "教育文体": ("JY", ["学校周边交通拥堵", "幼儿园收费过高", "课后托管服务咨询", "体育场馆开放时间"]),
    "商贸旅游": ("SCJG", ["超市销售过期食品", "景区门票价格不合理", "商家虚假宣传", "预付卡商家跑路"]),
    "环境保护": ("HB", ["工厂夜间排放废气", "河道漂浮垃圾", "餐馆油烟扰民", "建筑工地夜间施工噪声"]),
    "卫生计生": ("WJ", ["医院挂号排队时间长", "疫苗预约咨询", "诊所无证行医", "药店药品价格高"]),
    "交通运输": ("JT", ["公交班次太少", "出租车拒载", "道路红绿灯时长不合理", "客运站秩序混乱"]),
}

# The board's recurring topic of the week: after the rain of the last few days, flooded underpasses
# and roads, said as people say it (the command board's hot topics show it rising).
FLOOD_WEEK = ["人民路地下通道积水很深，车过不去", "下雨后桥洞下面全是水，电动车熄火了", "地下通道又淹了，积水到膝盖",
              "暴雨后小区门口道路积水，排水太慢", "下穿通道积水严重无法通行，请派人抽水", "一下雨路口就积水，下水道堵了"]


def _accounts() -> int:
    user_model = get_user_model()
    created = 0
    departments = {}
    for code, name, name_en in DEPARTMENTS:
        departments[code], _new = Department.objects.get_or_create(code=code, defaults={"name": name,
                                                                                           "name_en": name_en})
    password = None
    for username, code, role, label in ACCOUNTS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = user_model.objects.create(username=username, password=password, first_name=label, is_active=True)
            created += 1
        StaffRole.objects.get_or_create(user=user, department=departments[code], role=role)
    return created


def _configuration() -> None:
    for code, name, category, group in SERVICES:
        Open311Service.objects.get_or_create(code=code, defaults={"name": name, "category": category, "group": group})
    for sensor_type, name, op, threshold, unit, clear, category, dept, urgency in RULES:
        SensorRule.objects.get_or_create(sensor_type=sensor_type, defaults={
            "name": name, "operator": op, "threshold": threshold, "unit": unit, "clear_after_seconds": clear,
            "category": category, "department_code": dept, "urgency": urgency})
    rng = random.Random(311)  # nosec B311 - demo data, not security
    for n in range(12):
        sensor_type = RULES[n % len(RULES)][0]
        town, col, row = geo.TOWNS[n % len(geo.TOWNS)]
        west, east, south, north = geo._cell(col, row)
        Sensor.objects.get_or_create(device_id=f"{sensor_type}-{n + 1:03d}", defaults={
            "sensor_type": sensor_type, "name": f"{town}{RULES[n % len(RULES)][1]}监测点{n + 1}",
            "latitude": round(rng.uniform(south, north), 6), "longitude": round(rng.uniform(west, east), 6),
            "address": f"{town}"})


def seed_appeals(*, count: int = 3000, now: dt.datetime | None = None) -> dict[str, Any]:
    """Create the demo appeals once (none exist yet); returns what was created."""
    now = now or timezone.now()
    with transaction.atomic():
        accounts = _accounts()
        _configuration()
        if Appeal.objects.exists() or count <= 0:
            return {"accounts": accounts, "appeals": 0}
        departments = {d.code: d for d in Department.objects.all()}
        rng = random.Random(12345)  # nosec B311 - demo data, not security
        channels = [AppealChannel.HOTLINE] * 5 + [AppealChannel.PORTAL] * 3 + [AppealChannel.GRID] * 2 + [
            AppealChannel.OPEN311, AppealChannel.SENSOR]
        appeals, plans = [], []
        for i in range(count):
            category = rng.choice(list(TOPICS))
            lead_code, titles = TOPICS[category]
            received = now - dt.timedelta(minutes=rng.uniform(10, 90 * 24 * 60))
            if now - received < dt.timedelta(days=4) and rng.random() < 0.3:
                category, (lead_code, _titles) = "城乡建设", TOPICS["城乡建设"]
                titles = FLOOD_WEEK
            town, col, row = rng.choice(geo.TOWNS)
            west, east, south, north = geo._cell(col, row)
            urgency = rng.choices([Urgency.NORMAL, Urgency.URGENT, Urgency.EMERGENCY], [0.8, 0.15, 0.05])[0]
            hours = 2 if urgency == Urgency.EMERGENCY else rng.choice([24, 7 * 24, 9 * 24, 21 * 24])
            due = received + dt.timedelta(hours=hours)
            age = now - received
            roll = rng.random()
            if age < dt.timedelta(hours=6) and roll < 0.4:
                status = AppealStatus.TRIAGE
            elif roll < 0.78 - min(0.6, age / dt.timedelta(days=90)):
                status = AppealStatus.HANDLING
            else:
                status = AppealStatus.CLOSED
            if status == AppealStatus.HANDLING and due < now - dt.timedelta(days=2) and rng.random() < 0.9:
                status = AppealStatus.CLOSED  # most handling is done within days of the deadline
            closed = min(now, received + (due - received) * rng.uniform(0.2, 1.3)) if status == AppealStatus.CLOSED else None
            lead = departments.get(lead_code) if status != AppealStatus.TRIAGE else None
            appeals.append(Appeal(
                number=f"{received:%Y%m%d}9{i:06d}", title=rng.choice(titles), body="（演示数据）",
                appeal_type=rng.choice([AppealType.COMPLAINT, AppealType.HELP, AppealType.CONSULT,
                                        AppealType.SUGGESTION]) if rng.random() > 0.1 else AppealType.EVENT,
                urgency=urgency, channel=rng.choice(channels), status=status,
                latitude=round(rng.uniform(south, north), 6), longitude=round(rng.uniform(west, east), 6),
                address=f"{town}", district=town, category=category if lead else "", suggested_category=category,
                suggested_department=lead_code, confidence=round(rng.uniform(0.3, 0.98), 3),
                triage_reason="low_confidence" if not lead else "", lead_department=lead, auto_dispatched=bool(lead),
                received_at=received, dispatched_at=received if lead else None, deadline_rule="general",
                due_at=due, warn_at=due - (due - received) / 5, closed_at=closed,
                reply="已处理完毕（演示）" if closed else "", callback_due_at=closed + dt.timedelta(days=1) if closed else None,
                rating=rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.NOT_SATISFIED], [0.7, 0.2, 0.1])[0]
                if closed and rng.random() < 0.8 else "", urged_at=due if status == AppealStatus.HANDLING and due < now else None))
            plans.append(lead)
        Appeal.objects.bulk_create(appeals, batch_size=1000)
        appeals = list(Appeal.objects.filter(number__in=[a.number for a in appeals]).order_by("id"))
        AppealReport.objects.bulk_create([
            AppealReport(appeal=a, original_appeal=a, channel=a.channel, received_at=a.received_at, text=a.title,
                         token=secrets.token_urlsafe(18)[:24], partner="demo" if a.channel == "open311" else "")
            for a in appeals], batch_size=1000)
        AppealAssignment.objects.bulk_create([
            AppealAssignment(appeal=a, department_id=a.lead_department_id, role=AssignmentRole.LEAD,
                             assigned_at=a.received_at, active=True)
            for a in appeals if a.lead_department_id], batch_size=1000)
        record_audit(actor=None, event_type="demo_appeals_seeded", subject_type="demo", subject_id="appeals",
                     details={"appeals": len(appeals)})
    hot_topics.refresh(now=now)  # the command board's hot topics, before the first scheduled refresh
    return {"accounts": accounts, "appeals": len(appeals)}
