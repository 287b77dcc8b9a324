"""Replica reads (DATABASE_REPLICA_URL): the pages that tolerate a moment's staleness read from the
replica on GET; writes, reads inside a transaction, the user's own session and auth rows, and every
unsafe request stay on the primary; without a replica nothing changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connections, transaction
from django.http import JsonResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from yiwang.core.models import Department
from yiwang.core.replica import REPLICA, ReplicaRouter, read_from_replica, replica_reads
from yiwang.core.statements import update_together

ROOT = Path(__file__).resolve().parents[3]


@read_from_replica
def department_codes(request):
    return JsonResponse({"codes": list(Department.objects.order_by("code").values_list("code", flat=True))})


def get(method: str = "get"):
    request = getattr(RequestFactory(), method)("/")
    request.user = AnonymousUser()
    return request


def sql_of(captured: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_get_of_a_decorated_page_reads_from_the_replica(replica_database):
    Department.objects.create(code="ZZ", name="县测试局")
    with CaptureQueriesContext(replica_database) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = department_codes(get())
    assert b"ZZ" in response.content
    assert "core_department" in sql_of(on_replica)
    assert "core_department" not in sql_of(on_primary)


@pytest.mark.django_db(transaction=True)
def test_an_unsafe_request_to_the_same_page_stays_on_the_primary(replica_database):
    Department.objects.create(code="ZZ", name="县测试局")
    with CaptureQueriesContext(replica_database) as on_replica:
        response = department_codes(get("post"))
    assert b"ZZ" in response.content
    assert on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True)
def test_writes_and_a_transactions_reads_go_to_the_primary(replica_database):
    """The replica connection refuses writes: a write or a locking read routed to it would fail here."""
    with CaptureQueriesContext(replica_database) as on_replica, replica_reads():
        department = Department.objects.create(code="ZZ", name="县测试局")
        with transaction.atomic():
            locked = Department.objects.select_for_update().get(code="ZZ")
            locked.name = "县测试局（改）"
            locked.save()
        department.refresh_from_db(fields=["name"])  # outside a transaction: may read the replica
    assert department.name == "县测试局（改）"
    assert "select_for_update" not in sql_of(on_replica).lower()
    assert "FOR UPDATE" not in sql_of(on_replica)
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for q in on_replica.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_an_object_read_from_the_replica_is_saved_to_the_primary(replica_database):
    Department.objects.create(code="ZZ", name="县测试局")
    with replica_reads():
        department = Department.objects.get(code="ZZ")
    assert department._state.db == REPLICA
    department.name = "县测试局（改）"
    department.save()  # the replica is read-only: this fails if routed to where it was read
    assert Department.objects.get(code="ZZ").name == "县测试局（改）"


@pytest.mark.django_db(transaction=True)
def test_updates_written_together_go_to_the_primary_where_reads_would_not(replica_database):
    """``core.statements.update_together`` and ``compiled_update`` write where ``update()`` writes (the
    routers' database for writes), not where a plain queryset of the same rows would be read from."""
    Department.objects.create(code="ZZ", name="县测试局")
    Department.objects.create(code="ZY", name="县另一局")
    with CaptureQueriesContext(replica_database) as on_replica, replica_reads():
        assert Department.objects.filter(code="ZZ").db == REPLICA  # a read here would go to the replica
        update_together((Department.objects.filter(code="ZZ"), {"name": "县测试局（改）"}),
                        (Department.objects.filter(code="ZY"), {"name": "县另一局（改）"}))
    assert on_replica.captured_queries == []
    assert sorted(Department.objects.values_list("name", flat=True)) == ["县另一局（改）", "县测试局（改）"]


@pytest.mark.django_db(transaction=True)
def test_who_is_asking_is_always_read_from_the_primary(replica_database):
    user = get_user_model().objects.create_user("fresh", password="x")
    with CaptureQueriesContext(replica_database) as on_replica, replica_reads():
        assert get_user_model().objects.get(pk=user.pk).username == "fresh"
    assert on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_replica_falls_back_to_the_primary(replica_database, tmp_path):
    Department.objects.create(code="ZZ", name="县测试局")
    replica_database.close()
    if replica_database.vendor == "sqlite":
        replica_database.settings_dict["NAME"] = str(tmp_path / "no-such-dir" / "replica.sqlite3")
    else:
        replica_database.settings_dict["PORT"] = 1  # nothing listens there
    with CaptureQueriesContext(connections["default"]) as on_primary:
        response = department_codes(get())
    assert response.status_code == 200 and b"ZZ" in response.content
    assert "core_department" in sql_of(on_primary)


@pytest.mark.django_db
def test_without_a_replica_the_decorator_and_router_change_nothing():
    Department.objects.create(code="ZZ", name="县测试局")
    assert REPLICA not in connections.settings
    assert b"ZZ" in department_codes(get()).content
    with replica_reads():
        assert ReplicaRouter().db_for_read(Department) == "default"


def settings_in_child(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    code = "from django.conf import settings; import django; django.setup(); print(sorted(settings.DATABASES), settings.DATABASES.get('replica', {}).get('TEST'))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**base, "DEMO_MODE": "1", "DJANGO_SETTINGS_MODULE": "yiwang.settings", **env})


def test_a_replica_url_adds_a_replica_alias_mirrored_in_tests():
    done = settings_in_child({"DATABASE_URL": "postgres://yiwang@127.0.0.1:6432/yiwang",
                              "DATABASE_REPLICA_URL": "postgres://yiwang@127.0.0.1:6433/yiwang"})
    assert done.returncode == 0, done.stderr
    assert "['default', 'replica'] {'MIRROR': 'default'" in done.stdout


def test_a_replica_of_another_kind_of_database_is_refused():
    done = settings_in_child({"DATABASE_URL": "sqlite:///tmp/x.sqlite3",
                              "DATABASE_REPLICA_URL": "postgres://yiwang@127.0.0.1:6433/yiwang"})
    assert done.returncode != 0
    assert "DATABASE_REPLICA_URL must name the same kind of database" in done.stderr
