"""The audit batch writer (``core.services.audit_batch``): an action's records in one INSERT, every
``post_save`` receiver still told of every row, savepoints and failures respected."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from yiwang.core.models import AuditEvent
from yiwang.core.services import audit_batch, flush_audits, queue_audit, record_audit

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(event_type: str) -> None:
    queue_audit(actor=None, event_type=event_type, subject_type="test", subject_id=event_type)


def _inserts(queries) -> int:
    return sum(1 for q in queries.captured_queries
               if q["sql"].lstrip().upper().startswith("INSERT") and AuditEvent._meta.db_table in q["sql"])


@pytest.fixture
def saved():
    """What post_save receivers of AuditEvent are told: (event type, pk, created)."""
    seen: list[tuple[str, int | None, bool]] = []

    def receiver(sender, instance, created=False, raw=False, **kwargs):
        seen.append((instance.event_type, instance.pk, created))

    post_save.connect(receiver, sender=AuditEvent, dispatch_uid="test_audit_batch_receiver")
    yield seen
    post_save.disconnect(sender=AuditEvent, dispatch_uid="test_audit_batch_receiver")


def test_an_actions_records_are_one_insert_and_every_receiver_sees_every_row(saved):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with audit_batch():
            for name in ("a", "b", "c"):
                _queue(name)
            assert not AuditEvent.objects.filter(subject_type="test").exists()  # queued, not yet written
    assert _inserts(queries) == 1
    rows = list(AuditEvent.objects.filter(subject_type="test").order_by("id").values_list("event_type", "pk"))
    assert [e for e, _ in rows] == ["a", "b", "c"]
    # each row's post_save, with its id and created=True, as save() would send it
    assert saved == [(e, pk, True) for e, pk in rows]


def test_a_record_that_needs_its_id_writes_the_queue_first_in_the_same_insert_keeping_call_order(saved):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with audit_batch():
            _queue("first")
            event = record_audit(actor=None, event_type="second", subject_type="test", subject_id="x")
            assert event.pk is not None
            _queue("third")
    assert _inserts(queries) == 2  # [first, second] together, then [third] at the end
    assert list(AuditEvent.objects.filter(subject_type="test").order_by("id").values_list("event_type", flat=True)) == [
        "first", "second", "third"]
    assert [e for e, _, _ in saved] == ["first", "second", "third"]


def test_a_failed_action_writes_none_of_its_queued_records(saved):
    with pytest.raises(ValueError), transaction.atomic(), audit_batch():
        _queue("lost")
        raise ValueError("the action failed")
    assert not AuditEvent.objects.filter(subject_type="test").exists()
    assert saved == []


def test_a_record_inside_a_rolled_back_savepoint_goes_with_it(saved):
    with transaction.atomic():
        with audit_batch():
            _queue("kept")
            try:
                with transaction.atomic():  # a savepoint opened after the batch
                    _queue("rolled back")
                    raise ValueError
            except ValueError:
                pass
    assert list(AuditEvent.objects.filter(subject_type="test").values_list("event_type", flat=True)) == ["kept"]
    # written at once inside the savepoint (as save() would: its receivers ran in that savepoint)
    assert [e for e, _, _ in saved] == ["rolled back", "kept"]


def test_outside_a_batch_a_queued_record_is_written_at_once(saved):
    with transaction.atomic():
        _queue("now")
        assert AuditEvent.objects.filter(subject_type="test", event_type="now").exists()
    assert [(e, c) for e, _, c in saved] == [("now", True)]


def test_a_batch_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError), audit_batch():
        pass


def test_flushing_before_a_savepoint_keeps_the_records_in_call_order():
    with transaction.atomic(), audit_batch():
        _queue("before")
        flush_audits()
        with transaction.atomic():  # e.g. the 秒批 run's savepoint: its records are written at once
            _queue("inside")
        _queue("after")
    assert list(AuditEvent.objects.filter(subject_type="test").order_by("id").values_list("event_type", flat=True)) == [
        "before", "inside", "after"]


def test_a_batch_larger_than_one_statement_keeps_every_row_in_order(saved):
    """More records than one INSERT carries (the writer bounds its parameters): every row written
    with its own details, ids in the order of the calls, each receiver told once."""
    count = 1_203
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, audit_batch():
        for n in range(count):
            queue_audit(actor=None, event_type="bulk_noted", subject_type="test", subject_id=n, details={"n": n})
    assert _inserts(queries) == 3  # 500 + 500 + 203
    rows = list(AuditEvent.objects.filter(event_type="bulk_noted").order_by("id").values_list("subject_id", "details"))
    assert rows == [(str(n), {"n": n}) for n in range(count)]
    assert [pk for _, pk, _ in saved] == list(AuditEvent.objects.filter(event_type="bulk_noted")
                                              .order_by("id").values_list("id", flat=True))
    assert all(created for _, _, created in saved) and len(saved) == count


def test_a_record_queued_inside_a_block_without_its_own_savepoint_joins_the_batch(saved):
    # given an action's batch, and a service inside it that opens atomic(savepoint=False) (it cannot
    # roll back on its own: a failure there fails the whole action)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with audit_batch():
            _queue("before")
            with transaction.atomic(savepoint=False):
                _queue("inside")
            _queue("after")
            assert not AuditEvent.objects.filter(subject_type="test").exists()  # all three still queued
    # then the three records are one INSERT, in call order
    assert _inserts(queries) == 1
    assert list(AuditEvent.objects.filter(subject_type="test").order_by("id").values_list("event_type", flat=True)) == [
        "before", "inside", "after"]
