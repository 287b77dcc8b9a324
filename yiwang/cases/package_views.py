"""Portal pages for 一件事 packages: apply once (one form, one set of files), then follow the
package's member cases under one number. Thin: the rules live in ``services.packages``."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.cases import selectors, services
from yiwang.cases.models import CaseMaterial, Channel, MaterialSource
from yiwang.cases.services.packages import submit_package
from yiwang.catalog import packages as catalog_packages
from yiwang.catalog.selectors import shareable_materials
from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest


def _stage(request: AuthenticatedRequest, groups: list[catalog_packages.CombinedMaterial]) -> tuple[dict[int, int], list[str]]:
    """Stage each material's file (``material_<key>``), keeping files staged by an earlier attempt
    (``upload_<key>``) so that nobody uploads the same file twice."""
    staged: dict[int, int] = {}
    errors: list[str] = []
    own = set(CaseMaterial.objects.filter(uploaded_by=request.user, case__isnull=True).values_list("pk", flat=True))
    for g in groups:
        upload = request.FILES.get(f"material_{g.key}")
        if upload is not None:
            try:
                staged[g.key] = services.stage_upload(actor=request.user, file=upload, source=MaterialSource.UPLOAD).pk
            except DomainError as exc:
                errors.append(f"{g.name}：{exc.message}")
            continue
        kept = request.POST.get(f"upload_{g.key}", "")
        if kept.isdigit() and int(kept) in own:
            staged[g.key] = int(kept)
    return staged, errors


@login_required
def apply_package(request: AuthenticatedRequest, code: str) -> HttpResponse:
    package = catalog_packages.package_guide(code)
    if package is None:
        raise Http404
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        messages.error(request, _("当前账号不是申请人账号，无法在网上申请。"))
        return redirect("catalog:package", code=code)
    members = list(package.members.all())
    offered = [m.item.code for m in members if m.optional]
    chosen = [c for c in request.POST.getlist("optional") if c in offered] if request.method == "POST" else []
    fields = catalog_packages.combined_form(members)
    groups = catalog_packages.combined_materials(package, members)
    values: dict[str, Any] = {}
    staged: dict[int, int] = {}
    token = request.POST.get("submission_token") or uuid.uuid4().hex
    if request.method == "POST":
        values = {f.name: request.POST.get(f.name, "") for f in fields}
        staged, errors = _stage(request, groups)
        for error in errors:
            messages.error(request, error)
        if not errors:
            try:
                application, created = submit_package(
                    actor=request.user, package=package, applicant=applicant, form_data=values,
                    materials=[services.MaterialRef(material_id=k, upload_id=u) for k, u in staged.items()],
                    optional_items=chosen, channel=Channel.ONLINE, idempotency_key=f"web-{token}",
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if created:
                    messages.success(request, _("已提交，一件事申请编号 %(number)s。") % {"number": application.number})
                return redirect("cases:my_package", number=application.number)
    optional_ids = {m.item_id for m in members if m.optional}
    shareable = {mid for m in members for mid in shareable_materials(m.item, applicant)}
    names: dict[int | None, str] = dict(  # looked up by staged.get(key): None for a group with nothing staged
        CaseMaterial.objects.filter(pk__in=staged.values()).values_list("pk", "original_name"))
    return render(request, "cases/package_apply.html", {
        "package": package, "applicant": applicant, "token": token, "chosen": chosen,
        "optional_members": [m for m in members if m.optional],
        # a field or material only optional members ask for is marked required only by the server
        "fields": [{**f.spec, "required": any(i not in optional_ids for i, _n in f.sources) and f.spec.get("required"),
                    "value": values.get(f.name, "")} for f in fields],
        "materials": [{"key": g.key, "name": g.name, "description": g.description, "formats": ",".join(g.formats),
                       "required": g.required and any(m.item_id not in optional_ids and m.required for m in g.materials),
                       "provable": all(m.pk in shareable for m in g.materials if m.required) and any(m.required for m in g.materials),
                       "staged": staged.get(g.key), "staged_name": names.get(staged.get(g.key), ""),
                       "items": [m.item.name for m in g.materials]} for g in groups],
    })


@login_required
def my_package(request: AuthenticatedRequest, number: str) -> HttpResponse:
    try:
        application = selectors.package_application_for(request.user, number)
    except DomainError:
        raise Http404 from None
    return render(request, "cases/my_package.html", {
        "application": application, "progress": selectors.package_progress(application),
        "members": [m.case for m in application.members.all()],
    })


@login_required
def my_packages(request: AuthenticatedRequest) -> HttpResponse:
    rows = [(a, selectors.package_progress(a)) for a in selectors.package_applications_of(request.user)[:100]]
    return render(request, "cases/my_packages.html", {"rows": rows})
