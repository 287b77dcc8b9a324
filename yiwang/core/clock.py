"""One clock for every application server: the database's.

Two application servers whose clocks differ (NTP broken on one, a VM resumed) would otherwise stamp
cases with different times: a case submitted on the server that runs 10 minutes ahead gets its
deadline 10 minutes later, its timeline out of order with steps taken on the other server, and that
server's escalation job sends 催办 early. Writes that start or stop a clock (submission, acceptance,
steps, corrections, withdrawal, delivery, 督办, escalation) and the outbox's claims take ``db_now()``;
see docs/deployment.md "Crashes and faults" for what still reads the server's own clock.

PostgreSQL: ``statement_timestamp()`` of the one primary. SQLite is embedded: its clock is the clock
of the one machine (read through SQLite, not through ``timezone.now``).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection


def db_now() -> dt.datetime:
    """The database server's current time (aware, UTC); one round trip."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT statement_timestamp()")
            value = cursor.fetchone()[0]
            return value.astimezone(dt.UTC)
        cursor.execute("SELECT strftime('%Y-%m-%dT%H:%M:%f', 'now')")
        return dt.datetime.fromisoformat(cursor.fetchone()[0]).replace(tzinfo=dt.UTC)
