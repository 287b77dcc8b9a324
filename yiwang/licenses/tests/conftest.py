"""A small licence library on top of the shared ``world``: the demo CA, a seal for 市场监管 (SCJG)
and for 公安 (GA, to be "another department"), one licence type bound to ``world.item``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from yiwang.licenses import services
from yiwang.licenses.demo import department_uscc
from yiwang.licenses.models import LicenceType
from yiwang.testing import factories


@dataclass
class Library:
    world: Any
    licence_type: LicenceType
    ga_staff: Any
    other_citizen: Any
    other_applicant: Any

    def issue(self, holder: Any = None, **kwargs: Any) -> Any:
        data = kwargs.pop("data", {"shop_name": "青禾小馆", "scope": "餐饮服务"})
        return services.issue_licence(licence_type=self.licence_type, holder=holder or self.world.applicant, data=data,
                                      **kwargs)


@pytest.fixture
def library(world: Any) -> Library:
    anchor = services.ensure_demo_ca()
    scjg = factories.department("SCJG")
    ga = factories.department("GA")
    services.create_seal(department=scjg, uscc=department_uscc("SCJG"), anchor=anchor)
    services.create_seal(department=ga, uscc=department_uscc("GA"), anchor=anchor)
    licence_type = LicenceType.objects.create(
        code=f"{department_uscc('SCJG')}007", name="食品经营许可证", department=scjg, holder_kind="both",
        number_prefix="JY", validity_years=5, material_names="食品经营许可证",
        fields=[{"key": "shop_name", "label": "店名"}, {"key": "scope", "label": "经营项目"}],
        template="经营者：{holder_name}\n店名：{shop_name}\n经营项目：{scope}")
    licence_type.full_clean()
    licence_type.items.add(world.item)
    other_citizen, other_applicant = factories.citizen("other", first17="11010119850101123", name="王五")
    return Library(world=world, licence_type=licence_type, ga_staff=factories.user("ga_clerk", GA="reviewer"),
                   other_citizen=other_citizen, other_applicant=other_applicant)
