"""Open311 GeoReport v2 at ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2), JSON and XML
shaped as the specification shows them: discovery, services, service definitions, requests (GET,
and POST form-encoded with a partner's ``api_key``), one request, and tokens.

Mapping: an ``Open311Service`` is a category (``service_code``, ``group``); the appeal number is
``service_request_id``; the lead department is ``agency_responsible``; the deadline is
``expected_datetime``; a report's follow token is the ``token``. ``jurisdiction_id`` is accepted on
every call and must name this county (``YIWANG_OPEN311_JURISDICTION``, default the division code).

Errors have the specification's shape too: ``[{"code": 400, "description": "..."}]`` or
``<errors><error><code>400</code><description>…</description></error></errors>``.
Published to the public (GET): title, category, status, place, department and times — never the
reporters' contact details, nor the text of their message (only its title).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree  # nosec B405 - only builds XML answers, never parses input

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from yiwang.appeals import services
from yiwang.appeals.models import Appeal, AppealChannel, AppealReport, AppealStatus, AppealType, Open311Service
from yiwang.core.errors import DomainError
from yiwang.intelligence.selectors import routes

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00+08:00"
MAX_RESULTS = 1000
MAX_ATTRIBUTES = 30
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# Rendering --------------------------------------------------------------------------------------

def _xml_value(parent: ElementTree.Element, tag: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, tag)
    if isinstance(value, list):
        child_tag = {"formats": "format", "endpoints": "endpoint", "attributes": "attribute",
                     "values": "value", "keywords": "keyword"}.get(tag, "item")
        for item in value:
            _xml_value(element, child_tag, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _xml_value(element, key, item)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def _render(fmt: str, data: Any, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        element = ElementTree.Element(root)
        if item is not None:
            for row in data:
                child = ElementTree.SubElement(element, item)
                for key, value in row.items():
                    _xml_value(child, key, value)
        else:
            for key, value in data.items():
                _xml_value(element, key, value)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(element, encoding="unicode")
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    fmt = fmt if fmt in FORMATS else "json"
    return _render(fmt, [{"code": status, "description": description}], root="errors", item="error", status=status)


PATH_FORMAT = re.compile(r"\.(json|xml)$")


def refusal(request: HttpRequest, status: int, description: str) -> HttpResponse:
    """A refusal made before the view (core's upload-size middleware), in the specification's shape
    and in the format the path asks for (registered in ``AppealsConfig.ready``)."""
    match = PATH_FORMAT.search(request.path_info)
    return _error(match.group(1) if match else "json", status, description)


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def endpoint(view: Any) -> Any:
    """Format and jurisdiction checks, and every refusal in the specification's error shape."""

    @csrf_exempt
    def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in FORMATS:
            return _error("json", 400, _("不支持的格式“%(fmt)s”：请使用 .json 或 .xml。") % {"fmt": fmt[:10]})
        try:
            source = request.POST if request.method == "POST" else request.GET
            jurisdiction = source.get("jurisdiction_id", "")
            if jurisdiction and jurisdiction != settings.YIWANG_OPEN311_JURISDICTION:
                raise Open311Error(404, _("未知的 jurisdiction_id“%(id)s”：本接口只服务 %(ours)s。") % {
                    "id": jurisdiction[:40], "ours": settings.YIWANG_OPEN311_JURISDICTION})
            return view(request, fmt, **kwargs)
        except RequestDataTooBig:
            return _error(fmt, 413, _("请求内容过大：不能超过 %(mb)d MB。") % {
                "mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)})
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)
        except DomainError as exc:
            return _error(fmt, 400 if exc.status == 422 else exc.status, exc.message)

    wrapped.__name__ = view.__name__
    return wrapped


# Endpoints --------------------------------------------------------------------------------------

@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise Open311Error(405, _("只支持 GET。"))
    base = request.build_absolute_uri("/open311/v2/")
    return _render(fmt, {
        "changeset": CHANGESET, "contact": settings.YIWANG_OPEN311_CONTACT,
        "key_service": _("API 密钥由平台管理员为每个合作系统签发。"),
        "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }, root="discovery")


def _service_out(service: Open311Service) -> dict[str, Any]:
    return {"service_code": service.code, "service_name": service.name, "description": service.description,
            "metadata": False, "type": "realtime", "keywords": service.keywords, "group": service.group}


@endpoint
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise Open311Error(405, _("只支持 GET。"))
    rows = [_service_out(s) for s in Open311Service.objects.filter(active=True)]
    return _render(fmt, rows, root="services", item="service")


def _service(code: str) -> Open311Service:
    service = Open311Service.objects.filter(code=str(code or "")[:40], active=True).first()
    if service is None:
        raise Open311Error(404, _("未知的 service_code“%(code)s”。") % {"code": str(code)[:40]})
    return service


@endpoint
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    service = _service(code)
    # No service has extra attributes yet (``metadata`` false); the definition is still served, as
    # clients may ask for it regardless.
    return _render(fmt, {"service_code": service.code, "attributes": []}, root="service_definition")


def _status(appeal: Appeal) -> str:
    return "open" if appeal.status in AppealStatus.open_states() else "closed"


def _request_out(appeal: Appeal, services_by_category: dict[str, Open311Service]) -> dict[str, Any]:
    service = services_by_category.get(appeal.category or appeal.suggested_category)
    notes = ""
    if appeal.status == AppealStatus.MERGED and appeal.merged_into is not None:
        notes = _("与 %(number)s 合并办理") % {"number": appeal.merged_into.number}
    elif appeal.status == AppealStatus.CLOSED:
        notes = appeal.reply[:500]
    updated = max(m for m in (appeal.received_at, appeal.dispatched_at, appeal.closed_at) if m)
    return {
        "service_request_id": appeal.number, "status": _status(appeal), "status_notes": notes,
        "service_name": service.name if service else (appeal.category or ""),
        "service_code": service.code if service else "",
        "description": appeal.title,
        "agency_responsible": appeal.lead_department.name if appeal.lead_department is not None else "",
        "service_notice": "", "requested_datetime": _iso(appeal.received_at), "updated_datetime": _iso(updated),
        "expected_datetime": _iso(appeal.due_at), "address": appeal.address, "address_id": "", "zipcode": "",
        "lat": appeal.latitude, "long": appeal.longitude, "media_url": "",
    }


def _services_by_category() -> dict[str, Open311Service]:
    return {s.category: s for s in Open311Service.objects.filter(active=True)}


def _date(value: str, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+") if "T" in value else value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, _("%(name)s 须是 ISO 8601 时间，例如 2026-01-01T00:00:00Z。") % {"name": name})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


@endpoint
def requests_(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, _("只支持 GET 和 POST。"))
    query = Appeal.objects.select_related("lead_department", "merged_into")
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        query = query.filter(number__in=ids[:MAX_RESULTS])
    else:
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            categories = list(Open311Service.objects.filter(code__in=codes).values_list("category", flat=True))
            query = query.filter(category__in=categories)
        statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status 只能是 open 或 closed。"))
        if statuses == {"open"}:
            query = query.filter(status__in=AppealStatus.open_states())
        elif statuses == {"closed"}:
            query = query.exclude(status__in=AppealStatus.open_states())
        end = _date(request.GET.get("end_date", ""), "end_date") or timezone.now()
        start = _date(request.GET.get("start_date", ""), "start_date") or end - dt.timedelta(days=90)
        if start > end:
            raise Open311Error(400, _("start_date 不能晚于 end_date。"))
        if end - start > dt.timedelta(days=90):
            raise Open311Error(400, _("查询时间范围不能超过 90 天。"))
        query = query.filter(received_at__gte=start, received_at__lte=end)
    by_category = _services_by_category()
    rows = [_request_out(a, by_category) for a in query.order_by("-received_at", "-id")[:MAX_RESULTS]]
    return _render(fmt, rows, root="service_requests", item="request")


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    partner = services.open311_partner_for(request.POST.get("api_key", ""))
    if partner is None:
        raise Open311Error(403, _("api_key 缺失、无效或已吊销。"))
    service = _service(request.POST.get("service_code", ""))
    attributes = {k[len("attribute["):-1][:60]: v[:500] for k, v in request.POST.items()
                  if k.startswith("attribute[") and k.endswith("]")}
    if len(attributes) > MAX_ATTRIBUTES:
        raise Open311Error(400, _("attribute 过多（最多 %(n)d 个）。") % {"n": MAX_ATTRIBUTES})
    description = request.POST.get("description", "")
    name = " ".join(p for p in (request.POST.get("last_name", ""), request.POST.get("first_name", "")) if p)
    if not (request.POST.get("lat") or request.POST.get("long") or request.POST.get("address_string")
            or request.POST.get("address_id")):
        raise Open311Error(400, _("须提供 lat 和 long，或 address_string。"))
    route = routes().get(service.category)
    report = services.submit_appeal(actor=None, intake=services.Intake(
        channel=AppealChannel.OPEN311, title=(description.strip().splitlines() or [service.name])[0][:60] or service.name,
        body=description, appeal_type=AppealType.COMPLAINT, latitude=request.POST.get("lat"),
        longitude=request.POST.get("long"), address=request.POST.get("address_string", ""),
        reporter_name=name[:60], reporter_phone=request.POST.get("phone", ""),
        reporter_email=request.POST.get("email", ""), category=service.category,
        department=route.department if route else "", partner=partner.name,
        media_url=_media_url(request.POST.get("media_url", "")), attributes=attributes))
    return _render(fmt, [{"service_request_id": report.appeal.number, "service_notice": "", "account_id": None}],
                   root="service_requests", item="request", status=201)


def _media_url(value: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    value = (value or "").strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise Open311Error(400, _("media_url 须是 http(s) 网址。")) from None
    if len(value) > 500:
        raise Open311Error(400, _("media_url 过长。"))
    return value


@endpoint
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    appeal = Appeal.objects.select_related("lead_department", "merged_into").filter(number=request_id[:20]).first()
    if appeal is None:
        raise Open311Error(404, _("service_request_id“%(id)s”不存在。") % {"id": request_id[:20]})
    return _render(fmt, [_request_out(appeal, _services_by_category())], root="service_requests", item="request")


@endpoint
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    report = AppealReport.objects.select_related("appeal").filter(token=token[:32]).first()
    if report is None:
        raise Open311Error(404, _("token 不存在。"))
    return _render(fmt, [{"service_request_id": report.appeal.number, "token": report.token}],
                   root="service_requests", item="request")
