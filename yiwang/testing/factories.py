"""Test data made through the real services: departments, staff, applicants, items, uploads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.catalog.models import Material, ServiceItem
from yiwang.catalog.services import publish_process_version
from yiwang.core.ids import citizen_id_check_digit, uscc_check_char
from yiwang.core.models import Applicant, ApplicantKind, Department, StaffRole
from yiwang.core.services import register_applicant
from yiwang.testing.bpmn import build_bpmn

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def citizen_id(first17: str = "11010119900307851") -> str:
    return first17 + citizen_id_check_digit(first17)


def uscc(first17: str = "91330100MA2B3C4D5") -> str:
    return first17 + uscc_check_char(first17)


def department(code: str, name: str | None = None, *, centre: bool = False) -> Department:
    return Department.objects.get_or_create(code=code, defaults={"name": name or f"{code}局", "is_service_centre": centre})[0]


def user(username: str, **roles: str) -> Any:
    """``user("scjg_reviewer", SCJG="reviewer")``; a value may hold several roles joined by ``,``."""
    u = get_user_model().objects.create_user(username=username, password="pw-" + username)
    for code, role_list in roles.items():
        for role in role_list.split(","):
            StaffRole.objects.create(user=u, department=department(code), role=role)
    return u


def citizen(username: str = "citizen", *, first17: str = "11010119900307851", name: str = "张三") -> tuple[Any, Applicant]:
    u = get_user_model().objects.create_user(username=username, password="pw-" + username)
    applicant = register_applicant(actor=u, kind=ApplicantKind.PERSON, name=name, id_number=citizen_id(first17),
                                   phone="13800138000", address="某县城关镇人民路1号", user=u)
    return u, applicant


def item(
    code: str = "ITEM-1",
    *,
    dept: str = "SCJG",
    stages: list | None = None,
    promised_days: int = 5,
    materials: tuple[tuple[str, bool], ...] = (("身份证明", True), ("经营场所证明", True), ("其他材料", False)),
    form_schema: list | None = None,
    scope: str = "both",
) -> ServiceItem:
    stages = stages or [
        {"id": "review", "name": "审查", "dept": dept, "role": "reviewer"},
        {"id": "decide", "name": "决定", "dept": dept, "role": "decider"},
    ]
    for s in stages:
        for t in s if isinstance(s, list) else [s]:
            department(t["dept"])
    version = publish_process_version(actor=None, key=f"proc_{code}", name=f"流程 {code}",
                                      bpmn_xml=build_bpmn(f"proc_{code.replace('-', '_')}", stages))
    it = ServiceItem.objects.create(
        code=code, name=f"测试事项{code}", item_type="licensing", department=department(dept), applicant_scope=scope,
        legal_days=promised_days * 2, promised_days=promised_days, online_depth="full_online",
        form_schema=form_schema if form_schema is not None else [
            {"name": "shop_name", "label": "店名", "type": "text", "required": True},
            {"name": "area", "label": "面积", "type": "number", "required": False},
        ],
        delivery_methods=["window", "post", "electronic"], process=version.definition,
    )
    for i, (name, required) in enumerate(materials):
        Material.objects.create(item=it, name=name, required=required, sort_order=i)
    return it


def upload_file(name: str = "scan.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def required_material_refs(user: Any, it: ServiceItem, *, exclude: tuple[int, ...] = ()) -> list[Any]:
    """Upload a file of an accepted format for each required material of ``it`` (but ``exclude``)."""
    from yiwang.cases.services import MaterialRef, stage_upload

    refs = []
    for m in it.materials.filter(required=True).exclude(pk__in=exclude):
        pdf = "pdf" in m.allowed_formats()
        file = upload_file("scan.pdf", PDF_BYTES) if pdf else upload_file("scan.png", PNG_BYTES)
        refs.append(MaterialRef(material_id=m.pk, upload_id=stage_upload(actor=user, file=file).pk))
    return refs


def apply_online(user: Any, applicant: Applicant, it: ServiceItem, *, key: str | None = None, now: Any = None) -> Any:
    """Submit an application with every required material uploaded; returns the case."""
    from yiwang.cases.services import submit_application

    refs = required_material_refs(user, it)
    case, _created = submit_application(actor=user, item=it, applicant=applicant, form_data={"shop_name": "青禾小馆"},
                                        materials=refs, idempotency_key=key, now=now)
    return case
