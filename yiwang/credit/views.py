"""Pages of credit supervision: 我的信用 on the portal (the subject itself) and the staff lookup of a
subject (credit staff). Thin: permissions, selectors and the report service do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import DomainError
from yiwang.core.models import ApplicantKind
from yiwang.credit import permissions, selectors
from yiwang.credit.models import CreditSubject
from yiwang.credit.report import issue_report, signed_pdf


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
def my_report(request: HttpRequest) -> HttpResponse:
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
def staff_lookup(request: HttpRequest) -> HttpResponse:
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
