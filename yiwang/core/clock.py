"""One clock for every application server: the database's.

Two application servers whose clocks differ (NTP broken on one, a VM resumed) would otherwise stamp
cases with different times: a case submitted on the server that runs 10 minutes ahead gets its
deadline 10 minutes later, its timeline out of order with steps taken on the other server, and that
server's escalation job sends 催办 early. Writes that start or stop a clock (submission, acceptance,
steps, corrections, withdrawal, delivery, 督办, escalation) and the outbox's claims take ``db_now()``;
see docs/deployment.md "Crashes and faults" for what still reads the server's own clock.

``db_now()`` costs no query on the hot path: each process measures how far its own clock is from
the database's (one ``SELECT`` of the database's time, halfway through the round trip) and keeps
that offset for ``YIWANG_CLOCK_SYNC_SECONDS`` (default 60); the time it returns is this server's
clock plus the offset. A server whose clock is hours off still stamps the database's time; a clock
*stepped* while the process runs is corrected at the next measurement (within a minute).

PostgreSQL: ``clock_timestamp()`` of the one primary. SQLite is embedded: its clock is the clock of
the one machine (read through SQLite, not through ``timezone.now``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models.functions import Now
from django.utils import timezone

DEFAULT_SYNC_SECONDS = 60.0

# alias -> (time.monotonic() of the measurement, database clock minus this server's clock)
_offsets: dict[str, tuple[float, dt.timedelta]] = {}


def db_now(using: str = "default") -> dt.datetime:
    """The database server's current time (aware, UTC), from this server's clock and the offset
    measured at most ``YIWANG_CLOCK_SYNC_SECONDS`` ago (one round trip when it is older)."""
    measured = _offsets.get(using)
    max_age = float(getattr(settings, "YIWANG_CLOCK_SYNC_SECONDS", DEFAULT_SYNC_SECONDS))
    if measured is None or time.monotonic() - measured[0] > max_age:
        measured = _measure(using)
    return timezone.now() + measured[1]


# SQLite's time value for the current moment (tests pin it to a whole second)
_SQLITE_NOW = "'now'"


class DatabaseNow(Now):
    """The database's clock in the statement itself, as ``Now()``; on SQLite written as Django writes
    a datetime there (``str()``: ``2026-12-07 10:00:00.123000``, and no fraction at a whole second).

    SQLite keeps datetimes as text and compares them as text. Django's ``Now()`` writes
    ``10:00:00.000`` at a whole second, one stamp in a thousand; read back, that is
    ``datetime(…, 10, 0, 0)``, which Django writes ``10:00:00``, and ``'10:00:00.000' <= '10:00:00'``
    is false: the row was not due at the moment it was stamped with."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        stamp = f"STRFTIME('%%%%Y-%%%%m-%%%%d %%%%H:%%%%M:%%%%f', {_SQLITE_NOW})"
        return self.as_sql(compiler, connection, template=f"REPLACE({stamp} || '000', '.000000', '')",
                           **extra_context)


def forget_offsets() -> None:
    """Measure again at the next ``db_now()`` (tests that change this process's clock)."""
    _offsets.clear()


def _measure(using: str) -> tuple[float, dt.timedelta]:
    connection = connections[using]
    with connection.cursor() as cursor:
        before = timezone.now()
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clock_timestamp()")
            database = cursor.fetchone()[0].astimezone(dt.UTC)
        else:
            cursor.execute("SELECT strftime('%Y-%m-%dT%H:%M:%f', 'now')")
            database = dt.datetime.fromisoformat(cursor.fetchone()[0]).replace(tzinfo=dt.UTC)
        after = timezone.now()
    measured = (time.monotonic(), database - (before + (after - before) / 2))
    _offsets[using] = measured
    return measured
