"""The gateway's database work, in as few round trips as the database allows.

A lookup needs, before any decision, the resource's catalogue (fields, negative-list flags), the
consumer's subscriptions to it and the row asked for; after the decision, one durable write: the
subscription's counters, the access log and its audit event. On PostgreSQL that is two round
trips: the three reads go in one pipeline, and the write is one statement (data-modifying CTEs,
atomic on its own, conditional on the quota and rate). Statements are bound on the server, so
PostgreSQL prepares them after a few uses. Elsewhere (SQLite, in the same process, where a round
trip costs nothing) the same reads run one after another and the write is one transaction.

What a process read of the policy (catalogue, subscriptions, key holders) is remembered
(``remembered``), but only ever used under a version token that the lookup reads from the database
in the same statement as its row: any change gives a new token and a fresh read, so a negative-list
entry, a revocation or a spent quota takes effect on the next lookup in every process. Audit rows
are written by ``core``'s audit SQL (``audit_insert_sql``), in the statement that logs the access.
Decisions are not made here; ``policy`` makes them.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from yiwang.core.models import Department
from yiwang.core.services import audit_insert_sql, audit_sql_params, audit_values
from yiwang.exchange.models import (
    AccessLog,
    ApiCredential,
    Channel,
    DataResource,
    DataRow,
    KeyKind,
    ResourceField,
    Subscription,
    SubscriptionStatus,
)

_LOG = AccessLog._meta.db_table
_SUB = Subscription._meta.db_table
_ROW = DataRow._meta.db_table
_RES = DataResource._meta.db_table

_TOKEN = "(SELECT token FROM exchange_policystate WHERE id = 1)"

CATALOGUE_SQL = f"""
SELECT f.id, f.name, f.label, f.field_type, f.sharing_class, f.sensitivity, f.mask_rule,
       r.id, r.code, r.name, r.key_kind, r.key_field, r.current_version, r.row_count,
       d.id, d.code, d.name,
       EXISTS (SELECT 1 FROM exchange_negativelistentry n WHERE n.field_id = f.id AND n.lifted_at IS NULL),
       EXISTS (SELECT 1 FROM exchange_negativelistentry n
               WHERE n.resource_id = r.id AND n.field_id IS NULL AND n.lifted_at IS NULL),
       {_TOKEN}
  FROM exchange_resourcefield f
  JOIN {_RES} r ON r.id = f.resource_id
  JOIN core_department d ON d.id = r.provider_id
 WHERE r.code = %s AND r.is_active
 ORDER BY f.sort_order, f.id
"""

_SUBSCRIPTION_COLUMNS = ("id", "resource_id", "consumer_id", "fields", "clear_fields", "purpose", "status", "expires_at",
                         "daily_quota", "rate_per_minute")
_SUBSCRIPTIONS_SQL = (
    f"SELECT {', '.join('s.' + c for c in _SUBSCRIPTION_COLUMNS)}, {_TOKEN} FROM {_SUB} s "
    f"JOIN {_RES} r ON r.id = s.resource_id {{scope}} WHERE r.code = %s AND s.consumer_id = %s ORDER BY s.id DESC"
)
_SCOPE = "JOIN exchange_apicredential_subscriptions cs ON cs.subscription_id = s.id AND cs.apicredential_id = %s"

# The policy token and the row of the current version under the key's blind index for the
# resource's key kind: the kind is only known from the resource, so the caller passes the index
# for every kind the key is valid as ('' where it is not) and the database picks. One row comes
# back even when there is no such resource or row; its token is NULL (nothing is then remembered)
# if the policy-state row is missing.
_ROW_SQL = (
    f'SELECT {_TOKEN}, w."values", w.sealed FROM (SELECT 1 AS one) AS one '
    f"LEFT JOIN {_RES} r ON r.code = %s AND r.is_active "
    f"LEFT JOIN {_ROW} w ON w.resource_id = r.id AND w.version = r.current_version AND w.key_index = CASE r.key_kind "
    f"WHEN '{KeyKind.CITIZEN_ID}' THEN %s WHEN '{KeyKind.USCC}' THEN %s ELSE %s END"
)

_CREDENTIAL_SQL = (
    f"SELECT c.id, c.name, d.id, d.code, d.name, c.expires_at, {_TOKEN} FROM exchange_apicredential c "
    "JOIN core_department d ON d.id = c.department_id WHERE c.digest = %s AND c.revoked_at IS NULL"
)

# The counter's condition: approved, not expired, quota and rate not spent. Checked again here,
# at the moment of the write, so a revocation or expiry between the read and the write is honoured.
_COUNT_SET = (
    "day_count = CASE WHEN day = %(day)s THEN day_count + 1 ELSE 1 END, day = %(day)s, "
    "minute_count = CASE WHEN minute = %(minute)s THEN minute_count + 1 ELSE 1 END, minute = %(minute)s, "
    "total_count = total_count + 1"
)
_COUNT_WHERE = (
    f"id = %(sub)s AND status = '{SubscriptionStatus.APPROVED}' AND (expires_at IS NULL OR expires_at > %(now)s) "
    "AND (day IS NULL OR day <> %(day)s OR day_count < daily_quota) "
    "AND (minute <> %(minute)s OR minute_count < rate_per_minute)"
)
# 免提交 for an applicant's own case (channel ``case``) draws from its own daily allowance and is not
# held to the per-minute rate, so staff lookups spending the subscription's quota or rate can never
# make citizens' applications fail. Still counted (``total_count``) and still bounded per day.
_CASE_COUNT_SET = (
    "case_day_count = CASE WHEN case_day = %(day)s THEN case_day_count + 1 ELSE 1 END, case_day = %(day)s, "
    "total_count = total_count + 1"
)
_CASE_COUNT_WHERE = (
    f"id = %(sub)s AND status = '{SubscriptionStatus.APPROVED}' AND (expires_at IS NULL OR expires_at > %(now)s) "
    "AND (case_day IS NULL OR case_day <> %(day)s OR case_day_count < case_daily_quota)"
)
_LOG_COLUMNS = ("created_at", "consumer_id", "provider_id", "resource_id", "resource_code", "subscription_id",
                "credential_id", "actor_id", "channel", "subject_index", "subject_masked", "fields_requested",
                "fields_returned", "purpose", "case_reference", "outcome", "refusal_code", "response_sm3")

# PostgreSQL: one statement. Every parameter is cast: in INSERT … SELECT an untyped parameter
# would be taken as text.
_PG_TYPES = {"created_at": "timestamptz", "consumer_id": "bigint", "provider_id": "bigint", "resource_id": "bigint",
             "subscription_id": "bigint", "credential_id": "bigint", "actor_id": "bigint", "fields_requested": "jsonb",
             "fields_returned": "jsonb"}


def _pg_select(columns: tuple[str, ...], prefix: str) -> str:
    return ", ".join(f"%({prefix}{c})s::{_PG_TYPES.get(c, 'text')}" for c in columns if c != "subject_id")


def _pg_served_sql(count_set: str, count_where: str) -> str:
    return (
        f"WITH used AS (UPDATE {_SUB} SET {count_set} WHERE {count_where} RETURNING id), "
        f"logged AS (INSERT INTO {_LOG} ({', '.join(_LOG_COLUMNS)}) SELECT {_pg_select(_LOG_COLUMNS, 'log_')} FROM used "
        "RETURNING id) "
        + audit_insert_sql(prefix="audit_", select_from="logged", subject_id_sql="CAST(logged.id AS varchar)")
    )


_PG_SERVED_SQL = _pg_served_sql(_COUNT_SET, _COUNT_WHERE)
_PG_SERVED_CASE_SQL = _pg_served_sql(_CASE_COUNT_SET, _CASE_COUNT_WHERE)
# An owner read (``policy.owner_read``): no subscription to count, the log and its audit event only.
_PG_SERVED_OWNER_SQL = (
    f"WITH logged AS (INSERT INTO {_LOG} ({', '.join(_LOG_COLUMNS)}) SELECT {_pg_select(_LOG_COLUMNS, 'log_')} "
    "RETURNING id) "
    + audit_insert_sql(prefix="audit_", select_from="logged", subject_id_sql="CAST(logged.id AS varchar)")
)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _raw_connection() -> Any:
    connection.ensure_connection()
    return connection.connection


def _logged(sql: str, started: float) -> None:
    """Statements sent past Django's cursor still show in ``connection.queries`` when it logs."""
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _fetch(statements: Sequence[tuple[str, list[Any] | dict[str, Any]]]) -> list[list[tuple[Any, ...]]]:
    """Run read statements and return each one's rows: one pipeline (one round trip) on PostgreSQL."""
    started = time.monotonic()
    if _postgres() and len(statements) == 1:
        import psycopg

        sql, params = statements[0]
        with connection.wrap_database_errors, psycopg.Cursor(_raw_connection()) as cursor:
            cursor.execute(sql, params, prepare=True)
            rows = cursor.fetchall()
        _logged(sql, started)
        return [rows]
    if _postgres():
        import psycopg

        raw = _raw_connection()
        cursors = []
        with connection.wrap_database_errors, raw.pipeline():
            for sql, params in statements:
                pg_cursor = psycopg.Cursor(raw)
                pg_cursor.execute(sql, params, prepare=True)
                cursors.append(pg_cursor)
        results = [pg_cursor.fetchall() for pg_cursor in cursors]
        for pg_cursor in cursors:
            pg_cursor.close()
        for sql, _params in statements:
            _logged(sql, started)
        return results
    results = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
    return results


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _aware(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    parsed = parse_datetime(str(value))
    return parsed if parsed is None or timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


@dataclass
class Catalogue:
    """A resource with its fields, each annotated with whether the negative list names it."""

    resource: DataResource
    fields: dict[str, ResourceField]
    resource_listed: bool


@dataclass(frozen=True)
class KeyHolder:
    """The live API credential behind a key digest: its department and expiry."""

    credential: ApiCredential
    department: Department
    expires_at: dt.datetime | None

    def live(self, now: dt.datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


@dataclass
class Snapshot:
    """What one lookup reads before deciding: the policy token it was read under, the catalogue
    (None: no such active resource), the consumer's subscriptions to the resource (newest first;
    only those in the credential's scope when a credential asks) and the row (``(values, sealed)``,
    or None when there is none)."""

    token: str | None
    catalogue: Catalogue | None
    subscriptions: list[Subscription]
    row: tuple[dict[str, Any], str] | None


class _Remembered:
    """What this process read of the policy, each entry under the token it was read with. An
    entry serves only a lookup that reads the same token from the database, in the same statement
    as its row; any change in between gives a new token (``PolicyState``) and a fresh read."""

    MISS = object()

    def __init__(self, limit: int = 4096):
        self.limit = limit
        self.entries: dict[Any, tuple[str, Any]] = {}

    def get(self, key: Any, token: str | None) -> Any:
        hit = self.entries.get(key)
        return hit[1] if hit is not None and token is not None and hit[0] == token else self.MISS

    def last(self, key: Any) -> tuple[str | None, Any]:
        """The entry under whatever token it was read with (to be checked later against the current one)."""
        return self.entries.get(key, (None, self.MISS))

    def put(self, key: Any, token: str | None, value: Any) -> None:
        if token is None:
            return
        if len(self.entries) >= self.limit:
            self.entries.clear()
        self.entries[key] = (token, value)

    def clear(self) -> None:
        self.entries.clear()


remembered = _Remembered()


def _catalogue(rows: list[tuple[Any, ...]]) -> Catalogue | None:
    if not rows:
        return None
    first = rows[0]
    provider = Department(id=first[14], code=first[15], name=first[16])
    resource = DataResource(id=first[7], code=first[8], name=first[9], key_kind=first[10], key_field=first[11],
                            current_version=first[12], row_count=first[13], provider=provider, is_active=True)
    fields: dict[str, ResourceField] = {}
    for r in rows:
        f = ResourceField(id=r[0], name=r[1], label=r[2], field_type=r[3], sharing_class=r[4], sensitivity=r[5],
                          mask_rule=r[6], resource=resource)
        f.listed = bool(r[17])  # type: ignore[attr-defined]  # an attribute added to the row here for the page or the policy check
        fields[f.name] = f
    return Catalogue(resource=resource, fields=fields, resource_listed=bool(first[18]))


def _subscription(row: tuple[Any, ...], resource: DataResource | None) -> Subscription:
    values = dict(zip(_SUBSCRIPTION_COLUMNS, row[: len(_SUBSCRIPTION_COLUMNS)], strict=True))
    values["fields"] = _json(values["fields"]) or []
    values["clear_fields"] = _json(values["clear_fields"]) or []
    values["expires_at"] = _aware(values["expires_at"])
    sub = Subscription(**values)
    if resource is not None and resource.pk == sub.resource_id:
        sub.resource = resource
    return sub


def _holder(row: tuple[Any, ...]) -> KeyHolder:
    department = Department(id=row[2], code=row[3], name=row[4])
    return KeyHolder(credential=ApiCredential(id=row[0], name=row[1], department=department), department=department,
                     expires_at=_aware(row[5]))


def subscriptions_sql(credential_id: int | None) -> tuple[str, list[Any]]:
    if credential_id is not None:
        return _SUBSCRIPTIONS_SQL.format(scope=_SCOPE), [credential_id]
    return _SUBSCRIPTIONS_SQL.format(scope=""), []


def load_catalogue(code: str) -> Catalogue | None:
    return _catalogue(_fetch([(CATALOGUE_SQL, [code])])[0])


def key_holder(digest: str) -> tuple[KeyHolder | None, str | None]:
    """``(holder, token)`` of a key digest, read now (None: unknown or revoked)."""
    rows = _fetch([(_CREDENTIAL_SQL, [digest])])[0]
    if not rows:
        return None, None
    holder = _holder(rows[0])
    remembered.put(("key", digest), rows[0][-1], holder)
    return holder, rows[0][-1]


def remembered_key_holder(digest: str) -> tuple[KeyHolder | None, str | None]:
    """``(holder, token)`` as this process last read it, or read now when it never did. Unchecked:
    the lookup checks the token against the database's (``holder_now``) before it decides."""
    token, holder = remembered.last(("key", digest))
    if holder is remembered.MISS:
        return key_holder(digest)
    return holder, token


def holder_now(digest: str, read_under: str | None, token: str | None) -> KeyHolder | None:
    """The key's holder under the policy token a lookup just read: the remembered one when it was
    read under that token, else read again (None: revoked or unknown since)."""
    if read_under is not None and read_under == token:
        holder = remembered.get(("key", digest), token)
        if holder is not remembered.MISS:
            return holder
    return key_holder(digest)[0]


def read_for_lookup(
    *, resource_code: str, consumer_department_id: int, credential_id: int | None, key_indexes: dict[str, str],
) -> Snapshot:
    """The reads of one lookup. One statement reads the row and the policy token; the catalogue
    and the subscriptions come from what this process read under that same token, or else are
    read again, together (one more round trip on PostgreSQL). What is read again is remembered
    under the token read in the same statement, or, when it found nothing, under the earlier token
    of the row's statement: never under a token read after the data, which could name a newer state."""
    ((token, values, sealed),) = _fetch([(_ROW_SQL, [
        resource_code, key_indexes.get(KeyKind.CITIZEN_ID, ""), key_indexes.get(KeyKind.USCC, ""),
        key_indexes.get(KeyKind.OTHER, "")])])[0]
    row = (_json(values) or {}, sealed or "") if values is not None else None
    catalogue = remembered.get(("catalogue", resource_code), token)
    subs_key = ("subscriptions", resource_code, consumer_department_id, credential_id)
    subscriptions = remembered.get(subs_key, token)
    wanted: list[tuple[str, list[Any]]] = []
    if catalogue is remembered.MISS:
        wanted.append((CATALOGUE_SQL, [resource_code]))
    if subscriptions is remembered.MISS:
        sql, params = subscriptions_sql(credential_id)
        wanted.append((sql, [*params, resource_code, consumer_department_id]))
    if wanted:
        results = iter(_fetch(wanted))
        if catalogue is remembered.MISS:
            rows = next(results)
            catalogue = _catalogue(rows)
            remembered.put(("catalogue", resource_code), rows[0][-1] if rows else token, catalogue)
        if subscriptions is remembered.MISS:
            rows = next(results)
            resource = catalogue.resource if catalogue is not None else None
            subscriptions = [_subscription(r, resource) for r in rows]
            if rows or catalogue is not None:
                remembered.put(subs_key, rows[0][-1] if rows else token, subscriptions)
    return Snapshot(token=token, catalogue=catalogue, subscriptions=subscriptions, row=row)


@dataclass
class ServedAccess:
    """One served (or not-found) lookup, as the access log and the audit trail record it."""

    now: dt.datetime
    subscription_id: int | None  # None: an owner read, counted against no subscription
    consumer: Department
    provider: Department
    resource: DataResource
    credential: ApiCredential | None
    actor_id: int | None
    channel: str
    subject_index: str
    subject_masked: str
    fields_requested: list[str]
    fields_returned: list[str]
    purpose: str
    case_reference: str
    outcome: str
    response_sm3: str
    audit_event: str
    audit_details: dict[str, Any]


def record_served(access: ServedAccess) -> int | None:
    """Count one use of the subscription and write the access log and its audit event, all or
    nothing; return the access log's id, or None when the subscription may not be used now
    (quota or rate spent, revoked or expired since it was read): then nothing is written.
    An owner read (no subscription) writes the log and its audit event only."""
    day = timezone.localdate(access.now)
    minute = int(access.now.timestamp() // 60)
    ops = connection.ops
    log = {
        "created_at": ops.adapt_datetimefield_value(access.now), "consumer_id": access.consumer.pk,
        "provider_id": access.provider.pk, "resource_id": access.resource.pk, "resource_code": access.resource.code[:40],
        "subscription_id": access.subscription_id, "credential_id": access.credential.pk if access.credential else None,
        "actor_id": access.actor_id, "channel": access.channel, "subject_index": access.subject_index,
        "subject_masked": access.subject_masked,
        "fields_requested": json.dumps(access.fields_requested, ensure_ascii=False),
        "fields_returned": json.dumps(access.fields_returned, ensure_ascii=False),
        "purpose": access.purpose[:300], "case_reference": access.case_reference[:64], "outcome": access.outcome,
        "refusal_code": "", "response_sm3": access.response_sm3,
    }
    audit = audit_values(actor_id=access.actor_id, actor_department_id=access.consumer.pk,
                         event_type=access.audit_event, subject_type="exchange_access", subject_id="",
                         details=access.audit_details, at=access.now)
    counter = {"day": ops.adapt_datefield_value(day), "minute": minute, "sub": access.subscription_id,
               "now": log["created_at"]}
    started = time.monotonic()
    own_case = access.channel == Channel.CASE
    if _postgres():
        params = {**counter, **{f"log_{k}": v for k, v in log.items()}, **audit_sql_params(audit, prefix="audit_")}
        import psycopg

        sql = _PG_SERVED_OWNER_SQL if access.subscription_id is None else _PG_SERVED_CASE_SQL if own_case else _PG_SERVED_SQL
        with connection.wrap_database_errors, psycopg.Cursor(_raw_connection()) as cursor:
            cursor.execute(sql, params, prepare=True)
            row = cursor.fetchone()
        _logged(sql, started)
        return int(row[0]) if row else None
    count_set, count_where = (_CASE_COUNT_SET, _CASE_COUNT_WHERE) if own_case else (_COUNT_SET, _COUNT_WHERE)
    with transaction.atomic(), connection.cursor() as cursor:
        if access.subscription_id is not None:
            cursor.execute(f"UPDATE {_SUB} SET {count_set} WHERE {count_where}", counter)
            if cursor.rowcount != 1:
                return None
        cursor.execute(f"INSERT INTO {_LOG} ({', '.join(_LOG_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_LOG_COLUMNS))})",
                       [log[c] for c in _LOG_COLUMNS])
        access_id = cursor.lastrowid
        cursor.execute(audit_insert_sql(prefix="audit_"),
                       audit_sql_params({**audit, "subject_id": str(access_id)}, prefix="audit_"))
        return int(access_id)


def usage_state(subscription_id: int) -> Mapping[str, Any] | None:
    """Why the counter refused: the subscription's status, expiry, day count and quota now."""
    return (Subscription.objects.filter(pk=subscription_id)
            .values("status", "expires_at", "day", "day_count", "daily_quota", "rate_per_minute", "case_day",
                    "case_day_count", "case_daily_quota").first())
