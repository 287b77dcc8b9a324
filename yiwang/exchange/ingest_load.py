"""Ingestion, loading: the valid rows of a new version written to the database (COPY on PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from yiwang.exchange.models import (
    DataResource,
    DataRow,
)


class RowLoader:
    """Writes valid rows of one version: on PostgreSQL one COPY (text format) kept open across
    batches and fed from a thread, so that the server loads while this process reads and checks
    the next rows; ``bulk_create`` elsewhere. ``pause()`` ends the COPY where another query must
    run (the 一数一源 checks), ``close()`` at the end."""

    def __init__(self, resource: DataResource, version: int):
        self.resource, self.version = resource, version
        self.postgres = connection.vendor == "postgresql"
        self.prefix = f"{resource.pk}\t{version}\t"
        self._cursor: Any = None
        self._open: Any = None  # the COPY's context manager
        self._copy: Any = None

    def write(self, batch: list[str]) -> None:
        """Write COPY lines (``rows.copy_line``: key index, values, sealed)."""
        if not batch:
            return
        if self.postgres:
            prefix = self.prefix
            text = prefix + prefix.join(batch)
            if self._copy is None:
                from psycopg.copy import QueuedLibpqWriter

                self._cursor = connection.cursor()
                raw = self._cursor.cursor
                self._open = raw.copy(f'COPY "{DataRow._meta.db_table}" (resource_id, version, key_index, "values", sealed) '
                                      "FROM STDIN", writer=QueuedLibpqWriter(raw))
                self._copy = self._open.__enter__()
            self._copy.write(text)
        else:
            rows = (line[:-1].split("\t") for line in batch)
            DataRow.objects.bulk_create(
                [DataRow(resource=self.resource, version=self.version, key_index=k,
                         values=json.loads(v.replace("\\\\", "\\")), sealed=s) for k, v, s in rows],
                batch_size=1000,
            )

    def pause(self, exc: BaseException | None = None) -> None:
        """End the open COPY (abort it if ``exc``); the next ``write`` opens another."""
        opened, cursor, self._open, self._copy, self._cursor = self._open, self._cursor, None, None, None
        if opened is not None:
            try:
                opened.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)
            finally:
                cursor.close()

    close = pause


