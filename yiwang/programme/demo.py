"""Demo programme (idempotent): the pilot plan as four phases (准备, 建设, 试运行, 验收), six
milestones and sixteen tasks with their dependencies, dated around the day of the first seed (the
plan below is written for 2026-12-06 and shifted by the same number of days): the preparation
phase done and two milestones reached, the construction phase under way with some tasks late, the
budget with one line overrun; last week's report archived so that this week's shows changes; the
programme office (``pmo``) and a leader (``leader``) as demo accounts. Rows are keyed by code:
a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yiwang.core.calendar import local_date
from yiwang.core.demo import DEMO_PASSWORD
from yiwang.core.models import Department, Role, StaffRole
from yiwang.programme import services
from yiwang.programme.models import BudgetLine, Dependency, Milestone, Phase, Programme, Task

ANCHOR = dt.date(2026, 12, 6)
CODE = "PILOT"
NAME = "一网通办试点项目"

PHASES = [("PREP", "准备", "2026-07-01", "2026-08-31"), ("BUILD", "建设", "2026-09-01", "2027-01-31"),
          ("TRIAL", "试运行", "2027-02-01", "2027-04-30"), ("ACCEPT", "验收", "2027-05-01", "2027-06-30")]
# code, phase, name, due, reached
MILESTONES = [
    ("M1", "PREP", "试点实施方案批复", "2026-07-31", "2026-07-28"),
    ("M2", "PREP", "事项清单和数据资源目录发布", "2026-08-31", "2026-09-04"),
    ("M3", "BUILD", "平台主体功能上线", "2026-11-30", None),
    ("M4", "BUILD", "部门系统对接和数据共享完成", "2027-01-31", None),
    ("M5", "TRIAL", "试运行评估通过", "2027-04-30", None),
    ("M6", "ACCEPT", "项目终验", "2027-06-30", None),
]
# code, phase, name, owner, start, end, progress now, progress a week ago, milestone, deliverable, predecessors
TASKS = [
    ("T01", "PREP", "编制试点实施方案", "ZWFW", "2026-07-01", "2026-07-25", 100, 100, "M1", "实施方案", []),
    ("T02", "PREP", "政务服务事项梳理与标准化", "ZWFW", "2026-07-27", "2026-08-25", 100, 100, "M2", "事项清单", ["T01"]),
    ("T03", "PREP", "编制数据资源目录", "GA", "2026-07-27", "2026-08-31", 100, 100, "M2", "数据资源目录", ["T01"]),
    ("T04", "BUILD", "一网通办平台部署", "ZWFW", "2026-09-01", "2026-10-31", 100, 100, "M3", "平台上线报告", ["T02"]),
    ("T05", "BUILD", "综合窗口改造（一窗受理）", "ZWFW", "2026-09-01", "2026-11-15", 100, 95, "M3", "综合窗口", ["T02"]),
    ("T06", "BUILD", "电子证照库建设", "SCJG", "2026-09-15", "2026-12-15", 70, 65, "M4", "证照库", ["T03"]),
    ("T07", "BUILD", "数据共享交换对接", "GA", "2026-11-01", "2026-12-31", 20, 15, "M4", "共享接口", ["T03", "T04"]),
    ("T08", "BUILD", "社保、税务业务系统对接", "RS", "2026-11-01", "2027-01-15", 30, 22, "M4", "对接报告", ["T04"]),
    ("T09", "BUILD", "秒批规则配置", "SW", "2026-11-01", "2026-12-20", 60, 50, None, "规则库", ["T04"]),
    ("T10", "BUILD", "平台主体功能验收测试", "ZWFW", "2026-11-16", "2026-11-30", 80, 70, "M3", "测试报告", ["T04", "T05"]),
    ("T11", "BUILD", "12345 热线并入与诉求派单", "CG", "2026-11-01", "2027-01-20", 40, 35, None, "派单规则", ["T04"]),
    ("T12", "TRIAL", "试运行及问题整改", "ZWFW", "2027-02-01", "2027-03-31", 0, 0, "M5", "整改台账", ["T07", "T08", "T10"]),
    ("T13", "TRIAL", "窗口和审批人员培训", "RS", "2027-01-18", "2027-02-28", 0, 0, None, "培训记录", ["T08"]),
    ("T14", "TRIAL", "好差评与试点指标评估", "ZWFW", "2027-04-01", "2027-04-30", 0, 0, "M5", "评估报告", ["T12"]),
    ("T15", "ACCEPT", "第三方测评", "ZWFW", "2027-05-01", "2027-05-31", 0, 0, "M6", "测评报告", ["T14"]),
    ("T16", "ACCEPT", "项目终验", "ZWFW", "2027-06-01", "2027-06-30", 0, 0, "M6", "验收意见", ["T15"]),
]
# code, name, department, planned (yuan), spend rows (date, amount, note)
BUDGET = [
    ("B01", "平台软件开发", "ZWFW", "3200000", [("2026-08-20", "960000", "首付款 30%"), ("2026-11-05", "1490000", "上线款")]),
    ("B02", "硬件及政务云资源", "ZWFW", "1200000", [("2026-09-10", "1080000", "政务云一年租用")]),
    ("B03", "数据治理与共享对接", "GA", "800000", [("2026-09-30", "400000", "数据治理一期"),
                                                  ("2026-12-02", "465000", "接口改造（增补）")]),
    ("B04", "电子证照库建设", "SCJG", "600000", [("2026-10-15", "310000", "合同首付款")]),
    ("B05", "培训与宣传", "RS", "200000", [("2026-12-01", "20000", "宣传资料印制")]),
    ("B06", "第三方测评与监理", "ZWFW", "400000", [("2026-09-01", "120000", "监理首付款")]),
]
ACCOUNTS = [("pmo", "沈若琳", "ZWFW", Role.PMO, "试点专班办公室（维护计划、预算、周报）"),
            ("leader", "钱国栋", "ZWFW", Role.LEADER, "县领导（只读查看试点计划、预算、周报）")]


def _user(username: str, name: str, department: Department, role: str) -> Any:
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    StaffRole.objects.get_or_create(user=user, department=department, role=role)
    return user


def seed_programme(*, now: dt.datetime | None = None) -> dict[str, Any]:
    # one transaction: a seed that fails half-way leaves nothing behind, so the next run starts over
    with transaction.atomic():
        return _seed(now)


def _seed(now: dt.datetime | None) -> dict[str, Any]:
    if Programme.objects.filter(code=CODE).exists():
        return {"programme": 0}
    now = now or timezone.now()
    shift = local_date(now) - ANCHOR

    def day(text: str) -> dt.date:
        return dt.date.fromisoformat(text) + shift

    departments = {d.code: d for d in Department.objects.all()}
    users = {username: _user(username, name, departments[dept], role) for username, name, dept, role, _d in ACCOUNTS}
    office = users["pmo"]
    programme = Programme.objects.create(code=CODE, name=NAME, starts_on=day(PHASES[0][2]), ends_on=day(PHASES[-1][3]))
    phases = {code: Phase.objects.create(programme=programme, code=code, name=name, starts_on=day(start),
                                         ends_on=day(end), sort_order=i)
              for i, (code, name, start, end) in enumerate(PHASES)}
    milestones = {code: Milestone.objects.create(programme=programme, phase=phases[phase], code=code, name=name,
                                                 due_on=day(due), sort_order=i)
                  for i, (code, phase, name, due, _reached) in enumerate(MILESTONES)}
    tasks = {}
    for i, (code, phase, name, owner, start, end, _now, progress_then, milestone, deliverable, _p) in enumerate(TASKS):
        tasks[code] = Task.objects.create(
            programme=programme, phase=phases[phase], code=code, name=name, owner=departments[owner],
            starts_on=day(start), ends_on=day(end), progress=progress_then, sort_order=i, deliverable=deliverable,
            milestone=milestones[milestone] if milestone else None)
    Dependency.objects.bulk_create([Dependency(predecessor=tasks[p], successor=tasks[code])
                                    for code, *_rest, predecessors in TASKS for p in predecessors])
    # last week: the milestones reached by then, the report archived as it was then
    week_ago = now - dt.timedelta(days=7)
    for code, _phase, _name, _due, reached in MILESTONES:
        if reached and day(reached) <= local_date(week_ago):
            services.reach_milestone(actor=office, milestone=milestones[code], reached_on=day(reached), now=week_ago)
    for code, name, dept, planned, spends in BUDGET:
        line = services.set_budget_line(actor=office, programme=programme, code=code, name=name, planned=planned,
                                        department_id=departments[dept].pk, now=week_ago)
        for spent_on, amount, note in spends:
            if day(spent_on) <= local_date(week_ago):
                services.record_spend(actor=office, line=line, amount=amount, spent_on=day(spent_on), note=note, now=week_ago)
    services.generate_weekly_report(actor=office, programme=programme, now=week_ago)
    # this week: progress, the spend since, the red tasks escalated
    for code, _phase, _name, _owner, _start, _end, progress, *_rest in TASKS:
        if tasks[code].progress != progress:
            services.update_progress(actor=office, task=tasks[code], progress=progress, now=now)
    for code, _phase, _name, _due, reached in MILESTONES:
        if reached and local_date(week_ago) < day(reached) <= local_date(now):
            services.reach_milestone(actor=office, milestone=milestones[code], reached_on=day(reached), now=now)
    for code, _name, _dept, _planned, spends in BUDGET:
        line = BudgetLine.objects.get(programme=programme, code=code)
        for spent_on, amount, note in spends:
            if local_date(week_ago) < day(spent_on) <= local_date(now):
                services.record_spend(actor=office, line=line, amount=amount, spent_on=day(spent_on), note=note, now=now)
    escalated = services.escalate_red_tasks(now=now)
    return {"programme": 1, "tasks": len(tasks), "milestones": len(milestones), "budget_lines": len(BUDGET),
            "escalated": escalated}
