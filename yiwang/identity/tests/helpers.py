"""Shared by identity's tests: the code an SMS carried, and a registered person."""

from __future__ import annotations

import re
from typing import Any

from yiwang.core.models import OutboxMessage
from yiwang.identity import services
from yiwang.testing import factories


def last_code() -> str:
    """The code in the newest registration SMS still waiting to be sent (read as the sender would)."""
    row = OutboxMessage.objects.filter(kind="identity_code").order_by("-id").first()
    found = re.search(r"\d{6}", row.sealed_body or "") if row else None
    if not found:
        raise AssertionError("no code was sent")
    return found.group(0)


def register(phone: str = "13912345678", *, first17: str = "33099919800101123", name: str = "王芳",
             password: str = "Yiwang-Test-2026", ip: str = "10.0.0.1") -> Any:
    services.request_code(phone=phone, ip_address=ip)
    return services.register_person(name=name, id_number=factories.citizen_id(first17), phone=phone,
                                    code=last_code(), password=password)
