"""A precompiled read returns what its queryset returns, for every set of arguments, and refuses a
queryset whose SQL it cannot bind (yiwang/core/precompiled.py)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction
from django.db.models import F
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiwang.core import precompiled
from yiwang.core.models import ApiToken, Applicant, Department, StaffRole
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def roles_of(username: str, department_code: str):
    return (StaffRole.objects.select_related("user", "department")
            .filter(user__username=username, department__code=department_code).order_by("role"))


ROLES_OF = PrecompiledQuery(roles_of, username=str, department_code=str)


def test_model_rows_with_their_related_objects_equal_the_querysets_for_each_set_of_arguments():
    factories.user("clerk", WIN="clerk")
    factories.user("chief", GA="approver", WIN="clerk")
    for username, code in [("clerk", "WIN"), ("chief", "GA"), ("chief", "WIN"), ("nobody", "GA")]:
        expected = list(roles_of(username, code))
        got = ROLES_OF.fetch(username=username, department_code=code)
        assert [(r.pk, r.role, r.user.username, r.department.code) for r in got] \
            == [(r.pk, r.role, r.user.username, r.department.code) for r in expected]
        assert all(isinstance(r.department, Department) for r in got)


def test_it_compiles_once_per_connection_and_then_runs_one_statement():
    factories.user("clerk", WIN="clerk")
    ROLES_OF.fetch(username="clerk", department_code="WIN")
    with CaptureQueriesContext(connection) as queries:
        rows = ROLES_OF.fetch(username="clerk", department_code="WIN")
    assert len(rows) == 1 and len(queries) == 1
    assert queries[0]["sql"].count("clerk") == 1 and "WIN" in queries[0]["sql"]


def token_rows(now: dt.datetime, user_id: int):
    return ApiToken.objects.filter(expires_at__gt=now, user_id=user_id).order_by("id").values_list("id", "expires_at")


TOKEN_ROWS = PrecompiledQuery(token_rows, now=dt.datetime, user_id=int)


def test_values_list_rows_with_a_datetime_and_an_integer_argument_equal_the_querysets():
    user = factories.user("steward", GA="steward")
    other = factories.user("other", GA="steward")
    now = timezone.now()
    for hours in (1, 5, 9):
        ApiToken.objects.create(user=user, digest=f"{hours:064d}", expires_at=now + dt.timedelta(hours=hours))
    ApiToken.objects.create(user=other, digest="f" * 64, expires_at=now + dt.timedelta(hours=9))
    for at, who in [(now, user), (now + dt.timedelta(hours=4), user), (now + dt.timedelta(hours=10), user),
                    (now, other)]:
        assert TOKEN_ROWS.fetch(now=at, user_id=who.pk) == list(token_rows(at, who.pk))
    assert len(TOKEN_ROWS.fetch(now=now + dt.timedelta(hours=4), user_id=user.pk)) == 2


def test_a_queryset_whose_parameter_is_not_the_argument_itself_is_refused():
    starting = PrecompiledQuery(lambda prefix: StaffRole.objects.filter(role__startswith=prefix), prefix=str)
    with pytest.raises(ImproperlyConfigured, match="not one argument"):
        starting.fetch(prefix="cl")


def test_an_argument_the_sql_does_not_use_is_refused():
    ignoring = PrecompiledQuery(lambda code: StaffRole.objects.filter(role="clerk"), code=str)
    with pytest.raises(ImproperlyConfigured, match="not in the SQL"):
        ignoring.fetch(code="GA")


def test_arguments_must_be_the_declared_ones():
    with pytest.raises(TypeError):
        ROLES_OF.fetch(username="clerk")
    with pytest.raises(ImproperlyConfigured, match="unsupported"):
        PrecompiledQuery(lambda when: StaffRole.objects.all(), when=dt.date)


LOCKED_ROLE = PrecompiledQuery(lambda role_id: StaffRole.objects.select_for_update().filter(pk=role_id),
                               role_id=int)


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_outside_a_transaction_is_refused_where_the_database_locks_rows():
    role = StaffRole.objects.get(user=factories.user("clerk", WIN="clerk"))
    with transaction.atomic():
        assert [r.pk for r in LOCKED_ROLE.fetch(role_id=role.pk)] == [role.pk]
    if connection.features.has_select_for_update:  # PostgreSQL; SQLite locks with BEGIN IMMEDIATE
        with pytest.raises(TransactionManagementError):
            LOCKED_ROLE.fetch(role_id=role.pk)
    else:
        assert [r.pk for r in LOCKED_ROLE.fetch(role_id=role.pk)] == [role.pk]


@pytest.mark.django_db(transaction=True)
def test_threads_each_bind_their_own_arguments_on_their_own_connection():
    factories.user("clerk", WIN="clerk")
    factories.user("chief", GA="approver")
    expected = {"clerk": ["WIN"], "chief": ["GA"]}
    barrier = threading.Barrier(2)
    seen: dict[str, list[list[tuple[str, str]]]] = {"clerk": [], "chief": []}
    failures: list[BaseException] = []

    def worker(username: str) -> None:
        from django.db import connections
        try:
            barrier.wait(timeout=10)
            for _ in range(30):
                code = expected[username][0]
                seen[username].append([(r.user.username, r.department.code)
                                       for r in ROLES_OF.fetch(username=username, department_code=code)])
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(name,)) for name in expected]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures
    assert all(rows == [[(name, expected[name][0])]] * 30 for name, rows in seen.items())


def test_an_integer_beyond_the_databases_range_matches_nothing():
    """As Django's own lookups say of a value no integer column can hold (SQLite's driver raised
    OverflowError on it: a 500 for ``/cases/99999999999999999999/…``)."""
    user = factories.user("steward", GA="steward")
    ApiToken.objects.create(user=user, digest="e" * 64, expires_at=timezone.now() + dt.timedelta(hours=1))
    assert TOKEN_ROWS.fetch(now=timezone.now(), user_id=10**20) == []
    assert TOKEN_ROWS.fetch(now=timezone.now(), user_id=-(10**20)) == []
    assert len(TOKEN_ROWS.fetch(now=timezone.now(), user_id=user.pk)) == 1


@pytest.mark.django_db(transaction=True)
def test_what_a_connection_compiled_goes_with_the_connection():
    """A thread that ends leaves nothing of its connection behind (a web server's idle threads come
    and go: kept state that held the connection kept the database connection open)."""
    import gc
    import weakref

    factories.user("clerk", WIN="clerk")
    seen: list[weakref.ref] = []

    def worker() -> None:
        from django.db import connections
        try:
            assert len(ROLES_OF.fetch(username="clerk", department_code="WIN")) == 1
            seen.append(weakref.ref(connections["default"]))
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)
    gc.collect()
    assert len(seen) == 1 and seen[0]() is None


@pytest.mark.django_db(transaction=True)
def test_threads_sharing_one_connection_each_get_the_rows_of_their_own_arguments(monkeypatch):
    """One connection object used by two threads (Django's live-server tests share the SQLite
    connection with the server's threads): what a call binds is its own, never the other thread's.
    The calls are interleaved on purpose at the one point where it matters: the clerk's call has
    bound its arguments and not yet run when the chief's call binds and runs."""
    from django.db import connections

    from yiwang.core import precompiled

    factories.user("clerk", WIN="clerk")
    factories.user("chief", GA="approver")
    shared = connections["default"]
    ROLES_OF.fetch(username="clerk", department_code="WIN")  # compiled on the shared connection
    clerk_bound, chief_ran = threading.Event(), threading.Event()
    bind = precompiled._Compiled.bound_compiler

    def interleaved(self, params):
        compiler = bind(self, params)
        if threading.current_thread().name == "clerk":
            clerk_bound.set()
            chief_ran.wait(timeout=10)  # the chief binds and runs in between
        return compiler

    monkeypatch.setattr(precompiled._Compiled, "bound_compiler", interleaved)
    seen: dict[str, list[tuple[str, str]]] = {}
    failures: list[BaseException] = []

    def call(username: str, code: str) -> None:
        connections["default"] = shared
        try:
            if username == "chief":
                clerk_bound.wait(timeout=10)
            seen[username] = [(r.user.username, r.department.code)
                              for r in ROLES_OF.fetch(username=username, department_code=code)]
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            if username == "chief":
                chief_ran.set()

    shared.inc_thread_sharing()
    try:
        threads = [threading.Thread(target=call, args=("clerk", "WIN"), name="clerk"),
                   threading.Thread(target=call, args=("chief", "GA"), name="chief")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        shared.dec_thread_sharing()
    assert not failures
    assert clerk_bound.is_set() and chief_ran.is_set()
    assert seen == {"clerk": [("clerk", "WIN")], "chief": [("chief", "GA")]}


APPLICANT_OF = PrecompiledQuery(lambda user_id: Applicant.objects.select_related("user").filter(user_id=user_id),
                                user_id=int)


def test_converted_columns_are_converted_on_every_call_by_converters_found_once(monkeypatch):
    """The columns' converters (here the decryption of the ID number and phone) are found on the
    first call and kept with the compiled query: every later call still converts with them."""
    _, zhang = factories.citizen("zhang", name="张三")
    _, li = factories.citizen("li", first17="11010119800101001", name="李四")

    def seen(rows: list[Applicant]) -> list[tuple[str, str, str, str]]:
        return [(a.name, a.id_number, a.phone, a.user.username if a.user else "") for a in rows]

    APPLICANT_OF.fetch(user_id=zhang.user_id)
    found: list[int] = []
    get_converters = SQLCompiler.get_converters
    monkeypatch.setattr(SQLCompiler, "get_converters",
                        lambda self, expressions: found.append(len(expressions)) or get_converters(self, expressions))
    for applicant in (li, zhang, li):
        expected = seen(list(Applicant.objects.select_related("user").filter(user_id=applicant.user_id)))
        found.clear()
        assert seen(APPLICANT_OF.fetch(user_id=applicant.user_id)) == expected
        assert found == []  # the kept converters, not found again
    assert expected == [("李四", factories.citizen_id("11010119800101001"), "13800138000", "li")]


def roles_counted(user_id: int):
    every = StaffRole.objects.filter(user_id=user_id).values_list("user_id", "role")
    clerks = StaffRole.objects.filter(user_id=user_id, role="clerk").values_list("user_id", "role")
    return every.union(clerks, all=True)


ROLES_COUNTED = PrecompiledQuery(roles_counted, user_id=int)


def test_a_union_binds_the_argument_in_each_of_its_parts():
    clerk = factories.user("clerk", WIN="clerk", GA="approver")
    chief = factories.user("chief", GA="approver")
    for who in (clerk, chief, clerk):
        assert sorted(ROLES_COUNTED.fetch(user_id=who.pk)) == sorted(roles_counted(who.pk))
    assert sorted(ROLES_COUNTED.fetch(user_id=clerk.pk)) == [(clerk.pk, "approver"), (clerk.pk, "clerk"),
                                                             (clerk.pk, "clerk")]


def roles_annotated(username: str):
    return (StaffRole.objects.select_related("user", "department").defer("department__name")
            .filter(user__username=username).annotate(code_again=F("department__code")).order_by("role", "id"))


ROLES_ANNOTATED = PrecompiledQuery(roles_annotated, username=str)


def _state(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_model_rows_are_made_as_the_querysets_with_deferred_columns_and_annotations_on_every_call():
    factories.user("clerk", WIN="clerk")
    factories.user("chief", GA="approver", WIN="clerk")
    for username in ("chief", "clerk", "nobody", "chief"):
        expected = list(roles_annotated(username))
        got = ROLES_ANNOTATED.fetch(username=username)
        assert [_state(r) for r in got] == [_state(r) for r in expected]
        assert [(_state(r.user), _state(r.department)) for r in got] \
            == [(_state(r.user), _state(r.department)) for r in expected]
        assert [(r._state.db, r._state.adding, r.department.get_deferred_fields()) for r in got] \
            == [(r._state.db, r._state.adding, r.department.get_deferred_fields()) for r in expected]
        assert all(r.code_again == r.department.code for r in got)
    # made by the precompiled form's own model iterable, not Django's
    assert connections["default"].__dict__["_yiwang_precompiled"][ROLES_ANNOTATED].iterable_class is precompiled._ModelRows
