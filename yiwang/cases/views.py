"""Pages for applicants (portal) and staff (workbench). Thin: parse, call a service or
selector, show the result; a domain error becomes a message on the same page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.cases import permissions, selectors, services
from yiwang.cases.models import (
    CaseMaterial,
    CaseStatus,
    CaseStep,
    Channel,
    DeliveryMethod,
    MaterialSource,
    StepDecision,
    StepStatus,
)
from yiwang.cases.permissions import may_complete
from yiwang.cases.prereview import prereview_states
from yiwang.cases.services.common import text_limits
from yiwang.cases.services.credit import findings_of as credit_findings_of
from yiwang.cases.services.eligibility import check_eligibility
from yiwang.cases.services.intake import read_form
from yiwang.cases.services.repair import may_repair_process, may_see_engine_errors, open_engine_errors
from yiwang.catalog.form_schema import field_states, format_form_value, is_conditional
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.selectors import Provision, item_guide, material_provisions, search_items
from yiwang.core.bounds import parse_id
from yiwang.core.downloads import file_download
from yiwang.core.errors import DomainError, Forbidden
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import Notification
from yiwang.core.selectors import is_staff_member, is_supervisor, staff_roles_of
from yiwang.core.services import register_applicant
from yiwang.exchange.selectors import steward_workbench
from yiwang.identity import services as identity
from yiwang.identity.selectors import usable_authorisations
from yiwang.identity.views import on_behalf_choice
from yiwang.licenses.selectors import offerable_for_materials


def _form_fields(item: ServiceItem, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The form's fields with their values and, for conditional ones, their state now (the page
    shows every field without JavaScript; ``static/js/form-conditions.js`` hides what is not shown)."""
    states = field_states(item.form_schema or [], read_form(item, values)[0])
    return [{**f, "value": values.get(f["name"], ""), "conditional": is_conditional(f),
             "shown": states[f["name"]].shown, "required_now": states[f["name"]].required}
            for f in item.form_schema or []]


def _stage_files(request: AuthenticatedRequest, item: ServiceItem, source: str, only: set[int] | None = None) -> tuple[dict[int, int], list[str]]:
    """Stage the uploaded file of each material (``material_<id>``), keeping uploads staged by an
    earlier attempt (``upload_<id>``) so a person never uploads the same file twice."""
    staged: dict[int, int] = {}
    errors: list[str] = []
    own = set(CaseMaterial.objects.filter(uploaded_by=request.user, case__isnull=True).values_list("pk", flat=True))
    for material in item.materials.all():
        if only is not None and material.pk not in only:
            continue
        upload = request.FILES.get(f"material_{material.pk}")
        if upload is not None:
            try:
                staged[material.pk] = services.stage_upload(actor=request.user, file=upload, source=source).pk
            except DomainError as exc:
                errors.append(f"{material.name}：{exc.message}")
            continue
        kept = parse_id(request.POST.get(f"upload_{material.pk}", ""))
        if kept is not None and kept in own:
            staged[material.pk] = kept
    return staged, errors


def _chosen_licences(request: HttpRequest, item: ServiceItem, staged: dict[int, int]) -> list[services.LicenceRef]:
    """免证办 on the apply page: a ticked ``licence_<material id>`` (its value: the licence number) is
    the applicant's consent to use that licence instead of an upload; an uploaded file wins."""
    return [services.LicenceRef(material_id=m.pk, licence_number=number[:64])
            for m in item.materials.all()
            if m.pk not in staged and (number := request.POST.get(f"licence_{m.pk}", "").strip())]


def _refs(staged: dict[int, int]) -> list[services.MaterialRef]:
    return [services.MaterialRef(material_id=m, upload_id=u) for m, u in staged.items()]


def _staged_names(staged: dict[int, int]) -> dict[int, str]:
    names = dict(CaseMaterial.objects.filter(pk__in=staged.values()).values_list("pk", "original_name"))
    return {m: names.get(u, "") for m, u in staged.items()}


# ---------------------------------------------------------------- portal (applicants)

@login_required
def apply(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Apply online (网上申请): the item's form and one upload per material."""
    item = item_guide(code)
    if item is None:
        raise Http404
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        messages.error(request, _("当前账号不是申请人账号，无法在网上申请；窗口人员请使用“窗口代录”。"))
        return redirect("catalog:guide", code=code)
    # 委托代办: an agent chooses whom they apply for; the level asked is the agent's own (before
    # the form is filled, so nobody fills in a form they cannot submit)
    own = applicant
    on_behalf = None
    choice = on_behalf_choice(request)
    try:
        if choice is not None:
            on_behalf = next((a for a in usable_authorisations(own) if a.pk == choice), None)
            if on_behalf is None:
                raise Forbidden("not_authorised_agent", _("该委托不存在、已撤销或已过期，不能代为申请。"))
            identity.authorisation_for(agent=own, principal=on_behalf.principal, item=item)
            applicant = on_behalf.principal
        identity.require_level(applicant=own, item=item)
    except DomainError as exc:
        return render(request, "identity/refused.html", {"error": exc}, status=exc.status)
    values: dict[str, Any] = {}
    staged: dict[int, int] = {}
    chosen: list[services.LicenceRef] = []
    eligibility = None
    not_obtained: set[int] = set()  # 免提交 that the submission could not keep: now to upload
    token = request.POST.get("submission_token") or uuid.uuid4().hex
    if request.method == "POST":
        values = {f["name"]: request.POST.get(f["name"], "") for f in item.form_schema or []}
        staged, errors = _stage_files(request, item, MaterialSource.UPLOAD)
        chosen = _chosen_licences(request, item, staged)
        for error in errors:
            messages.error(request, error)
        if request.POST.get("action") == "check":  # 检查是否符合条件, without JavaScript
            eligibility = check_eligibility(item=item, applicant=applicant, form=values)
        elif not errors:
            try:
                case, created = services.submit_application(
                    actor=request.user, item=item, applicant=applicant, form_data=values, materials=_refs(staged),
                    channel=Channel.ONLINE, idempotency_key=f"web-{token}",
                    licences=chosen,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                not_obtained = {m["material_id"] for m in (exc.details or {}).get("missing", [])
                                if isinstance(m, dict) and m.get("obtained_by") == "upload"}
            else:
                if created:
                    messages.success(request, _("申请已提交，办件编号 %(number)s。") % {"number": case.number})
                return redirect(reverse("cases:my_case", args=[case.number]) + "?receipt=1")
    provisions = material_provisions(item, applicant)
    licensed = {m for m, how in provisions.items() if how == Provision.LICENCE}
    offerable = offerable_for_materials(applicant, [m for m in item.materials.all() if m.pk in licensed])
    return render(request, "cases/apply.html", {
        "item": item, "applicant": applicant, "fields": _form_fields(item, values), "token": token,
        "eligibility": eligibility, "has_rules": bool(item.instant_rules_id),
        "staged": staged, "staged_names": _staged_names(staged),
        "provable": {m for m, how in provisions.items() if how == Provision.SHARING and m not in not_obtained},
        "not_obtained": not_obtained,
        "on_behalf": on_behalf, "authorisations": usable_authorisations(own),
        "offerable": offerable, "chosen_licences": {r.material_id for r in chosen},
    })


@login_required
@require_POST
def form_check(request: HttpRequest, code: str) -> HttpResponse:
    """The form as filled so far, checked (``static/js/form-conditions.js`` posts it on change):
    each field's state and, for an applicant, the eligibility pre-check, as an HTML fragment."""
    item = item_guide(code)
    if item is None:
        raise Http404
    values = {f["name"]: request.POST.get(f["name"], "") for f in item.form_schema or []}
    applicant = getattr(request.user, "applicant", None)
    eligibility = None
    if applicant is not None and request.POST.get("eligibility") == "1":
        eligibility = check_eligibility(item=item, applicant=applicant, form=values)
    return render(request, "cases/_form_check.html", {"fields": _form_fields(item, values), "eligibility": eligibility})


@login_required
def my_cases(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(selectors.applicant_cases(request.user), 20).get_page(request.GET.get("page"))
    rows = [(c, selectors.sla_light(status=c.status, due_at=c.due_at, warn_at=c.warn_at, now=now)) for c in page]
    applicant = getattr(request.user, "applicant", None)
    made_for_me = selectors.cases_made_for(applicant) if applicant is not None else []
    return render(request, "cases/my_cases.html", {"page": page, "rows": rows, "made_for_me": made_for_me})


def _case_context(request: AuthenticatedRequest, number: str) -> dict[str, Any]:
    case = selectors.case_for_viewer(request.user, number)
    now = timezone.now()
    full = permissions.may_see_personal_data(request.user, case)
    open_notice = case.corrections.filter(answered_at__isnull=True).prefetch_related("materials").first()
    materials = list(case.materials.select_related("material", "review").prefetch_related("findings"))
    for m in materials:  # 免提交 facts follow the same need-to-know rule as the applicant's fields
        m.facts_view = permissions.shared_facts_view(m.shared_facts, full)
    return {
        "case": case,
        "sla": selectors.sla_light(status=case.status, due_at=case.due_at, warn_at=case.warn_at, now=now),
        "steps": selectors.case_steps(case),
        "timeline": selectors.case_timeline(case, viewer=request.user),
        "materials": materials,
        "may_open_files": full,
        "corrections": case.corrections.prefetch_related("materials"),
        "open_notice": open_notice,
        "form_rows": [(f.get("label", f["name"]),
                       format_form_value(f, permissions.form_value_for_viewer(f, case.form_data.get(f["name"], ""), full)))
                      for f in case.item.form_schema or []],
        "applicant_view": {**permissions.applicant_view(case.applicant, full),
                           "kind": case.applicant.get_kind_display()},
        "limits": text_limits(),  # the forms' maxlength: the services refuse longer, never cut
    }


@login_required
def my_case(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """The applicant's view of a case: status, who holds it, deadline, every step, corrections."""
    try:
        context = _case_context(request, number)
    except DomainError as exc:
        return _domain_error_page(request, exc)
    if not selectors.is_own_case(request.user, context["case"]):
        return redirect("cases:staff_case", number=number)
    context["show_receipt"] = request.GET.get("receipt") == "1"
    context["panels"] = selectors.case_panels(request.user, context["case"])
    return render(request, "cases/my_case.html", context)


@login_required
@require_POST
def supply_correction(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """The applicant answers the correction notice (补正) with the asked materials."""
    try:
        case = selectors.case_for_viewer(request.user, number)
        notice = case.corrections.filter(answered_at__isnull=True).first()
        asked = set(notice.materials.values_list("pk", flat=True)) if notice else set()
        staged, errors = _stage_files(request, case.item, MaterialSource.UPLOAD, only=asked or None)
        if errors:
            for error in errors:
                messages.error(request, error)
            return redirect("cases:my_case", number=number)
        services.supply_correction(actor=request.user, case_id=case.pk, materials=_refs(staged),
                                   note=request.POST.get("note", ""))
        messages.success(request, _("补正材料已提交，窗口将尽快审核。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cases:my_case", number=number)


@login_required
@require_POST
def withdraw(request: AuthenticatedRequest, number: str) -> HttpResponse:
    try:
        case = selectors.case_for_viewer(request.user, number)
        services.withdraw_application(actor=request.user, case_id=case.pk, reason=request.POST.get("reason", ""))
        messages.success(request, _("办件已撤回。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cases:my_case", number=number)


@login_required
def material_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    material = get_object_or_404(CaseMaterial.objects.select_related("case"), pk=pk)
    if material.case is None and material.uploaded_by_id != request.user.pk:
        raise Http404
    if not permissions.may_open_material(request.user, material):
        return HttpResponseForbidden(_("您无权查看该材料：材料含申请人的个人信息，仅申请人和承办人员可以查看。"))
    if not material.file:  # obtained by data sharing (免提交): there is no file to send
        raise Http404(_("该材料由数据共享获取，没有文件。"))
    return file_download(material.file.open("rb"), filename=material.original_name, content_type=material.content_type)


def _domain_error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "cases/error.html", {"error": exc}, status=exc.status)


# ---------------------------------------------------------------- workbench (staff)

def staff_required(view: Any) -> Any:
    @login_required
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_member(request.user):
            return render(request, "cases/error.html", {"error": DomainError(
                "permission_denied", _("工作台仅供工作人员使用。"))}, status=403)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@staff_required
def workbench(request: AuthenticatedRequest) -> HttpResponse:
    roles = {r.role for r in staff_roles_of(request.user)}
    context: dict[str, Any] = {"roles": roles}
    if "clerk" in roles:
        queue = selectors.window_queue()
        context["window_counts"] = {
            s: queue.filter(status=s).count() for s in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION,
                                                       CaseStatus.AWAITING_DELIVERY)
        }
    if roles & {"reviewer", "decider", "head"}:
        tasks = selectors.my_tasks(request.user)
        now = timezone.now()
        context["task_count"] = tasks.count()
        context["task_overdue"] = tasks.filter(selectors.sla_light_q(selectors.RED, now=now, status_field="case__status")).count()
        context["task_warning"] = tasks.filter(selectors.sla_light_q(selectors.YELLOW, now=now,
                                                                     status_field="case__status")).count()
    if "steward" in roles:
        context["steward"] = steward_workbench(request.user)
    context["notifications"] = Notification.objects.filter(recipient=request.user, read_at__isnull=True).order_by("-id")[:10]
    return render(request, "cases/workbench.html", context)


@staff_required
def window(request: HttpRequest) -> HttpResponse:
    """The one window's queue: to accept, waiting for correction, to deliver."""
    status = request.GET.get("status", CaseStatus.SUBMITTED)
    if status not in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.AWAITING_DELIVERY):
        status = CaseStatus.SUBMITTED
    q = request.GET.get("q", "").strip()[:40]
    cases = selectors.window_queue(status)
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(applicant__name__icontains=q) | Q(item__name__icontains=q))
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    prereview = prereview_states([c.pk for c in page])
    rows = [(c, selectors.sla_light(status=c.status, due_at=c.due_at, warn_at=c.warn_at, now=now), prereview[c.pk])
            for c in page]
    return render(request, "cases/window.html", {"status": status, "q": q, "page": page, "rows": rows,
                                                 "tabs": [(s, CaseStatus(s).label) for s in (
                                                     CaseStatus.SUBMITTED, CaseStatus.CORRECTION,
                                                     CaseStatus.AWAITING_DELIVERY)]})


@staff_required
def walk_in(request: AuthenticatedRequest) -> HttpResponse:
    """Enter an application for a person at the counter (窗口代录), scanning their papers."""
    if not selectors.is_clerk(request.user):
        return HttpResponseForbidden(_("只有综合窗口人员可以代录申请。"))
    code = request.GET.get("item") or request.POST.get("item") or ""
    item = item_guide(code) if code else None
    if item is None:
        q = request.GET.get("q", "").strip()[:100]
        items = search_items(q)[:30] if q else []
        return render(request, "cases/walk_in_pick.html", {"q": q, "items": items})
    values: dict[str, Any] = {}
    person: dict[str, str] = {"kind": "person"}
    staged: dict[int, int] = {}
    token = request.POST.get("submission_token") or uuid.uuid4().hex
    if request.method == "POST":
        values = {f["name"]: request.POST.get(f["name"], "") for f in item.form_schema or []}
        person = {k: request.POST.get(f"applicant_{k}", "").strip() for k in ("kind", "name", "id_number", "phone", "address")}
        staged, errors = _stage_files(request, item, MaterialSource.SCAN)
        for error in errors:
            messages.error(request, error)
        if not errors:
            try:
                applicant = register_applicant(actor=request.user, kind=person["kind"], name=person["name"],
                                               id_number=person["id_number"], phone=person["phone"],
                                               address=person["address"])
                case, _created = services.submit_application(
                    actor=request.user, item=item, applicant=applicant, form_data=values, materials=_refs(staged),
                    channel=Channel.WINDOW, idempotency_key=f"window-{token}",
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已代录申请，办件编号 %(number)s。受理后请在本页打印受理回执交申请人。") % {"number": case.number})
                return redirect("cases:staff_case", number=case.number)
    return render(request, "cases/walk_in.html", {
        "item": item, "fields": _form_fields(item, values), "person": person, "token": token, "staged": staged,
        "staged_names": _staged_names(staged),
    })


@staff_required
def staff_case(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """A case on the workbench, with the actions this person may take now."""
    try:
        context = _case_context(request, number)
    except DomainError as exc:
        return _domain_error_page(request, exc)
    case = context["case"]
    context["is_clerk"] = selectors.is_clerk(request.user)
    context["my_steps"] = [
        s for s in CaseStep.objects.filter(case=case, status=StepStatus.OPEN).select_related("department")
        if may_complete(request.user, s)
    ] if case.status == CaseStatus.IN_REVIEW else []
    context["delivery_methods"] = [(m, DeliveryMethod(m).label) for m in (case.item.delivery_methods or DeliveryMethod.values)]
    context["item_materials"] = case.item.materials.all()
    context["credit_findings"] = credit_findings_of(case)
    context["show_prereview"] = True
    context["prereview"] = prereview_states([case.pk])[case.pk]
    if may_see_engine_errors(request.user, case):
        context["engine_errors"] = open_engine_errors(case)
        context["may_repair"] = may_repair_process(request.user)
    return render(request, "cases/staff_case.html", context)


def _confirm_refusal(request: HttpRequest, case: Any, *, action: str, text: str, step: Any = None) -> HttpResponse:
    """A refusal (不予受理 at the window, 不同意 at a step) is confirmed on a page of its own before it
    is made: it ends the application, and a misplaced click must not. Works without JavaScript;
    the confirmation is recorded with the refusal (``confirmed`` in its audit record)."""
    return render(request, "cases/confirm_refusal.html", {"case": case, "action": action, "text": text.strip(),
                                                          "step": step})


@staff_required
@require_POST
def staff_action(request: AuthenticatedRequest, number: str, action: str) -> HttpResponse:
    """Window and approval actions posted from the case page."""
    try:
        case = selectors.case_for_viewer(request.user, number)
        post = request.POST
        if action == "accept":
            services.accept_application(actor=request.user, case_id=case.pk, note=post.get("note", ""),
                                        acknowledge_findings=post.get("acknowledge_findings") == "1")
            messages.success(request, _("已受理，办件进入审批。请打印受理回执交申请人（见「文书与回执」）。"))
        elif action == "correction":
            ids = [i for i in map(parse_id, post.getlist("material_ids")) if i is not None]
            services.request_correction(actor=request.user, case_id=case.pk, material_ids=ids, note=post.get("note", ""))
            messages.success(request, _("已一次性告知申请人补正，计时暂停。"))
        elif action == "reject":
            if post.get("confirm") != "1" and post.get("reason", "").strip():
                return _confirm_refusal(request, case, action=action, text=post.get("reason", ""))
            services.reject_application(actor=request.user, case_id=case.pk, reason=post.get("reason", ""),
                                        confirmed=post.get("confirm") == "1")
            messages.success(request, _("已作出不予受理。"))
        elif action == "deliver":
            services.deliver_result(actor=request.user, case_id=case.pk, method=post.get("method", ""),
                                    detail=post.get("detail", ""))
            messages.success(request, _("已出件，办件办结。"))
        elif action == "complete":
            deny = post.get("decision") == StepDecision.DENY
            step = CaseStep.objects.filter(case=case, pk=parse_id(post.get("step_id")) or 0).first()
            if deny and post.get("confirm") != "1" and post.get("comment", "").strip() and step is not None:
                return _confirm_refusal(request, case, action=action, text=post.get("comment", ""), step=step)
            services.complete_step(actor=request.user, case_id=case.pk, step_id=parse_id(post.get("step_id")) or 0,
                                   decision=post.get("decision", ""), comment=post.get("comment", ""),
                                   confirmed=(post.get("confirm") == "1") if deny else None)
            messages.success(request, _("审批意见已提交。"))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cases:staff_case", number=number)


@staff_required
def tasks(request: AuthenticatedRequest) -> HttpResponse:
    """The approver's inbox, most urgent first."""
    now = timezone.now()
    page = Paginator(selectors.my_tasks(request.user), 30).get_page(request.GET.get("page"))
    rows = [(s, selectors.sla_light(status=s.case.status, due_at=s.due_at, warn_at=s.warn_at, now=now)) for s in page]
    return render(request, "cases/tasks.html", {"page": page, "rows": rows})


@staff_required
def board(request: AuthenticatedRequest) -> HttpResponse:
    """电子监察: open cases green / yellow / red by the department that answers for them (the service
    centre for cases at the window), drill down by item and to cases."""
    if not is_supervisor(request.user):
        return HttpResponseForbidden(_("只有电子监察人员可以查看监察看板。"))
    department_id = parse_id(request.GET.get("department"))
    rows = selectors.supervision_board(department_id=department_id)
    department_name = ""
    if department_id:
        from yiwang.core.models import Department

        department_name = Department.objects.filter(pk=department_id).values_list("name", flat=True).first() or ""
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("green", "yellow", "red", "paused")}
    return render(request, "cases/board.html", {
        "rows": rows, "department_id": department_id, "department_name": department_name, "totals": totals,
        "chart": {"labels": [r.label for r in rows], "green": [r.green for r in rows],
                  "yellow": [r.yellow for r in rows], "red": [r.red for r in rows], "paused": [r.paused for r in rows]},
    })


@staff_required
def board_cases(request: AuthenticatedRequest) -> HttpResponse:
    if not is_supervisor(request.user):
        return HttpResponseForbidden(_("只有电子监察人员可以查看监察看板。"))
    get = request.GET
    light = get.get("light") if get.get("light") in selectors.LIGHTS else None
    cases = selectors.board_cases(
        department_id=parse_id(get.get("department")),
        item_id=parse_id(get.get("item")),
        light=light,
    )
    now = timezone.now()
    rows = [(c, selectors.sla_light(status=c.status, due_at=c.due_at, warn_at=c.warn_at, now=now)) for c in cases]
    return render(request, "cases/board_cases.html", {"rows": rows, "light": light})


@staff_required
def board_red_list(request: AuthenticatedRequest) -> HttpResponse:
    """The red list (overdue cases) as an Excel workbook, for a supervisor's meeting."""
    if not is_supervisor(request.user):
        return HttpResponseForbidden(_("只有电子监察人员可以查看监察看板。"))
    from yiwang.cases.exports import red_list_response

    try:
        return red_list_response(selectors.red_list())
    except DomainError as exc:  # e.g. today lies past the last year the calendar knows
        messages.error(request, exc.message)
        return redirect("cases:board")


@staff_required
def board_urge(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """督办: a supervisor urges the department that answers for a case (or one of its steps)."""
    if not is_supervisor(request.user):
        return HttpResponseForbidden(_("只有电子监察人员可以督办。"))
    try:
        case = selectors.case_for_viewer(request.user, number)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    note = ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            services.urge_case(actor=request.user, case_id=case.pk, note=note,
                               step_id=selectors.as_id(request.POST.get("step_id")))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已督办，责任部门负责人已收到通知。"))
            return redirect("cases:board_urge", number=number)
    return render(request, "cases/board_urge.html", {
        "case": case, "note": note, "open_steps": selectors.case_steps(case).filter(status=StepStatus.OPEN),
        "responsible": selectors.responsible_department(case), "urges": selectors.case_urges(case),
    })
