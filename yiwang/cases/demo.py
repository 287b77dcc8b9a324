"""Historical demo cases in every state, made through the real services with past times, so the
window queue, the inboxes and the supervision board look like a county's real Monday."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from yiwang.cases import services
from yiwang.cases.demo_values import demo_text_value
from yiwang.cases.models import Case, CaseStep, Channel, MaterialSource, StepStatus
from yiwang.catalog.models import ServiceItem
from yiwang.core.calendar import CalendarYearUnknown, is_working_day
from yiwang.core.models import Applicant, ApplicantKind, Role, StaffRole

DEMO_PDF = b"%PDF-1.4\n% Yiwang demo scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A valid 1×1 white PNG, for materials that accept images only (photos).
DEMO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8ffff3f0005fe02fe"
    "0def46b80000000049454e44ae426082"
)


def _demo_file(material: Any) -> SimpleUploadedFile:
    formats = material.allowed_formats()
    if not formats or "pdf" in formats:
        return SimpleUploadedFile(f"{material.name[:20]}.pdf", DEMO_PDF)
    return SimpleUploadedFile(f"{material.name[:20]}.png", DEMO_PNG)
# The window's office hours (Asia/Shanghai) on working days: a walk-in case is entered, and a clerk
# or an approver acts, only then. The demo's history keeps to them (a case stamped 03:12 on a
# Sunday told every visitor the data was made up).
OFFICE_HOURS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))


def _working_day(day: dt.date) -> bool:
    try:
        return is_working_day(day)
    except CalendarYearUnknown:  # past the calendar's last year: Monday to Friday
        return day.weekday() < 5


def in_office_hours(moment: dt.datetime) -> bool:
    local = timezone.localtime(moment)
    return _working_day(local.date()) and any(start <= local.time() < end for start, end in OFFICE_HOURS)


def _jitter(moment: dt.datetime) -> dt.timedelta:
    # a spread of minutes, derived from the moment itself: no draw from the seed's random stream
    return dt.timedelta(minutes=int(moment.timestamp()) // 60 % 45)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time), timezone.get_current_timezone())


def _next_office_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` if the window is open then, else a time early in its next opening."""
    if in_office_hours(moment):
        return moment
    local = timezone.localtime(moment)
    for offset in range(40):  # the longest closure (春节) is far shorter
        day = local.date() + dt.timedelta(days=offset)
        if not _working_day(day):
            continue
        for start, _end in OFFICE_HOURS:
            opening = _at(day, start)
            if opening > moment:
                return opening + _jitter(moment)
    return moment


def _previous_office_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` if the window is open then, else a time late in its last opening before it."""
    if in_office_hours(moment):
        return moment
    local = timezone.localtime(moment)
    for offset in range(40):
        day = local.date() - dt.timedelta(days=offset)
        if not _working_day(day):
            continue
        for _start, end in reversed(OFFICE_HOURS):
            closing = _at(day, end) - dt.timedelta(minutes=1)
            if closing < moment:
                return closing - _jitter(moment)
    return moment


def office_time(moment: dt.datetime, *, after: dt.datetime | None, before: dt.datetime) -> dt.datetime:
    """The first office-hours time from ``moment`` on, kept before ``before`` (then the last one
    before it) and never earlier than ``after`` (the case's previous event)."""
    candidate = _next_office_time(moment)
    if candidate > before:
        candidate = _previous_office_time(before)
    return max(candidate, after) if after is not None else candidate


# Target state of each historical case, with weights (closed cases dominate, as in real life).
OUTCOMES = [("closed", 44), ("in_review", 24), ("submitted", 9), ("correction", 6), ("awaiting_delivery", 7),
            ("rejected", 5), ("withdrawn", 5)]


def _form_values(item: ServiceItem, rng: random.Random, when: dt.datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in item.form_schema or []:
        kind = field.get("type", "text")
        if kind == "number":
            values[field["name"]] = rng.randint(1, 500)
        elif kind == "date":
            values[field["name"]] = (when.date() - dt.timedelta(days=rng.randint(0, 365))).isoformat()
        elif kind == "select":
            values[field["name"]] = rng.choice(field.get("options") or [""])
        elif kind == "tel":
            values[field["name"]] = f"139{rng.randrange(10**8):08d}"
        else:
            values[field["name"]] = demo_text_value(field, rng)
    return values


class _Approvers:
    def __init__(self) -> None:
        self.by_department: dict[int, dict[str, Any]] = {}
        for row in StaffRole.objects.select_related("user"):
            self.by_department.setdefault(row.department_id, {}).setdefault(row.role, row.user)

    def for_step(self, step: CaseStep) -> Any:
        roles = self.by_department.get(step.department_id, {})
        return roles.get(step.role) or roles.get(Role.DECIDER) or roles.get(Role.REVIEWER) or roles.get(Role.HEAD)


def seed_cases(*, count: int = 320, seed: int = 2026, now: dt.datetime | None = None) -> int:
    """Create ``count`` historical cases (idempotent: keyed ``demo-NNNN``); returns how many were new.

    Their files are placeholders, so they are not queued for OCR pre-review."""
    with override_settings(YIWANG_PREREVIEW_ON_UPLOAD=False):
        return _seed_cases(count=count, seed=seed, now=now)


def _seed_cases(*, count: int, seed: int, now: dt.datetime | None) -> int:
    now = now or timezone.now()
    user_model = get_user_model()
    clerk = user_model.objects.get(username="clerk")
    existing = set(Case.objects.filter(submitted_by=clerk, idempotency_key__startswith="demo-")
                   .values_list("idempotency_key", flat=True))
    if len(existing) >= count:
        return 0
    rng = random.Random(seed)
    items = list(ServiceItem.objects.filter(is_active=True).prefetch_related("materials").select_related("process"))
    people = list(Applicant.objects.filter(kind=ApplicantKind.PERSON, user__isnull=True).order_by("pk"))
    orgs = list(Applicant.objects.filter(kind=ApplicantKind.ORGANISATION, user__isnull=True).order_by("pk"))
    approvers = _Approvers()
    created = 0
    for i in range(count):
        key = f"demo-{i:04d}"
        target = rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
        item = rng.choice(items)
        # open cases spread over the last weeks so the board shows green, yellow and red
        open_case = target in ("submitted", "correction", "in_review")
        age_days = rng.uniform(0.1, item.promised_days * 1.5 + 1) if open_case else rng.uniform(3, 60)
        t = office_time(now - dt.timedelta(days=age_days), after=None, before=now - dt.timedelta(minutes=1))
        if key in existing:
            continue
        pool = orgs if item.applicant_scope == ApplicantKind.ORGANISATION else people
        if item.applicant_scope == "both" and rng.random() < 0.3:
            pool = orgs
        applicant = rng.choice(pool)
        refs = []
        for material in item.materials.all():
            if material.required or rng.random() < 0.4:
                upload = services.stage_upload(actor=clerk, file=_demo_file(material), source=MaterialSource.SCAN)
                refs.append(services.MaterialRef(material_id=material.pk, upload_id=upload.pk))
        case, _new = services.submit_application(
            actor=clerk, item=item, applicant=applicant, form_data=_form_values(item, rng, t), materials=refs,
            channel=Channel.WINDOW, idempotency_key=key, now=t,
        )
        created += 1

        def later(hours: float) -> dt.datetime:
            nonlocal t
            t = office_time(t + dt.timedelta(hours=hours), after=t, before=now - dt.timedelta(minutes=1))
            return t

        if target == "submitted":
            continue
        if target == "withdrawn" and rng.random() < 0.5:
            services.withdraw_application(actor=clerk, case_id=case.pk, reason="申请人不再需要", now=later(rng.uniform(1, 30)))
            continue
        if target == "rejected":
            services.reject_application(actor=clerk, case_id=case.pk, reason="不属于本县管辖范围，已告知向市级部门申请",
                                        now=later(rng.uniform(1, 20)))
            continue
        if target == "correction" or rng.random() < 0.15:
            asked_material = item.materials.all()[0]
            asked = [asked_material.pk]
            services.request_correction(actor=clerk, case_id=case.pk, material_ids=asked,
                                        note="身份证明复印件不清晰，请重新上传清晰的扫描件。", now=later(rng.uniform(1, 8)))
            if target == "correction":
                continue
            upload = services.stage_upload(actor=clerk, file=_demo_file(asked_material), source=MaterialSource.SCAN)
            services.supply_correction(actor=clerk, case_id=case.pk, now=later(rng.uniform(4, 48)),
                                       materials=[services.MaterialRef(material_id=asked[0], upload_id=upload.pk)])
        services.accept_application(actor=clerk, case_id=case.pk, now=later(rng.uniform(0.5, 6)))
        if target == "withdrawn":
            services.withdraw_application(actor=clerk, case_id=case.pk, reason="申请人主动撤回", now=later(rng.uniform(2, 30)))
            continue
        steps_left = rng.randint(0, 2) if target == "in_review" else 99
        while steps_left > 0:
            step = CaseStep.objects.filter(case=case, status=StepStatus.OPEN).order_by("id").first()
            if step is None:
                break
            deny = rng.random() < 0.06
            services.complete_step(actor=approvers.for_step(step), case_id=case.pk, step_id=step.pk,
                                   decision="deny" if deny else "approve",
                                   comment="经审查不符合条件" if deny else "材料齐全，符合条件",
                                   now=later(rng.uniform(2, 40)))
            steps_left -= 1
        if target == "closed":
            case.refresh_from_db()
            if case.can_deliver():
                method = rng.choice(item.delivery_methods or ["window"])
                services.deliver_result(actor=clerk, case_id=case.pk, method=method,
                                        detail="EMS 1180 0000 0000" if method == "post" else "",
                                        now=later(rng.uniform(2, 30)))
    return created
