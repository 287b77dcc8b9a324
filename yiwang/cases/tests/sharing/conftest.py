"""Tests of data sharing that need cases (a case as the reason for a lookup, case-made access logs):
the exchange tests' county (departments, resources, subscriptions) and keys, as fixtures here too."""

from yiwang.exchange.tests.conftest import county, exchange_keys, now  # noqa: F401
