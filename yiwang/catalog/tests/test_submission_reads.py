"""The reads a submission makes of the catalogue (catalog/selectors.py: ``item_for_application``,
compiled once per connection; ``read_materials``, once per item object)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiwang.catalog import selectors
from yiwang.catalog.models import Material
from yiwang.catalog.selectors import (
    Provision,
    item_for_application,
    item_guide,
    material_provisions,
    read_materials,
    shareable_materials,
)
from yiwang.testing import factories
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


def test_the_materials_read_once_in_their_order():
    first = item("ITEM-1", materials=(("乙", True), ("甲", False), ("丙", True)))
    item("ITEM-2", materials=(("丁", True),))
    Material.objects.filter(item=first, name="乙").update(sort_order=5)
    found = item_for_application("ITEM-1")
    with CaptureQueriesContext(connection) as first_read:
        read_materials(found)
    assert len(first_read) == 1
    with CaptureQueriesContext(connection) as queries:
        materials = read_materials(found)
        assert all(m.item is found for m in materials)
    assert len(queries) == 0
    assert [m.name for m in materials] == ["甲", "丙", "乙"] == [m.name for m in first.materials.all()]


def test_the_materials_the_guide_read_are_not_read_again():
    # given an item read for its guide page (its materials with it)
    item("ITEM-1", materials=(("甲", True), ("乙", False)))
    guide = item_guide("ITEM-1")
    # when a submission asks for its materials, then nothing more is read
    with CaptureQueriesContext(connection) as queries:
        assert [m.name for m in read_materials(guide)] == ["甲", "乙"]
        assert [m.name for m in guide.materials.all()] == ["甲", "乙"]
        assert all(m.item is guide for m in read_materials(guide))
    assert len(queries) == 0


def test_a_submission_asks_only_the_sharing_source_for_what_the_one_rule_says_is_shared(monkeypatch):
    # given an item whose first material both sources provide, the second only a licence, the third
    # neither, and sources that also name an id that is not the item's
    found = item("ITEM-1", materials=(("甲", True), ("乙", True), ("丙", False)))
    first, second, third = read_materials(found)
    asked = []

    def source(provision, ids):
        def provided(item, materials, applicant, now):
            asked.append(provision)
            return {*ids, 987_654}
        return provided

    monkeypatch.setitem(selectors._PROVISION_SOURCES, Provision.SHARING, source("sharing", {first.pk}))
    monkeypatch.setitem(selectors._PROVISION_SOURCES, Provision.LICENCE, source("licence", {first.pk, second.pk}))
    _user, applicant = factories.citizen("zhang")
    # the one rule: sharing first, then a licence, else an upload
    assert material_provisions(found, applicant) == {first.pk: Provision.SHARING, second.pk: Provision.LICENCE,
                                                     third.pk: Provision.UPLOAD}
    # what a submission asks: the same shared materials, from the sharing source alone
    asked.clear()
    assert shareable_materials(found, applicant) == {first.pk}
    assert asked == ["sharing"]


def test_no_module_reaches_into_djangos_private_prefetch_cache():
    # ``_prefetched_objects_cache`` is Django's own bookkeeping: setting or reading it by hand breaks
    # when Django changes it (read_materials keeps what it read in a plain attribute of its own)
    root = Path(__file__).resolve().parents[2]
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if "tests" not in path.parts and "_prefetched_objects_cache" in path.read_text(encoding="utf-8")]
    assert offenders == []
