"""The catalogue offers exactly the delivery methods a case can carry out."""

from __future__ import annotations

from yiwang.cases.models import DeliveryMethod
from yiwang.catalog.form_schema import DELIVERY_METHODS


def test_delivery_methods_are_the_cases_delivery_methods():
    assert list(DELIVERY_METHODS) == list(DeliveryMethod.values)
