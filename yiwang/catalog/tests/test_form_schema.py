"""An item's form schema and its FEEL conditions (``required_when`` / ``shown_when``): refused when
they cannot work, evaluated in one place."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from yiwang.catalog.demo import item_values
from yiwang.catalog.demo_items import ITEMS
from yiwang.catalog.form_schema import FieldState, FormSchemaRejected, field_states, validate_form_schema
from yiwang.testing import item_factories

DELIVERY = [
    {"name": "delivery", "label": "领卡方式", "type": "select", "options": ["窗口领取", "邮寄到家"], "required": True},
    {"name": "delivery_address", "label": "邮寄地址", "type": "text", "required": False,
     "required_when": 'form.delivery = "邮寄到家"', "shown_when": 'form.delivery = "邮寄到家"'},
]


def test_a_posted_address_is_shown_and_required_only_when_post_is_chosen():
    assert field_states(DELIVERY, {"delivery": "邮寄到家"})["delivery_address"] == FieldState(shown=True, required=True)
    assert field_states(DELIVERY, {"delivery": "窗口领取"})["delivery_address"] == FieldState(shown=False, required=False)
    assert field_states(DELIVERY, {})["delivery_address"] == FieldState(shown=False, required=False)
    assert field_states(DELIVERY, {})["delivery"] == FieldState(shown=True, required=True)


def test_a_field_shown_only_by_a_hidden_field_is_hidden_too():
    schema = [*DELIVERY, {"name": "floor", "label": "楼层", "type": "number", "required": False,
                          "shown_when": "form.delivery_address != null", "required_when": "form.delivery_address != null"}]
    states = field_states(schema, {"delivery": "窗口领取", "delivery_address": "人民路 1 号"})
    assert states["floor"] == FieldState(shown=False, required=False)
    states = field_states(schema, {"delivery": "邮寄到家", "delivery_address": "人民路 1 号"})
    assert states["floor"] == FieldState(shown=True, required=True)


def test_a_condition_that_runs_out_of_steps_neither_hides_nor_requires():
    # 100 × 100 filter steps pass FEEL's step limit: a broken condition must not hide the field
    ones = "[" + ",".join(["1"] * 100) + "]"
    heavy = f'count({ones}[count({ones}[item > 0]) > 0]) = 0 or form.delivery = "邮寄到家"'
    schema = [DELIVERY[0], {**DELIVERY[1], "required_when": heavy, "shown_when": heavy}]
    validate_form_schema(schema)
    assert field_states(schema, {"delivery": "邮寄到家"})["delivery_address"] == FieldState(shown=True, required=False)


@pytest.mark.parametrize(("change", "says"), [
    ({"required_when": 'form.delivery == "邮寄到家"'}, "不是有效的 FEEL"),
    ({"required_when": 'form.delivery_method = "邮寄到家"'}, "不存在的字段「delivery_method」"),
    ({"shown_when": 'facts.age > 18'}, "未知变量「facts」"),
    ({"shown_when": "form.delivery_address = null"}, "不能引用字段自身"),
    ({"shown_when": ""}, "须是一个 FEEL 表达式"),
    ({"shown_when": 42}, "须是一个 FEEL 表达式"),
    ({"type": "upload"}, "类型「upload」不受支持"),
    ({"name": "邮 寄"}, "字段名只能用小写字母"),
    ({"requried_when": "true"}, "未知的键"),
])
def test_a_condition_that_cannot_work_is_refused_naming_the_field(change, says):
    with pytest.raises(FormSchemaRejected) as refused:
        validate_form_schema([DELIVERY[0], {**DELIVERY[1], **change}])
    assert says in str(refused.value)


def test_a_schema_that_is_not_a_list_of_fields_is_refused():
    for bad in ({"name": "x"}, "x", [1], [{"name": "a", "type": "select"}], [{"name": "a"}, {"name": "a"}]):
        with pytest.raises(FormSchemaRejected):
            validate_form_schema(bad)


@pytest.mark.django_db
def test_the_admin_cannot_save_an_item_whose_condition_is_not_feel(world):
    item = item_factories.item("COND-1", form_schema=DELIVERY)
    item.full_clean()  # the valid schema passes
    item.form_schema = [DELIVERY[0], {**DELIVERY[1], "required_when": "form.delivery == 1"}]
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "form_schema" in refused.value.message_dict


def test_every_demo_form_is_valid_and_the_posted_addresses_are_conditional():
    conditional = {}
    for row in ITEMS:
        schema = item_values(row)["form_schema"]  # validates
        for field in schema:
            if field.get("required_when"):
                conditional[row["name"]] = field
    assert {"社会保障卡补领", "身份证换领", "机动车驾驶证期满换证"} <= set(conditional)
    assert conditional["社会保障卡补领"]["name"] == "delivery_address"
    assert conditional["社会保障卡补领"]["required"] is False
