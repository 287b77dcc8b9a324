"""Service items made through the real services (the ``catalog`` layer)."""

from __future__ import annotations

from yiwang.catalog.models import Material, ServiceItem
from yiwang.catalog.services import publish_process_version
from yiwang.testing.bpmn import build_bpmn
from yiwang.testing.factories import department


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
