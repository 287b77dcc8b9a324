"""Scrape-time metrics of the ledger (registered with core's /metrics in ``LedgerConfig.ready``):
its size, the age of the last signed tree head, the audit records not yet in it, and the outcome
of the last full verification (``manage.py verify_ledger`` records each run as a
``VerificationRun``; the alert fires on a failed run and on none for too long)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Max
from prometheus_client.core import GaugeMetricFamily

from yiwang.core.models import AuditEvent
from yiwang.ledger.models import LedgerState
from yiwang.ledger.selectors import current_tree_size, latest_tree_head, latest_verification


def ledger() -> Iterable[Any]:
    yield GaugeMetricFamily("yiwang_ledger_entries", "Entries in the ledger (its tree size)", value=current_tree_size())
    head = latest_tree_head()
    yield GaugeMetricFamily("yiwang_ledger_tree_head_size", "Tree size of the last signed tree head (0: none yet)",
                            value=head.tree_size if head else 0)
    yield GaugeMetricFamily("yiwang_ledger_tree_head_timestamp_seconds",
                            "Unix time of the last signed tree head (0: none yet)",
                            value=head.timestamp.timestamp() if head else 0)
    high_water = LedgerState.objects.filter(pk=1).values_list("audit_high_water", flat=True).first() or 0
    newest = AuditEvent.objects.order_by().aggregate(newest=Max("id"))["newest"] or 0
    yield GaugeMetricFamily("yiwang_ledger_audit_backlog", "Audit records (by id) not yet pulled into the ledger",
                            value=max(newest - high_water, 0))
    run = latest_verification()
    yield GaugeMetricFamily("yiwang_ledger_verification_timestamp_seconds",
                            "Unix time the last full verification finished (0: never run)",
                            value=run.finished_at.timestamp() if run else 0)
    if run is not None:
        yield GaugeMetricFamily("yiwang_ledger_verification_ok", "1 when the last full verification found the "
                                "ledger intact, 0 when it found problems", value=1 if run.ok else 0)
        yield GaugeMetricFamily("yiwang_ledger_verification_problems", "Problems the last full verification found",
                                value=run.problem_count)
