"""``cases.selectors.as_id`` reads ids from query strings and forms with the one bound in
``core.bounds`` (a second copy of the bound is how one copy gets a fix and the other does not)."""

from __future__ import annotations

import pytest

from yiwang.cases.selectors import as_id
from yiwang.core import bounds


@pytest.mark.parametrize(("value", "expected"), [
    ("42", 42), (" 42 ", 42), (42, 42), (str(2**63 - 1), 2**63 - 1),
    (str(2**63), None), ("99999999999999999999", None), ("0", None), ("", None), (None, None),
    ("-1", None), ("4e2", None), ("４２", None), ("42; drop table", None),
])
def test_ids_from_requests_are_bounded(value, expected):
    assert as_id(value) == expected


def test_the_bound_has_one_home(monkeypatch):
    # given core.bounds tightened (as a database with 32-bit ids would need)
    monkeypatch.setattr(bounds, "MAX_DB_INT", 2**31 - 1)
    # then the cases' reader follows it
    assert as_id(str(2**31 - 1)) == 2**31 - 1
    assert as_id(str(2**31)) is None
