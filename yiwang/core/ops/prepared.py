"""Server-side prepared statements after a schema change (``DATABASE_PREPARED_STATEMENTS``).

With the setting on, psycopg prepares a statement on a connection after it has run there twice.
If ``migrate`` then changes the type of a column such a statement returns (a ``max_length``, a
type), PostgreSQL refuses to run the prepared statement: "cached plan must not change result
type" (SQLSTATE 0A000, ``FeatureNotSupported``; Django's ``NotSupportedError``). psycopg 3.3 does
not forget the statement then: measured on PostgreSQL 15 here, the same statement fails again on
every execution in autocommit, until the connection is closed or a ``ROLLBACK`` / ``DEALLOCATE
ALL`` / ``DISCARD ALL`` clears its cache (``psycopg/_preparing.py``, ``_should_discard``).

What this module does about it, on every PostgreSQL connection (installed by ``CoreConfig.ready``):
- outside a transaction, the statement never ran (PostgreSQL refuses it before executing it), so
  the wrapper sends ``DEALLOCATE ALL`` (psycopg sees it and forgets its prepared statements) and
  runs the statement once more, now planned afresh;
- inside a transaction, the transaction is already aborted and cannot be retried here; the error
  propagates, the atomic block's ``ROLLBACK`` clears psycopg's cache, and the request is answered
  503 with ``Retry-After`` (``yiwang/core/ops/unavailable.py``), so that a retry succeeds.

The upgrade procedure still restarts web and task workers right after ``migrate``
(docs/deployment.md, "Upgrades"): old code against a new schema is the larger risk, and a restart
leaves no statement prepared against the old one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

CHANGED_PLAN_SQLSTATE = "0A000"
CHANGED_PLAN_MESSAGE = "cached plan must not change result type"


def is_changed_plan_error(exc: BaseException | None) -> bool:
    """The error PostgreSQL raises for a statement prepared before its result's type changed."""
    if not isinstance(exc, NotSupportedError):
        return False
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == CHANGED_PLAN_SQLSTATE and CHANGED_PLAN_MESSAGE in str(exc)


def replan_after_schema_change(execute: Callable[..., Any], sql: str, params: Any, many: bool,
                               context: dict[str, Any]) -> Any:
    """A Django execute wrapper (``connection.execute_wrappers``): see the module's docstring."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as exc:
        connection: BaseDatabaseWrapper = context["connection"]
        if not is_changed_plan_error(exc) or connection.in_atomic_block:
            raise
        logger.warning("a statement prepared before a schema change was refused; "
                       "deallocating this connection's prepared statements and running it again")
        with connection.wrap_database_errors:
            connection.connection.execute("DEALLOCATE ALL", prepare=False)
        return execute(sql, params, many, context)


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: wrap every statement of a PostgreSQL connection that
    prepares statements (``prepare_threshold`` set: ``DATABASE_PREPARED_STATEMENTS`` on)."""
    if (connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
            and replan_after_schema_change not in connection.execute_wrappers):
        # first, not last: a connection opened inside a ``connection.execute_wrapper()`` block (a
        # query counter) would otherwise have this one popped at the block's end instead of its own
        connection.execute_wrappers.insert(0, replan_after_schema_change)
