"""The row encoder (CPython's C encoder, built once) writes exactly what the public encoder writes,
for any flat row of values a dataset can hold."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from yiwang.exchange.rows import _dumps

values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                   st.text())


@given(st.dictionaries(st.text(), values, max_size=12))
def test_the_row_encoder_writes_what_json_dumps_writes(row):
    assert _dumps(row) == json.dumps(row, ensure_ascii=False, separators=(",", ":"))
