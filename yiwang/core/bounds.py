"""Bounds on identifiers taken from URLs, query strings and API bodies.

Every primary key is a 64-bit signed integer in the database; a larger number from a request
reached the driver and crashed it (SQLite: OverflowError; PostgreSQL: out of range). One home for
the bound: URL patterns use the ``id`` converter, query strings ``parse_id``, API schemas ``DbId``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_DB_INT = 2**63 - 1

# An id in an API body or query: a positive 64-bit integer (0 never names a row, but is harmless).
DbId = Annotated[int, Field(ge=0, le=MAX_DB_INT)]
# An offset or count that is compared with or sliced against rows.
DbCount = Annotated[int, Field(ge=0, le=MAX_DB_INT)]


def parse_id(value: object) -> int | None:
    """The id in a query-string or form value, or None when it is not one (wrong type, too large)."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_DB_INT else None


class IdConverter:
    """``<id:pk>`` in URL patterns: digits that fit a database id; anything else is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_DB_INT:
            raise ValueError("id out of range")  # the resolver turns this into "no match": 404
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
