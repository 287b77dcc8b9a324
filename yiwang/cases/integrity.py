"""Integrity of what the platform acknowledged, after a crash or a fault (read-only).

Used by ``deploy/drills/check_integrity.py`` after a drill: every submission that got a 2xx exists
exactly once, and nothing is half-written. Each check returns ``Finding`` rows; none writes.

What "half-written" means here, one rule per kind of damage:

* ``case_without_number`` — the case row without the number given in its own transaction;
* ``case_without_submission_audit`` — a case without its ``case_submitted`` audit record;
* ``audit_status_mismatch`` — the latest case audit record names another status than the case
  has: a change without its audit record, or an audit record without its change;
* ``audit_without_case`` — an audit record about a case that does not exist;
* ``review_without_engine`` / ``review_without_open_step`` — a case in review without its workflow
  state or without an open step someone must act on;
* ``open_step_on_finished_case`` — an open step on a case that is no longer in review;
* ``material_without_file`` / ``material_file_damaged`` — an uploaded material (attached or staged)
  whose file is missing or has another size; ``document_without_file`` likewise for a case document;
* ``outbox_stuck`` — a notice copy still pending long after it was due (nothing is sending);
* ``task_stuck`` — a background task left ``RUNNING`` by a worker that died, or ``READY`` and due
  long ago (no worker takes it).

And for the acknowledgements: ``ack_lost`` (no case for an acknowledged key), ``ack_duplicated``
(more than one), ``ack_number_mismatch`` (the case carries another number than the one acknowledged).

Memory does not grow with the database: cases, audit records, materials and documents are read in
keyset pages of ``BATCH`` rows (one short query each, ``LIMIT BATCH`` after the last key seen), and
what is kept between pages is one page and the findings. No query holds a cursor open for the whole
scan (``.iterator()`` would: a server-side cursor on PostgreSQL, whose ``WITH HOLD`` result the
server materialises whole).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import models as dbm
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone

from yiwang.cases.models import Case, CaseDocument, CaseEngineState, CaseMaterial, CaseStatus, CaseStep, StepStatus
from yiwang.core.models import AuditEvent, OutboxMessage, OutboxStatus

# a case in one of these holds steps; in any other, none may stay open
REVIEW_STATES = (CaseStatus.IN_REVIEW,)
BATCH = 2000
# the largest primary key a case can have (bigint): a subject id beyond it names no case
MAX_PK = 2**63 - 1


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def check_acks(acks: Iterable[Mapping[str, Any]]) -> tuple[list[Finding], dict[str, int]]:
    """Every acknowledged key names exactly one case, the one acknowledged."""
    by_key: dict[str, Mapping[str, Any]] = {}
    for ack in acks:
        by_key[str(ack["key"])] = ack  # the same key acknowledged twice (200 after 201) is one submission
    found: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    keys = list(by_key)
    for i in range(0, len(keys), BATCH):
        for pk, key, number in Case.objects.filter(idempotency_key__in=keys[i:i + BATCH]).values_list(
                "pk", "idempotency_key", "number"):
            if key is not None:  # always: the filter matched it
                found[key].append((pk, number))
    findings: list[Finding] = []
    for key, ack in by_key.items():
        cases = found.get(key, [])
        if not cases:
            findings.append(Finding("ack_lost", key, f"acknowledged as {ack.get('case_number')} "
                                    f"(HTTP {ack.get('status')}), no case has this key"))
        elif len(cases) > 1:
            findings.append(Finding("ack_duplicated", key, f"{len(cases)} cases: {', '.join(n or f'(unnumbered, pk {pk})' for pk, n in cases)}"))
        elif ack.get("case_number") and cases[0][1] != ack["case_number"]:
            findings.append(Finding("ack_number_mismatch", key,
                                    f"acknowledged {ack['case_number']}, the case is {cases[0][1]}"))
    return findings, {"acknowledged_keys": len(by_key), "cases_found": sum(len(v) for v in found.values())}


def _pages(queryset: dbm.QuerySet, key: tuple[str, ...], fields: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    """``queryset.values_list(*fields)`` in the order of ``key`` (unique, its fields among
    ``fields``), read in pages of ``BATCH`` rows: each page is one query starting after the last
    key seen, ``(a, b) > (last a, last b)``, which an index on the key's columns answers directly."""
    where = [fields.index(name) for name in key]
    last: tuple[Any, ...] | None = None
    while True:
        page = queryset
        if last is not None:
            page = page.filter(_after(key, last))
        rows = list(page.order_by(*key).values_list(*fields)[:BATCH])
        yield from rows
        if len(rows) < BATCH:
            return
        last = tuple(rows[-1][i] for i in where)


def _after(key: tuple[str, ...], last: tuple[Any, ...]) -> Q:
    """``key > last`` compared as tuples, with the public ORM (Django's tuple lookups are private):
    ``a >= la AND (a > la OR (a = la AND (b > lb OR …)))``; the leading ``a >= la`` is a range an
    index on the key's columns starts from."""
    after = Q(**{f"{key[-1]}__gt": last[-1]})
    for name, value in zip(reversed(key[:-1]), reversed(last[:-1]), strict=True):
        after = Q(**{f"{name}__gt": value}) | (Q(**{name: value}) & after)
    return after if len(key) == 1 else Q(**{f"{key[0]}__gte": last[0]}) & after


def _case_audits() -> dbm.QuerySet:
    return AuditEvent.objects.filter(subject_type="case")


def check_cases() -> list[Finding]:
    findings: list[Finding] = []
    subject = Cast(OuterRef("pk"), output_field=dbm.CharField())
    cases = Case.objects.order_by().annotate(
        submitted_audit=Exists(_case_audits().filter(subject_id=subject, event_type="case_submitted")),
        engine_state=Exists(CaseEngineState.objects.filter(case=OuterRef("pk"))),
        open_step=Exists(CaseStep.objects.filter(case=OuterRef("pk"), status=StepStatus.OPEN)),
    )
    for pk, number, status, audited, engine, open_step in _pages(
            cases, ("pk",), ("pk", "number", "status", "submitted_audit", "engine_state", "open_step")):
        ref = number or f"case#{pk}"
        if not number:
            findings.append(Finding("case_without_number", ref, "the case row has no number"))
        if not audited:
            findings.append(Finding("case_without_submission_audit", ref, "no case_submitted audit record"))
        if status in REVIEW_STATES and not engine:
            findings.append(Finding("review_without_engine", ref, f"status {status} without workflow state"))
        if status in REVIEW_STATES and not open_step:
            findings.append(Finding("review_without_open_step", ref, f"status {status} without an open step"))
        if status not in REVIEW_STATES and open_step:
            findings.append(Finding("open_step_on_finished_case", ref, f"status {status} with an open step"))
    findings += _check_audit_statuses()
    return findings


def _check_audit_statuses() -> list[Finding]:
    """The latest case audit record that names a status names the case's status; every case audit
    record is about a case that exists.

    The records are read in the order of their index (subject, id), so all of one case's records
    come together and each case is judged once its last one is read; the cases are looked up a page
    at a time. Findings come in the order of each subject's first record, as a scan by id gives."""
    findings: list[tuple[int, Finding]] = []
    # subjects whose records are all read: (subject id, its first record's id, its latest record)
    judged: list[tuple[str, int, tuple[int, str, str | None]]] = []

    def judge() -> None:
        pks = {pk for pk in (_case_pk(subject_id) for subject_id, _, _ in judged) if pk is not None}
        cases = {pk: (status, number) for pk, status, number in
                 Case.objects.order_by().filter(pk__in=pks).values_list("pk", "status", "number")}
        for subject_id, first_id, (audit_pk, event_type, status) in judged:
            case_pk = _case_pk(subject_id)
            if case_pk not in cases:
                findings.append((first_id, Finding("audit_without_case", f"audit#{audit_pk}",
                                                   f"{event_type} about case {subject_id}, which does not exist")))
                continue
            case_status, number = cases[case_pk]
            if status is not None and status != case_status:
                findings.append((first_id, Finding(
                    "audit_status_mismatch", number or f"case#{case_pk}",
                    f"latest audit {event_type} (audit#{audit_pk}) says {status}, the case is {case_status}")))
        judged.clear()

    subject: str | None = None
    first_id = 0
    latest: tuple[int, str, str | None] = (0, "", None)
    for pk, subject_id, event_type, details in _pages(
            _case_audits(), ("subject_id", "pk"), ("pk", "subject_id", "event_type", "details")):
        status = details.get("status") if isinstance(details, dict) else None
        if subject_id != subject:
            if subject is not None:
                judged.append((subject, first_id, latest))
                if len(judged) >= BATCH:
                    judge()
            subject, first_id, latest = subject_id, pk, (pk, event_type, status)
        elif status is not None:
            latest = (pk, event_type, status)
    if subject is not None:
        judged.append((subject, first_id, latest))
    judge()
    return [finding for _, finding in sorted(findings, key=lambda pair: pair[0])]


def _case_pk(subject_id: str) -> int | None:
    """The case a case audit record's subject id names, if it can name one."""
    if not (subject_id.isascii() and subject_id.isdigit()):
        return None
    pk = int(subject_id)
    return pk if 0 < pk <= MAX_PK else None


def check_files(*, verify_size: bool = True) -> list[Finding]:
    """Uploaded materials and case documents have their file in storage (of the recorded size)."""
    findings: list[Finding] = []
    materials = CaseMaterial.objects.order_by().filter(Q(source__in=("upload", "scan")) | ~Q(file=""))
    for pk, case_number, name, size in _pages(materials, ("pk",), ("pk", "case__number", "file", "size")):
        ref = f"material#{pk}" + (f" of {case_number}" if case_number else " (staged)")
        findings += _file_finding("material_without_file", "material_file_damaged", ref, name, size, verify_size)
    for pk, case_number, name, size in _pages(CaseDocument.objects.all(), ("pk",),
                                             ("pk", "case__number", "file", "size")):
        findings += _file_finding("document_without_file", "document_file_damaged", f"document#{pk} of {case_number}",
                                  name, size, verify_size)
    return findings


def _file_finding(missing: str, damaged: str, ref: str, name: str, size: int, verify_size: bool) -> list[Finding]:
    if not name:
        return [Finding(missing, ref, "no file recorded")]
    if not default_storage.exists(name):
        return [Finding(missing, ref, f"{name} is not in storage")]
    if verify_size:
        actual = default_storage.size(name)
        if actual != size:
            return [Finding(damaged, ref, f"{name} has {actual} bytes, {size} recorded")]
    return []


def check_outbox(*, now: dt.datetime, stuck_after: dt.timedelta) -> list[Finding]:
    """A pending copy due more than ``stuck_after`` ago: nothing is sending (the cron or the worker
    is down, or a sender died holding its claim and nobody picked it up when the lease ran out)."""
    rows = OutboxMessage.objects.order_by().filter(status=OutboxStatus.PENDING, next_attempt_at__lt=now - stuck_after)
    return [Finding("outbox_stuck", f"outbox#{pk}", f"{kind} for {case_number or '-'}: pending since "
                    f"{due.isoformat()}, {attempts} attempts")
            for pk, kind, case_number, due, attempts in rows.values_list(
                "pk", "kind", "case_number", "next_attempt_at", "attempts")]


def check_tasks(*, now: dt.datetime, stuck_after: dt.timedelta) -> list[Finding]:
    """Background tasks a dead worker left running, or due ones no worker takes."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    old = now - stuck_after
    rows = DBTaskResult.objects.order_by().filter(
        Q(status=TaskResultStatus.RUNNING, started_at__lt=old)
        | Q(status=TaskResultStatus.READY, enqueued_at__lt=old, run_after__lte=now))
    return [Finding("task_stuck", f"task {pk}", f"{path} {status} since {(started or enqueued).isoformat()} "
                    f"(workers {', '.join(workers) or '-'})")
            for pk, path, status, started, enqueued, workers in rows.values_list(
                "pk", "task_path", "status", "started_at", "enqueued_at", "worker_ids")]


def check_all(acks: Iterable[Mapping[str, Any]], *, now: dt.datetime | None = None,
              stuck_after: dt.timedelta = dt.timedelta(minutes=5), verify_size: bool = True) -> dict[str, Any]:
    """Every check; ``{"ok", "counts", "findings", "by_kind"}``."""
    now = now or timezone.now()
    findings, counts = check_acks(acks)
    findings += check_cases()
    findings += check_files(verify_size=verify_size)
    findings += check_outbox(now=now, stuck_after=stuck_after)
    findings += check_tasks(now=now, stuck_after=stuck_after)
    counts["cases"] = Case.objects.count()
    counts["materials"] = CaseMaterial.objects.count()
    counts["outbox_pending"] = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    return {"ok": not findings, "counts": counts, "by_kind": dict(Counter(f.kind for f in findings)),
            "findings": [f.as_dict() for f in findings]}
