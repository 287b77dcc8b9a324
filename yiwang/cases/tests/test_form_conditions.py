"""Conditional fields are enforced on the server: 社会保障卡补领's 邮寄地址 is required only when
邮寄到家 is chosen — online, at the window, in a correction — and a hidden field's value is not kept."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, Channel
from yiwang.catalog.demo import parse_field
from yiwang.catalog.demo_items import ITEMS
from yiwang.core.errors import InvalidInput
from yiwang.core.services import register_applicant
from yiwang.testing import case_factories, factories, item_factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

BASE = {"loss_reason": "遗失", "reported_loss": "是", "contact_phone": "13800000000"}


@pytest.fixture
def card_item(world):
    row = next(r for r in ITEMS if r["name"] == "社会保障卡补领")
    return item_factories.item("RS-CARD", dept="SCJG", form_schema=[parse_field(f) for f in row["form"]],
                          materials=(("身份证明", True),))


def submit(world, item, form, *, channel=Channel.ONLINE):
    actor = world.citizen if channel == Channel.ONLINE else world.clerk
    applicant = world.applicant if channel == Channel.ONLINE else register_applicant(
        actor=world.clerk, kind="person", name="李四", id_number=factories.citizen_id("33099919500101123"))
    case, _created = services.submit_application(actor=actor, item=item, applicant=applicant, form_data=form,
                                                 materials=case_factories.required_material_refs(actor, item), channel=channel)
    return case


@pytest.mark.parametrize("channel", [Channel.ONLINE, Channel.WINDOW])
def test_post_without_an_address_is_refused_naming_the_field(world, card_item, channel):
    with pytest.raises(InvalidInput) as refused:
        submit(world, card_item, {**BASE, "delivery": "邮寄到家", "delivery_address": "  "}, channel=channel)
    assert refused.value.code == CaseErrorCode.FORM_INVALID
    assert refused.value.details["fields"] == [{"field": "delivery_address", "label": "邮寄地址（选择邮寄到家时填写）",
                                                "problem": "必填"}]
    assert not Case.objects.exists()


@pytest.mark.parametrize("channel", [Channel.ONLINE, Channel.WINDOW])
def test_pickup_at_the_window_needs_no_address_and_keeps_none(world, card_item, channel):
    case = submit(world, card_item, {**BASE, "delivery": "窗口领取", "delivery_address": "不该保存的地址"}, channel=channel)
    assert case.form_data["delivery"] == "窗口领取" and "delivery_address" not in case.form_data


def test_post_with_an_address_keeps_it(world, card_item):
    case = submit(world, card_item, {**BASE, "delivery": "邮寄到家", "delivery_address": "人民路 1 号"})
    assert case.form_data["delivery_address"] == "人民路 1 号"


def test_a_correction_that_switches_to_post_must_bring_the_address(world, card_item):
    # given a case for window pickup, sent back for correction
    case = submit(world, card_item, {**BASE, "delivery": "窗口领取"})
    services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note="请确认领卡方式")

    # when the citizen switches to post without an address, it is refused; with one, kept
    with pytest.raises(InvalidInput):
        services.supply_correction(actor=world.citizen, case_id=case.pk, form_data={"delivery": "邮寄到家"})
    services.supply_correction(actor=world.citizen, case_id=case.pk,
                               form_data={"delivery": "邮寄到家", "delivery_address": "人民路 1 号"})
    case.refresh_from_db()
    assert case.form_data["delivery_address"] == "人民路 1 号"


def test_the_api_refuses_post_without_an_address_with_a_422(world, card_item):
    client = Client()
    auth = bearer(client, "citizen")
    refs = case_factories.required_material_refs(world.citizen, card_item)
    body = assert_error(post_json(client, "/api/v1/applications", {
        "item_code": card_item.code, "form": {**BASE, "delivery": "邮寄到家"},
        "materials": [{"material_id": r.material_id, "upload_id": r.upload_id} for r in refs]}, auth), 422, "form_invalid")
    assert body["details"]["fields"][0]["field"] == "delivery_address"


def test_the_apply_page_renders_the_condition_for_the_script(world, card_item):
    client = Client()
    client.login(request=HttpRequest(), username="citizen", password="pw-citizen")
    page = client.get(f"/items/{card_item.code}/apply/").content.decode()
    assert 'data-field="delivery_address" data-conditional="1" data-shown="0" data-required="0"' in page
    fragment = client.post(f"/items/{card_item.code}/form-check/", {"delivery": "邮寄到家"}).content.decode()
    assert '<li data-field="delivery_address" data-shown="1" data-required="1">' in fragment


@pytest.mark.parametrize("number", ["NaN", "nan", "inf", "-Infinity", "1e999"])
def test_a_number_that_json_cannot_store_is_refused_not_a_500(world, number):
    # world.item's form has a number field "area"; NaN and infinities are not JSON (PostgreSQL refuses them)
    with pytest.raises(InvalidInput) as refused:
        services.submit_application(actor=world.citizen, item=world.item, applicant=world.applicant,
                                    form_data={"shop_name": "小店", "area": number},
                                    materials=case_factories.required_material_refs(world.citizen, world.item))
    assert refused.value.details["fields"] == [{"field": "area", "label": "面积", "problem": "应为数字"}]
