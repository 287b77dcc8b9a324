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
row and its number made from its primary key (one statement on PostgreSQL).

The statements in one ``WITH`` see the same snapshot and not each other's changes: only for writes
that do not depend on each other (rows of different tables, or a row and the rows that reference
it, linked by ``insert_with_children``). Inserts are of new rows whose primary key the database
makes (as ``bulk_create`` with an auto key)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connections, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery, UpdateQuery


def compiled_update(queryset: models.QuerySet[Any], values: dict[str, Any]) -> tuple[str, list[Any]]:
    """``queryset.update(**values)`` as SQL and parameters, without running it."""
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(values)
    query.annotations = {}
    sql, params = query.get_compiler(queryset.db).as_sql()
    return sql, list(params)


def update_together(*updates: tuple[models.QuerySet[Any], dict[str, Any]]) -> None:
    """Run ``queryset.update(**values)`` for each pair: one statement on PostgreSQL (a ``WITH`` of
    all but the last), one each elsewhere. All querysets must use the same database."""
    if not updates:
        return
    aliases = {queryset.db for queryset, _ in updates}
    if len(aliases) != 1:
        raise ValueError("update_together takes querysets of one database")
    db = connections[aliases.pop()]
    compiled = [compiled_update(queryset, values) for queryset, values in updates]
    with transaction.mark_for_rollback_on_error(db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql" and len(compiled) > 1:
            *first, (last_sql, last_params) = compiled
            heads = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(first))
            cursor.execute(f"WITH {heads} {last_sql}", [*(p for _, ps in first for p in ps), *last_params])
        else:
            for sql, params in compiled:
                cursor.execute(sql, params)


def _compiled_insert(model: type[models.Model], objs: Sequence[models.Model], using: str) -> tuple[str, list[Any]]:
    """``bulk_create(objs)`` as one ``INSERT … VALUES … RETURNING pk`` and its parameters."""
    meta = model._meta
    if any(obj.pk is not None for obj in objs):
        raise ValueError("core.statements inserts new rows whose primary key the database makes")
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, list(objs), raw=False)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def insert_together(
    objs: Sequence[models.Model], *, updates: Sequence[tuple[models.QuerySet[Any], dict[str, Any]]] = (),
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
    compiled = [compiled_update(queryset, values) for queryset, values in updates]
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
    updates: Sequence[tuple[models.QuerySet[Any], dict[str, Any]]] = (), using: str = "default",
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
    compiled = [compiled_update(queryset, values) for queryset, values in updates]
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
        if queryset.db != using:
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
