"""Fixtures shared by every app's tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from yiwang.core.calendar import invalidate_calendar_cache
from yiwang.testing import factories, item_factories

# Hypothesis's deadline (200 ms per example) and its "input generation is slow" health check are
# wall-clock asserts: on the shared 2-core machine they fail at load 9-11 on properties that hold
# (core/tests/test_ids.py did). Properties are tested here, speed is measured by bench/.
settings.register_profile("yiwang", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("yiwang")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: Any) -> None:
    """On SQLite, test in a file in a fresh directory, not in shared-cache memory: concurrent
    writers then meet SQLite's real locking (busy timeout, BEGIN IMMEDIATE) as in production."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get("NAME"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")
        # a throwaway database need not survive a power cut: skip fsync
        database["OPTIONS"]["init_command"] = database["OPTIONS"]["init_command"].replace(
            "synchronous=NORMAL", "synchronous=OFF")


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the site's default language. A request through the test client activates
    its language in this thread (LocaleMiddleware) and nothing deactivates it, so without this an
    English request in one test made a later service-level test of the same worker read English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_clock_offset() -> Any:
    """Each test measures the database clock's offset afresh. ``db_now()`` keeps the offset per
    process, so a test that moves this process's clock (``timezone.now`` patched) would otherwise
    leave its offset to the next tests of the same worker, which would then stamp times hours off."""
    from yiwang.core import clock

    clock.forget_offsets()
    yield
    clock.forget_offsets()


@pytest.fixture(autouse=True)
def _isolated_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # OCR pre-review on upload is switched on by the tests that exercise it
    settings.YIWANG_PREREVIEW_ON_UPLOAD = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # notices: SMS lines into this test's directory, email into Django's test outbox (locmem)
    settings.YIWANG_NOTIFY_CHANNELS = {
        "sms": {"BACKEND": "yiwang.core.notify.FileChannel",
                "OPTIONS": {"address_field": "phone", "path": str(tmp_path / "sms.log")}},
        "email": {"BACKEND": "yiwang.core.notify.EmailChannel", "OPTIONS": {"address_field": "email"}},
    }
    invalidate_calendar_cache()


@pytest.fixture(autouse=True)
def _calendar_years_known(request: Any) -> None:
    """Deadlines are refused past the last year the calendar knows. Tests count working days by the
    Monday–Friday rule unless they declare holidays themselves, so the test calendar is declared to
    know the years tests use (``test_calendar_horizon`` removes them to test the refusal)."""
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif request.node.get_closest_marker("django_db") is None:
        return
    from yiwang.core.models import CalendarYear

    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="tests") for y in range(2020, 2041)],
                                     ignore_conflicts=True)
    invalidate_calendar_cache()


@dataclass
class World:
    """A small county: the window, two departments, their staff, a citizen and two items."""

    clerk: Any
    reviewer: Any
    decider: Any
    ga_signer: Any
    head: Any
    supervisor: Any
    citizen: Any
    applicant: Any
    item: Any
    countersign_item: Any


@pytest.fixture
def browser(monkeypatch: Any) -> Any:
    """Debian's chromium under Playwright's sync API, for one browser test (``yiwang.testing.browser``)."""
    from yiwang.testing.browser import launched

    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield from launched()


@pytest.fixture
def world(db: Any) -> World:
    factories.department("ZWFW", "政务服务管理局", centre=True)
    scjg = "SCJG"
    citizen, applicant = factories.citizen()
    return World(
        clerk=factories.user("clerk", ZWFW="clerk"),
        reviewer=factories.user("scjg_reviewer", SCJG="reviewer"),
        decider=factories.user("scjg_decider", SCJG="decider"),
        ga_signer=factories.user("ga_decider", GA="decider"),
        head=factories.user("scjg_head", SCJG="head"),
        supervisor=factories.user("supervisor", ZWFW="supervisor"),
        citizen=citizen,
        applicant=applicant,
        item=item_factories.item("SCJG-001", dept=scjg),
        countersign_item=item_factories.item(
            "SCJG-002",
            dept=scjg,
            stages=[
                {"id": "review", "name": "审查", "dept": scjg, "role": "reviewer"},
                [
                    {"id": "sign_scjg", "name": "市场监管会签", "dept": scjg, "role": "decider"},
                    {"id": "sign_ga", "name": "公安会签", "dept": "GA", "role": "decider"},
                ],
                {"id": "decide", "name": "决定", "dept": scjg, "role": "decider"},
            ],
        ),
    )


@pytest.fixture
def replica_database(transactional_db: None) -> Any:
    """A ``replica`` alias for this test: a second connection to the test database that sees only
    committed rows (as a streaming replica does) and refuses every write (SQLite ``query_only``,
    PostgreSQL ``default_transaction_read_only``), so a write routed to it fails the test. Tests that
    use it commit their data (``transaction=True``)."""
    from django.conf import settings as django_settings
    from django.db import connections

    default = connections["default"].settings_dict
    replica = {**default, "OPTIONS": dict(default.get("OPTIONS", {})), "TEST": {**default.get("TEST", {}), "MIRROR": "default"}}
    if default["ENGINE"] == "django.db.backends.sqlite3":
        replica["OPTIONS"]["init_command"] = replica["OPTIONS"].get("init_command", "") + " PRAGMA query_only=ON;"
    else:
        replica["OPTIONS"]["options"] = "-c default_transaction_read_only=on"
    databases = connections.settings
    databases["replica"] = replica
    if django_settings.DATABASES is not databases:
        django_settings.DATABASES["replica"] = replica
    connection = connections["replica"]

    def ensure_connection() -> None:
        # The test case was set up before this alias existed, so Django's guard against databases a
        # test did not declare would refuse it: connect as the unguarded method does.
        if connection.connection is None:
            with connection.wrap_database_errors:
                connection.connect()

    connection.ensure_connection = ensure_connection  # type: ignore[method-assign]  # this alias only, as above
    try:
        yield connection
    finally:
        connection.close()
        databases.pop("replica", None)
        django_settings.DATABASES.pop("replica", None)
        local = connections._connections  # type: ignore[attr-defined]  # private: forget the alias's per-thread connection
        if hasattr(local, "replica"):
            delattr(local, "replica")
