"""The case page shows form values as people read them (the rule: ``catalog.form_schema.format_form_value``)."""

from __future__ import annotations

import pytest

from yiwang.catalog.tests.test_form_values import RENT


@pytest.mark.django_db
def test_the_case_page_shows_money_with_its_unit(client, world):
    from yiwang.cases.services import submit_application
    from yiwang.catalog.models import ServiceItem
    from yiwang.testing import case_factories

    # given an item with a rent field, and a citizen's case that says 120
    item = world.item
    ServiceItem.objects.filter(pk=item.pk).update(form_schema=[*item.form_schema, RENT])
    item.refresh_from_db()
    case, _ = submit_application(actor=world.citizen, item=item, applicant=world.applicant,
                                 form_data={"shop_name": "青禾小馆", "monthly_rent": "120"},
                                 materials=case_factories.required_material_refs(world.citizen, item))
    assert case.form_data["monthly_rent"] == 120.0
    # when the citizen opens it
    client.force_login(world.citizen)
    html = client.get(f"/me/cases/{case.number}/").content.decode()
    # then the amount reads as money
    assert "120 元" in html and "120.0" not in html
