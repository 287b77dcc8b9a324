"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: database, task queue, keys).

``/readyz`` answers 200 when every check passes and 503 otherwise, naming each check with ``ok`` or
``failed`` and a short reason. Reasons are fixed phrases and exception class names, never a
driver's message (which names hosts, ports and users): the full error goes to the log under the
request id."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, OperationalError, connection

from yiwang.core.ops.db import statement_timeout

logger = logging.getLogger("yiwang.ops.health")


class CheckFailed(Exception):
    """A check's failure with the reason shown in the answer."""


def check_database() -> dict[str, Any]:
    try:
        with statement_timeout(settings.YIWANG_READYZ_TIMEOUT_MS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except OperationalError as exc:
        raise CheckFailed(_timeout_or(exc, "database unreachable")) from exc
    except DatabaseError as exc:
        raise CheckFailed(f"database error ({type(exc).__name__})") from exc
    return {}


def check_task_queue() -> dict[str, Any]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        with statement_timeout(settings.YIWANG_READYZ_TIMEOUT_MS):
            ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by().count()
    except OperationalError as exc:
        raise CheckFailed(_timeout_or(exc, "task queue table unreachable")) from exc
    except DatabaseError as exc:
        raise CheckFailed(f"task queue table unreadable ({type(exc).__name__})") from exc
    return {"ready": ready}


def check_keys() -> dict[str, Any]:
    """The SM4 field keys, the blind-index key and the SM2 signing key load (all cached after the
    first load: cheap). Key material never appears in the answer; the signing key's public id does."""
    from yiwang.crypto import keys, signing

    try:
        ring = keys.field_key_ring()
        keys.blind_index_key()
        signer = signing.get_signer()
    except ImproperlyConfigured as exc:
        # our own messages name the setting, never its value
        raise CheckFailed(f"keys not loadable: {exc}") from exc
    except Exception as exc:
        raise CheckFailed(f"keys not loadable ({type(exc).__name__})") from exc
    return {"field_key": ring.current_id, "signing_key": signer.key_id}


def _timeout_or(exc: Exception, reason: str) -> str:
    text = str(exc).lower()
    if "statement timeout" in text or "canceling statement" in text:
        return f"timed out after {settings.YIWANG_READYZ_TIMEOUT_MS} ms"
    return reason


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "task_queue": check_task_queue,
    "keys": check_keys,
}


def readiness() -> tuple[bool, dict[str, Any]]:
    """Run every check; (all passed, the answer's ``checks``)."""
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        start = time.perf_counter()
        try:
            details = check()
        except CheckFailed as exc:
            logger.warning("readiness check %s failed: %s", name, exc.__cause__ or exc, exc_info=exc.__cause__)
            results[name] = {"status": "failed", "reason": str(exc)}
        else:
            results[name] = {"status": "ok", **details}
        results[name]["ms"] = round((time.perf_counter() - start) * 1000, 1)
    return all(r["status"] == "ok" for r in results.values()), results
