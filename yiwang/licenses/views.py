"""Pages of the licence library: the public verification page, the holder's wallet (我的证照), the
PDF download, and the department registry. Thin: services and selectors do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest, account
from yiwang.core.text import max_chars
from yiwang.licenses import selectors, services
from yiwang.licenses.identifiers import clean_number
from yiwang.licenses.models import LicenceStatus, LicenceType, RevokeKind, ShareLink
from yiwang.licenses.verification import reason_text, verify_token

STATUS_LABELS = {
    "valid": gettext_lazy("有效"), "revoked": gettext_lazy("已注销/吊销"), "expired": gettext_lazy("已过期"),
    "not_yet_valid": gettext_lazy("尚未生效"), "altered": gettext_lazy("已被篡改"), "unknown": gettext_lazy("无法核验"),
}


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what the QR code or a share link opens. No login."""
    outcome = verify_token(token, channel="web", verifier=account(request))
    reason = reason_text(outcome)
    response = render(request, "licenses/verify.html", {
        "outcome": outcome, "status_label": STATUS_LABELS.get(outcome.status, outcome.status), "reason": reason,
        "issuer": outcome.licence.department if outcome.licence and outcome.status != "altered" else None,
    }, status=200 if outcome.status != "unknown" else 404)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def wallet(request: AuthenticatedRequest) -> HttpResponse:
    applicant = selectors.applicant_of(request.user)
    from yiwang.licenses.verification import check_licence

    rows = [(lic, check_licence(lic).status) for lic in selectors.licences_of(applicant)]
    return render(request, "licenses/wallet.html", {"rows": rows, "labels": STATUS_LABELS, "has_applicant": applicant is not None})


@login_required
def wallet_licence(request: AuthenticatedRequest, number: str) -> HttpResponse:
    return _wallet_licence_page(request, number)


def _wallet_licence_page(request: AuthenticatedRequest, number: str, *, errors: dict[str, str] | None = None,
                         status_code: int = 200) -> HttpResponse:
    """The holder's licence page; after a refused share, with the refusal at its field and what was typed."""
    from yiwang.licenses.verification import check_licence

    licence = selectors.licences_of(selectors.applicant_of(request.user)).filter(number=clean_number(number)).first()
    if licence is None:
        raise Http404
    status = check_licence(licence).status
    return render(request, "licenses/wallet_licence.html", {
        "licence": licence, "status": status, "status_label": STATUS_LABELS[status],
        "shares": selectors.shares_of(licence), "verifications": selectors.verifications_of(licence),
        "verify_url": services.verify_url(licence.qr_token), "shareable": services.SHAREABLE_FIELDS,
        "field_labels": licence.licence_type.field_labels(),
        "now": timezone.now(),
        "active": licence.status == LicenceStatus.ACTIVE, "labels": STATUS_LABELS,
        "purpose_max": max_chars(ShareLink, "purpose"), "errors": errors or {},
        "values": request.POST if errors else {},
    }, status=status_code)


@login_required
@require_POST
def share(request: AuthenticatedRequest, number: str) -> HttpResponse:
    try:
        days = int(request.POST.get("days") or services.SHARE_DEFAULT_DAYS)
    except ValueError:
        days = -1
    try:
        link = services.create_share(actor=request.user, number=number, fields=request.POST.getlist("fields"), days=days,
                                     purpose=request.POST.get("purpose", ""))
    except DomainError as exc:
        if exc.details.get("field") == "purpose":  # said at the field, the purpose typed kept
            return _wallet_licence_page(request, number, errors={"purpose": exc.message}, status_code=exc.status)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已生成核验链接：%(url)s") % {"url": services.verify_url(link.token)})
    return redirect("licenses:wallet_licence", number=clean_number(number) or "-")


@login_required
@require_POST
def withdraw(request: AuthenticatedRequest, number: str, share_id: int) -> HttpResponse:
    try:
        services.withdraw_share(actor=request.user, share_id=share_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回分享链接。"))
    return redirect("licenses:wallet_licence", number=clean_number(number) or "-")


@login_required
def licence_pdf(request: AuthenticatedRequest, number: str) -> FileResponse:
    try:
        licence = selectors.licence_for_viewer(request.user, number)
    except DomainError as exc:
        raise Http404 from exc
    response = FileResponse(licence.file.open("rb"), content_type="application/pdf",
                            filename=f"{licence.licence_type.name}-{licence.number}.pdf")
    return response


@login_required
def registry(request: AuthenticatedRequest) -> HttpResponse:
    departments = selectors.registry_departments(request.user)
    if not departments:
        raise Http404
    q, type_code, status = request.GET.get("q", ""), request.GET.get("type", ""), request.GET.get("status", "")
    page = Paginator(selectors.registry(request.user, q=q, type_code=type_code, status=status), 30).get_page(request.GET.get("page"))
    return render(request, "licenses/registry.html", {
        "page": page, "q": q, "type_code": type_code, "status": status, "statuses": LicenceStatus.choices,
        "types": LicenceType.objects.filter(department_id__in=departments), "revoke_kinds": RevokeKind.choices,
    })


@login_required
@require_POST
def revoke(request: AuthenticatedRequest, number: str) -> HttpResponse:
    try:
        services.revoke_licence(actor=request.user, number=number, reason=request.POST.get("reason", ""),
                                kind=request.POST.get("kind", RevokeKind.CANCEL))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("证照 %(number)s 已注销/吊销。") % {"number": clean_number(number)})
    return redirect(f"{reverse('licenses:registry')}?{urlencode({'q': clean_number(number)})}")
