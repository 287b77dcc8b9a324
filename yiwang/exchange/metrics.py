"""Gateway lookups by outcome, counted once their access log is committed (served, not found,
refused with its refusal code). A counter, not a query over the log at each scrape: the log is the
largest table and has no index on time alone. Prometheus's ``increase(...[1h])`` gives the last
hour; in gunicorn's multi-process mode the workers' counts are summed."""

from __future__ import annotations

from django.db import transaction
from prometheus_client import Counter

LOOKUPS = Counter("yiwang_exchange_lookups_total", "Data-sharing gateway lookups by outcome and refusal code",
                  ["outcome", "refusal_code"])


def count_lookup(outcome: str, refusal_code: str = "") -> None:
    """Called by ``services.lookup`` where the access log is written (inside or after its
    transaction): counted on commit, never for a rolled-back one. Refusal codes are the gateway's
    error codes, a fixed set."""
    labels = (str(outcome), refusal_code[:40])
    transaction.on_commit(lambda: LOOKUPS.labels(*labels).inc())
