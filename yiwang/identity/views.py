"""Identity pages: registration (person, enterprise), 我的实名 (level, online check, authorisations),
and the window clerk's page (L3 check, paper authorisations). Thin: parse, call one service, show.

Registration works without JavaScript: "获取验证码" and "注册" are two submit buttons of one form,
so what was typed survives the first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.bounds import parse_id
from yiwang.core.calendar import local_date
from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.ids import mask_id_number
from yiwang.core.models import ApplicantKind, RealNameLevel
from yiwang.identity import selectors, services
from yiwang.identity.permissions import is_window_clerk, level_of

PERSON_FIELDS = ("name", "id_number", "phone", "code")
ENTERPRISE_FIELDS = ("uscc", "name", "legal_representative", "legal_representative_id", "operator_name",
                     "operator_id_number", "phone", "code")


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _send_code(request: HttpRequest, phone: str) -> None:
    try:
        services.request_code(phone=phone, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        # the same words whether or not the number already has an account (no enumeration)
        messages.info(request, _("验证码已发送到该手机号码（演示环境见 var/notify/sms.log），5 分钟内有效。"))


def _register(request: HttpRequest, *, fields: tuple[str, ...], template: str, enterprise: bool) -> HttpResponse:
    values = {f: request.POST.get(f, "").strip() for f in fields} if request.method == "POST" else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.POST.get("action") == "send_code":
            _send_code(request, values.get("phone", ""))
        else:
            password = request.POST.get("password", "")
            if password != request.POST.get("password2", ""):
                errors["password2"] = _("两次输入的密码不一致。")
            else:
                try:
                    if enterprise:
                        user = services.register_enterprise(
                            uscc=values["uscc"], name=values["name"], legal_representative=values["legal_representative"],
                            legal_representative_id=values["legal_representative_id"],
                            operator_name=values["operator_name"], operator_id_number=values["operator_id_number"],
                            phone=values["phone"], code=values["code"], password=password)
                    else:
                        user = services.register_person(name=values["name"], id_number=values["id_number"],
                                                        phone=values["phone"], code=values["code"], password=password)
                except DomainError as exc:
                    errors[str(exc.details.get("field") or "form")] = exc.message
                else:
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    messages.success(request, _("注册成功。您的登录名是 %(u)s，当前实名等级为 L1（自我声明）。")
                                     % {"u": user.get_username()})
                    return redirect("identity:me")
    return render(request, template, {"values": values, "errors": errors, "form_error": errors.get("form", "")},
                  status=422 if errors else 200)


def register(request: HttpRequest) -> HttpResponse:
    return _register(request, fields=PERSON_FIELDS, template="identity/register.html", enterprise=False)


def register_enterprise(request: HttpRequest) -> HttpResponse:
    return _register(request, fields=ENTERPRISE_FIELDS, template="identity/register_enterprise.html", enterprise=True)


def _default_until(now: dt.datetime) -> str:
    """The form's proposed end of an authorisation: the county's date 90 days on (not the UTC
    date, a day short from the county's midnight to 08:00)."""
    return local_date(now + dt.timedelta(days=90)).isoformat()


def _until(value: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """我的实名: the level and how to raise it, the checks made, authorisations given and held, and
    the cases agents made for me."""
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        return render(request, "identity/refused.html", {"error": DomainError(
            "not_an_applicant", _("当前账号不是申请人账号。"))}, status=403)
    authorisations = list(selectors.authorisations_of(applicant))
    now = timezone.now()
    return render(request, "identity/me.html", {
        "applicant": applicant, "level": RealNameLevel(level_of(applicant)), "levels": RealNameLevel,
        "masked_id": mask_id_number(applicant.id_number),
        "verifications": selectors.verifications_of(applicant),
        "given": [a for a in authorisations if a.principal_id == applicant.pk],
        "held": [a for a in authorisations if a.agent_id == applicant.pk],
        "now": now, "default_until": _default_until(now),
    })


@login_required
@require_POST
def verify_online(request: AuthenticatedRequest) -> HttpResponse:
    try:
        services.verify_online(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("在线核验通过，实名等级已提升为 L2。"))
    return redirect("identity:me")


@login_required
@require_POST
def grant(request: AuthenticatedRequest) -> HttpResponse:
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        raise Http404
    try:
        services.grant_authorisation(
            actor=request.user, principal=applicant, agent_id_number=request.POST.get("agent_id_number", ""),
            agent_name=request.POST.get("agent_name", ""), all_items=request.POST.get("scope") == "all",
            item_codes=request.POST.get("items", "").replace("，", ",").split(","),
            valid_until=_until(request.POST.get("valid_until", "")))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("委托已登记。代办人登录后可在申请页面选择“代他人申请”。"))
    return redirect("identity:me")


@login_required
@require_POST
def revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clerk = is_window_clerk(request.user) is not None
    authorisation = selectors.authorisation_for_party(request.user, pk)
    if authorisation is None and clerk:
        from yiwang.identity.models import Authorisation

        authorisation = Authorisation.objects.filter(pk=pk).first()
    if authorisation is None:
        raise Http404
    try:
        services.revoke_authorisation(actor=request.user, authorisation=authorisation,
                                      reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("委托已撤销。"))
    return redirect(request.POST.get("back") == "window" and "identity:window" or "identity:me")


# the window page's fields whose refusal is shown beside them (what was typed kept)
WINDOW_FIELDS = ("note", "agent_name", "agent_id_number", "items", "valid_until", "paper_reference")


@login_required
def window(request: AuthenticatedRequest) -> HttpResponse:
    """The window clerk's identity desk: find an applicant by ID number, verify them in person (L3),
    record a signed paper authorisation."""
    department = is_window_clerk(request.user)
    if department is None:
        return render(request, "identity/refused.html", {"error": DomainError(
            "not_a_clerk", _("此页面仅供政务服务中心窗口人员使用。"))}, status=403)
    kind = request.POST.get("kind") or request.GET.get("kind") or ApplicantKind.PERSON
    number = (request.POST.get("id_number") or request.GET.get("id_number") or "").strip()
    applicant = None
    context: dict[str, Any] = {"kind": kind, "id_number": number, "kinds": ApplicantKind.choices,
                               "default_until": _default_until(timezone.now()), "limits": services.window_text_limits()}
    if number:
        try:
            applicant = services.find_applicant_for_window(actor=request.user, kind=kind, id_number=number)
        except DomainError as exc:
            context["error"] = exc.message
    if applicant is not None and request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                services.verify_at_window(actor=request.user, applicant=applicant,
                                          document_checked=request.POST.get("document_checked") == "on",
                                          note=request.POST.get("note", ""))
                messages.success(request, _("已完成窗口核验，实名等级为 L3。"))
            elif action == "authorise":
                services.grant_authorisation(
                    actor=request.user, principal=applicant, agent_id_number=request.POST.get("agent_id_number", ""),
                    agent_name=request.POST.get("agent_name", ""), all_items=request.POST.get("scope") == "all",
                    item_codes=request.POST.get("items", "").replace("，", ",").split(","),
                    valid_until=_until(request.POST.get("valid_until", "")),
                    paper_reference=request.POST.get("paper_reference", ""))
                messages.success(request, _("书面委托已登记。"))
        except DomainError as exc:
            # said at the field it is about, with what was typed kept (a note over its limit is refused, not cut)
            field = str(exc.details.get("field") or "")
            if field in WINDOW_FIELDS:
                context.update({"errors": {field: exc.message}, "values": request.POST, "status": 422})
            else:
                messages.error(request, exc.message)
        else:
            from urllib.parse import urlencode

            from django.urls import reverse

            return redirect(reverse("identity:window") + "?" + urlencode({"kind": kind, "id_number": number}))
    if applicant is not None:
        context.update({"applicant": applicant, "level": RealNameLevel(level_of(applicant)),
                        "masked_id": mask_id_number(applicant.id_number),
                        "verifications": selectors.verifications_of(applicant, limit=5),
                        "authorisations": list(selectors.authorisations_of(applicant)), "now": timezone.now()})
    return render(request, "identity/window.html", context, status=context.get("status", 200))


def on_behalf_choice(request: HttpRequest) -> int | None:
    """The authorisation id an agent chose on the apply page (``?for=<id>``), if any."""
    return parse_id(request.POST.get("on_behalf") or request.GET.get("for") or "")
