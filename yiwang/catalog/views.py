"""Public catalogue pages: search and the item guide (办事指南)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.catalog import selectors
from yiwang.core.downloads import text_download
from yiwang.core.models import Department
from yiwang.core.replica import read_from_replica


@read_from_replica
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    department = request.GET.get("department", "").strip()[:32]
    kind = request.GET.get("kind", "") if request.GET.get("kind") in ("person", "org") else ""
    items = selectors.search_items(q, department_code=department, applicant_kind=kind)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(request, "catalog/search.html", {
        "q": q, "department": department, "kind": kind, "page": page, "count": page.paginator.count,
        "departments": Department.objects.filter(items__is_active=True).distinct(),
    })


def guide(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.item_guide(code)
    if item is None:
        raise Http404
    version = item.process.latest_version()
    applicant = selectors.signed_in_applicant(request.user)
    provisions = selectors.material_provisions(item, applicant)
    return render(request, "catalog/guide.html", {
        "item": item, "version": version, "steps": version.steps if version else [],
        "has_diagram": bool(version and "BPMNDiagram" in version.bpmn_xml),
        "materials": [(m, provisions.get(m.pk, selectors.Provision.UPLOAD)) for m in item.materials.all()],
        "signed_in_applicant": applicant, "panels": selectors.guide_panels(item),
    })


def process_diagram(request: HttpRequest, code: str) -> HttpResponse:
    """The item's current BPMN file, for the guide's process diagram: a download, never a page of
    this origin (an uploaded file's XHTML <script> ran here when it was served as XML)."""
    item = selectors.item_guide(code)
    version = item.process.latest_version() if item else None
    if item is None or version is None:
        raise Http404
    return text_download(version.bpmn_xml, filename=f"{item.code}-v{version.version}.bpmn")


@read_from_replica
def packages(request: HttpRequest) -> HttpResponse:
    """The 一件事 life-event packages."""
    from yiwang.catalog.packages import active_packages, applicant_kinds

    rows = [(p, list(p.members.all())) for p in active_packages()]
    return render(request, "catalog/packages.html", {"rows": rows, "kinds": {p.pk: applicant_kinds(m) for p, m in rows}})


@read_from_replica
def package(request: HttpRequest, code: str) -> HttpResponse:
    """A package's guide: what it does in one go, its member items, one form and one set of materials."""
    from yiwang.catalog import packages as catalog_packages

    found = catalog_packages.package_guide(code)
    if found is None:
        raise Http404
    members = list(found.members.all())
    return render(request, "catalog/package.html", {
        "package": found, "members": members,
        "fields": [f.spec for f in catalog_packages.combined_form(members)],
        "materials": catalog_packages.combined_materials(found, members),
        "promised_days": catalog_packages.promised_days(members),
        "departments": list(dict.fromkeys(m.item.department.name for m in members)),
        "produced": found.produced_materials,
    })
