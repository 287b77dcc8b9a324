"""gunicorn settings for Yiwang's application servers (docs/deployment.md).

    PROMETHEUS_MULTIPROC_DIR=/run/yiwang/metrics gunicorn -c deploy/gunicorn/gunicorn.conf.py yiwang.wsgi

gthread workers: each process runs ``threads`` threads; admission control (MAX_IN_FLIGHT, default
8) lets at most that many views work at once per process and refuses the rest at once with 503,
so the spare threads stay free to refuse quickly instead of queueing. Every value reads its
environment variable.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", str((os.cpu_count() or 1) * 2 + 1)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# A worker silent this long is killed and replaced (a stuck request); the edge's proxy_read_timeout
# should be a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Workers are recycled after this many requests (with jitter) to bound slow leaks; 0: never.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Logs: access lines off (nginx writes them, with the same X-Request-ID); errors to stderr.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# LOG_FORMAT=json: gunicorn's own lines (start, worker boot/exit, timeouts) as the same JSON objects
# as the application's (yiwang.core.ops.requestid.JsonFormatter), so one parser reads every log.
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "yiwang.core.ops.requestid.JsonFormatter"}},
        "handlers": {"error_console": {"class": "logging.StreamHandler", "formatter": "json",
                                       "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False}},
        "root": {"level": "INFO", "handlers": []},
    }


def on_starting(server: object) -> None:
    """Multi-process metrics: each worker writes its counters under PROMETHEUS_MULTIPROC_DIR; the
    directory must be emptied when the server (re)starts, or old workers' counts would be summed in."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def post_worker_init(worker: object) -> None:
    """After the worker loaded the application, before it serves: each request thread's database
    connection (on that thread of the worker's pool) and the caches read from the database warmed
    (yiwang/core/warmup.py, which tells the worker's kind by gunicorn's classes; YIWANG_WARM_WORKERS=0:
    off). The same hook as the bench's sync workers (bench/gunicorn_sync.conf.py). Never raises."""
    from yiwang.core.warmup import post_worker_init as warm

    warm(worker)


def child_exit(server: object, worker: object) -> None:
    """A dead worker's live gauges (requests in flight) no longer count."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
