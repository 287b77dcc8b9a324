"""/metrics shows the ledger's size, the last signed tree head, the audit backlog and the outcome of
the last ``verify_ledger`` run (what the ledger alert rules read)."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import CommandError, call_command

from yiwang.core.services import record_audit
from yiwang.ledger.models import LedgerEntry
from yiwang.ledger.services import NewEntry, append_entries, publish_tree_head
from yiwang.testing.metrics import scrape, value

pytestmark = pytest.mark.django_db


def test_an_empty_ledger_has_no_verification_yet():
    found = scrape()
    assert value(found, "yiwang_ledger_entries") == 0
    assert value(found, "yiwang_ledger_tree_head_timestamp_seconds") == 0
    assert value(found, "yiwang_ledger_verification_timestamp_seconds") == 0
    assert value(found, "yiwang_ledger_verification_ok") is None
    assert value(found, "yiwang_metrics_collector_up", collector="ledger") == 1


def test_size_head_backlog_and_the_last_verification_are_shown():
    append_entries(entries=[NewEntry(kind="document", reference=f"doc:{i}", payload={}) for i in range(5)])
    publish_tree_head()
    append_entries(entries=[NewEntry(kind="document", reference="doc:5", payload={})])
    record_audit(actor=None, event_type="test_event", subject_type="test", subject_id=1, details={})
    call_command("verify_ledger", stdout=io.StringIO())

    found = scrape()
    assert value(found, "yiwang_ledger_entries") == 6
    assert value(found, "yiwang_ledger_tree_head_size") == 5
    timestamp = value(found, "yiwang_ledger_tree_head_timestamp_seconds")
    assert timestamp is not None and abs(timestamp - time.time()) < 60
    assert (value(found, "yiwang_ledger_audit_backlog") or 0) >= 1
    assert value(found, "yiwang_ledger_verification_ok") == 1
    assert value(found, "yiwang_ledger_verification_problems") == 0

    # when the ledger is tampered with, the next verification fails and the metric says so
    LedgerEntry.objects.filter(index=2).update(payload='{"x":1}')
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=io.StringIO())
    found = scrape()
    assert value(found, "yiwang_ledger_verification_ok") == 0
    assert (value(found, "yiwang_ledger_verification_problems") or 0) >= 1
