"""Scrape-time metrics of cases (registered with core's /metrics in ``CasesConfig.ready``): open
cases by SLA light, counted with the light's one home (``selectors.sla_light_q``); red is overdue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from yiwang.cases.models import Case, CaseStatus
from yiwang.cases.selectors import LIGHTS, sla_light_q


def open_cases_by_light() -> Iterable[Any]:
    now = timezone.now()
    counts = (Case.objects.filter(status__in=CaseStatus.open_states()).order_by()
              .aggregate(**{light: Count("id", filter=sla_light_q(light, now=now)) for light in LIGHTS}))
    family = GaugeMetricFamily("yiwang_cases_open", "Open cases by SLA light (red: overdue; paused: awaiting "
                               "the applicant's correction)", labels=["light"])
    for light in LIGHTS:
        family.add_metric([light], counts[light])
    yield family
