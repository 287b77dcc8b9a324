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
