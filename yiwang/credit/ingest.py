"""Credit records pushed by departments through the data-sharing ingestion (数据共享归集).

A department publishes a credit resource in the catalogue (``publish_credit_resource``: the fields
below, keyed by the decision number) and pushes files into it as it pushes any dataset: the
exchange's ingestion checks, seals and versions the file (``exchange.ingest.ingest_dataset``).
Each loaded version is then turned into credit records of that department
(``import_credit_dataset``). The rows are read by the department that provided them, so no other
department's data is read and no subscription is needed (ARCHITECTURE: "a department reading its own
resource needs no subscription"). A held dataset becomes records once its steward confirms it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core import calendar
from yiwang.core.errors import DomainError, Forbidden, InvalidInput
from yiwang.core.models import Department
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.credit.errors import CreditErrorCode as Code
from yiwang.credit.models import (
    CreditHistory,
    CreditRecord,
    CreditResource,
    CreditSubject,
    RecordKind,
    RecordSource,
    Severity,
    SubjectKind,
)
from yiwang.credit.permissions import may_enter_records
from yiwang.credit.services import (
    MIN_PUBLICITY_MONTHS,
    PUBLICITY_MONTHS,
    RecordInput,
    _add_months,
    bump_facts_version,
    check_record,
    commitment_check_due,
    keep_facts_summaries,
    publish_due,
    subject_index,
)
from yiwang.exchange import services as exchange
from yiwang.exchange.ingest import ingest_dataset
from yiwang.exchange.models import (
    DataResource,
    DataRow,
    Dataset,
    DatasetStatus,
    FieldStandard,
    FieldType,
    KeyKind,
    Sensitivity,
)
from yiwang.exchange.permissions import is_steward
from yiwang.exchange.rows import unseal

FIELDS: list[dict[str, Any]] = [
    {"name": "record_no", "label": "决定文书号", "required": True, "sensitivity": Sensitivity.PUBLIC},
    {"name": "subject_kind", "label": "主体类型", "field_type": FieldType.ENUM, "allowed_values": ["org", "person"],
     "required": True, "sensitivity": Sensitivity.PUBLIC},
    # a person's ID number is personal: sealed (SM4) in the row, like every personal field
    {"name": "subject_code", "label": "统一社会信用代码或公民身份号码", "required": True,
     "sensitivity": Sensitivity.PERSONAL},
    {"name": "subject_name", "label": "主体名称", "required": True, "sensitivity": Sensitivity.PERSONAL},
    {"name": "kind", "label": "记录类别", "field_type": FieldType.ENUM, "allowed_values": list(RecordKind.values),
     "required": True, "sensitivity": Sensitivity.PUBLIC},
    {"name": "title", "label": "事由", "required": True, "sensitivity": Sensitivity.PUBLIC},
    {"name": "basis", "label": "依据", "required": True, "sensitivity": Sensitivity.PUBLIC},
    {"name": "severity", "label": "失信程度", "field_type": FieldType.ENUM,
     "allowed_values": ["", Severity.GENERAL.value, Severity.SERIOUS.value], "sensitivity": Sensitivity.PUBLIC},
    {"name": "decided_on", "label": "决定日期", "field_type": FieldType.DATE, "standard": FieldStandard.DATE,
     "required": True, "sensitivity": Sensitivity.PUBLIC},
    {"name": "publicity_end", "label": "公示截止日期", "field_type": FieldType.DATE, "standard": FieldStandard.DATE,
     "sensitivity": Sensitivity.PUBLIC},
]


def publish_credit_resource(*, actor: User | None, department: Department, code: str,
                            name: str = "") -> CreditResource:
    """Publish (or update) the department's credit resource in the catalogue and mark it as one."""
    with transaction.atomic():
        resource = exchange.publish_resource(
            actor=actor, code=code, name=name or f"{department.name}信用信息", provider=department,
            key_kind=KeyKind.OTHER, key_field="record_no", fields=FIELDS, key_label="决定文书号", update_cycle="每日",
            description="行政许可、行政处罚（双公示）、表彰奖励、信用承诺、被执行人等信用记录，归集到信用档案。")
        source, _created = CreditResource.objects.get_or_create(resource=resource)
    return source


@dataclass
class CreditImport:
    dataset: Dataset
    created: int = 0
    skipped: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_count: int = 0


def ingest_credit_records(*, actor: User | None, source: CreditResource, stream: BinaryIO,
                          file_name: str = "", file_format: str | None = None,
                          now: dt.datetime | None = None) -> CreditImport:
    """Push one file of credit records: the exchange's ingestion, then the records."""
    now = now or timezone.now()
    result = ingest_dataset(actor=actor, resource=source.resource, stream=stream, file_name=file_name,
                            file_format=file_format, now=now)
    if result.dataset.status != DatasetStatus.LOADED:
        return CreditImport(dataset=result.dataset)
    return import_credit_dataset(actor=actor, dataset=result.dataset, now=now)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# Subjects are looked up this many indexes at a time: a dataset names any number of subjects, and with
# server-side binding (DATABASE_PREPARED_STATEMENTS) PostgreSQL takes at most 65,535 parameters a statement.
SUBJECT_LOOKUP_CHUNK = 1000


def _subjects_by_index(indexes: set[str]) -> dict[tuple[str, str], CreditSubject]:
    ordered = sorted(indexes)
    found: dict[tuple[str, str], CreditSubject] = {}
    for start in range(0, len(ordered), SUBJECT_LOOKUP_CHUNK):
        chunk = ordered[start:start + SUBJECT_LOOKUP_CHUNK]
        found.update({(s.kind, s.id_index): s for s in CreditSubject.objects.filter(id_index__in=chunk)})
    return found


def import_credit_dataset(*, actor: User | None, dataset: Dataset,
                          now: dt.datetime | None = None) -> CreditImport:
    """Turn a loaded version of a credit resource into records (records already entered with the
    same department, kind and decision number are skipped; bad rows are listed, not loaded)."""
    resource: DataResource = dataset.resource
    source = CreditResource.objects.filter(resource=resource).first()
    if source is None:
        raise InvalidInput(Code.INGEST_REJECTED, _("该资源不是信用信息归集资源。"), {"resource": resource.code})
    if not (is_steward(actor, resource.provider) or (actor is not None and may_enter_records(actor, resource.provider))):
        raise Forbidden(Code.NOT_SOURCE_DEPARTMENT,
                        _("只有%(dept)s的数据管理员或信用管理人员可以把该部门的数据集转为信用记录。")
                        % {"dept": resource.provider.name}, {"department": resource.provider.code})
    dataset.refresh_from_db(fields=["status"])
    if dataset.status == DatasetStatus.HELD:
        raise InvalidInput(Code.INGEST_REJECTED, _("该数据集版本待数据管理员确认（数据质量异常被暂扣），确认入库后才能转为信用记录。"),
                           {"status": dataset.status})
    if dataset.status != DatasetStatus.LOADED:
        raise InvalidInput(Code.INGEST_REJECTED, _("数据集尚未入库（%(s)s），不能转为信用记录。")
                           % {"s": dataset.get_status_display()}, {"status": dataset.status})
    now = now or timezone.now()
    for attempt in (1, 2):
        try:
            return _import_rows(actor=actor, dataset=dataset, source=source, now=now)
        except IntegrityError:
            # a subject of the dataset was created by another writer (an entry by hand, a decision)
            # after this import looked its subjects up and before it inserted the new ones (the
            # unique (kind, id_index)): the attempt was rolled back whole, and the next one finds
            # that subject on file. Only once: a second conflict is not that race.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _import_rows(*, actor: User | None, dataset: Dataset, source: CreditResource,
                 now: dt.datetime) -> CreditImport:
    """One attempt of ``import_credit_dataset``, in one transaction."""
    resource: DataResource = dataset.resource
    today = calendar.local_date(now)
    department = resource.provider
    outcome = CreditImport(dataset=dataset)
    with transaction.atomic():
        source = CreditResource.objects.select_for_update().get(pk=source.pk)
        if source.imported_version >= dataset.version:
            raise InvalidInput(Code.INGEST_REJECTED, _("该数据集版本已转为信用记录。"), {"version": dataset.version})
        existing = set(CreditRecord.objects.filter(source_department=department).exclude(decision_no="")
                       .values_list("kind", "decision_no"))
        parsed: list[tuple[str, str, str, RecordInput, str]] = []
        for row in DataRow.objects.filter(resource=resource, version=dataset.version).iterator(chunk_size=2000):
            values = {**row.values, **unseal(row.sealed, context=resource.seal_context)}
            number = str(values.get("record_no") or "")
            try:
                decided_on = _date(values.get("decided_on"))
                if decided_on is None:
                    raise InvalidInput(Code.INVALID_RECORD, _("缺少决定日期。"))
                data = RecordInput(kind=str(values.get("kind") or ""), title=str(values.get("title") or ""),
                                   basis=str(values.get("basis") or ""), decided_on=decided_on,
                                   decision_no=number, severity=str(values.get("severity") or ""),
                                   publicity_end=_date(values.get("publicity_end")))
                data = check_record(data, today=today)  # as stored: its texts trimmed, line breaks LF
                kind = str(values.get("subject_kind") or "")
                code, index = subject_index(kind, str(values.get("subject_code") or ""))
            except (DomainError, ValueError) as exc:
                outcome.rejected_count += 1
                if len(outcome.rejected) < 100:
                    outcome.rejected.append({"record_no": number, "problem": getattr(exc, "message", str(exc))[:200]})
                continue
            if (data.kind, number) in existing:
                outcome.skipped += 1
                continue
            existing.add((data.kind, number))
            parsed.append((kind, code, index, data, str(values.get("subject_name") or "")[:200]))
        subjects = _subjects_by_index({index for _k, _c, index, _d, _n in parsed})
        new_subjects = {}
        for kind, code, index, _data, name in parsed:
            if (kind, index) not in subjects and (kind, index) not in new_subjects:
                new_subjects[(kind, index)] = CreditSubject(
                    kind=kind, code=code if kind == SubjectKind.ORGANISATION else "", id_index=index,
                    id_number=code if kind == SubjectKind.PERSON else "", name=name or code[:6],
                    department=department if kind == SubjectKind.PERSON else None)
        # subjects already on file get records: their facts summaries are no longer current (new subjects
        # have none); in this transaction, as every writer of records does
        bump_facts_version({subjects[(kind, index)].pk for kind, _c, index, _d, _n in parsed
                            if (kind, index) in subjects})
        CreditSubject.objects.bulk_create(list(new_subjects.values()), batch_size=1000)
        subjects.update(_subjects_by_index({i for _k, i in new_subjects}))
        reference = f"dataset:{dataset.pk}"
        records = []
        for kind, _code, index, data, _name in parsed:
            publicity_end = data.publicity_end or _add_months(data.decided_on, PUBLICITY_MONTHS[RecordKind(data.kind)])
            records.append(CreditRecord(
                subject=subjects[(kind, index)], kind=data.kind, title=data.title,
                decision_no=data.decision_no, source_department=department, basis=data.basis,
                severity=data.severity, decided_on=data.decided_on,
                publish_due=publish_due(data.decided_on),
                published_on=today, publicity_end=publicity_end,
                min_publicity_end=min(publicity_end, _add_months(data.decided_on, MIN_PUBLICITY_MONTHS[Severity(data.severity)])),
                commitment_status="pending" if data.kind == RecordKind.COMMITMENT else "",
                commitment_due=commitment_check_due(data.decided_on) if data.kind == RecordKind.COMMITMENT else None,
                source=RecordSource.INGESTED, source_ref=reference,
                created_by=actor if actor is not None and actor.is_authenticated else None))
        created = CreditRecord.objects.bulk_create(records, batch_size=1000)
        CreditHistory.objects.bulk_create(
            [CreditHistory(subject_id=r.subject_id, record_id=r.pk, event="record_entered", at=now, note=reference)
             for r in created], batch_size=1000)
        outcome.created = len(created)
        # every subject that got records, on file before or new, gets its summary kept under its new
        # facts version, set-based (one statement per 1,000 subjects), last in the transaction: the
        # next application of each reads one row
        keep_facts_summaries({r.subject_id for r in created}, now)
        source.imported_version = dataset.version
        source.save(update_fields=["imported_version"])
        record_audit(actor=actor, at=now, event_type="credit_records_ingested", subject_type="exchange_dataset",
                     subject_id=dataset.pk, actor_department=department,
                     details={"resource": resource.code, "version": dataset.version, "created": outcome.created,
                              "skipped": outcome.skipped, "rejected": outcome.rejected_count})
    return outcome

