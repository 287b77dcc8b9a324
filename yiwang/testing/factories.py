"""Test data made through the real services: departments, staff, applicants, uploads.

One module per layer, so that a test imports no app above its own (the import-linter contract in
``pyproject.toml``): items in ``item_factories``, applications in ``case_factories``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.core.ids import citizen_id_check_digit, uscc_check_char
from yiwang.core.models import Applicant, ApplicantKind, Department, StaffRole
from yiwang.core.services import register_applicant

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


def upload_file(name: str = "scan.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
