"""Demo instant-approval (秒批) rule sets: the DMN files in ``rules/`` on six items."""

from __future__ import annotations

from pathlib import Path

from yiwang.catalog.models import ServiceItem
from yiwang.catalog.services import publish_rule_set_version
from yiwang.core.users import User

RULES_DIR = Path(__file__).resolve().parent / "rules"

# rule set key → (item name, rule set name)
DEMO_RULE_SETS = {
    "elderly_allowance": ("高龄津贴申领", "高龄津贴秒批规则"),
    "social_security_card": ("社会保障卡补领", "社会保障卡补领秒批规则"),
    "public_rental_housing": ("公租房资格确认", "公租房资格确认秒批规则"),
    "sole_proprietor_cancellation": ("个体工商户注销登记", "个体工商户注销登记秒批规则"),
    "unemployment_benefit": ("失业保险金申领", "失业保险金申领秒批规则"),
    "residence_permit_endorsement": ("居住证签注", "居住证签注秒批规则"),
}


def seed_instant_rules(*, actor: User | None = None) -> dict[str, int]:
    """Publish each demo DMN file and attach it to its item (idempotent). Returns key → version."""
    versions = {}
    for key, (item_name, name) in DEMO_RULE_SETS.items():
        item = ServiceItem.objects.filter(name=item_name).first()
        if item is None:
            continue
        version = publish_rule_set_version(actor=actor, key=key, name=name, items=[item],
                                           dmn_xml=(RULES_DIR / f"{key}.dmn").read_text(encoding="utf-8"))
        versions[key] = version.version
    return versions
