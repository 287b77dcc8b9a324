"""Intake: an applicant (online) or a clerk (for a walk-in) submits; corrections; withdrawal."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseMaterial, CaseStatus, CaseStep, Channel, MaterialSource, StepStatus
from yiwang.cases.services import credit as credit_rules
from yiwang.cases.services.common import (
    STEP_WINDOW,
    SUPPLY_NOTE_CHARS,
    WITHDRAW_REASON_CHARS,
    _first,
    _one,
    audit_case,
    illegal,
    lock_case,
    note_case,
    update_case,
)
from yiwang.cases.services.instant import decide_instantly
from yiwang.catalog.errors import CatalogErrorCode
from yiwang.catalog.form_schema import FieldState, field_states
from yiwang.catalog.models import Material, ServiceItem
from yiwang.catalog.selectors import (
    read_materials,
    shareable_materials,
    starting_version,
    versions_newest_first,
)
from yiwang.core import calendar
from yiwang.core.clock import db_now
from yiwang.core.enqueue import enqueue_with_transaction
from yiwang.core.errors import Forbidden, InvalidInput, NotFound
from yiwang.core.models import Applicant
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.services import audit_batch, flush_audits
from yiwang.core.statements import insert_numbered
from yiwang.core.text import bounded_text
from yiwang.core.users import User
from yiwang.credit.models import Outcome as CreditOutcome
from yiwang.credit.models import Stage as CreditStage
from yiwang.credit.services import resolve_pending_material
from yiwang.exchange.services import prove_materials
from yiwang.identity import services as identity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MaterialRef:
    """An uploaded file (``upload_id``) offered as one of the item's materials (``material_id``)."""

    material_id: int
    upload_id: int


@dataclass(frozen=True)
class LicenceRef:
    """A licence from the applicant's licence library (``licence_number``) offered instead of
    uploading one of the item's materials (``material_id``): 免证办. Choosing it is the consent."""

    material_id: int
    licence_number: str


def read_form(item: ServiceItem, data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The item's form fields read from ``data``: the values that are well-formed (numbers as
    numbers, dates as ISO dates, options of a select), and a problem for each value that is not.
    Empty fields are left out and not reported: whether they are required is ``clean_form``'s
    question (a pre-check before submission asks only this one)."""
    cleaned: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for field in item.form_schema or []:
        name = field["name"]
        value = data.get(name) if isinstance(data, dict) else None
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            continue
        kind = field.get("type", "text")
        if kind == "number":
            try:
                value = float(value)
                if value != value or value in (float("inf"), float("-inf")):
                    raise ValueError(value)
            except (TypeError, ValueError, OverflowError):
                problems.append({"field": name, "label": field.get("label", name), "problem": _("应为数字")})
                continue
        elif kind == "date":
            try:
                value = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                problems.append({"field": name, "label": field.get("label", name), "problem": _("应为日期 YYYY-MM-DD")})
                continue
        elif kind == "select" and (not isinstance(value, str) or value not in field.get("options", [])):
            problems.append({"field": name, "label": field.get("label", name), "problem": _("不是可选项")})
            continue
        elif not isinstance(value, (str, int, float, bool)):
            problems.append({"field": name, "label": field.get("label", name), "problem": _("格式不正确")})
            continue
        if isinstance(value, str) and len(value) > 2000:
            problems.append({"field": name, "label": field.get("label", name), "problem": _("过长")})
            continue
        cleaned[name] = value
    return cleaned, problems


def clean_form(item: ServiceItem, data: dict[str, Any]) -> dict[str, Any]:
    """Keep the item's form fields, check required ones and types; raise naming every bad field.

    A field's conditions (``required_when`` / ``shown_when``, FEEL, ``yiwang.catalog.form_schema``)
    are evaluated over the well-formed values: a field required only when 邮寄 is chosen is
    required then, and the value of a field that is not shown is not kept."""
    cleaned, problems = read_form(item, data)
    states = field_states(item.form_schema or [], cleaned)
    bad = {p["field"] for p in problems}
    for field in item.form_schema or []:
        name = field["name"]
        state = states.get(name, FieldState(shown=True, required=bool(field.get("required"))))
        if not state.shown:
            cleaned.pop(name, None)
        elif state.required and name not in cleaned and name not in bad:
            problems.append({"field": name, "label": field.get("label", name), "problem": _("必填")})
    if problems:
        order = [f["name"] for f in item.form_schema or []]
        problems.sort(key=lambda p: order.index(p["field"]))
        raise form_invalid(problems)
    return cleaned


def form_invalid(problems: list[dict[str, Any]]) -> InvalidInput:
    """The one refusal of a form with problems (``{"field", "label", "problem"}`` each), naming them
    all in the order given: an item's form here, a package's combined form in ``services.packages``."""
    return InvalidInput(
        CaseErrorCode.FORM_INVALID,
        _("申请表有 %(n)d 处需要修改：%(fields)s。")
        % {"n": len(problems), "fields": "；".join(f"{p['label']}{p['problem']}" for p in problems)},
        {"fields": problems},
    )


def _attach_materials(*, actor: User, case: Case, item: ServiceItem, refs: Iterable[MaterialRef]) -> list[int]:
    """Attach the actor's staged uploads to ``case`` as the item's materials; returns the uploads'
    ids in the order given. Each upload must be the actor's own, not yet attached, and of a format
    its material accepts; the first ref that is not refuses the whole attaching (raise inside the
    caller's transaction: what was written is rolled back).

    One statement (``_claim_uploads``): the update that attaches the uploads is also their check and
    their lock, and returns what the format check reads; the rows it did not take are read again
    only to say why (not the actor's, or already attached)."""
    refs = list(refs)
    if not refs:
        return []
    materials = {m.pk: m for m in read_materials(item)}
    # the uploads of the refs whose material is the item's (a ref that is not refuses before any
    # write would matter), each attached as the first ref naming it says; an id out of the column's
    # range names no upload (and could not be bound on SQLite)
    low, high = connection.ops.integer_field_range("BigAutoField")
    wanted: dict[int, int] = {}
    for ref in refs:
        if ref.material_id in materials and low <= ref.upload_id <= high:
            wanted.setdefault(ref.upload_id, ref.material_id)
    claimed = _claim_uploads(actor_id=actor.pk, case_id=case.pk, wanted=wanted) if wanted else {}
    attached: list[int] = []
    for ref in refs:
        if ref.material_id not in materials:
            raise InvalidInput(
                CaseErrorCode.MATERIAL_NOT_OF_ITEM,
                _("材料编号 %(id)s 不属于事项「%(item)s」。") % {"id": ref.material_id, "item": item.name},
                {"material_id": ref.material_id},
            )
        file_name = claimed.get(ref.upload_id)
        # not taken by the update (nobody's, another's, or attached already), or named by an earlier
        # ref (attached by it): refused as the upload's row says, read again only now
        if file_name is None and _uploaded_by(ref.upload_id) != actor.pk:
            raise NotFound(CaseErrorCode.UPLOAD_NOT_FOUND, _("上传文件 %(id)s 不存在。") % {"id": ref.upload_id},
                           {"upload_id": ref.upload_id})
        if file_name is None or ref.upload_id in attached:
            raise InvalidInput(CaseErrorCode.UPLOAD_ALREADY_USED, _("上传文件 %(id)s 已用于其他办件。") % {"id": ref.upload_id},
                               {"upload_id": ref.upload_id})
        fmt = file_name.rsplit(".", 1)[-1]
        allowed = materials[ref.material_id].allowed_formats()
        if allowed and fmt not in allowed:
            raise InvalidInput(
                CaseErrorCode.FILE_TYPE_NOT_ALLOWED,
                _("材料「%(m)s」只接受 %(formats)s 格式。") % {"m": materials[ref.material_id].name, "formats": "、".join(allowed)},
                {"material_id": ref.material_id, "format": fmt},
            )
        attached.append(ref.upload_id)
    if settings.YIWANG_PREREVIEW_ON_UPLOAD:
        _enqueue_prereview(attached)
    return attached


# The attaching statement, written once per database and number of uploads rather than composed by
# the ORM on every submission (a locking read and ``bulk_update``: a third of a submission's view
# CPU, docs/benchmarks.md "submit3"). Columns from the model's ``_meta``; values are bound.
@functools.lru_cache(maxsize=64)
def _claim_sql(vendor: str, uploads: int) -> str:
    quote = connection.ops.quote_name
    meta = CaseMaterial._meta
    column = {f.name: quote(f.column) for f in meta.concrete_fields}
    pk = quote(meta.pk.column)
    cases = " ".join(["WHEN %s THEN %s"] * uploads)
    keys = ", ".join(["%s"] * uploads)
    return (f"UPDATE {quote(meta.db_table)} SET {column['case']} = %s, {column['material']} = CASE {pk} {cases} END "
            f"WHERE {pk} IN ({keys}) AND {column['uploaded_by']} = %s AND {column['case']} IS NULL "
            f"RETURNING {pk}, {column['file']}")


def _claim_uploads(*, actor_id: int, case_id: int, wanted: dict[int, int]) -> dict[int, str]:
    """Attach each upload of ``wanted`` (``{upload id: material id}``) to the case, if it is
    ``actor_id``'s and attached to no case (the update's own condition: it waits for, then sees, a
    concurrent attaching, as the locking read before it did); ``{upload id: its file's name}`` of
    those it attached."""
    params: list[Any] = [case_id]
    for upload_id, material_id in wanted.items():
        params += [upload_id, material_id]
    params += [*wanted, actor_id]
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(_claim_sql(connection.vendor, len(wanted)), params)
        return {pk: name for pk, name in cursor.fetchall()}


def _uploaded_by(upload_id: int) -> int | None:
    """Who uploaded ``upload_id`` (None: no such upload), for the refusal of one not attached."""
    return CaseMaterial.objects.filter(pk=upload_id).values_list("uploaded_by_id", flat=True).first()


def _enqueue_prereview(material_ids: list[int]) -> None:
    """Queue OCR pre-review (材料预审) of newly attached files, with the submission's transaction
    (``core.enqueue``): with production's database queue each task's row is written inside it, so
    a task exists if and only if the submission committed, and the submission is one commit. Advisory:
    a queue that refuses the task is logged and never reaches the applicant."""
    from yiwang.cases.prereview import prereview_material_task

    for material_id in material_ids:
        enqueue_with_transaction(prereview_material_task, material_id)


# What the applicant is told when 免提交 could not be kept at submission, by the code
# ``prove_materials`` reports. The gateway's own refusal (no subscription, quota, negative list…) is
# for staff and is logged; an applicant cannot act on it, so they are told to upload instead.
def _citizen_reason(code: str) -> str:
    if code == "not_found":
        return _("数据共享中没有查到您的这项记录")
    if code == "condition_not_met":
        return _("共享数据显示您的这项记录暂不符合免提交条件")
    return _("数据共享暂时无法提供")


def _obtain_by_sharing(
    *, actor: User, case: Case, item: ServiceItem, applicant: Applicant, refs: list[MaterialRef],
    shareable: set[int], now: dt.datetime,
) -> list[CaseMaterial]:
    """Obtain by data sharing (免提交) the ``shareable`` materials the applicant did not upload, with
    this case as the purpose; record the facts and where they came from. A required material that
    sharing cannot prove after all (no record, condition unmet, refused) must be uploaded: the
    submission is refused naming it, in words the applicant can act on (the gateway's reason goes
    to the log, not to the applicant)."""
    wanted = shareable - {r.material_id for r in refs}
    if not wanted:
        return []
    results = prove_materials(item=item, applicant=applicant, consumer_department=item.department,
                              case_reference=case.number, actor=actor, now=now, material_ids=wanted)
    proven = {r.material_id for r in results if r.proven and r.facts is not None}
    obtained, unproven, seen = [], [], set()
    for result in results:
        if result.material_id in proven:
            if result.proven and result.facts is not None and result.material_id not in seen:
                seen.add(result.material_id)
                obtained.append(CaseMaterial(
                    case=case, material_id=result.material_id,
                    original_name=f"{result.facts.resource_name}（{result.facts.provider_name}）",
                    content_type="application/json", size=0, sha256=result.facts.response_sm3,
                    source=MaterialSource.SHARED, uploaded_by=actor,
                    shared_facts={"facts": result.facts.facts, "labels": result.facts.labels,
                                  **result.facts.provenance()},
                ))
            continue
        unproven.append(result)
    required = {m.pk for m in read_materials(item) if m.required}
    blocking = list({r.material_id: r for r in unproven if r.material_id in required}.values())
    if blocking:
        for r in blocking:  # the gateway's reason, for whoever runs the platform (the access log has it too)
            logger.info("data sharing did not obtain material %s of item %s: %s", r.material_id, item.code, r.code)
        raise InvalidInput(
            CaseErrorCode.MATERIALS_MISSING,
            _("以下材料未能通过数据共享获取，请上传该材料后再提交（已填写的内容不会丢失）：%(names)s。")
            % {"names": "；".join(f"{r.material_name}（{_citizen_reason(r.code)}）" for r in blocking)},
            {"missing": [{"material_id": r.material_id, "name": r.material_name, "reason": r.code,
                          "obtained_by": "upload"} for r in blocking]},
        )
    CaseMaterial.objects.bulk_create(obtained)
    return obtained


def _window_department(actor: User) -> Any:
    from yiwang.core.selectors import staff_roles_of

    return next((r.department for r in staff_roles_of(actor) if r.role == "clerk"), None)


def _attach_licences(*, actor: User, case: Case, item: ServiceItem, applicant: Applicant,
                     refs: list[LicenceRef], now: dt.datetime) -> list[CaseMaterial]:
    """免证办: each licence is checked (the applicant's own, valid now, of a type that stands for the
    material) and its use recorded with the consent and the status at the time of use; the case
    keeps a material row that says "取自电子证照库". Anything else refuses the whole submission."""
    if not refs:
        return []  # most submissions: nothing to check, nothing to insert
    from yiwang.licenses.services import use_licence_for_material

    materials = {m.pk: m for m in read_materials(item)}
    rows = []
    for ref in refs:
        material = materials.get(ref.material_id)
        if material is None:
            raise InvalidInput(
                CaseErrorCode.MATERIAL_NOT_OF_ITEM,
                _("材料编号 %(id)s 不属于事项「%(item)s」。") % {"id": ref.material_id, "item": item.name},
                {"material_id": ref.material_id},
            )
        use = use_licence_for_material(actor=actor, holder=applicant, number=ref.licence_number, material=material,
                                       case_number=case.number or "", purpose=f"办理「{item.name}」", now=now)
        licence = use.licence
        rows.append(CaseMaterial(
            case=case, material=material, original_name=f"{licence.licence_type.name} {licence.number}",
            content_type="application/pdf", size=licence.size, sha256=licence.file_sm3, source=MaterialSource.LICENCE,
            uploaded_by=actor, shared_facts={"licence": {
                "number": licence.number, "identifier": licence.identifier, "name": licence.licence_type.name,
                "issuer": licence.department.name, "status_at_use": use.status_at_use,
                "used_at": use.consented_at.isoformat(), "use_id": use.pk}},
        ))
    CaseMaterial.objects.bulk_create(rows)
    return rows


def _missing_required(item: ServiceItem, refs: Iterable[MaterialRef | LicenceRef]) -> list[Material]:
    given = {r.material_id for r in refs}
    return [m for m in read_materials(item) if m.required and m.pk not in given]


# Every submission reads these: compiled to SQL once per connection (core/precompiled.py).
_BY_IDEMPOTENCY_KEY = PrecompiledQuery(
    lambda actor_id, key: _one(Case.objects.filter(submitted_by_id=actor_id, idempotency_key=key)), actor_id=int, key=str)
_LATEST_VERSION = PrecompiledQuery(
    lambda definition_id: _one(versions_newest_first(definition_id).defer("bpmn_xml", "spec_json")), definition_id=int)


def submit_application(
    *,
    actor: User,
    item: ServiceItem,
    applicant: Applicant,
    form_data: dict[str, Any],
    materials: Iterable[MaterialRef] = (),
    channel: str = Channel.ONLINE,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    produced_by_package: Iterable[int] = (),
    licences: Iterable[LicenceRef] = (),
    keep_facts_summary: bool = True,
) -> tuple[Case, bool]:
    """Submit an application (申请); returns ``(case, created)``.

    A retry with the same ``idempotency_key`` by the same person returns the first case.
    The clock starts now, counted in the item's promised working days. ``produced_by_package``:
    material ids that another member of the same 一件事 package produces (e.g. the 营业执照 of 企业开办
    for 食品经营许可), not asked of the applicant. ``keep_facts_summary``: the joint rules may keep the
    applicant's credit facts summary when they compute it (false inside a caller's transaction, a
    package's: see ``credit.facts``, the lock order of a summary's row).
    """
    refs = list(materials)
    licence_refs = list(licences)
    if idempotency_key:
        existing = _first(_BY_IDEMPOTENCY_KEY.fetch(actor_id=actor.pk, key=idempotency_key))
        if existing is not None:
            return existing, False
    if not item.is_active:
        raise InvalidInput(CatalogErrorCode.ITEM_INACTIVE, _("事项「%(item)s」已停止办理。") % {"item": item.name})
    if not item.accepts(applicant.kind):
        raise InvalidInput(
            CaseErrorCode.APPLICANT_KIND_NOT_ALLOWED,
            _("事项「%(item)s」的服务对象是%(scope)s，不受理%(kind)s的申请。")
            % {"item": item.name, "scope": item.get_applicant_scope_display(), "kind": applicant.get_kind_display()},
        )
    authorisation = None
    if channel == Channel.ONLINE:
        # online, the person at the keyboard is the applicant or an agent the applicant authorised
        # (委托代办); either way their own account must reach the item's real-name level
        own = getattr(actor, "applicant", None)
        if own is None:
            raise Forbidden(CaseErrorCode.NOT_YOUR_CASE, _("只能以本人或本单位名义在网上申请。"))
        if applicant.user_id != actor.pk:
            authorisation = identity.authorisation_for(agent=own, principal=applicant, item=item, now=now)
        identity.require_level(applicant=own, item=item)
    # read once (or not at all: an item from the guide's read has them): the provisions, the check of
    # what is missing, the attaching and sharing all ask for them through read_materials (issue #14)
    read_materials(item)
    cleaned = clean_form(item, form_data or {})
    now = now or db_now()
    shareable = shareable_materials(item, applicant, now=now)  # what material_provisions says is 免提交
    produced = set(produced_by_package)
    missing = [m for m in _missing_required(item, [*refs, *licence_refs]) if m.pk not in shareable and m.pk not in produced]
    # joint rules (联合奖惩) before the material check: 容缺受理 may let one material follow later
    evaluation = credit_rules.evaluate_for(item, applicant, now, keep_summary=keep_facts_summary)
    pending = credit_rules.tolerated_material(item, evaluation, missing)
    if pending is not None:
        missing = []
    if missing:
        raise InvalidInput(
            CaseErrorCode.MATERIALS_MISSING,
            _("缺少必要材料：%(names)s。") % {"names": "、".join(m.name for m in missing)},
            {"missing": [{"material_id": m.pk, "name": m.name} for m in missing]},
        )
    # the version to start on, without its BPMN and spec (large; the runtime reads the spec once per
    # process and version, see CaseRuntime)
    version = starting_version(item)  # read with the item by the API (issue #14: one statement fewer)
    if version is ...:
        definition = item.process
        version = _first(_LATEST_VERSION.fetch(definition_id=definition.pk))
        if version is not None:
            version.definition = definition  # as ``definition.versions`` would have set it
    due = calendar.deadline_after(now, item.promised_days)
    try:
        with transaction.atomic(), audit_batch():
            case = Case(
                item=item, department_id=item.department_id, applicant=applicant, submitted_by=actor,
                channel=channel, status=CaseStatus.SUBMITTED, form_data=cleaned, process_version=version,
                submitted_at=now, promised_days=item.promised_days, due_at=due,
                warn_at=calendar.warning_at(due, item.promised_days), idempotency_key=idempotency_key or None,
                current_step=STEP_WINDOW, authorisation=authorisation,
                agent=authorisation.agent if authorisation is not None else None,
            )
            # the number (YW, the day, the id in 8 digits) in the case's own INSERT on PostgreSQL
            insert_numbered(case, field="number", prefix=f"YW{calendar.local_date(now):%Y%m%d}", width=8)
            _attach_materials(actor=actor, case=case, item=item, refs=refs)
            from_library = _attach_licences(actor=actor, case=case, item=item, applicant=applicant, refs=licence_refs,
                                            now=now)
            shared = _obtain_by_sharing(actor=actor, case=case, item=item, applicant=applicant,
                                        refs=[*refs, *(MaterialRef(r.material_id, 0) for r in licence_refs)],
                                        shareable=shareable, now=now)
            note_case(case, actor=actor, at=now, event_type="case_submitted", channel=channel, item=item.code,
                      materials=len(refs), **({"agent": authorisation.agent_id, "authorisation": authorisation.pk}
                                              if authorisation is not None else {}), shared=[m.material.name for m in shared],
                      licences=[m.shared_facts["licence"]["number"] for m in from_library],
                      department=_window_department(actor) if channel == Channel.WINDOW else None)
            credit_rules.repair_at_submission(case, evaluation, actor=actor, now=now)
            credit_rules.record_on_case(case, evaluation, stage=CreditStage.SUBMISSION, now=now, pending=pending)
            if item.instant_rules_id and channel == Channel.ONLINE:
                if evaluation.blocks_instant:
                    audit_case(case, actor=None, at=now, event_type="case_instant_blocked_by_credit",
                               reason="；".join(evaluation.reasons(CreditOutcome.MANUAL_REVIEW, CreditOutcome.NO_INSTANT))[:300],
                               reason_en="; ".join(evaluation.reasons_en(CreditOutcome.MANUAL_REVIEW,
                                                                         CreditOutcome.NO_INSTANT))[:300])
                else:
                    flush_audits()  # the 秒批 run writes its records inside a savepoint: after the submission's
                    decide_instantly(case=case, now=now)
    except IntegrityError:
        if idempotency_key:
            existing = Case.objects.filter(submitted_by=actor, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
        raise
    return case, True


def supply_correction(
    *, actor: User, case_id: int, materials: Iterable[MaterialRef] = (), form_data: dict[str, Any] | None = None,
    note: str = "", now: dt.datetime | None = None,
) -> Case:
    """The applicant answers a correction notice (补正); the clock resumes, extended by the
    working days it stood still."""
    note = bounded_text(note, field="note", label=_("补正说明"), max_chars=SUPPLY_NOTE_CHARS)
    refs = list(materials)
    now = now or db_now()
    with transaction.atomic():
        case = lock_case(case_id)
        if case.submitted_by_id != actor.pk and case.applicant.user_id != actor.pk:
            raise Forbidden(CaseErrorCode.NOT_YOUR_CASE, _("只能补正本人的办件。"))
        if not case.can_supply_correction():
            raise illegal(case, _("补正"))
        notice = case.corrections.filter(answered_at__isnull=True).order_by("-requested_at").first()
        asked = set(notice.materials.values_list("pk", flat=True)) if notice else set()
        given = {r.material_id for r in refs}
        missing = asked - given
        if missing:
            names = list(case.item.materials.filter(pk__in=missing).values_list("name", flat=True))
            raise InvalidInput(
                CaseErrorCode.CORRECTION_INCOMPLETE,
                _("补正还缺少：%(names)s。") % {"names": "、".join(names)},
                {"missing": sorted(missing)},
            )
        _attach_materials(actor=actor, case=case, item=case.item, refs=refs)
        if given and resolve_pending_material(case_id=case.pk, material_ids=given, now=now):
            audit_case(case, actor=actor, at=now, event_type="case_pending_material_supplied")
        fields: dict[str, Any] = {}
        if form_data:
            # keys the item's form no longer has are kept; a field hidden by its condition is dropped
            names = {f["name"] for f in case.item.form_schema or []}
            fields["form_data"] = {**{k: v for k, v in case.form_data.items() if k not in names},
                                   **clean_form(case.item, {**case.form_data, **form_data})}
        paused = calendar.paused_working_days(case.paused_at, now) if case.paused_at else 0
        due = calendar.extend_deadline(case.due_at, paused)
        update_case(
            case, status=CaseStatus.SUBMITTED, paused_at=None, paused_days=case.paused_days + paused,
            due_at=due, warn_at=calendar.warning_at(due, case.promised_days), current_step=STEP_WINDOW,
            **fields,
        )
        if notice:
            notice.answered_at = now
            notice.save(update_fields=["answered_at"])
        audit_case(case, actor=actor, at=now, event_type="case_correction_supplied", paused_days=paused,
                   materials=len(refs), note=note)
    return case


def withdraw_application(*, actor: User, case_id: int, reason: str = "", now: dt.datetime | None = None) -> Case:
    """The applicant withdraws (撤回) before a decision; open steps are cancelled."""
    reason = bounded_text(reason, field="reason", label=_("撤回原因"), max_chars=WITHDRAW_REASON_CHARS)
    now = now or db_now()
    with transaction.atomic():
        case = lock_case(case_id)
        if case.submitted_by_id != actor.pk and case.applicant.user_id != actor.pk:
            raise Forbidden(CaseErrorCode.NOT_YOUR_CASE, _("只能撤回本人的办件。"))
        if not case.can_withdraw():
            raise illegal(case, _("撤回"))
        CaseStep.objects.filter(case=case, status=StepStatus.OPEN).update(status=StepStatus.CANCELLED, completed_at=now)
        update_case(case, status=CaseStatus.WITHDRAWN, closed_at=now, paused_at=None, current_step="",
                     current_department=None)
        audit_case(case, actor=actor, at=now, event_type="case_withdrawn", reason=reason)
        credit_rules.repair_closed(case, actor=actor, reason=reason or _("申请人撤回"), withdrawn=True, now=now)
    return case
