"""Server-side prepared statements (``DATABASE_PREPARED_STATEMENTS``, yiwang/settings.py): the
setting parses; on PostgreSQL statements are prepared on the connection when it is on and not when
it is off; a statement prepared before a schema change is planned again instead of failing.

Which parts need PostgreSQL: preparing, ``pg_prepared_statements`` and "cached plan must not change
result type" exist only there. On SQLite those tests assert what holds there instead (no option is
set, no wrapper is installed) and run nothing else; the suite runs on both databases. The settings
are read once per process, so the setting's cases start their own Python process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import NotSupportedError, connection, transaction

from yiwang.core.models import Department
from yiwang.core.ops.prepared import replan_after_schema_change
from yiwang.core.ops.unavailable import is_transient_database_error

ROOT = Path(__file__).resolve().parents[3]
PG_URL = "postgres://yiwang:secret@db.example:5432/yiwang"
SHOW_OPTIONS = ("import django, json; django.setup(); from django.conf import settings; "
                "print(json.dumps({alias: {k: entry.get('OPTIONS', {}).get(k, 'absent') "
                "for k in ('server_side_binding', 'prepare_threshold')} "
                "for alias, entry in settings.DATABASES.items()}))")
# Counts, on the test database, the prepared statements that read core_department after running
# one ORM query five times on a fresh connection configured by the settings.
COUNT_PREPARED = ("import django; django.setup(); from django.db import connection; "
                  "from yiwang.core.models import Department\n"
                  "for _ in range(5): list(Department.objects.filter(code='ZZ').values_list('id', flat=True))\n"
                  "with connection.cursor() as c:\n"
                  "    c.execute(\"SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%core_department%'\")\n"
                  "    print(c.fetchone()[0])")


def child(code: str, **variables: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_PREPARED_STATEMENTS"}}
    environment.update(DEMO_MODE="1", **variables)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=120)


def options(**variables: str) -> dict:
    result = child(SHOW_OPTIONS, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_prepared_statements_are_on_by_default_on_postgresql_for_both_entries():
    seen = options(DATABASE_URL=PG_URL, DATABASE_REPLICA_URL=PG_URL.replace("5432", "6433"))
    assert seen == {alias: {"server_side_binding": True, "prepare_threshold": 2} for alias in ("default", "replica")}


@pytest.mark.parametrize("value, on", [("1", True), ("on", True), ("0", False), ("off", False), ("false", False)])
def test_the_setting_turns_both_options_on_or_off(value, on):
    seen = options(DATABASE_URL=PG_URL, DATABASE_REPLICA_URL=PG_URL, DATABASE_PREPARED_STATEMENTS=value)
    expected = {"server_side_binding": True, "prepare_threshold": 2} if on else {
        "server_side_binding": False, "prepare_threshold": None}
    assert seen == {"default": expected, "replica": expected}


def test_a_value_that_is_neither_on_nor_off_is_refused_naming_the_setting():
    result = child(SHOW_OPTIONS, DATABASE_URL=PG_URL, DATABASE_PREPARED_STATEMENTS="sometimes")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DATABASE_PREPARED_STATEMENTS" in result.stderr


def test_sqlite_gets_neither_option(tmp_path):
    seen = options(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", DATABASE_PREPARED_STATEMENTS="1")
    assert seen == {"default": {"server_side_binding": "absent", "prepare_threshold": "absent"}}


def database_url_of(settings_dict: dict) -> str:
    return (f"postgres://{quote(settings_dict['USER'] or '')}:{quote(settings_dict['PASSWORD'] or '')}"
            f"@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("value, prepared", [("1", 1), ("0", 0)])
def test_an_orm_query_run_a_few_times_is_prepared_only_with_the_setting_on(value, prepared):
    """PostgreSQL; on SQLite the settings give the connection neither option."""
    if connection.vendor != "postgresql":
        assert "prepare_threshold" not in connection.settings_dict.get("OPTIONS", {})
        return
    url = database_url_of(connection.settings_dict)
    result = child(COUNT_PREPARED, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS=value)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) == prepared


@pytest.mark.django_db
def test_the_suite_s_own_connection_prepares_a_repeated_query():
    """PostgreSQL (the suite runs with the default, on); on SQLite nothing is prepared."""
    for _ in range(3):
        list(Department.objects.filter(code="ZZ").values_list("id", flat=True))
    if connection.vendor != "postgresql":
        assert replan_after_schema_change not in connection.execute_wrappers
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("core_department" in statement and "$1" in statement for statement in statements), statements


PROBE = "SELECT id, name FROM prepared_probe WHERE id = %s"


@pytest.fixture
def probe_table(transactional_db):
    """A scratch table, and a way to alter it from another connection as ``migrate`` would."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_probe (id integer, name varchar(10))")
        cursor.execute("INSERT INTO prepared_probe VALUES (1, 'a')")

    def alter(sql: str) -> None:
        with psycopg.connect(database_url_of(connection.settings_dict), autocommit=True) as other:
            other.execute(sql)

    yield alter
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE prepared_probe")


def run_probe() -> list:
    with connection.cursor() as cursor:
        cursor.execute(PROBE, [1])
        return cursor.fetchall()


def test_a_statement_prepared_before_a_column_changed_type_runs_again_outside_a_transaction(probe_table):
    """PostgreSQL; on SQLite no wrapper is installed (nothing is prepared there)."""
    if connection.vendor != "postgresql":
        connection.ensure_connection()
        assert replan_after_schema_change not in connection.execute_wrappers
        return
    for _ in range(3):
        assert run_probe() == [(1, "a")]
    probe_table("ALTER TABLE prepared_probe ALTER COLUMN name TYPE varchar(20)")
    assert run_probe() == [(1, "a")]
    assert run_probe() == [(1, "a")]


def test_inside_a_transaction_it_is_answered_as_retry_later_and_the_next_try_runs(probe_table):
    """PostgreSQL; on SQLite no wrapper is installed (nothing is prepared there)."""
    if connection.vendor != "postgresql":
        connection.ensure_connection()
        assert replan_after_schema_change not in connection.execute_wrappers
        return
    for _ in range(3):
        run_probe()
    probe_table("ALTER TABLE prepared_probe ALTER COLUMN name TYPE varchar(20)")
    with pytest.raises(NotSupportedError) as refused, transaction.atomic():
        run_probe()
    assert is_transient_database_error(refused.value)  # 503 with Retry-After, not a 500
    with transaction.atomic():
        assert run_probe() == [(1, "a")]


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_inside_an_execute_wrapper_block_keeps_its_replanning():
    """PostgreSQL: the wrapper is installed when a connection opens; one opened inside another
    wrapper's block (the bench's query counter) kept the counter and lost the replanning when
    the block ended. On SQLite no wrapper is installed."""
    counted = []

    def counter(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    # as a new thread's first connection: the wrapper list is the connection object's, kept across
    # reconnections, so start it without the replanning
    if replan_after_schema_change in connection.execute_wrappers:
        connection.execute_wrappers.remove(replan_after_schema_change)
    connection.close()
    with connection.execute_wrapper(counter):
        list(Department.objects.values_list("id", flat=True)[:1])
    assert counter not in connection.execute_wrappers
    if connection.vendor == "postgresql":
        assert replan_after_schema_change in connection.execute_wrappers
    else:
        assert replan_after_schema_change not in connection.execute_wrappers
