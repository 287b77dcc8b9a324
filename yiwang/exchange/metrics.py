"""Gateway lookups by outcome, counted as they are committed (``AccessLog`` rows: served, not found,
refused with their refusal code). A counter, not a query over the log at each scrape: the log is
the largest table and has no index on time alone. Prometheus's ``increase(...[1h])`` gives the
last hour; in gunicorn's multi-process mode the workers' counts are summed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from prometheus_client import Counter

LOOKUPS = Counter("yiwang_exchange_lookups_total", "Data-sharing gateway lookups by outcome and refusal code",
                  ["outcome", "refusal_code"])


def count_lookup(sender: type, instance: Any, created: bool, using: str = "default", **kwargs: Any) -> None:
    if created:
        labels = (instance.outcome, instance.refusal_code or "")
        transaction.on_commit(lambda: LOOKUPS.labels(*labels).inc(), using=using)
