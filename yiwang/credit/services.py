"""Every write of credit supervision: one function per use case, one transaction, audited.

``cases`` (and later ``licenses``) call ``record_from_decision``, ``evaluate_joint_rules`` and
``record_findings``; ``credit`` never imports them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, router, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.catalog.dmn import RulesRejected
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.sanitize import strip_active_content
from yiwang.core import calendar
from yiwang.core.errors import Forbidden, InvalidInput, NotFound
from yiwang.core.models import Applicant, Department, applicant_id_index
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.services import queue_audit, record_audit, validate_applicant_id
from yiwang.core.statements import insert_with_children
from yiwang.core.text import bounded_text, field_text, normalise_line_breaks
from yiwang.core.users import User
from yiwang.credit import joint
from yiwang.credit.errors import CreditErrorCode as Code
from yiwang.credit.facts import (
    EVALUATION_COLUMNS,
    EVALUATION_SQL,
    SubjectFacts,
    evaluation_from_row,
    evaluation_params,
    keep_facts_of,
)
from yiwang.credit.models import (
    CommitmentStatus,
    CreditFinding,
    CreditHistory,
    CreditRecord,
    CreditSubject,
    ItemCreditPolicy,
    JointRuleSet,
    JointRuleVersion,
    ListEntry,
    ListKind,
    Outcome,
    RecordKind,
    RecordSource,
    RecordStatus,
    RepairRequest,
    RepairStatus,
    Severity,
    SubjectKind,
)
from yiwang.credit.permissions import may_decide_repair, may_enter_records
from yiwang.ledger.services import commitment

PUBLISH_WITHIN_WORKING_DAYS = 7  # 双公示: within 7 working days of the decision
# Publicity periods (公示期) and minimum periods before repair, in months, by kind and severity:
# a documented default when the source gives none (docs/credit.md, "Publicity periods").
PUBLICITY_MONTHS = {RecordKind.LICENCE: 36, RecordKind.PENALTY: 36, RecordKind.HONOUR: 36,
                    RecordKind.COMMITMENT: 24, RecordKind.ENFORCEMENT: 60}
MIN_PUBLICITY_MONTHS = {Severity.NONE: 3, Severity.GENERAL: 3, Severity.SERIOUS: 12}
NOTE_CHARS = 2000  # a commitment check's or a repair decision's note (the API's schema reads it too)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def publish_due(decided_on: dt.date) -> dt.date | None:
    """The last day of 双公示 for a decision (7 working days), or None when the working-day calendar
    does not cover that year (old records): then lateness is not claimed either way."""
    try:
        return calendar.add_working_days(decided_on, PUBLISH_WITHIN_WORKING_DAYS)
    except calendar.CalendarYearUnknown:
        return None


def commitment_check_due(decided_on: dt.date) -> dt.date | None:
    try:
        return calendar.add_working_days(decided_on, 20)
    except calendar.CalendarYearUnknown:
        return None


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


# ----------------------------------------------------------------------------------------- subjects


def subject_index(kind: str, id_number: str) -> tuple[str, str]:
    """Validate a subject's number (GB 32100 check character / GB 11643 check digit) and return it
    normalised with its blind index; a wrong number is refused naming the problem."""
    if kind not in SubjectKind.values:
        raise InvalidInput(Code.INVALID_SUBJECT, _("主体类型只能是自然人或法人和其他组织。"), {"kind": kind})
    # the core validator (GB 32100 check character, GB 11643 check digit): one home for the rule
    number = validate_applicant_id(kind=kind, id_number=id_number or "")
    return number, applicant_id_index(kind, number)


def find_subject(kind: str, id_index: str) -> CreditSubject | None:
    return CreditSubject.objects.filter(kind=kind, id_index=id_index).first()


def subject_of_applicant(applicant: Applicant) -> tuple[str, str]:
    """(kind, blind index) of an applicant: the same index the register files subjects under."""
    return applicant.kind, applicant.id_index


# ------------------------------------------------------------------------------- the facts version
# Every writer of a subject's records or list entries bumps the subject's ``facts_version`` in its own
# transaction, here and nowhere else: ``ensure_subject(for_write=True)`` (the writers that find or
# create the subject: a record entered by hand, from a decision or for a commitment; a list entry) and
# ``bump_facts_version`` (the writers that change what exists: a commitment checked, a repair
# approved, an ingestion's subjects). A facts summary is used only under the version it was computed
# from (``facts._SUBJECT_FACTS_SQL``); so every writer, after its write and in the same transaction,
# also keeps the subject's summary under the new version (``keep_facts_summaries``), and the next
# application reads one row instead of computing the facts (issue #12's 2 ms goal held for the first
# application after a write too: docs/benchmarks.md, credit section). A writer outside these services
# (SQL by hand, a data migration) must call ``bump_facts_version``; if it keeps no summary, the next
# application computes the facts and keeps them (or the nightly ``refresh_credit_summaries`` does).

# The bump itself, in one form for every writer: ``bump_facts_version`` (subjects by id),
# ``_bumped_subject`` (found and bumped by number) and ``_create_subject`` (a subject created by a
# concurrent request first: bumped in the same INSERT).
_BUMP_SQL = "facts_version = credit_creditsubject.facts_version + 1"
# The subject's columns named, not ``RETURNING *``: a column added by a later migration would change
# the statement's result type, which a server-side prepared statement refuses until restarted.
_BUMP_ONE_SQL = (f"UPDATE credit_creditsubject SET {_BUMP_SQL} WHERE kind = %s AND id_index = %s RETURNING "
                 + ", ".join(connection.ops.quote_name(f.column) for f in CreditSubject._meta.concrete_fields))


def bump_facts_version(subject_ids: Iterable[int]) -> None:
    """A write changed the records or list entries of these subjects: their facts summaries are no
    longer current. Call inside the writer's transaction. The rows are locked in id order, so that
    two writers of overlapping sets of subjects (two departments' ingestions) cannot deadlock."""
    ids = sorted(set(subject_ids))
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        if connection.vendor == "postgresql" and len(chunk) > 1:
            # FOR NO KEY UPDATE, the strength the UPDATE below takes: FOR UPDATE would also block the
            # KEY SHARE that a new summary row's foreign key check takes on the subject's row, so an
            # application keeping a new summary would wait for this writer while the writer's keep
            # waits for that application's summary row (a deadlock, seen on PostgreSQL)
            list(CreditSubject.objects.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk")
                 .values_list("pk"))
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE credit_creditsubject SET {_BUMP_SQL} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                           chunk)


def keep_facts_summaries(subject_ids: Iterable[int], now: dt.datetime) -> None:
    """A writer's last step: keep the facts summaries of the subjects it wrote, computed on the
    county's date of ``now`` from what its transaction now holds (``facts.keep_facts_of``: one
    set-based statement per 1,000 subjects). Call inside the writer's transaction, after its write
    and after the bump (which holds the subjects' rows: the lock order is subject, then summary)."""
    keep_facts_of(subject_ids, calendar.local_date(now))


def _bumped_subject(kind: str, index: str) -> CreditSubject | None:
    # found and bumped in one statement: a writer that finds its subject pays no statement for the bump
    return next(iter(CreditSubject.objects.raw(_BUMP_ONE_SQL, [kind, index])), None)


def ensure_subject(*, kind: str, id_number: str, name: str, department: Department | None,
                   for_write: bool = False) -> CreditSubject:
    """The subject with this number, created on first use (inside the caller's transaction).
    ``for_write``: the caller is about to add to the subject's records or list entries, so its facts
    version is bumped (``bump_facts_version``) in the same statement that finds or creates it."""
    number, index = subject_index(kind, id_number)
    subject = _bumped_subject(kind, index) if for_write else find_subject(kind, index)
    if subject is not None:
        return subject
    # a subject a concurrent request created first may already have a facts summary: bumped on the conflict
    return _create_subject(kind=kind, number=number, index=index, name=name, department=department, bump=for_write)


def _create_subject(*, kind: str, number: str, index: str, name: str, department: Department | None,
                    bump: bool = False) -> CreditSubject:
    """Create the subject ``(kind, index)`` in one statement, without a savepoint of its own:
    ``INSERT … ON CONFLICT (kind, id_index) DO UPDATE … RETURNING`` (PostgreSQL, SQLite ≥ 3.35).
    A subject a concurrent request created first is kept as it is and its id returned; with
    ``bump``, its facts version is bumped by the same statement (otherwise only its ``kind`` is set,
    to itself). Written by hand rather than by ``bulk_create(update_conflicts=True)``, which can
    only set a column to the inserted value, not increment it (that took one more statement)."""
    name = (name or "").strip()[:200]
    if not name:
        raise InvalidInput(Code.INVALID_SUBJECT, _("新建信用主体须填写名称。"))
    subject = CreditSubject(kind=kind, code=number if kind == SubjectKind.ORGANISATION else "", id_index=index,
                            id_number=number if kind == SubjectKind.PERSON else "", name=name,
                            department=department if kind == SubjectKind.PERSON else None)
    fields = [f for f in CreditSubject._meta.concrete_fields if not f.primary_key]
    # each value as the ORM saves it (the number sealed with SM4, the creation time set)
    values = [f.get_db_prep_save(f.pre_save(subject, True), connection) for f in fields]
    on_conflict = _BUMP_SQL if bump else "kind = excluded.kind"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO credit_creditsubject ({', '.join(f.column for f in fields)}) "
                       f"VALUES ({', '.join(['%s'] * len(fields))}) "
                       f"ON CONFLICT (kind, id_index) DO UPDATE SET {on_conflict} RETURNING id, facts_version", values)
        subject.pk, subject.facts_version = cursor.fetchone()
    subject._state.adding = False
    return subject


# ----------------------------------------------------------------------------------------- records


@dataclass
class RecordInput:
    kind: str
    title: str
    basis: str
    decided_on: dt.date
    decision_no: str = ""
    severity: str = ""
    publicity_end: dt.date | None = None
    commitment_due: dt.date | None = None


def check_record(data: RecordInput, *, today: dt.date | None = None) -> RecordInput:
    """Refuse a record that cannot stand, naming why; else the record as it is stored (its texts
    trimmed, line breaks as LF: what was counted against the column is what is written). ``today``:
    the county's date of the write (default: now, by this server's clock); a decision dated after it
    has not been made yet."""
    if data.kind not in RecordKind.values:
        raise InvalidInput(Code.INVALID_RECORD, _("信用记录类别无效。"), {"kind": data.kind})
    if data.severity not in Severity.values:
        raise InvalidInput(Code.INVALID_RECORD, _("失信程度无效。"), {"severity": data.severity})
    if data.severity and data.kind not in (RecordKind.PENALTY, RecordKind.ENFORCEMENT):
        raise InvalidInput(Code.INVALID_RECORD, _("只有行政处罚和被执行人记录有失信程度。"))
    if not (data.title or "").strip() or not (data.basis or "").strip():
        raise InvalidInput(Code.INVALID_RECORD, _("信用记录须写明事由和依据。"))
    # over its column: refused, never cut; stored as counted (a CR LF counted as one is stored as LF)
    title = field_text(data.title, CreditRecord, "title")
    decision_no = field_text(data.decision_no, CreditRecord, "decision_no")
    if data.decided_on > (today or calendar.local_today()):
        raise InvalidInput(Code.INVALID_RECORD, _("决定日期晚于今天：只能录入已作出的决定。"),
                           {"decided_on": data.decided_on.isoformat()})
    if data.publicity_end is not None and data.publicity_end < data.decided_on:
        raise InvalidInput(Code.INVALID_PERIOD, _("公示截止日期不能早于决定日期。"),
                           {"decided_on": data.decided_on.isoformat(), "publicity_end": data.publicity_end.isoformat()})
    return dataclasses.replace(data, title=title, decision_no=decision_no, basis=normalise_line_breaks(data.basis).strip())


def _new_record(*, subject: CreditSubject, data: RecordInput, department: Department, source: str, source_ref: str,
                actor: User | None, now: dt.datetime) -> CreditRecord:
    """The record and its history row: on PostgreSQL one statement (issue #14), two elsewhere. The
    caller has bumped the subject's facts version (``ensure_subject(for_write=True)``); ``data`` is
    what ``check_record`` returned."""
    today = calendar.local_date(now)
    publicity_end = data.publicity_end or _add_months(data.decided_on, PUBLICITY_MONTHS[data.kind])
    commitment_due = None
    if data.kind == RecordKind.COMMITMENT:
        commitment_due = data.commitment_due or commitment_check_due(data.decided_on)
    record = CreditRecord(
        subject=subject, kind=data.kind, title=data.title, decision_no=data.decision_no,
        source_department=department, basis=data.basis, severity=data.severity, decided_on=data.decided_on,
        publish_due=publish_due(data.decided_on), published_on=today,
        publicity_end=publicity_end,
        min_publicity_end=min(publicity_end, _add_months(data.decided_on, MIN_PUBLICITY_MONTHS[data.severity])),
        commitment_status=CommitmentStatus.PENDING if data.kind == RecordKind.COMMITMENT else "",
        commitment_due=commitment_due, source=source, source_ref=source_ref[:80], created_by=_user(actor),
    )
    history = CreditHistory(subject=subject, event="record_entered", at=now, actor=_user(actor),
                            note=f"{record.get_source_display()} {source_ref}".strip())
    # no receiver follows credit records or their history (they are written without save()'s signals)
    insert_with_children(record, [history], link="record", using=router.db_for_write(CreditRecord))
    # queued: inside an action's audit batch (a decision) it joins the action's one INSERT
    queue_audit(actor=actor, at=now, event_type="credit_record_entered", subject_type="credit_record",
                subject_id=record.pk, actor_department=department,
                details={"kind": record.kind, "subject": subject.public_code, "source": source, "source_ref": source_ref,
                         "late": record.published_late})
    return record


def add_record(*, actor: User | None, subject_kind: str, subject_number: str, subject_name: str,
               department: Department, data: RecordInput, source: str = RecordSource.MANUAL, source_ref: str = "",
               now: dt.datetime | None = None, check_permission: bool = True) -> CreditRecord:
    """Enter one credit record (by hand, by ingestion, or from a decision). A second record with
    the same department, kind and decision number is refused (ingestion skips it)."""
    if check_permission and (actor is None or not may_enter_records(actor, department)):
        raise Forbidden(Code.NOT_SOURCE_DEPARTMENT, _("只有来源部门的信用管理人员可以录入该部门的信用记录。"))
    now = now or timezone.now()
    data = check_record(data, today=calendar.local_date(now))
    with transaction.atomic():
        subject = ensure_subject(kind=subject_kind, id_number=subject_number, name=subject_name, department=department,
                                 for_write=True)
        if data.decision_no and CreditRecord.objects.filter(source_department=department, kind=data.kind,
                                                            decision_no=data.decision_no).exists():
            raise InvalidInput(Code.INVALID_RECORD, _("该部门已录入文书号为 %(no)s 的同类记录。") % {"no": data.decision_no},
                               {"decision_no": data.decision_no})
        record = _new_record(subject=subject, data=data, department=department, source=source,
                             source_ref=source_ref, actor=actor, now=now)
        keep_facts_summaries([subject.pk], now)
        return record


# Every decision reads this: compiled to SQL once per connection (core/precompiled.py).
_RECORD_OF_DECISION = PrecompiledQuery(
    lambda source_ref, kind: CreditRecord.objects.filter(source=RecordSource.DECISION, source_ref=source_ref, kind=kind)[:1],
    source_ref=str, kind=str)


def record_from_decision(*, applicant: Applicant, department: Department, kind: str, title: str, basis: str,
                         decided_at: dt.datetime, reference: str, decision_no: str = "", severity: str = "",
                         publicity_end: dt.date | None = None) -> CreditRecord:
    """A licence granted or a penalty decided in Yiwang itself, into the register without
    re-typing (called by ``cases`` at the decision, and by ``licenses`` when a licence is issued).
    Idempotent per ``reference`` (e.g. ``case:123``). Call inside the decision's transaction."""
    # the register's entry of this decision first, on whichever subject (a retry returns it as it
    # is, whatever has become of the applicant's number since)
    found = _RECORD_OF_DECISION.fetch(source_ref=reference, kind=kind)
    if found:
        return found[0]
    return _new_decision_record(applicant=applicant, department=department, kind=kind, title=title, basis=basis,
                                decided_at=decided_at, reference=reference, decision_no=decision_no,
                                severity=severity, publicity_end=publicity_end)


def _new_decision_record(*, applicant: Applicant, department: Department, kind: str, title: str, basis: str,
                         decided_at: dt.datetime, reference: str, decision_no: str = "", severity: str = "",
                         publicity_end: dt.date | None = None) -> CreditRecord:
    """The register's record of a decision that has none yet (looked for by the caller)."""
    if kind not in (RecordKind.LICENCE, RecordKind.PENALTY):
        raise InvalidInput(Code.INVALID_RECORD, _("只有行政许可和行政处罚决定会自动记入信用档案。"), {"kind": kind})
    # inside the decision's transaction, no savepoint of its own (SAVEPOINT and RELEASE were two of
    # the decision's statements): a failure here fails the decision, as the caller wants; called
    # outside a transaction, this still makes one. The record, its history and audit row are kept.
    with transaction.atomic(savepoint=False):
        # the applicant's number is checked, and its subject found or created, its facts version
        # bumped, as every writer's
        data = RecordInput(kind=kind, title=title, basis=basis, decided_on=calendar.local_date(decided_at),
                           decision_no=decision_no, severity=severity, publicity_end=publicity_end)
        data = check_record(data, today=data.decided_on)  # decided now, by the decision's (the database's) clock
        subject = ensure_subject(kind=applicant.kind, id_number=applicant.id_number, name=applicant.name,
                                 department=department, for_write=True)
        record = _new_record(subject=subject, data=data, department=department, source=RecordSource.DECISION,
                             source_ref=reference, actor=None, now=decided_at)
        keep_facts_summaries([subject.pk], decided_at)
        return record


def check_list_entry(*, kind: str, reason: str, legal_basis: str, starts_on: dt.date, ends_on: dt.date | None,
                     severity: str = "", min_period_end: dt.date | None = None) -> None:
    """Refuse a list entry that cannot stand, naming why (an end before its start …)."""
    if kind not in ListKind.values:
        raise InvalidInput(Code.INVALID_RECORD, _("名单只能是红名单或黑名单。"), {"kind": kind})
    if severity not in Severity.values or (severity and kind != ListKind.BLACK):
        raise InvalidInput(Code.INVALID_RECORD, _("只有黑名单有失信程度。"), {"severity": severity})
    if not (reason or "").strip() or not (legal_basis or "").strip():
        raise InvalidInput(Code.INVALID_RECORD, _("列入名单须写明事由和法律依据。"))
    field_text(reason, ListEntry, "reason")  # over its column: refused, never cut
    if starts_on > calendar.local_today() + dt.timedelta(days=366):
        raise InvalidInput(Code.INVALID_PERIOD, _("名单的起始日期不能晚于一年之后。"), {"starts_on": starts_on.isoformat()})
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(Code.INVALID_PERIOD, _("名单的截止日期（%(end)s）早于起始日期（%(start)s）。")
                           % {"end": ends_on.isoformat(), "start": starts_on.isoformat()},
                           {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    if min_period_end is not None and min_period_end < starts_on:
        raise InvalidInput(Code.INVALID_PERIOD, _("最短期限届满日期不能早于起始日期。"))


def add_list_entry(*, actor: User | None, subject_kind: str, subject_number: str, subject_name: str,
                   department: Department, kind: str, reason: str, legal_basis: str, starts_on: dt.date,
                   ends_on: dt.date | None = None, severity: str = "", min_period_end: dt.date | None = None,
                   now: dt.datetime | None = None, check_permission: bool = True) -> ListEntry:
    """Put a subject on the red or black list (with legal basis, start and end)."""
    if check_permission and (actor is None or not may_enter_records(actor, department)):
        raise Forbidden(Code.NOT_SOURCE_DEPARTMENT, _("只有认定部门的信用管理人员可以列入名单。"))
    check_list_entry(kind=kind, reason=reason, legal_basis=legal_basis, starts_on=starts_on, ends_on=ends_on,
                     severity=severity, min_period_end=min_period_end)
    if kind == ListKind.BLACK and min_period_end is None:
        min_period_end = _add_months(starts_on, MIN_PUBLICITY_MONTHS[severity or Severity.GENERAL])
    now = now or timezone.now()
    with transaction.atomic():
        subject = ensure_subject(kind=subject_kind, id_number=subject_number, name=subject_name, department=department,
                                 for_write=True)
        entry = ListEntry.objects.create(subject=subject, kind=kind, reason=field_text(reason, ListEntry, "reason"),
                                         legal_basis=legal_basis.strip(), department=department, severity=severity,
                                         starts_on=starts_on, ends_on=ends_on, min_period_end=min_period_end,
                                         created_by=_user(actor))
        CreditHistory.objects.create(subject=subject, list_entry=entry, event="list_entry_added", at=now,
                                     actor=_user(actor))
        keep_facts_summaries([subject.pk], now)
        record_audit(actor=actor, at=now, event_type="credit_list_entry_added", subject_type="credit_list_entry",
                     subject_id=entry.pk, actor_department=department, details={"kind": kind, "subject": subject.public_code})
    return entry


def check_commitment(*, actor: User, record_id: int, kept: bool, note: str = "",
                     now: dt.datetime | None = None) -> CreditRecord:
    """Check a commitment (告知承诺) after the fact: kept, or broken (which counts against the
    subject's credit). Only the department that took the commitment checks it."""
    note = bounded_text(note, field="note", label=_("核查说明"), max_chars=NOTE_CHARS)
    now = now or timezone.now()
    with transaction.atomic():
        record = CreditRecord.objects.select_for_update().filter(pk=record_id, kind=RecordKind.COMMITMENT).first()
        if record is None:
            raise NotFound(Code.INVALID_RECORD, _("没有这项信用承诺。"))
        if not may_enter_records(actor, record.source_department):
            raise Forbidden(Code.NOT_SOURCE_DEPARTMENT, _("只有作出承诺所在部门可以核查承诺。"))
        if record.commitment_status != CommitmentStatus.PENDING:
            raise InvalidInput(Code.COMMITMENT_STATE, _("该承诺已核查（%(s)s）。") % {"s": record.get_commitment_status_display()})
        record.commitment_status = CommitmentStatus.KEPT if kept else CommitmentStatus.BROKEN
        record.save(update_fields=["commitment_status"])
        bump_facts_version([record.subject_id])
        keep_facts_summaries([record.subject_id], now)
        CreditHistory.objects.create(subject=record.subject, record=record, event="commitment_checked", at=now,
                                     actor=_user(actor), note=f"{record.commitment_status} {note}".strip())
        record_audit(actor=actor, at=now, event_type="credit_commitment_checked", subject_type="credit_record",
                     subject_id=record.pk, actor_department=record.source_department,
                     details={"status": record.commitment_status})
    return record


# ----------------------------------------------------------------------------------------- joint rules


def publish_joint_rules(*, actor: User | None, key: str, name: str, dmn_xml: str,
                        description: str = "") -> JointRuleVersion:
    """Validate a joint rule table and publish it as the next version of rule set ``key``
    (unchanged file: no new version). A rule that reads an unknown fact is refused, naming it."""
    dmn_xml = strip_active_content(dmn_xml)
    try:
        table, digest = joint.validate(dmn_xml)
    except RulesRejected as exc:
        raise InvalidInput(Code.RULES_REJECTED, _("联合奖惩规则不能使用：%(reason)s") % {"reason": exc}) from exc
    with transaction.atomic():
        rule_set, _created = JointRuleSet.objects.select_for_update().get_or_create(
            key=key, defaults={"name": name, "description": description})
        latest = rule_set.versions.order_by("-version").first()
        if latest is not None and latest.digest == digest:
            return latest
        version = JointRuleVersion.objects.create(
            rule_set=rule_set, version=(latest.version + 1) if latest else 1, dmn_xml=dmn_xml,
            decision_id=table.decision_id, digest=digest, created_by=_user(actor))
        record_audit(actor=actor, event_type="credit_joint_rules_published", subject_type="credit_joint_rule_set",
                     subject_id=rule_set.key, details={"version": version.version, "digest": digest})
    return version


# The latest version of every active joint rule set, in one small query on each application; the
# versions themselves (never changed once published: the admin only appends, and a set's key cannot
# be edited) are built once per process and found again by everything that identifies them, so an
# evaluation builds no ORM objects for them (an id reused by a test database cannot match stale data).
_ACTIVE_VERSIONS_SQL = """
SELECT v.rule_set_id, v.id, v.digest, v.version, s.key FROM credit_jointruleversion v
JOIN credit_jointruleset s ON s.id = v.rule_set_id
WHERE s.is_active = %(active)s
  AND v.version = (SELECT MAX(w.version) FROM credit_jointruleversion w WHERE w.rule_set_id = v.rule_set_id)
"""
# At an application the same statement also reads what the rules read (the item's credit settings
# and the subject's facts: ``facts.EVALUATION_SQL``), as one more row after the versions' rows, so an
# evaluation is one round trip. That row is gated by a condition without columns (an active rule set
# exists): PostgreSQL turns it into a one-time filter and SQLite tests it once before its loops, so
# without active rules the facts are not computed and the statement costs what the versions alone did
# (tests/test_joint_rules.py pins both the statement count and that the facts branch is skipped).
# The same statement also says whether the item is a credit-repair item (a row tagged ``r``, from
# the item's credit settings by primary key; not gated), so that a submission of any other item looks
# nothing up for repair (``cases.services.credit.repair_at_submission``). The last column tags each
# row: ``v`` a version, ``f`` the facts, ``r`` the repair flag.
_VERSION_COLUMNS = 5
_ACTIVE_VERSIONS_AND_FACTS_SQL = (
    _ACTIVE_VERSIONS_SQL.replace("SELECT v.rule_set_id, v.id, v.digest, v.version, s.key",
                                 "SELECT v.rule_set_id, v.id, v.digest, v.version, s.key"
                                 + ", NULL" * EVALUATION_COLUMNS + ", 'v'")
    + "UNION ALL\n"
    "SELECT " + ", ".join(["NULL"] * _VERSION_COLUMNS) + ", e.*, 'f' FROM (" + EVALUATION_SQL + ") e\n"
    "WHERE EXISTS (SELECT 1 FROM credit_jointruleset a WHERE a.is_active = %(active)s)\n"
    "UNION ALL\n"
    "SELECT " + ", ".join(["NULL"] * (_VERSION_COLUMNS + EVALUATION_COLUMNS)) + ", 'r' "
    "FROM credit_itemcreditpolicy r WHERE r.item_id = %(item)s AND r.repairs = %(active)s"
)
_versions: dict[tuple[int, str, int, str], JointRuleVersion] = {}
_versions_lock = threading.Lock()


def _versions_of(rows: list[tuple[Any, ...]]) -> list[JointRuleVersion]:
    """The versions named by rows ``(rule_set_id, id, digest, version, key)``, in rule set order."""
    keys = [tuple(row[1:_VERSION_COLUMNS]) for row in sorted(rows, key=lambda row: row[0])]
    missing = [key[0] for key in keys if key not in _versions]
    if missing:
        # the DMN text is read only when this process has not compiled that version yet (joint._table)
        loaded = JointRuleVersion.objects.filter(pk__in=missing).select_related("rule_set").defer("dmn_xml")
        with _versions_lock:
            _versions.update({(v.pk, v.digest, v.version, v.rule_set.key): v for v in loaded})
    return [_versions[key] for key in keys if key in _versions]


def active_rule_versions() -> list[JointRuleVersion]:
    """The latest version of every active joint rule set."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_VERSIONS_SQL, {"active": True})
        return _versions_of(cursor.fetchall())


def _active_versions_and_facts(*, item: ServiceItem, subject_kind: str, id_index: str, today: dt.date,
                               keep_summary: bool = False,
                               ) -> tuple[list[JointRuleVersion], dict[str, Any], bool, SubjectFacts | None]:
    """The active versions, the facts the rules read (when there are versions: the subject's current
    summary, or computed), whether the item is a credit-repair item: one statement, and one more to
    compute the facts when the subject has no current summary (with ``keep_summary``, the same one
    keeps them as its summary: ``facts.KEEP_FACTS_SQL``)."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_VERSIONS_AND_FACTS_SQL, {
            "active": True, **evaluation_params(kind=subject_kind, id_index=id_index, today=today, item_id=item.pk)})
        rows = cursor.fetchall()
    repair_item = any(row[-1] == "r" for row in rows)
    versions = _versions_of([row for row in rows if row[-1] == "v"])
    if not versions:
        return [], {}, repair_item, None
    facts_row = next((row for row in rows if row[-1] == "f"), None)
    if facts_row is None:
        raise LookupError(f"no service item {item.pk}")
    facts, subject = evaluation_from_row(facts_row[_VERSION_COLUMNS:-1], item_code=item.code, item_type=item.item_type,
                                         kind=subject_kind, id_index=id_index, today=today, keep=keep_summary)
    return versions, facts, repair_item, subject


@dataclass
class FiredRule:
    version: JointRuleVersion
    rule_id: str
    outcome: str
    reason: str
    reason_en: str = ""


@dataclass
class Evaluation:
    """What the joint rules said about one application: the firings and the facts they saw."""

    facts: dict[str, Any]
    fired: list[FiredRule] = field(default_factory=list)
    versions: list[JointRuleVersion] = field(default_factory=list)
    # the item applied for is a credit-repair item (``ItemCreditPolicy.repairs``), read in the same
    # statement: a submission of any other item has no repair request to look up
    repair_item: bool = False

    def has(self, outcome: str) -> bool:
        return any(f.outcome == outcome for f in self.fired)

    @property
    def blocks_instant(self) -> bool:
        """秒批 is not allowed: a person reviews (manual review), or a rule forbids it outright."""
        return self.has(Outcome.MANUAL_REVIEW) or self.has(Outcome.NO_INSTANT)

    def reasons(self, *outcomes: str) -> list[str]:
        return [f.reason for f in self.fired if not outcomes or f.outcome in outcomes]

    def reasons_en(self, *outcomes: str) -> list[str]:
        """The same reasons in English (a rule without ``reason_en`` gives its Chinese reason)."""
        return [f.reason_en or f.reason for f in self.fired if not outcomes or f.outcome in outcomes]


def evaluate_joint_rules(*, item: ServiceItem, subject_kind: str, id_index: str, now: dt.datetime,
                         keep_summary: bool = True) -> Evaluation:
    """Evaluate every active joint rule set for an application of ``item`` by this subject: one
    statement (the versions and the facts, from the subject's facts summary when it is current);
    when it has none, a second computes the facts and keeps them as the summary, so that the next
    application reads one row (unless ``keep_summary`` is false: a caller inside a transaction that
    may then bump the subject's facts version, which must not hold the summary's row lock before the
    subject's). ``record_findings`` writes what fired."""
    today = calendar.local_date(now)
    versions, facts, repair_item, _subject = _active_versions_and_facts(
        item=item, subject_kind=subject_kind, id_index=id_index, today=today, keep_summary=keep_summary)
    if not versions:  # no joint rules configured: nothing to evaluate, the facts were not computed
        return Evaluation(facts={}, repair_item=repair_item)
    evaluation = Evaluation(facts=facts, repair_item=repair_item)
    for version in versions:
        evaluation.versions.append(version)
        for firing in joint.evaluate((version.pk, version.digest), lambda v=version: v.dmn_xml, facts):
            evaluation.fired.append(FiredRule(version, firing.rule_id, firing.outcome, firing.reason, firing.reason_en))
    return evaluation


# Writes the proof of one evaluation as one audit row and returns the row's id: ``details`` is the
# proof (``proof_details``); ``unchanged`` the earlier findings it repeats (a re-evaluation whose
# firings and facts are unchanged), else empty. ``cases`` writes it as the case's timeline event
# (one row per evaluation: the event the case shows is the proof the ledger takes in).
ProofWriter = Callable[[dict[str, Any], list[CreditFinding]], int]


def proof_details(*, stage: str, facts_commitment: str, fired: list[tuple[JointRuleVersion, str, str]],
                  unchanged_since: int | None = None) -> dict[str, Any]:
    """The proof of one evaluation (the one home of its format), carried by one audit row that
    reaches the ledger with the audit stream (``pull_audit_events`` commits the whole row, and
    ``verify_ledger`` reports a row changed after it was logged): the stage, the rule set versions
    (key, number, digest prefix), the rules and outcomes that fired, and
    ``facts = HMAC-SM3(salt, canonical JSON of the facts)``; with ``unchanged_since``, the id of the
    proof this one repeats. Nothing personal."""
    details: dict[str, Any] = {
        "stage": stage, "facts": facts_commitment,
        "fired": [{"set": version.rule_set.key, "v": version.version, "digest": version.digest[:16], "rule": rule[:60],
                   "outcome": outcome} for version, rule, outcome in fired][:20]}
    if unchanged_since is not None:
        details["unchanged_since"] = unchanged_since
    return details


def record_findings(*, case_id: int, case_number: str, stage: str, evaluation: Evaluation, now: dt.datetime,
                    write_proof: ProofWriter, subject_kind: str = "", subject_number: str = "", subject_name: str = "",
                    department_id: int | None = None, pending_material: tuple[int, str] | None = None,
                    ) -> list[CreditFinding]:
    """Keep every firing on the case, with its proof (``proof_details``, written by ``write_proof``
    as one audit row whose id every finding keeps): which rule applied with which facts can be shown
    later by whoever holds the facts and the salt, which stay in ``CreditFinding``; nobody can read
    them from the log. A commitment outcome (告知承诺) records the subject's commitment, to be checked
    later. Call inside the case's transaction; returns nothing written when nothing fired."""
    if not evaluation.fired:
        return []
    salt = secrets.token_bytes(16)
    facts_commitment = commitment(evaluation.facts, salt=salt)
    audit_id = write_proof(proof_details(stage=stage, facts_commitment=facts_commitment,
                                         fired=[(f.version, f.rule_id, f.outcome) for f in evaluation.fired]), [])
    findings = []
    commitment_record = None
    for fired in evaluation.fired:
        if fired.outcome == Outcome.COMMITMENT and commitment_record is None and subject_number and department_id:
            commitment_record = _commitment_for(case_id, case_number, subject_kind, subject_number, subject_name,
                                                Department.objects.get(pk=department_id), fired.reason, now)
        findings.append(CreditFinding(
            case_id=case_id, case_number=case_number or "", stage=stage, rule_version=fired.version,
            rule_id=fired.rule_id[:100], outcome=fired.outcome, reason=fired.reason, reason_en=fired.reason_en,
            facts=evaluation.facts, salt=salt.hex(), facts_commitment=facts_commitment, evaluated_at=now,
            audit_event_id=audit_id,
            pending_material=pending_material[1] if pending_material and fired.outcome == Outcome.TOLERANCE else "",
            pending_material_id=pending_material[0] if pending_material and fired.outcome == Outcome.TOLERANCE else None,
            commitment_record=commitment_record if fired.outcome == Outcome.COMMITMENT else None))
    _insert_findings(findings, facts=evaluation.facts, now=now)
    return findings


# The findings of one evaluation are one INSERT written once here rather than composed by the ORM's
# ``bulk_create`` on every submission (its compilation and per-field adaptation of ~20 columns cost
# 0.8 ms of client CPU for two rows on PostgreSQL, against 2 ms for everything the rules add:
# docs/benchmarks.md, credit4). The columns are the model's own (``_meta``); values are bound.
_FINDING_FIELDS = ("case_id", "case_number", "stage", "rule_version", "rule_id", "outcome", "reason", "reason_en",
                   "facts", "salt", "facts_commitment", "audit_event_id", "pending_material", "pending_material_id",
                   "commitment_record", "evaluated_at")
_finding_sql: dict[tuple[str, int], str] = {}


def _findings_sql(rows: int) -> str:
    sql = _finding_sql.get((connection.vendor, rows))
    if sql is None:
        meta = CreditFinding._meta
        column_of = {f.name: f.column for f in meta.concrete_fields}
        columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in _FINDING_FIELDS)
        values = ", ".join(["(" + ", ".join(["%s"] * len(_FINDING_FIELDS)) + ")"] * rows)
        sql = _finding_sql[connection.vendor, rows] = (f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
                                    f"VALUES {values} RETURNING {connection.ops.quote_name(meta.pk.column)}")
    return sql


def _insert_findings(findings: list[CreditFinding], *, facts: dict[str, Any], now: dt.datetime) -> None:
    """Insert ``findings`` (one evaluation: the same facts and time) in one statement and give each
    its id, as ``bulk_create`` did."""
    facts_json = json.dumps(facts)  # JSONField's own encoding (json.dumps, no encoder)
    at = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = []
    for f in findings:
        params += [f.case_id, f.case_number, f.stage, f.rule_version_id, f.rule_id, f.outcome, f.reason, f.reason_en,
                   facts_json, f.salt, f.facts_commitment, f.audit_event_id, f.pending_material, f.pending_material_id,
                   f.commitment_record_id, at]
    with connection.cursor() as cursor:
        cursor.execute(_findings_sql(len(findings)), params)
        ids = [row[0] for row in cursor.fetchall()]
    for finding, pk in zip(findings, ids, strict=True):
        finding.pk = pk
        finding._state.adding, finding._state.db = False, connection.alias


def _signature(version_id: int, rule_id: str, outcome: str) -> tuple[int, str, str]:
    return version_id, rule_id[:100], outcome


def last_evaluation(case_id: int) -> list[CreditFinding]:
    """The findings of the latest evaluation recorded on the case (one salt per evaluation)."""
    latest = CreditFinding.objects.filter(case_id=case_id).order_by("-evaluated_at", "-id").only("salt").first()
    if latest is None:
        return []
    return list(CreditFinding.objects.filter(case_id=case_id, salt=latest.salt).select_related("rule_version__rule_set")
                .order_by("id"))


def record_reevaluation(*, case_id: int, stage: str, evaluation: Evaluation, now: dt.datetime,
                        write_proof: ProofWriter, **kwargs: Any) -> tuple[list[CreditFinding], list[CreditFinding]]:
    """An evaluation again during the case (at a decision): firings are recorded again only when
    the rules that fired, their outcomes or the facts changed since the case's last recorded
    evaluation. Unchanged, only the proof is written (one audit row naming the rules, with the
    same facts commitment and ``unchanged_since``), so the ledger still shows which rules applied
    at this evaluation and with which facts, and the case is not flooded with copies.
    Returns ``(new findings, the unchanged findings they repeat)``: one of them is empty."""
    previous = last_evaluation(case_id) if evaluation.fired else []
    same = bool(previous) and (
        sorted(_signature(f.rule_version_id, f.rule_id, f.outcome) for f in previous)
        == sorted(_signature(f.version.pk, f.rule_id, f.outcome) for f in evaluation.fired)
        and previous[0].facts == evaluation.facts)
    if not same:
        return record_findings(case_id=case_id, stage=stage, evaluation=evaluation, now=now, write_proof=write_proof,
                               **kwargs), []
    write_proof(proof_details(stage=stage, facts_commitment=previous[0].facts_commitment,
                              fired=[(f.rule_version, f.rule_id, f.outcome) for f in previous],
                              unchanged_since=previous[0].audit_event_id), previous)
    return [], previous


def _commitment_for(case_id: int, case_number: str, kind: str, number: str, name: str, department: Department,
                    reason: str, now: dt.datetime) -> CreditRecord:
    reference = f"case:{case_id}"
    existing = CreditRecord.objects.filter(kind=RecordKind.COMMITMENT, source=RecordSource.DECISION,
                                           source_ref=reference).first()
    if existing is not None:
        return existing
    subject = ensure_subject(kind=kind, id_number=number, name=name, department=department, for_write=True)
    data = RecordInput(kind=RecordKind.COMMITMENT, title=f"告知承诺：{case_number}"[:300],
                       basis=reason or "告知承诺制", decided_on=calendar.local_date(now))
    record = _new_record(subject=subject, data=data, department=department, source=RecordSource.DECISION,
                         source_ref=reference, actor=None, now=now)
    keep_facts_summaries([subject.pk], now)
    return record


def pending_material_id(case_id: int) -> int | None:
    """The material 容缺受理 left pending on this case and not yet supplied, if any."""
    return (CreditFinding.objects.filter(case_id=case_id, outcome=Outcome.TOLERANCE, pending_resolved_at=None)
            .exclude(pending_material_id=None).values_list("pending_material_id", flat=True).first())


def resolve_pending_material(*, case_id: int, material_ids: set[int], now: dt.datetime) -> int:
    """The applicant supplied what 容缺受理 left pending: the findings of the case say so."""
    return CreditFinding.objects.filter(case_id=case_id, outcome=Outcome.TOLERANCE, pending_resolved_at=None,
                                        pending_material_id__in=material_ids).update(pending_resolved_at=now)


# ----------------------------------------------------------------------------------------- repair


def check_repairable(record: CreditRecord | None, entry: ListEntry | None, today: dt.date) -> None:
    """Refuse, naming why, a repair of an entry that is not repairable (yet): the one home of the rule."""
    if record is not None:
        if record.kind == RecordKind.ENFORCEMENT:
            raise InvalidInput(Code.NOT_REPAIRABLE, _("被执行人信息由人民法院公布，不能在此修复。"))
        if record.kind != RecordKind.PENALTY:
            raise InvalidInput(Code.NOT_REPAIRABLE, _("只有失信记录（行政处罚）和黑名单可以申请信用修复。"))
        if record.status != RecordStatus.IN_FORCE or record.publicity_end < today:
            raise InvalidInput(Code.NOT_REPAIRABLE, _("该记录已不在公示期内，无需修复。"))
        if record.min_publicity_end > today:
            raise InvalidInput(Code.NOT_REPAIRABLE,
                               _("该记录（%(sev)s）的最短公示期至 %(day)s 届满，届满前不能修复。")
                               % {"sev": record.get_severity_display(), "day": record.min_publicity_end.isoformat()},
                               {"min_publicity_end": record.min_publicity_end.isoformat()})
    if entry is not None:
        if entry.kind != ListKind.BLACK:
            raise InvalidInput(Code.NOT_REPAIRABLE, _("红名单不需要修复。"))
        if not entry.in_force_on(today):
            raise InvalidInput(Code.NOT_REPAIRABLE, _("该名单已不在有效期内，无需修复。"))
        if entry.min_period_end and entry.min_period_end > today:
            raise InvalidInput(Code.NOT_REPAIRABLE,
                               _("该失信惩戒名单（%(sev)s）的最短期限至 %(day)s 届满，届满前不能修复。")
                               % {"sev": entry.get_severity_display() if entry.severity else _("一般失信"),
                                  "day": entry.min_period_end.isoformat()},
                               {"min_period_end": entry.min_period_end.isoformat()})


def request_repair(*, actor: User | None, subject: CreditSubject, statement: str,
                   record_id: int | None = None, list_entry_id: int | None = None, case_id: int | None = None,
                   case_number: str = "", now: dt.datetime | None = None) -> RepairRequest:
    """A subject applies for credit repair of one record or black-list entry (from the case of the
    repair item). Refused, with the reason, when the entry is not repairable (yet)."""
    now = now or timezone.now()
    if (record_id is None) == (list_entry_id is None):
        raise InvalidInput(Code.NOT_REPAIRABLE, _("请选择一条要修复的失信记录或名单。"))
    if not (statement or "").strip():
        raise InvalidInput(Code.NOT_REPAIRABLE, _("请写明修复申请说明（已纠正失信行为、履行义务的情况）。"))
    record = CreditRecord.objects.filter(pk=record_id, subject=subject).first() if record_id else None
    entry = ListEntry.objects.filter(pk=list_entry_id, subject=subject).first() if list_entry_id else None
    if record is None and entry is None:
        raise NotFound(Code.NOT_REPAIRABLE, _("该主体没有这条记录。"))
    check_repairable(record, entry, calendar.local_date(now))
    department = record.source_department if record is not None else entry.department  # type: ignore[union-attr]  # one of record and entry is always given (the callers' contract)
    with transaction.atomic():
        if RepairRequest.objects.filter(record=record, list_entry=entry, status=RepairStatus.PENDING).exists():
            raise InvalidInput(Code.REPAIR_STATE, _("该记录已有待审核的修复申请。"))
        repair = RepairRequest.objects.create(subject=subject, record=record, list_entry=entry, department=department,
                                              case_id=case_id, case_number=case_number[:32],
                                              statement=statement.strip(), requested_at=now,
                                              requested_by=_user(actor))
        CreditHistory.objects.create(subject=subject, record=record, list_entry=entry, event="repair_requested",
                                     at=now, actor=_user(actor), note=f"repair:{repair.pk}")
        record_audit(actor=actor, at=now, event_type="credit_repair_requested", subject_type="credit_repair",
                     subject_id=repair.pk, details={"subject": subject.public_code, "case_id": case_id})
    return repair


def decide_repair(*, actor: User, repair_id: int, approve: bool, note: str = "",
                  now: dt.datetime | None = None, decided_in_case: bool = False) -> RepairRequest:
    """The source department approves (publicity ends early, history appended) or refuses a repair.
    ``decided_in_case``: the decision is the last approval step of the repair's own case, whose
    workflow has already checked that ``actor`` holds that step in the source department (the
    case's item belongs to it: ``request_repair_in_case``)."""
    note = bounded_text(note, field="note", label=_("审核意见"), max_chars=NOTE_CHARS)
    now = now or timezone.now()
    with transaction.atomic():
        repair = RepairRequest.objects.select_for_update().filter(pk=repair_id).first()
        if repair is None:
            raise NotFound(Code.REPAIR_STATE, _("没有这项修复申请。"))
        if not decided_in_case and not may_decide_repair(actor, repair.department):
            raise Forbidden(Code.NOT_SOURCE_DEPARTMENT, _("信用修复由来源部门审核。"))
        if repair.status != RepairStatus.PENDING:
            raise InvalidInput(Code.REPAIR_STATE, _("该修复申请已审核（%(s)s）。") % {"s": repair.get_status_display()})
        if not approve and not note:
            raise InvalidInput(Code.REPAIR_STATE, _("不予修复时须写明理由。"))
        today = calendar.local_date(now)
        if approve:
            check_repairable(repair.record, repair.list_entry, today)
            if repair.record is not None:
                CreditRecord.objects.filter(pk=repair.record_id).update(status=RecordStatus.REPAIRED, ended_on=today)
            else:
                ListEntry.objects.filter(pk=repair.list_entry_id).update(ended_on=today)
            bump_facts_version([repair.subject_id])
            keep_facts_summaries([repair.subject_id], now)
        repair.status = RepairStatus.APPROVED if approve else RepairStatus.REFUSED
        repair.decision_note, repair.decided_at, repair.decided_by = note, now, actor
        repair.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
        CreditHistory.objects.create(subject=repair.subject, record=repair.record, list_entry=repair.list_entry,
                                     event="repair_approved" if approve else "repair_refused", at=now, actor=actor,
                                     note=repair.decision_note)
        record_audit(actor=actor, at=now, event_type="credit_repair_approved" if approve else "credit_repair_refused",
                     subject_type="credit_repair", subject_id=repair.pk, actor_department=repair.department,
                     details={"subject": repair.subject.public_code})
    return repair


# ----------------------------------------------------------------------------------------- repair as a case
# A subject applies for repair through a case of a repair item (``ItemCreditPolicy.repairs``) of the
# source department: ``cases`` calls ``request_repair_in_case`` inside the submission's transaction
# (a refusal refuses the application, with the reason) and ``decide_repair_in_case`` when the case is
# decided (approved: the repair is approved; rejected: refused with the decider's reason), or
# ``close_repair_in_case`` when the case ends without a decision (refused at the window, withdrawn).

REPAIR_TARGET_FIELD = "credit_entry"  # the form field naming what to repair: R<record id> or L<list entry id>
REPAIR_STATEMENT_FIELD = "repair_statement"  # the form field with the applicant's statement


def repair_target(target: CreditRecord | ListEntry) -> str:
    """The number an applicant quotes for a record or a list entry to repair (shown on 我的信用)."""
    return f"{'R' if isinstance(target, CreditRecord) else 'L'}{target.pk}"


def _parse_target(value: str) -> tuple[int | None, int | None]:
    value = (value or "").strip().upper()
    if len(value) < 2 or value[0] not in "RL" or not value[1:].isdigit() or len(value) > 12:
        raise InvalidInput(Code.NOT_REPAIRABLE,
                           _("请填写要修复的记录编号（在“我的信用”页面每条可修复记录旁显示，如 R12 或 L3）。"),
                           {"field": REPAIR_TARGET_FIELD})
    number = int(value[1:])
    return (number, None) if value[0] == "R" else (None, number)


def request_repair_in_case(*, actor: User | None, item: ServiceItem, applicant: Applicant,
                           form_data: dict[str, Any], case_id: int, case_number: str,
                           now: dt.datetime, repair_item: bool | None = None) -> RepairRequest | None:
    """The repair request of a case of a repair item, or None when the item is not one. Refused,
    naming why, when the entry is not the applicant's, not repairable (yet), or filed by another
    department than the one the item belongs to. ``repair_item``: whether the item is a repair item,
    when the caller has read it already (``Evaluation.repair_item``); None: read here."""
    if repair_item is None:
        repair_item = ItemCreditPolicy.objects.filter(item_id=item.pk, repairs=True).exists()
    if not repair_item:
        return None
    subject = find_subject(*subject_of_applicant(applicant))
    if subject is None:
        raise NotFound(Code.SUBJECT_NOT_FOUND, _("信用档案中没有申请人的记录，没有需要修复的失信信息。"))
    record_id, entry_id = _parse_target(str(form_data.get(REPAIR_TARGET_FIELD, "")))
    record = CreditRecord.objects.filter(pk=record_id, subject=subject).select_related("source_department").first() \
        if record_id else None
    entry = ListEntry.objects.filter(pk=entry_id, subject=subject).select_related("department").first() \
        if entry_id else None
    if record is None and entry is None:
        raise NotFound(Code.NOT_REPAIRABLE, _("申请人的信用档案中没有编号为 %(no)s 的记录。")
                       % {"no": str(form_data.get(REPAIR_TARGET_FIELD, ""))[:12]})
    department = record.source_department if record is not None else entry.department  # type: ignore[union-attr]  # one of record and entry is always given (the callers' contract)
    if department.pk != item.department_id:
        raise InvalidInput(Code.NOT_SOURCE_DEPARTMENT,
                           _("该记录由%(dept)s认定，信用修复须向%(dept)s申请（办理%(dept)s的信用修复事项）。")
                           % {"dept": department.name})
    return request_repair(actor=actor, subject=subject, statement=str(form_data.get(REPAIR_STATEMENT_FIELD, "")),
                          record_id=record_id, list_entry_id=entry_id, case_id=case_id, case_number=case_number,
                          now=now)


# Every decision asks this (a case has a pending repair only if it is a repair case): compiled to SQL
# once per connection (core/precompiled.py).
_PENDING_REPAIR_OF_CASE = PrecompiledQuery(
    lambda case_id: RepairRequest.objects.filter(case_id=case_id, status=RepairStatus.PENDING)
    .order_by("pk").values_list("pk", flat=True)[:1], case_id=int)


_REPAIR, _RECORD = 1, 2
# A person's decision of a licence asks both at once (issue #14: one statement, not two): the case's
# pending repair and the register's entry this decision made already (a retry), tagged.
_PENDING_REPAIR_AND_RECORD_OF_DECISION = PrecompiledQuery(
    lambda case_id, source_ref, kind: RepairRequest.objects.filter(case_id=case_id, status=RepairStatus.PENDING)
    .order_by().values_list("pk", Value(_REPAIR)).union(
        CreditRecord.objects.filter(source=RecordSource.DECISION, source_ref=source_ref, kind=kind)
        .order_by().values_list("pk", Value(_RECORD)), all=True),
    case_id=int, source_ref=str, kind=str)


def decide_repair_in_case(*, actor: User, case_id: int, approve: bool, note: str,
                          now: dt.datetime) -> RepairRequest | None:
    """The repair case was decided: approve or refuse its repair (None: the case has none)."""
    return decide_case_in_register(actor=actor, case_id=case_id, approve=approve, note=note, now=now)


def decide_case_in_register(*, actor: User | None, case_id: int, approve: bool, note: str, now: dt.datetime,
                            record: dict[str, Any] | None = None) -> RepairRequest | None:
    """A case's decision in the register, inside the decision's transaction. A person's decision
    (``actor``) of a repair case approves or refuses its repair (returned; None: the case has none;
    a decision by rules, 秒批, decides no repair); ``record`` (``record_from_decision``'s arguments),
    a licence granted, goes in as the register's record. What both ask first, the case's pending
    repair and the record this decision already made (a retry), is one read."""
    repair_id, record_id = None, None
    if actor is not None and record is not None:
        rows = _PENDING_REPAIR_AND_RECORD_OF_DECISION.fetch(case_id=case_id, source_ref=record["reference"],
                                                           kind=record["kind"])
        repair_id = min((pk for pk, what in rows if what == _REPAIR), default=None)  # as order_by("pk")[:1]
        record_id = min((pk for pk, what in rows if what == _RECORD), default=None)
    elif actor is not None:
        found = _PENDING_REPAIR_OF_CASE.fetch(case_id=case_id)
        repair_id = found[0] if found else None
    repair = None
    if repair_id is not None and actor is not None:
        repair = decide_repair(actor=actor, repair_id=repair_id, approve=approve, note=note, now=now,
                               decided_in_case=True)
    if record is not None:
        if actor is None:
            record_from_decision(**record)
        elif record_id is None:  # else this decision's record is in the register already
            _new_decision_record(**record)
    return repair


def close_repair_in_case(*, actor: User | None, case_id: int, reason: str, withdrawn: bool,
                         now: dt.datetime) -> RepairRequest | None:
    """The repair case ended without a decision on the merits: refused at the window (with its
    reason) or withdrawn by the applicant. The request is closed, the history says so."""
    with transaction.atomic():
        repair = RepairRequest.objects.select_for_update().filter(case_id=case_id, status=RepairStatus.PENDING).first()
        if repair is None:
            return None
        repair.status = RepairStatus.WITHDRAWN if withdrawn else RepairStatus.REFUSED
        # bounded where it entered (the window's refusal, the applicant's withdrawal): kept whole
        repair.decision_note = normalise_line_breaks(reason or "").strip()
        repair.decided_at, repair.decided_by = now, _user(actor)
        repair.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
        CreditHistory.objects.create(subject=repair.subject, record=repair.record, list_entry=repair.list_entry,
                                     event="repair_withdrawn" if withdrawn else "repair_refused", at=now,
                                     actor=_user(actor), note=repair.decision_note)
        record_audit(actor=actor, at=now, event_type="credit_repair_withdrawn" if withdrawn else "credit_repair_refused",
                     subject_type="credit_repair", subject_id=repair.pk, details={"subject": repair.subject.public_code,
                                                                                  "case_id": case_id})
    return repair
