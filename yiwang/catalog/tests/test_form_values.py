"""Form values as people read them: money with its unit and cents only when there are cents, other
numbers without a trailing ``.0`` (stored numbers are floats: 120 is kept as 120.0)."""

from __future__ import annotations

import pytest

from yiwang.catalog.form_schema import format_form_value

RENT = {"name": "monthly_rent", "label": "月租金（元）", "type": "number"}
CAPITAL = {"name": "registered_capital", "label": "注册资本（万元）", "type": "number"}
AREA = {"name": "floor_area", "label": "建筑面积（平方米）", "type": "number"}


@pytest.mark.parametrize(("field", "stored", "shown"), [
    (RENT, 120.0, "120 元"),
    (RENT, 120.5, "120.50 元"),
    (RENT, 0.005, "0.01 元"),
    (RENT, 120, "120 元"),
    (CAPITAL, 30.0, "30 万元"),
    (CAPITAL, 12.25, "12.25 万元"),
    (AREA, 120.0, "120"),
    (AREA, 85.5, "85.5"),
    (AREA, 1e20, "100000000000000000000"),
])
def test_numbers_read_as_people_write_them(field, stored, shown):
    assert format_form_value(field, stored) == shown


@pytest.mark.parametrize("value", ["120.0", "", None, True, "青禾小馆"])
def test_what_is_not_a_stored_number_is_left_alone(value):
    assert format_form_value(RENT, value) == value
    assert format_form_value({"name": "shop", "label": "店名", "type": "text"}, 120.0) == 120.0


@pytest.mark.django_db
def test_the_case_page_shows_money_with_its_unit(client, world):
    from yiwang.cases.services import submit_application
    from yiwang.catalog.models import ServiceItem
    from yiwang.testing import factories

    # given an item with a rent field, and a citizen's case that says 120
    item = world.item
    ServiceItem.objects.filter(pk=item.pk).update(form_schema=[*item.form_schema, RENT])
    item.refresh_from_db()
    case, _ = submit_application(actor=world.citizen, item=item, applicant=world.applicant,
                                 form_data={"shop_name": "青禾小馆", "monthly_rent": "120"},
                                 materials=factories.required_material_refs(world.citizen, item))
    assert case.form_data["monthly_rent"] == 120.0
    # when the citizen opens it
    client.force_login(world.citizen)
    html = client.get(f"/me/cases/{case.number}/").content.decode()
    # then the amount reads as money
    assert "120 元" in html and "120.0" not in html
