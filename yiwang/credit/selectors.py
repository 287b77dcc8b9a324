"""Reads of credit supervision: a subject's status, level, lists and records; the report body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yiwang.core import calendar
from yiwang.core.errors import DomainError, NotFound
from yiwang.core.ids import is_valid_citizen_id, normalize_id
from yiwang.core.models import applicant_id_index
from yiwang.core.services import validate_applicant_id
from yiwang.credit.errors import CreditErrorCode as Code
from yiwang.credit.facts import facts_by_index, level_from_facts, status_from_facts, subject_facts
from yiwang.credit.models import (
    CreditHistory,
    CreditRecord,
    CreditResource,
    CreditSubject,
    ItemCreditPolicy,
    ListEntry,
    ListKind,
    RecordKind,
    RecordStatus,
    RepairRequest,
    RepairStatus,
    SubjectKind,
)


def credit_status_of(kind: str, id_index: str, today: dt.date) -> str:
    """``black`` / ``red`` / ``normal`` / ``unrecorded`` for a subject found by its blind index."""
    return status_from_facts(facts_by_index(kind, id_index, today))


def subject_by_code(code: str) -> CreditSubject:
    """A subject by the code the API takes: a unified social credit code, a citizen ID number
    (looked up by its blind index, never stored in clear), or a person's public code ``P…``.
    A credit code with a wrong check character is refused as such, not reported as unknown."""
    value = normalize_id(code or "")
    subject = None
    if value.startswith("P") and len(value) == 17:
        subject = CreditSubject.objects.filter(kind=SubjectKind.PERSON, id_index__startswith=value[1:].lower()).first()
    elif len(value) == 18 and is_valid_citizen_id(value):
        subject = CreditSubject.objects.filter(kind=SubjectKind.PERSON,
                                               id_index=applicant_id_index(SubjectKind.PERSON, value)).first()
    else:
        value = validate_applicant_id(kind=SubjectKind.ORGANISATION, id_number=value)
        subject = CreditSubject.objects.filter(kind=SubjectKind.ORGANISATION, code=value).first()
    if subject is None:
        raise NotFound(Code.SUBJECT_NOT_FOUND, _("信用档案中没有该主体的记录（未建档，不代表信用良好）。"))
    return subject


@dataclass
class SubjectView:
    subject: CreditSubject
    facts: dict[str, Any]
    level: str | None
    level_version: str
    level_reasons: list[str]
    records: list[CreditRecord]
    entries: list[ListEntry]
    history: list[CreditHistory]
    repairs: list[RepairRequest]
    today: dt.date


def subject_view(subject: CreditSubject, now: dt.datetime) -> SubjectView:
    today = calendar.local_date(now)
    records = list(CreditRecord.objects.filter(subject=subject).select_related("source_department"))
    entries = list(ListEntry.objects.filter(subject=subject).select_related("department"))
    for row in (*records, *entries):
        row.in_force = row.in_force_on(today)  # type: ignore[attr-defined]  # for templates
    facts = subject_facts(subject, today)
    level = level_from_facts(facts)
    history = list(CreditHistory.objects.filter(subject=subject).order_by("at", "id"))
    repairs = list(RepairRequest.objects.filter(subject=subject).order_by("-requested_at"))
    return SubjectView(subject, facts, level.level, level.version, level.reasons, records, entries, history, repairs,
                       today)


def record_out(record: CreditRecord, today: dt.date) -> dict[str, Any]:
    return {"id": record.pk, "kind": record.kind, "kind_label": str(record.get_kind_display()), "title": record.title,
            "decision_no": record.decision_no, "source_department": record.source_department.name,
            "basis": record.basis, "severity": record.severity, "decided_on": record.decided_on.isoformat(),
            "publish_due": record.publish_due.isoformat() if record.publish_due else None, "published_on": record.published_on.isoformat(),
            "published_late": record.published_late, "publicity_end": record.publicity_end.isoformat(),
            "status": record.status, "in_force": record.in_force_on(today),
            "ended_on": record.ended_on.isoformat() if record.ended_on else None,
            "commitment_status": record.commitment_status, "source": record.source}


def entry_out(entry: ListEntry, today: dt.date) -> dict[str, Any]:
    return {"id": entry.pk, "kind": entry.kind, "kind_label": str(entry.get_kind_display()), "reason": entry.reason,
            "legal_basis": entry.legal_basis, "department": entry.department.name, "severity": entry.severity,
            "starts_on": entry.starts_on.isoformat(), "ends_on": entry.ends_on.isoformat() if entry.ends_on else None,
            "ended_on": entry.ended_on.isoformat() if entry.ended_on else None, "in_force": entry.in_force_on(today)}


def report_body(view: SubjectView, *, show_id_number: bool) -> dict[str, Any]:
    """The credit report's content: what the subject's page and API show, and what is signed."""
    subject = view.subject
    return {
        "subject": {"kind": subject.kind, "code": subject.public_code, "name": subject.name,
                    "id_number": subject.id_number if show_id_number and subject.kind == SubjectKind.PERSON else None},
        "as_of": view.today.isoformat(),
        "level": view.level, "level_rules_version": view.level_version, "level_reasons": view.level_reasons,
        "facts": view.facts,
        "lists": [entry_out(e, view.today) for e in view.entries],
        "records": [record_out(r, view.today) for r in view.records],
    }


def subjects(query: str = "") -> QuerySet[CreditSubject]:
    rows = CreditSubject.objects.order_by("name")
    if query:
        rows = rows.filter(name__icontains=query) | rows.filter(code=normalize_id(query))
    return rows


@dataclass
class RepairOption:
    """One record or black-list entry of a subject that repair is about: the number to quote, whether
    it can be repaired today (or why not), the repair item of its source department, and the repair
    request already pending, if any."""

    target: CreditRecord | ListEntry
    reference: str
    repairable: bool
    why_not: str
    item_code: str
    pending: RepairRequest | None


def repair_options(view: SubjectView) -> list[RepairOption]:
    """What the subject could apply to repair (penalties and black-list entries in force)."""
    from yiwang.credit.services import check_repairable, repair_target

    targets: list[CreditRecord | ListEntry] = [
        r for r in view.records if r.kind == RecordKind.PENALTY and r.status == RecordStatus.IN_FORCE
        and r.publicity_end >= view.today]
    targets += [e for e in view.entries if e.kind == ListKind.BLACK and e.in_force_on(view.today)]
    if not targets:
        return []
    items = dict(ItemCreditPolicy.objects.filter(repairs=True, item__is_active=True)
                 .values_list("item__department_id", "item__code"))
    pending = {(r.record_id, r.list_entry_id): r for r in view.repairs if r.status == RepairStatus.PENDING}
    options = []
    for target in targets:
        is_record = isinstance(target, CreditRecord)
        department_id = target.source_department_id if is_record else target.department_id  # type: ignore[union-attr]  # is_record says which of the two model types target is; mypy cannot follow the flag
        why_not = ""
        try:
            check_repairable(target if is_record else None, None if is_record else target, view.today)  # type: ignore[arg-type]  # is_record says which of the two model types target is; mypy cannot follow the flag
        except DomainError as exc:
            why_not = exc.message
        options.append(RepairOption(target, repair_target(target), not why_not, why_not, items.get(department_id, ""),
                                    pending.get((target.pk, None) if is_record else (None, target.pk))))
    return options


def datasets_to_import(actor: Any) -> list[Any]:
    """Versions of credit resources not yet turned into records, of the departments ``actor`` may
    import for (held ones included, to say they wait for the steward), newest first."""
    from yiwang.credit.permissions import may_enter_records
    from yiwang.exchange.models import Dataset, DatasetStatus
    from yiwang.exchange.permissions import is_steward

    sources = CreditResource.objects.select_related("resource__provider")
    out: list[Dataset] = []
    for source in sources:
        provider = source.resource.provider
        if not (is_steward(actor, provider) or may_enter_records(actor, provider)):
            continue
        out += list(Dataset.objects.filter(resource=source.resource, version__gt=source.imported_version,
                                           status__in=[DatasetStatus.LOADED, DatasetStatus.HELD])
                    .select_related("resource__provider").order_by("-version")[:20])
    return out
