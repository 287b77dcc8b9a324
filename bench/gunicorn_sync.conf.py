"""gunicorn settings of ``bench/run_cases.py``'s sync workers (``--server sync``, the default): only
the production hooks a worker runs before it serves, so that the bench measures what production
does; the rest (workers, bind, timeout) is on the bench's command line. ``--server production`` uses
``deploy/gunicorn/gunicorn.conf.py`` itself."""

from __future__ import annotations


def post_worker_init(worker: object) -> None:
    """The same as deploy/gunicorn/gunicorn.conf.py's: the worker warm-up (yiwang/core/warmup.py)."""
    from yiwang.core.warmup import post_worker_init as warm

    warm(worker)
