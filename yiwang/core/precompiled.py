"""Hot reads compiled to SQL once per database connection instead of on every request.

Django builds and compiles a queryset to SQL on every evaluation: for the few reads every request
pays (the API token's user, the case's lock, the approval step's lock) that is more Python than the
rest of the read, on the profile of the one-window benchmark about a fifth of a request's CPU
(docs/benchmarks.md, "precompiled reads"). A :class:`PrecompiledQuery` builds its queryset once per
connection, compiles it, finds where each named argument lands among the SQL's parameters, and on
every later call runs the same SQL with the new arguments through Django's own iterables, so what it
returns (model instances with their ``select_related`` objects, ``values_list`` tuples, annotations,
the backends' converters) is what the queryset would have returned.

How the arguments are found: the queryset is built twice with two different sets of sentinel values
and compiled; the parameters that differ must each be exactly one argument's sentinel (after the
database adaptation its kind names), else the query is refused when first used (``ImproperlyConfigured``:
a queryset whose SQL depends on an argument's value, e.g. an ``__in`` list, cannot be precompiled).

Only arguments of the kinds in :data:`KINDS` are supported, and only querysets whose SQL does not
depend on the arguments' values. The compiled state is kept per ``DatabaseWrapper`` object, which
Django keeps per thread and alias, so threads never share a compiler.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators  # type: ignore[attr-defined]  # not in django-stubs
from django.db.transaction import TransactionManagementError

logger = logging.getLogger(__name__)

# kind -> (two sentinels, adaptation of a value to the parameter the compiled SQL carries)
_UTC = dt.UTC
KINDS: dict[type, tuple[tuple[Any, Any], Callable[[Any, Any], Any]]] = {
    int: ((2_000_000_011, 2_000_000_017), lambda connection, value: int(value)),
    str: (("\x1fprecompiled-a\x1f", "\x1fprecompiled-b\x1f"), lambda connection, value: str(value)),
    dt.datetime: ((dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=_UTC), dt.datetime(1902, 3, 4, 5, 6, 7, 8, tzinfo=_UTC)),
                  lambda connection, value: connection.ops.adapt_datetimefield_value(value)),
}


def _distinct(sentinel: Any, index: int) -> Any:
    if isinstance(sentinel, str):
        return f"{sentinel}{index}"
    if isinstance(sentinel, dt.datetime):
        return sentinel + dt.timedelta(days=index)
    return sentinel + 100 * index


class _Compiled:
    """One connection's compiled form: the compiler (its select, klass_info and converters set up by
    compiling once), the SQL, the constant parameters and where each argument goes. Nothing in it
    changes after compiling: each call runs a copy of the compiler bound to its own parameters.

    The columns' converters (``SQLCompiler.get_converters``: per column, the backend's and the
    field's, a fifth of a precompiled read's Python on the case lock) are the same on every call:
    found on the first call and kept, keyed by the selected expressions, which the compiled
    compiler holds."""

    def __init__(self, compiler: Any, sql: str, params: tuple[Any, ...], slots: dict[str, list[int]],
                 template: QuerySet) -> None:
        self.compiler, self.sql, self.params, self.slots, self.template = compiler, sql, params, slots, template
        self._converters: dict[tuple[int, ...], tuple[dict[int, Any], bool]] = {}
        # model rows: what ModelIterable works out from the compiled select before its first row
        # (which columns are the model's, the select_related objects' populators), the same on
        # every call: worked out once here (_ModelRows)
        self.iterable_class = template._iterable_class
        self.rows_setup: tuple[Any, ...] | None = None
        known: Any = template._known_related_objects  # type: ignore[attr-defined]  # private: a related manager's
        if template._iterable_class is ModelIterable and not known \
                and compiler.klass_info and compiler.klass_info.get("select_fields"):
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.rows_setup = (klass_info["model"], start, end, [f[0].target.attname for f in select[start:end]],
                               get_related_populators(klass_info, select, template.db),
                               compiler.annotation_col_map)
            self.iterable_class = _ModelRows

    def _found(self, expressions: list[Any]) -> tuple[dict[int, Any], bool]:
        key = tuple(map(id, expressions))
        found = self._converters.get(key)
        if found is None:
            found = self._converters[key] = (self.compiler.get_converters(expressions),
                                             self.compiler.has_composite_fields(expressions))
        return found

    def bound_compiler(self, params: tuple[Any, ...]) -> Any:
        compiler = copy.copy(self.compiler)  # a shallow copy: the compiled state is only read
        sql = self.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)  # execute_sql asks the compiler for its SQL
        # results_iter asks for both on every call; the answers never change (see the class)
        compiler.get_converters = lambda expressions: self._found(expressions)[0]
        compiler.has_composite_fields = lambda expressions: self._found(expressions)[1]
        compiler.yiwang_rows_setup = self.rows_setup
        return compiler


class _ModelRows(ModelIterable):
    """``ModelIterable`` for a precompiled read: the same rows made the same way (``from_db``, the
    ``select_related`` populators, the annotations), with what it works out before the first row
    taken from the compiled state (``_Compiled.rows_setup``). Only for querysets without known
    related objects (a related manager's), which ``ModelIterable`` would also set."""

    def __iter__(self) -> Any:
        queryset = self.queryset
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        model_cls, start, end, init_list, related_populators, annotation_col_map = compiler.yiwang_rows_setup
        for row in compiler.results_iter(results):
            obj = model_cls.from_db(db, init_list, row[start:end])
            for populator in related_populators:
                populator.populate(row, obj)
            if annotation_col_map:
                for attr_name, col_pos in annotation_col_map.items():
                    setattr(obj, attr_name, row[col_pos])
            yield obj


class PrecompiledQuery:
    """``PrecompiledQuery(build, digest=str, now=dt.datetime)``: ``build(**arguments)`` returns the
    queryset (unevaluated, sliced if it should be); ``fetch(**arguments)`` returns its rows as a list,
    exactly as ``list(build(**arguments))`` would."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        unknown = [name for name, kind in kinds.items() if kind not in KINDS]
        if unknown:
            raise ImproperlyConfigured(f"PrecompiledQuery: arguments of unsupported kinds: {unknown}")
        self._build = build
        self._kinds = kinds
        self._lock = threading.Lock()
        self._probe: QuerySet | None = None
        _every.add(self)  # warm_all() finds it here

    def _sentinels(self, which: int) -> dict[str, Any]:
        """Values no argument would take, different for every argument and between the two builds."""
        return {name: _distinct(KINDS[kind][0][which], index) for index, (name, kind) in enumerate(self._kinds.items())}

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        compiled = []
        for which in (0, 1):
            sentinels = self._sentinels(which)
            queryset = self._build(**sentinels)
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            adapted = {name: KINDS[self._kinds[name]][1](connection, value) for name, value in sentinels.items()}
            compiled.append((queryset, compiler, sql, tuple(params), adapted))
        (queryset, compiler, sql, params, adapted_a), (_, _, sql_b, params_b, adapted_b) = compiled
        if sql != sql_b or len(params) != len(params_b):
            raise ImproperlyConfigured("PrecompiledQuery: the SQL depends on the arguments' values")
        slots: dict[str, list[int]] = {name: [] for name in self._kinds}
        for index, (a, b) in enumerate(zip(params, params_b, strict=True)):
            if a == b:
                continue
            names = [name for name in self._kinds if adapted_a[name] == a and adapted_b[name] == b]
            if len(names) != 1:
                raise ImproperlyConfigured(f"PrecompiledQuery: parameter {index} is not one argument ({names})")
            slots[names[0]].append(index)
        missing = [name for name, where in slots.items() if not where]
        if missing:
            raise ImproperlyConfigured(f"PrecompiledQuery: arguments not in the SQL: {missing}")
        return _Compiled(compiler, sql, params, slots, queryset)

    def is_compiled_for(self, alias: str) -> bool:
        """Whether this thread's connection ``alias`` already holds this read's compiled form."""
        return self in connections[alias].__dict__.get("_yiwang_precompiled", {})

    def fetch(self, **arguments: Any) -> list[Any]:
        if arguments.keys() != self._kinds.keys():
            raise TypeError(f"PrecompiledQuery.fetch takes {sorted(self._kinds)}, got {sorted(arguments)}")
        alias = self._routing().db
        connection = connections[alias]
        # kept on the connection object (Django's, per thread and alias): it goes when the connection
        # object goes, and a thread never finds another connection's compiler
        kept: dict[PrecompiledQuery, _Compiled] = connection.__dict__.setdefault("_yiwang_precompiled", {})
        compiled = kept.get(self)
        if compiled is None:
            compiled = kept[self] = self._compile(alias)
        template = compiled.template
        if template.query.select_for_update and connection.features.has_select_for_update \
                and connection.get_autocommit() and connection.features.supports_transactions:
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(compiled.params)
        for name, where in compiled.slots.items():
            kind = self._kinds[name]
            if kind is int and not _in_integer_range(connection, arguments[name]):
                return []  # every integer argument is compared for equality: nothing matches, as Django says
            value = KINDS[kind][1](connection, arguments[name])
            for index in where:
                params[index] = value
        bound: Any = _BoundQuery(template.query, compiled.bound_compiler(tuple(params)))  # the template's Query
        queryset: QuerySet[Any] = QuerySet(model=template.model, query=bound, using=alias)
        queryset._iterable_class = compiled.iterable_class
        queryset._fields = template._fields  # type: ignore[attr-defined]  # private, read by the values iterables
        queryset._for_write = template._for_write  # type: ignore[attr-defined]  # private: the routing
        return list(queryset)

    def queryset(self) -> QuerySet:
        """The queryset this reads, built with placeholder arguments: for inspecting what it is (its
        model, the locks it asks for), never for evaluating."""
        return self._build(**self._sentinels(0))

    def _routing(self) -> QuerySet:
        """One build, kept, for the queryset's routing (``.db``: which alias it reads from, asked of
        the routers on every call as a queryset would)."""
        if self._probe is None:
            with self._lock:
                if self._probe is None:
                    self._probe = self.queryset()
        return self._probe


# every precompiled read (module-level constants, made once at import; one a test makes goes with it)
_every: weakref.WeakSet[PrecompiledQuery] = weakref.WeakSet()


def warm_all() -> None:
    """Every precompiled read of the code run on this thread's connections with the sentinels as
    arguments (values no row has; see ``_sentinels``): each read compiled for the connection, and
    its statement known to the database (its tables' catalog entries, a plan; run twice, so that
    psycopg prepares it on its next execution, the first request's: ``YIWANG_DATABASE_PREPARE_THRESHOLD``
    is 2). Reads only; a locking read locks no row
    (none matches) but needs the transaction the caller opens (``core.warmup.warm_worker``). A read
    that fails is logged and skipped: its first real use compiles it as ever."""
    for query in list(_every):
        try:
            with transaction.atomic(using=query._routing().db):
                for _ in range(2):
                    query.fetch(**query._sentinels(0))
        except Exception:
            logger.warning("warm-up of a precompiled read failed: %r", query._build, exc_info=True)


def _in_integer_range(connection: Any, value: Any) -> bool:
    low, high = connection.ops.integer_field_range("BigIntegerField")
    return low <= int(value) <= high


class _BoundQuery:
    """The template's ``Query`` as Django's iterables read it, with ``get_compiler`` answering the
    connection's compiled compiler (whose ``as_sql`` gives the bound SQL)."""

    def __init__(self, query: Any, compiler: Any) -> None:
        self._query, self._compiler = query, compiler

    def get_compiler(self, using: str | None = None, connection: Any = None, elide_empty: bool = True) -> Any:
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)
