"""Scrape-time metrics of appeals (registered with core's /metrics in ``AppealsConfig.ready``):
open appeals by SLA light, counted with the light's one home (``selectors.sla_light_q``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from yiwang.appeals.models import Appeal, AppealStatus
from yiwang.appeals.selectors import LIGHTS, sla_light_q


def open_appeals_by_light() -> Iterable[Any]:
    now = timezone.now()
    counts = (Appeal.objects.filter(status__in=AppealStatus.open_states()).order_by()
              .aggregate(**{light: Count("id", filter=sla_light_q(light, now=now)) for light in LIGHTS}))
    family = GaugeMetricFamily("yiwang_appeals_open", "Open appeals (诉求) by SLA light (red: overdue)",
                               labels=["light"])
    for light in LIGHTS:
        family.add_metric([light], counts[light])
    yield family
