"""Reading /metrics in tests: the samples of a scrape, by name and labels."""

from __future__ import annotations

from typing import Any

from django.test import Client
from prometheus_client.parser import text_string_to_metric_families


def scrape(client: Client | None = None) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The loopback scrape's samples: ``{(name, sorted label pairs): value}``."""
    response = (client or Client()).get("/metrics")
    assert response.status_code == 200, response.content
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.content.decode()) for s in family.samples}


def value(found: dict, name: str, **labels: Any) -> float | None:
    return found.get((name, tuple(sorted((k, str(v)) for k, v in labels.items()))))
