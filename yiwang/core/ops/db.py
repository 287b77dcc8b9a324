"""Short, bounded database reads for probes and metric collectors: a slow or locked database makes
a probe or a scrape fail fast instead of piling up behind it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def statement_timeout(milliseconds: int, *, using: str = "default") -> Iterator[None]:
    """Run the block in a transaction whose statements PostgreSQL cancels after ``milliseconds``
    (``SET LOCAL``: the setting ends with the transaction, the pooled connection keeps its own).
    SQLite has no statement timeout; its reads are local and its busy timeout bounds a lock wait."""
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(milliseconds)}ms"])
        yield
