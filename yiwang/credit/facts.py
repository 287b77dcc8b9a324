"""A subject's credit facts, and its credit level by the documented, versioned rule set.

One home for what the register knows about a subject: joint rules read these facts, 秒批 reads the
status derived from them, the report shows them. ``docs/credit.md`` documents the level rules;
change them only together with ``LEVEL_RULES_VERSION``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from yiwang.credit.models import (
    CommitmentStatus,
    CreditRecord,
    CreditSubject,
    ListEntry,
    ListKind,
    RecordKind,
    RecordStatus,
    Severity,
)

LEVEL_RULES_VERSION = "CL-2026.1"

# What a joint rule may read under ``credit`` (the subject) and ``item`` (the item applied for).
CREDIT_FACTS: dict[str, str] = {
    "recorded": "信用档案中是否有该主体（false 时其余事实均为“无记录”，不是“守信”）",
    "level": "信用等级 A/B/C/D（未建档为 null）",
    "black_listed": "是否在失信惩戒名单（黑名单）期内",
    "red_listed": "是否在守信激励名单（红名单）期内",
    "penalties_12m": "近 12 个月内、公示中的行政处罚次数",
    "serious_penalties": "公示中的严重失信行政处罚次数",
    "enforcement": "是否为被执行人（公示中）",
    "broken_commitments": "近 24 个月未履行的信用承诺次数",
    "pending_commitments": "待核查的信用承诺数",
    "honours_36m": "近 36 个月的表彰奖励次数",
    "licences": "公示中的行政许可数",
}
ITEM_FACTS: dict[str, str] = {
    "code": "事项编码",
    "type": "事项类型",
    "department": "实施部门代码",
    "restricted": "是否限制类事项（失信主体须人工审查）",
    "category": "事项领域",
    "commitment_system": "是否实行告知承诺制",
    "tolerance_allowed": "是否配置了可容缺的材料",
}


@dataclass
class Level:
    level: str | None
    version: str
    reasons: list[str] = field(default_factory=list)


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def subject_facts(subject: CreditSubject | None, today: dt.date, *,
                  records: list[CreditRecord] | None = None,
                  entries: list[ListEntry] | None = None) -> dict[str, Any]:
    """The facts of ``subject`` on ``today`` (two queries; none when ``records``/``entries`` are
    given). ``subject`` None: the register has nothing on it, and the facts say so."""
    if subject is None:
        return {"recorded": False, "level": None, "black_listed": False, "red_listed": False, "penalties_12m": 0,
                "serious_penalties": 0, "enforcement": False, "broken_commitments": 0, "pending_commitments": 0,
                "honours_36m": 0, "licences": 0}
    if records is None:
        records = list(CreditRecord.objects.filter(subject=subject).only(
            "kind", "severity", "decided_on", "publicity_end", "status", "commitment_status"))
    if entries is None:
        entries = list(ListEntry.objects.filter(subject=subject).only("kind", "starts_on", "ends_on", "ended_on"))
    year_ago, two_years, three_years = (_months_before(today, 12), _months_before(today, 24),
                                        _months_before(today, 36))
    facts = {"recorded": True, "black_listed": False, "red_listed": False, "penalties_12m": 0, "serious_penalties": 0,
             "enforcement": False, "broken_commitments": 0, "pending_commitments": 0, "honours_36m": 0, "licences": 0}
    for entry in entries:
        if entry.in_force_on(today):
            facts["black_listed" if entry.kind == ListKind.BLACK else "red_listed"] = True
    for record in records:
        in_force = record.status == RecordStatus.IN_FORCE and record.publicity_end >= today
        if record.kind == RecordKind.PENALTY and in_force:
            if record.decided_on >= year_ago:
                facts["penalties_12m"] += 1
            if record.severity == Severity.SERIOUS:
                facts["serious_penalties"] += 1
        elif record.kind == RecordKind.ENFORCEMENT and in_force:
            facts["enforcement"] = True
        elif record.kind == RecordKind.HONOUR and record.decided_on >= three_years:
            facts["honours_36m"] += 1
        elif record.kind == RecordKind.LICENCE and in_force:
            facts["licences"] += 1
        elif record.kind == RecordKind.COMMITMENT:
            if record.commitment_status == CommitmentStatus.BROKEN and record.decided_on >= two_years:
                facts["broken_commitments"] += 1
            elif record.commitment_status == CommitmentStatus.PENDING:
                facts["pending_commitments"] += 1
    facts["level"] = level_from_facts(facts).level
    return facts


def level_from_facts(facts: dict[str, Any]) -> Level:
    """Credit level rule set ``CL-2026.1`` (docs/credit.md), first match wins:

    D — on the black list, a court enforcement record in publicity, or a serious penalty in publicity;
    C — a penalty in the last 12 months in publicity, or a commitment broken in the last 24 months;
    A — on the red list, or honoured in the last 36 months (and none of the above);
    B — recorded, and none of the above.
    Not recorded: no level (``None``): the absence of records is not good credit."""
    if not facts.get("recorded"):
        return Level(None, LEVEL_RULES_VERSION, ["未建档：信用档案中没有该主体的记录"])
    reasons: list[str] = []
    if facts["black_listed"]:
        reasons.append("在失信惩戒名单期内")
    if facts["enforcement"]:
        reasons.append("被执行人记录公示中")
    if facts["serious_penalties"]:
        reasons.append("严重失信行政处罚公示中")
    if reasons:
        return Level("D", LEVEL_RULES_VERSION, reasons)
    if facts["penalties_12m"]:
        reasons.append(f"近 12 个月行政处罚 {facts['penalties_12m']} 次")
    if facts["broken_commitments"]:
        reasons.append(f"近 24 个月未履行信用承诺 {facts['broken_commitments']} 次")
    if reasons:
        return Level("C", LEVEL_RULES_VERSION, reasons)
    if facts["red_listed"]:
        reasons.append("在守信激励名单期内")
    if facts["honours_36m"]:
        reasons.append(f"近 36 个月表彰奖励 {facts['honours_36m']} 次")
    if reasons:
        return Level("A", LEVEL_RULES_VERSION, reasons)
    return Level("B", LEVEL_RULES_VERSION, ["有档案，无失信记录，无守信激励"])


def status_from_facts(facts: dict[str, Any]) -> str:
    """The one word 秒批 rules read as ``credit``: ``black`` (on the black list), ``red`` (on the
    red list), ``normal`` (recorded, on neither list) or ``unrecorded`` (the register has nothing
    on the subject: never shown as ``normal``)."""
    if not facts.get("recorded"):
        return "unrecorded"
    if facts["black_listed"]:
        return "black"
    if facts["red_listed"]:
        return "red"
    return "normal"
