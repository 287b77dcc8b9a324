"""Writes to several tables as one statement on PostgreSQL (issue #14: statements per request).

PostgreSQL runs the data-modifying statements of a ``WITH`` exactly once each, whether or not the
main statement reads their rows, all in one round trip; SQLite gets one statement each, in the
order given. The statements are compiled by Django's own compilers from querysets and model
instances, so every value is prepared as ``QuerySet.update()`` and ``bulk_create()`` prepare it
(JSON, encrypted fields, ``auto_now_add``, expressions such as ``Now()``). What they skip, as
``update()`` and ``bulk_create()`` skip it: ``save()``, ``pre_save``/``post_save`` receivers. Use
them only for models no receiver follows (check ``*.connect(`` and ``@receiver`` first).

``update_together``: updates; ``insert_together``: rows of one model and updates;
``insert_with_children``: a row, rows that reference it, and updates; ``insert_if``: a row, unless
a unique constraint already holds one like it or a condition on other rows fails (one statement on
both databases: the read that would come before the insert goes into it); ``insert_numbered``: a
row and its number made from its primary key (one statement on PostgreSQL). ``PrecompiledUpdate``:
an update an action repeats, compiled once per connection and shape of its values (its
``BoundUpdate`` goes into the functions above like a ``(queryset, values)`` pair); the INSERTs
these functions make keep their text per connection and shape too (``_compiled_insert``).

The statements in one ``WITH`` see the same snapshot and not each other's changes: only for writes
that do not depend on each other (rows of different tables, or a row and the rows that reference
it, linked by ``insert_with_children``). Inserts are of new rows whose primary key the database
makes (as ``bulk_create`` with an auto key)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router, transaction
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery, UpdateQuery

from yiwang.core.precompiled import KINDS, _distinct


def compiled_update(queryset: models.QuerySet[Any], values: dict[str, Any]) -> tuple[str, list[Any]]:
    """``queryset.update(**values)`` as SQL and parameters, without running it."""
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(values)
    query.annotations = {}
    sql, params = query.get_compiler(_write_alias(queryset)).as_sql()
    return sql, list(params)


def _write_alias(queryset: models.QuerySet[Any]) -> str:
    """The database ``queryset.update()`` writes to: what ``.db`` says once the queryset is marked for
    writing (the routers' database for writes unless it names one itself), not the one for reads."""
    return queryset._db or router.db_for_write(queryset.model, **queryset._hints)  # type: ignore[attr-defined]  # private: the queryset's own alias and hints, as QuerySet.db reads them


class BoundUpdate(NamedTuple):
    """An UPDATE ready to run: its SQL, its parameters and its database (``PrecompiledUpdate.bind``)."""

    sql: str
    params: list[Any]
    alias: str


# An update as the functions below take it: ``(queryset, values)``, compiled by Django's compiler,
# or a ``BoundUpdate``, compiled once per connection and shape (``PrecompiledUpdate``).
Update = tuple[models.QuerySet[Any], dict[str, Any]] | BoundUpdate


def _alias(update: Update) -> str:
    return update.alias if isinstance(update, BoundUpdate) else _write_alias(update[0])


def _compiled(update: Update) -> tuple[str, list[Any]]:
    if isinstance(update, BoundUpdate):
        return update.sql, update.params
    queryset, values = update
    return compiled_update(queryset, values)


class _UpdateShape(NamedTuple):
    """One connection's compiled form of an update for one shape of its values: the SQL and the
    WHERE's parameters (after the values'): constants, with the argument slots (index into them,
    argument name) to fill on each call."""

    sql: str
    where_params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]


class PrecompiledUpdate:
    """``build(**arguments).update(**values)`` compiled to SQL once per connection and shape of the
    values (which fields, and which of them are ``None``: Django writes ``= NULL`` for those),
    instead of building and compiling the queryset and the update on every call.

    ``PrecompiledUpdate(lambda pk: Case.objects.filter(pk=pk), pk=int)``; ``.bind(values, pk=…)``
    returns a ``BoundUpdate`` for ``update_together``, ``insert_together``, ``insert_with_children``;
    ``.run(values, pk=…)`` runs it and returns the rows updated, as ``update()`` does.

    The WHERE's arguments are found as ``PrecompiledQuery`` finds a read's (two builds with
    different sentinels, kinds of ``precompiled.KINDS``). Each value is prepared on every call as
    ``SQLUpdateCompiler.as_sql`` prepares it (a model instance of a foreign key becomes its key,
    then ``field.get_db_prep_save``): nothing of one call's values is kept for another. Values that
    are expressions (``Now()``, ``F()``), fields with their own placeholder, fields of a parent
    model (multi-table inheritance) and a queryset that is not a plain filter are compiled by Django
    on every call, as ``compiled_update`` does: the same SQL either way."""

    def __init__(self, build: Callable[..., models.QuerySet[Any]], **kinds: type) -> None:
        unknown = [name for name, kind in kinds.items() if kind not in KINDS]
        if unknown:
            raise ImproperlyConfigured(f"PrecompiledUpdate: arguments of unsupported kinds: {unknown}")
        self._build, self._kinds = build, kinds
        self._lock = threading.Lock()
        self._probe: tuple[str, type[models.Model]] | None = None

    def _sentinels(self, which: int) -> dict[str, Any]:
        return {name: _distinct(KINDS[kind][0][which], index) for index, (name, kind) in enumerate(self._kinds.items())}

    def _routing(self) -> tuple[str, type[models.Model]]:
        """The database the update writes to (asked of the routers on every call, as ``update()``
        asks them) and the model; one build, kept, for what does not change."""
        if self._probe is None:
            with self._lock:
                if self._probe is None:
                    probe = self._build(**self._sentinels(0))
                    self._probe = (probe._db, probe.model)  # type: ignore[attr-defined]  # private: .using()
        using, model = self._probe
        return using or router.db_for_write(model), model

    @staticmethod
    def _fields(model: type[models.Model], values: dict[str, Any]) -> list[Any] | None:
        """The fields the values update, or None where Django must compile the update itself."""
        if not values:
            return None
        meta = model._meta
        fields = []
        for name, value in values.items():
            try:
                field = meta.get_field(name)
            except Exception:  # noqa: BLE001 - Django raises its own error on its own path
                return None
            if (not getattr(field, "concrete", False) or field.many_to_many or field.auto_created
                    or field.model._meta.concrete_model is not meta.concrete_model
                    or hasattr(field, "get_placeholder") or hasattr(value, "resolve_expression")
                    or (hasattr(value, "prepare_database_save") and not field.remote_field)):
                return None
            fields.append(field)
        return fields

    def _compile(self, alias: str, values: dict[str, Any], first: int) -> _UpdateShape:
        connection = connections[alias]
        compiled = []
        for which in (0, 1):
            sentinels = self._sentinels(which)
            queryset = self._build(**sentinels)
            if _write_alias(queryset) != alias:
                raise ImproperlyConfigured("PrecompiledUpdate: the queryset's database changed")
            sql, params = compiled_update(queryset, values)
            adapted = {name: KINDS[self._kinds[name]][1](connection, value) for name, value in sentinels.items()}
            compiled.append((sql, params, adapted))
        (sql, params, adapted_a), (sql_b, params_b, adapted_b) = compiled
        if sql != sql_b or len(params) != len(params_b):
            raise ImproperlyConfigured("PrecompiledUpdate: the SQL depends on the arguments' values")
        # SQLUpdateCompiler: the SET's parameters (one per value not prepared to None), then the WHERE's
        if sql.count(" = %s") < first:  # (an encrypted value differs between two compilations: not compared)
            raise ImproperlyConfigured("PrecompiledUpdate: the values' parameters are not where they should be")
        slots = []
        for index, (a, b) in enumerate(zip(params[first:], params_b[first:], strict=True)):
            if a == b:
                continue
            names = [name for name in self._kinds if adapted_a[name] == a and adapted_b[name] == b]
            if len(names) != 1:
                raise ImproperlyConfigured(f"PrecompiledUpdate: parameter {first + index} is not one argument ({names})")
            slots.append((index, names[0]))
        missing = set(self._kinds) - {name for _, name in slots}
        if missing:
            raise ImproperlyConfigured(f"PrecompiledUpdate: arguments not in the SQL: {sorted(missing)}")
        return _UpdateShape(sql, tuple(params[first:]), tuple(slots))

    def bind(self, values: dict[str, Any], **arguments: Any) -> BoundUpdate:
        if arguments.keys() != self._kinds.keys():
            raise TypeError(f"PrecompiledUpdate.bind takes {sorted(self._kinds)}, got {sorted(arguments)}")
        alias, model = self._routing()
        fields = self._fields(model, values)
        if fields is None or not all(kind is not int or _fits(alias, arguments[name])
                                     for name, kind in self._kinds.items()):
            queryset = self._build(**arguments)
            sql, params = compiled_update(queryset, values)  # Django's own path, every call
            return BoundUpdate(sql, params, _write_alias(queryset))
        connection = connections[alias]
        prepared = []  # each value as SQLUpdateCompiler.as_sql prepares it
        for field, value in zip(fields, values.values(), strict=True):
            if hasattr(value, "prepare_database_save"):  # a model instance for a foreign key
                value = value.prepare_database_save(field)
            value = field.get_db_prep_save(value, connection=connection)
            if hasattr(value, "as_sql"):  # prepared to an expression: Django compiles it
                queryset = self._build(**arguments)
                sql, params = compiled_update(queryset, values)
                return BoundUpdate(sql, params, _write_alias(queryset))
            prepared.append(value)
        # Django writes "= NULL" for a value prepared to None, "= %s" for any other: part of the shape
        key = (self, tuple((name, value is None) for name, value in zip(values, prepared, strict=True)))
        params = [value for value in prepared if value is not None]
        kept: dict[Any, _UpdateShape] = connection.__dict__.setdefault("_yiwang_precompiled_updates", {})
        shape = kept.get(key)
        if shape is None:
            shape = kept[key] = self._compile(alias, values, len(params))
        where = list(shape.where_params)
        for index, name in shape.slots:
            where[index] = KINDS[self._kinds[name]][1](connection, arguments[name])
        return BoundUpdate(shape.sql, params + where, alias)

    def run(self, values: dict[str, Any], **arguments: Any) -> int:
        """Run the update; the number of rows it updated, as ``update()`` returns it."""
        sql, params, alias = self.bind(values, **arguments)
        if not sql:
            return 0  # no values: update() writes nothing either
        db = connections[alias]
        with transaction.mark_for_rollback_on_error(alias), db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount


def _fits(alias: str, value: Any) -> bool:
    """An integer argument the database can compare (else Django's own path decides, as a queryset would)."""
    low, high = connections[alias].ops.integer_field_range("BigIntegerField")
    return isinstance(value, int) and low <= value <= high


def update_together(*updates: Update) -> None:
    """Run ``queryset.update(**values)`` for each pair (or each ``BoundUpdate``): one statement on
    PostgreSQL (a ``WITH`` of all but the last), one each elsewhere. All must use the same database."""
    if not updates:
        return
    aliases = {_alias(update) for update in updates}
    if len(aliases) != 1:
        raise ValueError("update_together takes querysets of one database")
    db = connections[aliases.pop()]
    compiled = [_compiled(update) for update in updates]
    with transaction.mark_for_rollback_on_error(db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql" and len(compiled) > 1:
            *first, (last_sql, last_params) = compiled
            heads = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(first))
            cursor.execute(f"WITH {heads} {last_sql}", [*(p for _, ps in first for p in ps), *last_params])
        else:
            for sql, params in compiled:
                cursor.execute(sql, params)


def _compiled_insert(model: type[models.Model], objs: Sequence[models.Model], using: str) -> tuple[str, list[Any]]:
    """``bulk_create(objs)`` as one ``INSERT … VALUES … RETURNING pk`` and its parameters.

    The values are prepared on every call as ``SQLInsertCompiler.as_sql`` prepares them (``pre_save``
    once per field, then ``prepare_value``; an expression compiled to its SQL); the statement's text,
    which depends only on the model, the number of rows and each value's placeholder, is compiled
    by Django once per connection and kept (issue #14: the same INSERTs on every action)."""
    meta = model._meta
    if any(obj.pk is not None for obj in objs):
        raise ValueError("core.statements inserts new rows whose primary key the database makes")
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, list(objs), raw=False)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    connection = compiler.connection
    if any(hasattr(f, "get_placeholder") for f in fields) or not connection.features.can_return_rows_from_bulk_insert:
        [(django_sql, django_params)] = compiler.as_sql()  # Django's own path, every call
        return django_sql, list(django_params)
    value_rows = [[compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in fields]
                  for obj in objs]
    # the placeholders and parameters as the backend lays them out (PostgreSQL: several plain rows
    # as one UNNEST of arrays, a column each)
    placeholder_rows, param_rows = compiler.assemble_as_sql(fields, value_rows)
    params = [p for row in param_rows for p in row]
    key = (model, len(objs), type(placeholder_rows).__name__, tuple(map(str, placeholder_rows)))
    kept: dict[Any, str] = connection.__dict__.setdefault("_yiwang_compiled_inserts", {})
    sql = kept.get(key)
    if sql is None:
        # the text only: with ``raw`` the compiler takes each value as ``pre_save`` above left it on
        # the object (``pre_save`` is not run twice); its parameters are not used
        query.raw = True
        [(sql, django_params)] = compiler.as_sql()
        query.raw = False
        if len(django_params) != len(params):
            raise ImproperlyConfigured(f"core.statements: an INSERT of {model.__name__} prepared differently")
        kept[key] = sql
    return sql, params


def insert_as_saved(obj: models.Model) -> None:
    """``obj.save()`` for a new object whose key the database makes: its ``pre_save`` and
    ``post_save`` sent, each value prepared as ``save()`` prepares it, the key set after the insert;
    the statement's text kept per connection (``_compiled_insert``) rather than compiled on every call."""
    model = type(obj)
    using = router.db_for_write(model, instance=obj)
    models.signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    sql, params = _compiled_insert(model, [obj], using)
    with transaction.mark_for_rollback_on_error(using), connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding, obj._state.db = False, using
    models.signals.post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False,
                                  using=using)


def insert_together(
    objs: Sequence[models.Model], *, updates: Sequence[Update] = (),
    using: str = "default",
) -> None:
    """``bulk_create(objs)`` (one model) and ``queryset.update(**values)`` for each of ``updates``,
    setting the objects' primary keys: on PostgreSQL one statement, elsewhere the insert and then
    the updates, one statement each."""
    if not objs:
        update_together(*updates)
        return
    db = connections[using]
    model = type(objs[0])
    if db.vendor != "postgresql" or not updates:
        model._default_manager.using(using).bulk_create(list(objs))
        if updates:
            update_together(*updates)
        return
    compiled = [_compiled(update) for update in updates]
    insert_sql, insert_params = _compiled_insert(model, objs, using)
    heads = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(compiled))
    with transaction.mark_for_rollback_on_error(db.alias), db.cursor() as cursor:
        cursor.execute(f"WITH {heads} {insert_sql}", [*(p for _, ps in compiled for p in ps), *insert_params])
        rows = cursor.fetchall()
    for obj, row in zip(objs, rows, strict=True):
        obj.pk = row[0]
        obj._state.adding, obj._state.db = False, using


def insert_with_children(
    parent: models.Model, children: Sequence[models.Model] = (), *, link: str = "",
    updates: Sequence[Update] = (), using: str = "default",
) -> None:
    """Insert ``parent`` and ``children`` (each with the foreign key ``link`` to the parent), after
    ``updates`` (``queryset.update(**values)`` pairs), and set the primary keys and the children's
    link, as ``update()``, ``parent.save()`` then ``bulk_create(children)`` do: on PostgreSQL one
    statement, the children's link being the parent's id returned inside the ``WITH`` (no signals
    sent); elsewhere those calls, in that order."""
    db = connections[using]
    child_model = type(children[0]) if children else None
    if db.vendor != "postgresql" or (child_model is None and not updates):
        if updates:
            update_together(*updates)
        parent.save(force_insert=True, using=using)
        for child in children:
            setattr(child, link, parent)
        if child_model is not None:
            child_model._default_manager.using(using).bulk_create(list(children))
        return
    compiled = [_compiled(update) for update in updates]
    heads = [f"w{i} AS ({sql})" for i, (sql, _) in enumerate(compiled)]
    params = [p for _, ps in compiled for p in ps]
    parent_sql, parent_params = _compiled_insert(type(parent), [parent], using)
    if child_model is None:
        sql = f"WITH {', '.join(heads)} {parent_sql}"
        params += parent_params
    else:
        parent_id = f"(SELECT {db.ops.quote_name(type(parent)._meta.pk.column)} FROM parent_row)"
        field = child_model._meta.get_field(link)
        if not isinstance(field, models.ForeignKey):
            raise ValueError(f"{link!r} is not a foreign key of {child_model.__name__}")
        attname = field.attname
        for child in children:
            setattr(child, attname, RawSQL(parent_id, []))
        child_sql, child_params = _compiled_insert(child_model, children, using)
        sql = f"WITH {', '.join([*heads, f'parent_row AS ({parent_sql})'])} {child_sql}, {parent_id}"
        params += [*parent_params, *child_params]
    with transaction.mark_for_rollback_on_error(db.alias), db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if child_model is None:
        parent.pk = rows[0][0]
    else:
        parent.pk = rows[0][1]
    parent._state.adding, parent._state.db = False, using
    for child, row in zip(children, rows if child_model is not None else [], strict=True):
        child.pk = row[0]
        setattr(child, link, parent)
        child._state.adding, child._state.db = False, using


def _insert_values(obj: models.Model, fields: list[Any], using: str) -> tuple[list[str], list[Any]]:
    """The placeholders and parameters of ``obj``'s ``fields`` in an INSERT, each value prepared as
    ``save()`` prepares it (``pre_save``, then the column's adaptation)."""
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj], raw=False)
    compiler = query.get_compiler(using=using)
    values = [[compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in fields]]
    [placeholders], [params] = compiler.assemble_as_sql(fields, values)
    return list(placeholders), list(params)


def insert_if(
    obj: models.Model, *, present: models.QuerySet[Any] | None = None, absent: models.QuerySet[Any] | None = None,
    using: str = "default",
) -> bool:
    """Insert ``obj`` (a new row whose primary key the database makes) only if ``present`` has a row,
    ``absent`` has none, and no unique constraint of the table already holds a row like it; set its
    primary key and return True, or return False and write nothing. One statement, on PostgreSQL and
    SQLite alike (``INSERT … SELECT … WHERE [NOT] EXISTS … ON CONFLICT DO NOTHING``): the conditions
    are read in the insert's own snapshot, so nothing can change between them and the write that
    another statement of this transaction would not also see. Values are prepared as ``save()``
    prepares them (``pre_save``: a file field's file must be saved first); no signals are sent."""
    if obj.pk is not None:
        raise ValueError("insert_if inserts a new row whose primary key the database makes")
    db = connections[using]
    model = type(obj)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    placeholders, params = _insert_values(obj, fields, using)
    quote = db.ops.quote_name
    conditions, condition_params = [], []
    for queryset, negate in ((present, False), (absent, True)):
        if queryset is None:
            continue
        if _write_alias(queryset) != using:  # read inside the insert, on the database it writes to
            raise ValueError("insert_if takes querysets of the insert's database")
        sql, sub_params = queryset.values("pk").query.get_compiler(using=using).as_sql()
        conditions.append(f"{'NOT ' if negate else ''}EXISTS ({sql})")
        condition_params += list(sub_params)
    where = " AND ".join(conditions) or "1 = 1"  # SQLite needs a WHERE before ON CONFLICT (its grammar)
    returning = db.features.can_return_columns_from_insert
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"SELECT {', '.join(placeholders)} WHERE {where} ON CONFLICT DO NOTHING"
           + (f" RETURNING {quote(meta.pk.column)}" if returning else ""))
    with transaction.mark_for_rollback_on_error(db.alias), db.cursor() as cursor:
        cursor.execute(sql, [*params, *condition_params])
        if returning:
            row = cursor.fetchone()
            pk = row[0] if row is not None else None
        else:  # SQLite before 3.35
            pk = cursor.lastrowid if cursor.rowcount == 1 else None
    if pk is None:
        return False
    obj.pk = pk
    obj._state.adding, obj._state.db = False, using
    return True


def numbered(prefix: str, pk: int, width: int) -> str:
    """A number made from a primary key: ``prefix`` and the key, zero-padded to ``width`` digits
    (longer keys keep all their digits), as ``insert_numbered`` makes it in SQL."""
    return f"{prefix}{pk:0{width}d}"


def insert_numbered(obj: models.Model, *, field: str, prefix: str, width: int, using: str = "default") -> None:
    """Insert ``obj`` (a new row whose primary key the database makes) with ``field`` set to
    ``numbered(prefix, pk, width)``, and set both on ``obj``. On PostgreSQL one statement: the key is
    drawn from the table's sequence in a ``WITH`` and the number made from it in the ``INSERT``;
    elsewhere ``save()`` and then an update of the number. Values are prepared as ``save()`` prepares
    them; no signals are sent on PostgreSQL (use it only for a model no receiver follows)."""
    if obj.pk is not None:
        raise ValueError("insert_numbered inserts a new row whose primary key the database makes")
    db = connections[using]
    model = type(obj)
    meta = model._meta
    if db.vendor != "postgresql":
        obj.save(force_insert=True, using=using)
        setattr(obj, field, numbered(prefix, cast(int, obj.pk), width))
        model._default_manager.using(using).filter(pk=obj.pk).update(**{field: getattr(obj, field)})
        return
    target = meta.get_field(field)
    if not isinstance(target, models.Field):
        raise ValueError(f"{field!r} is not a column of {model.__name__}")
    fields = [f for f in meta.concrete_fields if not f.primary_key and f is not target]
    placeholders, params = _insert_values(obj, fields, using)
    quote = db.ops.quote_name
    table, pk_column = quote(meta.db_table), quote(meta.pk.column)
    digits = "new_key.id::text"
    sql = (f"WITH new_key AS (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id) "
           f"INSERT INTO {table} ({pk_column}, {quote(target.column)}, {', '.join(quote(f.column) for f in fields)}) "
           f"SELECT new_key.id, %s || lpad({digits}, greatest(%s, length({digits})), '0'), {', '.join(placeholders)} "
           f"FROM new_key RETURNING {pk_column}, {quote(target.column)}")
    with transaction.mark_for_rollback_on_error(db.alias), db.cursor() as cursor:
        cursor.execute(sql, [meta.db_table, meta.pk.column, prefix, width, *params])
        obj.pk, number = cursor.fetchone()
    setattr(obj, field, number)
    obj._state.adding, obj._state.db = False, using
