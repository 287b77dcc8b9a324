"""Pages of credit supervision: 我的信用 on the portal (the subject itself) and the staff lookup of a
subject (credit staff). Thin: permissions, selectors and the report service do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yiwang.core.bounds import parse_id
from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import ApplicantKind
from yiwang.credit import permissions, selectors
from yiwang.credit.ingest import import_credit_dataset
from yiwang.credit.models import CreditSubject
from yiwang.credit.report import issue_report, signed_pdf
from yiwang.exchange.models import Dataset


def _own_subject(request: HttpRequest) -> CreditSubject | None:
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        return None
    kind = "org" if applicant.kind == ApplicantKind.ORGANISATION else "person"
    return CreditSubject.objects.filter(kind=kind, id_index=applicant.id_index).first()


@login_required
def my_credit(request: HttpRequest) -> HttpResponse:
    """我的信用: the signed-in applicant's level, lists and records, and the report to download."""
    subject = _own_subject(request)
    view = selectors.subject_view(subject, timezone.now()) if subject is not None else None
    return render(request, "credit/my_credit.html", {
        "view": view, "has_applicant": hasattr(request.user, "applicant"),
        "repair_options": selectors.repair_options(view) if view is not None else []})


@login_required
def my_report(request: AuthenticatedRequest) -> HttpResponse:
    """The signed credit report of the signed-in applicant, as a PDF."""
    subject = _own_subject(request)
    if subject is None:
        return render(request, "credit/denied.html", {"reason": _("信用档案中没有您的记录（未建档），无法出具信用报告。")},
                      status=404)
    report, _view = issue_report(actor=request.user, subject=subject)
    pdf, digest, signature = signed_pdf(report)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
    response["X-Content-SM3"], response["X-Signature-SM2"], response["X-Key-Id"] = digest, signature, report.key_id
    return response


@login_required
def staff_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """Credit staff look a subject up by credit code or ID number."""
    if not permissions.is_credit_staff(request.user):
        return render(request, "credit/denied.html", {"reason": _("查询他人信用须有信用查询权限。")}, status=403)
    # POST: an ID number never travels in a URL (access logs, history, the language switcher's ``next``)
    code = (request.POST.get("code") or "").strip()[:40] if request.method == "POST" else ""
    view, error = None, ""
    if code:
        try:
            subject = selectors.subject_by_code(code)
            view = selectors.subject_view(subject, timezone.now())
        except DomainError as exc:
            error = exc.message
    show_id = view is not None and permissions.may_see_id_number(request.user, view.subject)
    echoed = code if view is not None and view.subject.kind == "org" else ""  # a person's number is not echoed
    return render(request, "credit/staff_lookup.html", {"view": view, "code": echoed, "error": error, "show_id": show_id})


@login_required
@require_http_methods(["GET", "POST"])
def datasets(request: AuthenticatedRequest) -> HttpResponse:
    """信用信息归集: the pushed versions of credit resources not yet turned into records (held ones
    wait for the steward's confirmation); credit staff of the providing department turn a loaded
    one into records (``import_credit_dataset``: permission, audit, errors in words)."""
    if request.method == "POST":
        dataset_id = parse_id(request.POST.get("dataset"))
        dataset = Dataset.objects.select_related("resource__provider").filter(
            pk=dataset_id).first() if dataset_id is not None else None
        if dataset is None:
            messages.error(request, _("没有这个数据集版本。"))
        else:
            try:
                result = import_credit_dataset(actor=request.user, dataset=dataset)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("%(resource)s 第 %(v)s 版已转为信用记录：新增 %(created)s 条，已有而跳过 "
                                            "%(skipped)s 条，有误未转 %(rejected)s 条。")
                                 % {"resource": dataset.resource.name, "v": dataset.version, "created": result.created,
                                    "skipped": result.skipped, "rejected": result.rejected_count})
                for row in result.rejected[:20]:
                    messages.warning(request, f"{row['record_no'] or '—'}：{row['problem']}")
        return redirect("credit:datasets")
    pending = selectors.datasets_to_import(request.user)
    if not pending and not permissions.is_credit_staff(request.user):
        return render(request, "credit/denied.html", {"reason": _("信用信息归集须由数据管理员或信用管理人员办理。")},
                      status=403)
    return render(request, "credit/datasets.html", {"datasets": pending})
