"""Reads that may be served by a streaming replica (``DATABASE_REPLICA_URL``).

A few read-only pages tolerate data a moment old: the duty officers' command board (polled every
few seconds anyway), the KPI dashboards and the public service catalogue. Those views are wrapped in
:func:`read_from_replica`; while such a view runs, :class:`ReplicaRouter` sends its reads to the
``replica`` alias. Everything else, every write, and every read inside a transaction (a write's
own reads, ``select_for_update``) goes to the primary (``default``).

Nothing a person has just written is read back from the replica:

- only safe requests (GET, HEAD) are routed; a POST to the same view reads and writes the primary;
- the signed-in user and their session are loaded from the primary before the view runs, and the
  ``auth``, ``sessions``, ``contenttypes`` and ``admin`` tables are never read from the replica;
- the routed pages show aggregates and public reference data, never a person's own application,
  appeal or licence (the item guide, which shows the applicant's reusable materials, stays on the
  primary).

Without ``DATABASE_REPLICA_URL`` (the default, and ``make run``) there is no ``replica`` alias and
the router always answers ``default``. A replica that cannot be reached is not an error for the
person: the page is read again from the primary.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

if TYPE_CHECKING:
    from django.db.models import Model

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Tables a request reads to know who is asking: always the primary, so that someone who has just
# signed in (or out, or changed their password) is never seen in a stale state.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "contenttypes", "admin"})
SAFE_METHODS = frozenset({"GET", "HEAD"})

_replica_reads: ContextVar[bool] = ContextVar("yiwang_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads outside a transaction may come from the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def read_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a read-only page (or API operation) whose data may be a moment stale."""

    @functools.wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method not in SAFE_METHODS or not replica_configured():
            return view(request, *args, **kwargs)
        # resolve the lazy user (session and auth rows) on the primary before routing
        user = getattr(request, "user", None)
        if user is not None:
            getattr(user, "pk", None)
        try:
            with replica_reads():
                return view(request, *args, **kwargs)
        except OperationalError:
            # The replica entry is unreachable (PgBouncer or HAProxy down): the page is read-only, so
            # read it again from the primary rather than answer 500.
            logger.warning("replica unavailable; %s read from the primary", request.path, exc_info=True)
            connections[REPLICA].close()
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: the replica only for reads inside :func:`replica_reads`."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if (_replica_reads.get() and replica_configured()
                and model._meta.app_label not in PRIMARY_ONLY_APPS
                and not transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # explicit, or Django would write an instance back to the alias it was read from
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA
