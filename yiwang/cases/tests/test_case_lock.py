"""Every transition of a case takes the case's row lock before it reads the case's state, on both
databases: PostgreSQL by ``SELECT … FOR NO KEY UPDATE``, SQLite by the write lock its transactions
take at ``BEGIN IMMEDIATE`` (Django ignores ``select_for_update`` there, so the concurrency tests
alone cannot tell on SQLite whether the lock is still asked for)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from yiwang.cases import services
from yiwang.cases.models import Case, CaseStep, StepStatus
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def locks(monkeypatch):
    """The models whose rows each ``select_for_update`` asks to lock, with its options: asked of a
    queryset, or by a precompiled read (core/precompiled.py: built once, then only fetched)."""
    asked = []
    original = QuerySet.select_for_update
    original_fetch = PrecompiledQuery.fetch

    def spy(self, *args, **kwargs):
        asked.append((self.model, kwargs))
        return original(self, *args, **kwargs)

    def fetch_spy(self, **arguments):
        query = self.queryset().query
        if query.select_for_update:
            asked.append((query.model, {"of": query.select_for_update_of, "no_key": query.select_for_no_key_update}))
        return original_fetch(self, **arguments)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    monkeypatch.setattr(PrecompiledQuery, "fetch", fetch_spy)
    return asked


def _transitions(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    step = lambda name: CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN).pk  # noqa: E731
    return case, [
        lambda: services.accept_application(actor=world.clerk, case_id=case.pk),
        lambda: services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=step("审查"), decision="approve"),
        lambda: services.complete_step(actor=world.decider, case_id=case.pk, step_id=step("决定"), decision="approve"),
        lambda: services.deliver_result(actor=world.clerk, case_id=case.pk, method="electronic"),
    ]


def test_every_transition_asks_for_the_case_row_lock(world, locks):
    _case, transitions = _transitions(world)
    for transition in transitions:
        locks.clear()
        transition()
        assert (Case, {"of": ("self",), "no_key": True}) in locks


@pytest.mark.django_db(transaction=True)
def test_the_database_takes_the_lock_at_each_transition(world):
    """PostgreSQL: the first read of the case locks its row. SQLite: each transition's transaction
    begins IMMEDIATE (the database's write lock, held to the commit)."""
    _case, transitions = _transitions(world)
    for transition in transitions:
        if connection.vendor == "postgresql":
            with CaptureQueriesContext(connection) as queries:
                transition()
            case_reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"cases_case"' in q["sql"]]
            assert case_reads and "FOR NO KEY UPDATE OF" in case_reads[0]
        else:
            statements: list[str] = []
            connection.ensure_connection()
            connection.connection.set_trace_callback(statements.append)
            try:
                transition()
            finally:
                connection.connection.set_trace_callback(None)
            assert "BEGIN IMMEDIATE" in [s.strip().upper() for s in statements], statements[:5]
