"""Pages of data sharing: the catalogue and negative list (every staff member), subscriptions
(consumers request, stewards decide), dataset upload and quality reports, usage (stewards), and
the citizen's 数据使用记录 on the portal. Thin: parse, call a service or selector, show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.bounds import parse_id
from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import Department
from yiwang.core.selectors import is_staff_member
from yiwang.exchange import pushes, selectors, services
from yiwang.exchange.models import Channel, Dataset, DatasetStatus, NegativeListEntry, SubscriptionStatus
from yiwang.exchange.permissions import is_steward


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_member(request.user):
            return render(request, "exchange/denied.html", status=403)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


REFUSED = "exchange_refused"  # the session key of the last refused form (the pages post, then redirect)
# What the pages show back in a refused form: its texts and the row it was on (a subscription, a
# review). Nothing else a post carries is kept: the session is stored on every request until the
# next exchange page, and a post may be megabytes (before, every value was kept whole).
_REFILLED = ("reason", "legal_basis", "purpose", "note", "subscription", "review")


def _refill_cap() -> int:
    """The most characters of one value kept for the refill: twice the longest text a form takes, so
    a text refused as too long comes back with what was over the limit, and no more."""
    return 2 * max(services.text_limits().values())


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.details.get("field"):
            # kept for the page the redirect shows: the refusal at its field, what was typed back in it
            cap = _refill_cap()
            request.session[REFUSED] = {"field": str(exc.details["field"]), "message": exc.message, "values": {
                k: request.POST[k][:cap] for k in _REFILLED if k in request.POST}}
        return None
    messages.success(request, success)
    return result


def _refused(request: HttpRequest) -> dict[str, Any]:
    """The refused form's field, message and values, once (``_attempt``); empty when none."""
    return request.session.pop(REFUSED, None) or {}


@staff_only
def catalogue(request: AuthenticatedRequest) -> HttpResponse:
    """资源目录: every published resource, its fields, classes and negative-list marks."""
    resources = list(selectors.catalogue())
    stewarded = set(selectors.steward_departments(request.user))
    return render(request, "exchange/catalogue.html", {"resources": resources, "stewarded": stewarded})


@staff_only
def resource(request: AuthenticatedRequest, code: str) -> HttpResponse:
    res = selectors.resource_by_code(code)
    if res is None:
        raise Http404
    steward = is_steward(request.user, res.provider)
    if request.method == "POST" and steward:
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要上传的数据文件。"))
            return redirect("exchange:resource", code=code)
        try:
            result = pushes.push_dataset(actor=request.user, resource=res, upload=upload,
                                         encoding=request.POST.get("encoding") or None)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("exchange:resource", code=code)
        if isinstance(result, pushes.Loaded):
            if result.ingested.dataset.status == DatasetStatus.HELD:
                messages.warning(request, _("数据文件已入库但暂未启用：拒收过多或行数骤减，请查看质量报告后确认或弃用。"))
            else:
                messages.success(request, _("数据文件已处理，请查看质量报告。"))
            return redirect("exchange:dataset", pk=result.ingested.dataset.pk)
        if result.duplicate:
            messages.info(request, _("同一文件已在排队或入库中（推送 %(id)s），未重复提交。") % {"id": result.push.pk})
        else:
            messages.success(request, _("数据文件较大，已排队在后台入库（推送 %(id)s）；完成后在下方查看质量报告。")
                             % {"id": result.push.pk})
        return redirect("exchange:resource", code=code)
    return render(request, "exchange/resource.html", {
        "resource": res, "steward": steward, "datasets": selectors.datasets_of(res)[:20],
        "pushes": _pushes(res) if steward else None,
        "max_dataset_mb": settings.YIWANG_MAX_DATASET_BYTES // (1024 * 1024),
        "sync_mb": settings.YIWANG_DATASET_SYNC_BYTES // (1024 * 1024),
        "negative": selectors.negative_list().filter(resource=res),
        "my_departments": [d for d in selectors.my_departments(request.user) if d.pk != res.provider_id],
        "refused": _refused(request), "limits": services.text_limits(),
    })


def _pushes(res: Any) -> dict[str, Any]:
    rows = list(selectors.pushes_of(res)[:20])
    return {"rows": rows, "in_flight": any(p.in_flight for p in rows), "resource": res}


@staff_only
def resource_pushes(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The steward page's list of queued pushes, refreshed while one is queued or loading."""
    res = selectors.resource_by_code(code)
    if res is None:
        raise Http404
    if not is_steward(request.user, res.provider):
        return render(request, "exchange/denied.html", status=403)
    return render(request, "exchange/_pushes.html", {"pushes": _pushes(res)})


@staff_only
def dataset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ds = get_object_or_404(Dataset.objects.select_related("resource__provider", "uploaded_by"), pk=pk)
    if not is_steward(request.user, ds.resource.provider):
        return render(request, "exchange/denied.html", status=403)
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        if action == "confirm":
            _attempt(request, lambda: services.confirm_dataset(actor=request.user, dataset=ds, reason=reason),
                     _("已确认：此版本成为当前版本。"))
        elif action == "discard":
            _attempt(request, lambda: services.discard_dataset(actor=request.user, dataset=ds, reason=reason),
                     _("已弃用此版本：当前版本不变。"))
        else:
            messages.error(request, _("未知的操作。"))
        return redirect("exchange:dataset", pk=ds.pk)
    return render(request, "exchange/dataset.html", {"dataset": ds, "report": ds.report, "held": ds.status == DatasetStatus.HELD,
                                                     "refused": _refused(request), "limits": services.text_limits()})


@staff_only
def negative_list(request: AuthenticatedRequest) -> HttpResponse:
    """负面清单, shown to stewards and consumers alike; stewards add and lift entries."""
    if request.method == "POST":
        if "lift" in request.POST:
            entry = get_object_or_404(NegativeListEntry.objects.select_related("resource__provider"), pk=parse_id(request.POST["lift"]))
            _attempt(request, lambda: services.lift_negative_entry(actor=request.user, entry=entry), _("已移出负面清单。"))
        else:
            res = selectors.resource_by_code(request.POST.get("resource", ""))
            if res is None:
                messages.error(request, _("请选择数据资源。"))
            else:
                _attempt(request, lambda: services.add_negative_entry(
                    actor=request.user, resource=res, field_name=request.POST.get("field") or None,
                    reason=request.POST.get("reason", ""), legal_basis=request.POST.get("legal_basis", "")),
                    _("已列入负面清单：自现在起网关不再提供该数据。"))
        return redirect("exchange:negative_list")
    stewarded = set(selectors.steward_departments(request.user))
    own = [r for r in selectors.catalogue() if r.provider_id in stewarded]
    return render(request, "exchange/negative_list.html", {
        "entries": selectors.negative_list(), "own_resources": own, "stewarded": stewarded,
        "refused": _refused(request), "limits": services.text_limits(),
    })


@staff_only
def subscriptions(request: AuthenticatedRequest) -> HttpResponse:
    """Incoming requests (stewards decide) and my departments' subscriptions; a request form."""
    if request.method == "POST":
        res = selectors.resource_by_code(request.POST.get("resource", ""))
        dept = Department.objects.filter(code=request.POST.get("consumer", "")).first()
        if res is None or dept is None:
            messages.error(request, _("请选择数据资源和申请部门。"))
        else:
            made = _attempt(request, lambda: services.request_subscription(
                actor=request.user, consumer=dept, resource=res, fields=request.POST.getlist("fields"),
                purpose=request.POST.get("purpose", ""), legal_basis=request.POST.get("legal_basis", "")),
                _("共享申请已提交，等待%(dept)s审核。") % {"dept": res.provider.name})
            if made is None:  # refused: back to the form, which says why at the field and keeps the text
                return redirect("exchange:resource", code=res.code)
        return redirect("exchange:subscriptions")
    now = timezone.now()
    return render(request, "exchange/subscriptions.html", {
        "incoming": selectors.with_field_labels(list(selectors.incoming_subscriptions(request.user)[:200])),
        "outgoing": selectors.with_field_labels(list(selectors.outgoing_subscriptions(request.user)[:200])),
        "now": now, "default_expiry": (timezone.localdate(now) + dt.timedelta(days=365)).isoformat(),
        "pending": SubscriptionStatus.PENDING, "approved": SubscriptionStatus.APPROVED,
        "refused": _refused(request), "limits": services.text_limits(),
    })


@staff_only
@require_POST
def subscription_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    sub = selectors.subscription_for(request.user, pk)
    if sub is None:
        raise Http404
    reason = request.POST.get("reason", "")
    if action == "approve":
        try:
            day = dt.date.fromisoformat(request.POST.get("expires_on", ""))
            expires = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
            quota, rate = int(request.POST.get("daily_quota", "10000")), int(request.POST.get("rate_per_minute", "600"))
        except ValueError:
            messages.error(request, _("请填写有效期（YYYY-MM-DD）和调用限额（正整数）。"))
            return redirect("exchange:subscriptions")
        # exactly what the steward ticked: the fields, and which of them in clear (none unless ticked)
        fields = request.POST.getlist("fields") if "fields_shown" in request.POST else None
        _attempt(request, lambda: services.approve_subscription(
            actor=request.user, subscription=sub, expires_at=expires, daily_quota=quota, rate_per_minute=rate, reason=reason,
            fields=fields, clear_fields=request.POST.getlist("clear_fields")),
            _("已批准共享申请。"))
    elif action == "refuse":
        _attempt(request, lambda: services.refuse_subscription(actor=request.user, subscription=sub, reason=reason),
                 _("已拒绝共享申请。"))
    elif action == "revoke":
        _attempt(request, lambda: services.revoke_subscription(actor=request.user, subscription=sub, reason=reason),
                 _("已撤销共享订阅：自现在起网关拒绝其查询。"))
    else:
        raise Http404
    return redirect("exchange:subscriptions")


@staff_only
def usage(request: AuthenticatedRequest) -> HttpResponse:
    """Who used our data (stewards), and our own department's lookups."""
    stewarded = selectors.steward_departments(request.user)
    mine = [d.pk for d in selectors.my_departments(request.user)]
    role = request.GET.get("role", "provider" if stewarded else "consumer")
    rows = selectors.provider_usage(stewarded) if role == "provider" else selectors.consumer_usage(mine)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    labels = selectors.field_labels(list(page))
    entries = [(a, [labels.get((a.resource_id, f), f) for f in a.fields_returned]) for a in page]
    return render(request, "exchange/usage.html", {"page": page, "entries": entries, "role": role,
                                                   "can_provider": bool(stewarded)})


@login_required
def my_data_usage(request: HttpRequest) -> HttpResponse:
    """数据使用记录: which departments accessed my own data, what, why and when."""
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        return render(request, "exchange/my_data_usage.html", {"no_applicant": True})
    page = Paginator(selectors.subject_usage(applicant), 30).get_page(request.GET.get("page"))
    labels = selectors.field_labels(list(page))
    entries = [(a, [labels.get((a.resource_id, f), f) for f in a.fields_returned], _own_case_link(a)) for a in page]
    return render(request, "exchange/my_data_usage.html", {"page": page, "entries": entries, "applicant": applicant})


def _own_case_link(access: Any) -> str:
    """The person's own case a 免提交 read was made for (channel ``case``: the subject is the case's
    applicant), as a link to their case page; other references are shown, not linked."""
    if access.channel != Channel.CASE or not access.case_reference:
        return ""
    try:
        return reverse("cases:my_case", args=[access.case_reference])
    except NoReverseMatch:
        return ""


@staff_only
def reviews(request: AuthenticatedRequest) -> HttpResponse:
    """查询复核: lookups of persons made with a documented reason instead of a case, for the
    provider's stewards to review afterwards (mark reviewed, or flag with a note)."""
    if request.method == "POST":
        try:
            pk = int(request.POST.get("review", ""))
        except ValueError:
            pk = 0
        review = selectors.review_for(request.user, pk) if 0 < pk < 2**63 else None
        if review is None:
            messages.error(request, _("复核记录不存在或不归您复核。"))
        else:
            _attempt(request, lambda: services.review_lookup(actor=request.user, review=review,
                                                            verdict=request.POST.get("verdict", ""),
                                                            note=request.POST.get("note", "")),
                     _("复核结论已记录。"))
        return redirect("exchange:reviews")
    status = request.GET.get("status", "pending")
    if status not in ("pending", "reviewed", "flagged"):
        status = "pending"
    page = Paginator(selectors.review_queue(request.user, status), 50).get_page(request.GET.get("page"))
    return render(request, "exchange/reviews.html", {"page": page, "status": status, "refused": _refused(request), "limits": services.text_limits()})
