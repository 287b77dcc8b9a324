"""Prometheus metrics (``prometheus_client``): the request metrics every worker process counts,
and the collectors the apps register, read from the database at scrape time.

Chosen over django-prometheus: it replaces the database ENGINE to count queries (this site sets
its own SQLite options and PostgreSQL pooling), labels by view, not by URL name, and needs two
middlewares; what is asked here is a few metrics and scrape-time collectors, which
``prometheus_client`` alone gives, in its multi-process mode too.

Multi-process (gunicorn workers): with ``PROMETHEUS_MULTIPROC_DIR`` set before the process starts,
every worker writes its counters to files there and a scrape (answered by whichever worker) sums
them; deploy/gunicorn.conf.py marks dead workers' files. Scrape-time collectors run once, in the
worker answering the scrape.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from yiwang.core.ops.db import statement_timeout

logger = logging.getLogger("yiwang.ops.metrics")
# No ``*_created`` series beside every counter and histogram: they double the series and no rule uses them.
disable_created_metrics()

# ------------------------------------------------------------------------------ request metrics

REQUESTS = Counter("yiwang_http_requests_total", "HTTP requests answered, by method, URL name and status class",
                   ["method", "route", "status"])
LATENCY = Histogram("yiwang_http_request_duration_seconds", "Time to answer a request, by URL name", ["route"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
ERRORS = Counter("yiwang_http_server_errors_total", "Requests answered with a 5xx status (shed requests excluded)",
                 ["route"])
SHED = Counter("yiwang_http_requests_shed_total", "Requests refused with 503 by admission control (MAX_IN_FLIGHT)")
IN_FLIGHT = Gauge("yiwang_http_requests_in_flight", "Requests being answered now", multiprocess_mode="livesum")

# Routes that are not a URL pattern's name: bounded, fixed labels.
UNRESOLVED, STATIC, SHED_ROUTE = "(unresolved)", "(static)", "(shed)"
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_label(request: HttpRequest) -> str:
    """The URL pattern's name (``namespace:name``), never the raw path: the label set stays bounded
    whatever clients send. A pattern without a name is labelled by its route template."""
    if getattr(request, "yiwang_shed", False):
        return SHED_ROUTE
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or UNRESOLVED
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return STATIC
    return UNRESOLVED


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        IN_FLIGHT.inc()
        try:
            response = self.get_response(request)
        finally:
            IN_FLIGHT.dec()
        route = route_label(request)
        method = request.method if request.method in METHODS else "OTHER"
        REQUESTS.labels(method, route, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(route).observe(time.perf_counter() - start)
        if route == SHED_ROUTE:
            SHED.inc()
        elif response.status_code >= 500:
            ERRORS.labels(route).inc()
        return response


# ------------------------------------------------------------------- collectors read at scrape time

MetricSource = Callable[[], Iterable[Any]]
_sources: dict[str, MetricSource] = {}


def register_collector(name: str, source: MetricSource) -> None:
    """Called from an app's ``AppConfig.ready``: ``source()`` yields metric families
    (``prometheus_client.core.GaugeMetricFamily`` ...) from cheap queries; it runs at each scrape,
    in a transaction with a short statement timeout (``METRICS_QUERY_TIMEOUT_MS``). A source that
    fails is reported by ``yiwang_metrics_collector_up{collector=name} 0`` and the log, and the
    rest of the scrape is still answered."""
    _sources[name] = source


def registered_collectors() -> dict[str, MetricSource]:
    return dict(_sources)


class AppCollectors(Collector):
    def collect(self) -> Iterable[Any]:
        up = GaugeMetricFamily("yiwang_metrics_collector_up", "1 when the collector's queries answered at this scrape",
                               labels=["collector"])
        took = GaugeMetricFamily("yiwang_metrics_collector_duration_seconds", "Time the collector took at this scrape",
                                 labels=["collector"])
        for name, source in sorted(_sources.items()):
            start = time.perf_counter()
            try:
                with statement_timeout(settings.YIWANG_METRICS_QUERY_TIMEOUT_MS):
                    families = list(source())
            except Exception:
                logger.exception("metrics collector %s failed", name)
                up.add_metric([name], 0)
            else:
                up.add_metric([name], 1)
                yield from families
            took.add_metric([name], time.perf_counter() - start)
        yield up
        yield took


def exposition() -> bytes:
    """The text a scrape receives: this process's (or, in multi-process mode, all workers')
    request metrics, then the registered collectors."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        base = CollectorRegistry()
        multiprocess.MultiProcessCollector(base)
    else:
        base = REGISTRY
    apps = CollectorRegistry(auto_describe=False)
    apps.register(AppCollectors())
    return generate_latest(base) + generate_latest(apps)


CONTENT_TYPE = CONTENT_TYPE_LATEST
