"""The reads a submission makes of the catalogue, compiled once per connection
(catalog/selectors.py: ``item_for_application``, ``read_materials``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiwang.catalog.models import Material
from yiwang.catalog.selectors import item_for_application, read_materials
from yiwang.testing.item_factories import item

pytestmark = pytest.mark.django_db


def test_the_item_named_by_its_code_with_its_process_and_department():
    first = item("ITEM-1", dept="SCJG")
    second = item("ITEM-2", dept="GA")
    for code, expected in [("ITEM-2", second), ("ITEM-1", first), ("ITEM-3", None)]:
        found = item_for_application(code)
        if expected is None:
            assert found is None
            continue
        with CaptureQueriesContext(connection) as queries:
            assert (found.pk, found.process.key, found.department.code) == (
                expected.pk, expected.process.key, expected.department.code)
        assert len(queries) == 0  # read with the item


def test_the_materials_read_once_as_a_prefetch_would():
    first = item("ITEM-1", materials=(("乙", True), ("甲", False), ("丙", True)))
    item("ITEM-2", materials=(("丁", True),))
    Material.objects.filter(item=first, name="乙").update(sort_order=5)
    found = item_for_application("ITEM-1")
    read_materials(found)
    with CaptureQueriesContext(connection) as queries:
        materials = list(found.materials.all())
        assert all(m.item is found for m in materials)
    assert len(queries) == 0
    assert [m.name for m in materials] == ["甲", "丙", "乙"] == [m.name for m in first.materials.all()]
