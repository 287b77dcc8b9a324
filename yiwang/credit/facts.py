"""A subject's credit facts, and its credit level by the documented, versioned rule set.

One home for what the register knows about a subject: joint rules read these facts, 秒批 reads the
status derived from them, the report shows them. ``docs/credit.md`` documents the level rules;
change them only together with ``LEVEL_RULES_VERSION``."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from yiwang.credit.models import CreditSubject

LEVEL_RULES_VERSION = "CL-2026.1"

# What a joint rule may read under ``credit`` (the subject) and ``item`` (the item applied for).
CREDIT_FACTS: dict[str, str] = {
    "recorded": "信用档案中是否有该主体（false 时其余事实均为“无记录”，不是“守信”）",
    "level": "信用等级 A/B/C/D（未建档为 null）",
    "black_listed": "是否在失信惩戒名单（黑名单）期内",
    "red_listed": "是否在守信激励名单（红名单）期内",
    "penalties_12m": "近 12 个月内、公示中的行政处罚次数",
    "serious_penalties": "公示中的严重失信行政处罚次数",
    "enforcement": "是否为被执行人（公示中）",
    "broken_commitments": "近 24 个月未履行的信用承诺次数",
    "pending_commitments": "待核查的信用承诺数",
    "honours_36m": "近 36 个月的表彰奖励次数",
    "licences": "公示中的行政许可数",
}
ITEM_FACTS: dict[str, str] = {
    "code": "事项编码",
    "type": "事项类型",
    "department": "实施部门代码",
    "restricted": "是否限制类事项（失信主体须人工审查）",
    "category": "事项领域",
    "commitment_system": "是否实行告知承诺制",
    "tolerance_allowed": "是否配置了可容缺的材料",
}


@dataclass
class Level:
    level: str | None
    version: str
    reasons: list[str] = field(default_factory=list)


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, 28))


_NO_FILE = {"recorded": False, "level": None, "black_listed": False, "red_listed": False, "penalties_12m": 0,
            "serious_penalties": 0, "enforcement": False, "broken_commitments": 0, "pending_commitments": 0,
            "honours_36m": 0, "licences": 0}

# One statement for every fact of a subject, whatever the number of its records: it runs on each
# application while joint rules are active (bench/credit.py measures it), so it is written once in
# SQL rather than composed by the ORM per call (composing seven filtered counts cost more than
# running them). Portable: dates are compared as ISO dates on SQLite and as DATE on PostgreSQL.
# The columns after the subject's id, in this order, are what a facts summary keeps (``SUMMARY_FACTS``).
_FACT_COLUMNS_SQL = """
  (SELECT COUNT(*) FROM credit_listentry e WHERE e.subject_id = s.id AND e.kind = 'black' AND e.starts_on <= %(d)s
     AND (e.ends_on IS NULL OR e.ends_on >= %(d)s) AND (e.ended_on IS NULL OR e.ended_on > %(d)s)),
  (SELECT COUNT(*) FROM credit_listentry e WHERE e.subject_id = s.id AND e.kind = 'red' AND e.starts_on <= %(d)s
     AND (e.ends_on IS NULL OR e.ends_on >= %(d)s) AND (e.ended_on IS NULL OR e.ended_on > %(d)s)),
  COALESCE(SUM(CASE WHEN r.kind = 'penalty' AND r.status = 'in_force' AND r.publicity_end >= %(d)s
                     AND r.decided_on >= %(y1)s THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN r.kind = 'penalty' AND r.status = 'in_force' AND r.publicity_end >= %(d)s
                     AND r.severity = 'serious' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN r.kind = 'enforcement' AND r.status = 'in_force' AND r.publicity_end >= %(d)s
                     THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN r.kind = 'commitment' AND r.commitment_status = 'broken' AND r.decided_on >= %(y2)s
                     THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN r.kind = 'commitment' AND r.commitment_status = 'pending' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN r.kind = 'honour' AND r.decided_on >= %(y3)s THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN r.kind = 'licence' AND r.status = 'in_force' AND r.publicity_end >= %(d)s
                     THEN 1 ELSE 0 END), 0)"""
_SUBJECT_SQL = "s.kind = %(kind)s AND s.id_index = %(index)s"
_FACTS_SQL = f"""
SELECT s.id, {_FACT_COLUMNS_SQL}
FROM credit_creditsubject s LEFT JOIN credit_creditrecord r ON r.subject_id = s.id
WHERE {_SUBJECT_SQL}
GROUP BY s.id
"""
SUMMARY_FACTS = ("black_listed", "red_listed", "penalties_12m", "serious_penalties", "enforcement",
                 "broken_commitments", "pending_commitments", "honours_36m", "licences")

# The days on which the facts computed for ``d`` may next change by the calendar alone, computed with
# them (only when no current summary exists): ``valid_until`` of the summary (``valid_until``). Each is
# the earliest of its kind among the records and entries the facts above count, so that each fact is
# covered: (1) the last day of publicity of a counted penalty, enforcement or licence record; (2)-(4)
# the oldest decision date counted in the 12-month penalty, 24-month broken-commitment and 36-month
# honour windows (it leaves its window first: ``window_leaves``); (5) a list entry's start after
# ``d``; (6) a list entry's last day (``ends_on``) from ``d`` on; (7) a list entry's early end after ``d``.
_BOUND_COLUMNS_SQL = """
  MIN(CASE WHEN r.kind IN ('penalty', 'enforcement', 'licence') AND r.status = 'in_force'
                AND r.publicity_end >= %(d)s THEN r.publicity_end END),
  MIN(CASE WHEN r.kind = 'penalty' AND r.status = 'in_force' AND r.publicity_end >= %(d)s
                AND r.decided_on >= %(y1)s THEN r.decided_on END),
  MIN(CASE WHEN r.kind = 'commitment' AND r.commitment_status = 'broken' AND r.decided_on >= %(y2)s
                THEN r.decided_on END),
  MIN(CASE WHEN r.kind = 'honour' AND r.decided_on >= %(y3)s THEN r.decided_on END),
  (SELECT MIN(e.starts_on) FROM credit_listentry e WHERE e.subject_id = s.id AND e.starts_on > %(d)s),
  (SELECT MIN(e.ends_on) FROM credit_listentry e WHERE e.subject_id = s.id AND e.ends_on >= %(d)s),
  (SELECT MIN(e.ended_on) FROM credit_listentry e WHERE e.subject_id = s.id AND e.ended_on > %(d)s)"""
_BOUNDS = 7
# Part of the facts' definition (``FACTS_DEFINITION``, below): 2 since ``valid_until`` is computed in SQL.
FACTS_SUMMARY_REVISION = 2

# The one definition of a current summary ``m`` of subject ``s`` on day ``d``: read here, and refreshed
# by ``refresh_summaries`` (the nightly command) where it does not hold.
_CURRENT_SUMMARY_SQL = """m.subject_id = s.id
  AND m.facts_version = s.facts_version AND m.definition = %(definition)s
  AND m.computed_for <= %(d)s AND m.valid_until > %(d)s"""
# The subject's facts at an application, first read: its current summary (one row by the subject's
# key) when there is one — a summary is current for day ``d`` when it was computed from the subject's
# present facts version, by the present definition, for a day in ``[computed_for, valid_until)`` —;
# when there is none, the subject's id and ``facts_version`` with NULL counts
# (then ``COMPUTE_FACTS_SQL`` runs). The computing is a statement of its own, not a gated branch of
# this one: PostgreSQL plans every branch of a statement on every execution (Django's psycopg cursor
# binds on the client, so nothing is prepared): with the computing as a gated branch, the evaluation
# statement took 0.97 ms to plan on every application, summary or not, against 0.08 ms for the rule
# versions alone and 0.06 ms for this read (EXPLAIN (ANALYZE, SUMMARY), p50 of 25, the database of
# bench/credit.py, 1,000 records; docs/benchmarks.md, credit section). Columns: id, facts_version, the 9 counts
# (``SUMMARY_FACTS``), 1 when from a current summary, the 7 bounds (NULL here).
_SUBJECT_FACTS_SQL = f"""
SELECT s.id, s.facts_version, {", ".join("m." + name for name in SUMMARY_FACTS)},
  CASE WHEN m.subject_id IS NULL THEN 0 ELSE 1 END{", NULL" * _BOUNDS}
FROM credit_creditsubject s LEFT JOIN credit_creditfactssummary m ON {_CURRENT_SUMMARY_SQL}
WHERE {_SUBJECT_SQL}"""
# The subject's facts computed from its records and list entries, with the bounds of their validity
# and the subject's ``facts_version`` read in the same statement, so the facts and the version they
# are kept under (``KEEP_FACTS_SQL``, which runs this statement as its source) come from one snapshot.
# ``where`` selects the subjects: one by its key (``_SUBJECT_SQL``), or many (``keep_facts_of``).
def _compute_facts_sql(where: str) -> str:
    return f"""
SELECT s.id, s.facts_version, {_FACT_COLUMNS_SQL}, 0, {_BOUND_COLUMNS_SQL}
FROM credit_creditsubject s LEFT JOIN credit_creditrecord r ON r.subject_id = s.id
WHERE {where}
GROUP BY s.id, s.facts_version
"""


COMPUTE_FACTS_SQL = _compute_facts_sql(_SUBJECT_SQL)
SUBJECT_FACTS_COLUMNS = 2 + len(SUMMARY_FACTS) + 1 + _BOUNDS

# ``valid_until`` in SQL, per database, over the bounds of ``COMPUTE_FACTS_SQL`` named ``b1``…``b7``:
# the same rule as the Python ``valid_until`` and ``window_leaves``, which stay its specification
# (``tests/test_facts_summary.py`` compares the two day by day on both databases). ``date.max`` when
# nothing ends or starts; a day after ``date.max`` is ``date.max`` (as ``_day_after``).
_DATE_MAX = dt.date.max.isoformat()


def _valid_until_sql(vendor: str) -> str:
    if vendor == "postgresql":
        def day_after(b: str) -> str:
            return f"c.{b} + 1"  # date + integer; past date.max it is clamped by the LEAST below

        def leaves(b: str, months: int) -> str:
            # before the 28th: the day after the same day ``months`` later (no month is that short);
            # else the first of the month after that (``window_leaves``)
            return (f"CASE WHEN EXTRACT(DAY FROM c.{b}) < 28 THEN CAST(c.{b} + 1 + INTERVAL '{months} months' AS date) "
                    f"ELSE CAST(c.{b} - CAST(EXTRACT(DAY FROM c.{b}) AS integer) + 1 + INTERVAL '{months + 1} months' "
                    "AS date) END")
        days = [day_after("b1"), leaves("b2", 12), leaves("b3", 24), leaves("b4", 36), "c.b5", day_after("b6"), "c.b7"]
        return f"LEAST({', '.join(days)}, DATE '{_DATE_MAX}')"  # LEAST ignores NULLs
    # SQLite: dates are ISO text, compared as text; the scalar MIN() is NULL if any argument is, so
    # each is COALESCEd to date.max — which also clamps the day after date.max (date() gives NULL)
    def day_after_sqlite(b: str) -> str:
        return f"date(c.{b}, '+1 day')"

    def leaves_sqlite(b: str, months: int) -> str:
        return (f"CASE WHEN CAST(strftime('%%d', c.{b}) AS INTEGER) < 28 THEN date(c.{b}, '+{months} months', '+1 day') "
                f"ELSE date(c.{b}, 'start of month', '+{months + 1} months') END")
    days = [day_after_sqlite("b1"), leaves_sqlite("b2", 12), leaves_sqlite("b3", 24), leaves_sqlite("b4", 36), "c.b5",
            day_after_sqlite("b6"), "c.b7"]
    return "MIN(" + ", ".join(f"COALESCE({d}, '{_DATE_MAX}')" for d in days) + ")"


# The facts computed and kept as the subject's summary in **one** statement, which returns what it
# kept: ``COMPUTE_FACTS_SQL`` as a common table expression, its ``valid_until`` computed in SQL,
# upserted. Every writer of a subject's register runs it (for its subjects, ``keep_facts_of``) in its
# transaction after its write, so that the next application reads a current summary; an application
# runs it on a miss (a summary expired by the calendar, or a write that kept none: SQL by hand, a new
# definition); the nightly ``refresh_credit_summaries`` for the expired. The facts and the facts
# version they are kept under come from the one snapshot of that statement. The race with a writer is
# harmless by construction: a writer that commits after the snapshot has bumped the subject's version
# (in its own transaction) and kept its own summary under it; a row computed from an older version
# never replaces one from a newer version (the ``WHERE`` of the update), so the older gets no row
# back and computes the facts again (``compute_and_keep_facts``). Lock order, the same everywhere: a
# writer holds the subject's row (the bump) before it keeps the summary's; an application keeps only
# in autocommit (a submission evaluates before its own transaction opens; a package's members and a
# decision, inside their transactions, keep nothing), so it never holds the summary's row lock while
# it waits for anything. The row an application keeps stays even when the submission is then
# refused — it holds true facts.
_SUMMARY_COLUMNS = ("subject_id", "facts_version", "definition", "computed_for", "valid_until", *SUMMARY_FACTS)
_BOUND_NAMES = tuple(f"b{i}" for i in range(1, _BOUNDS + 1))


def _keep_facts_sql(vendor: str, where: str = _SUBJECT_SQL) -> str:
    """The statement that computes and keeps the facts summaries of the subjects ``where`` selects:
    the one definition, for one subject by its key (``KEEP_FACTS_SQL``, an application's miss) and
    for many (``keep_facts_of``: a writer's subjects, the nightly refresh). The rows are kept in the
    subjects' id order, so that two statements keeping overlapping sets take the summaries' row locks
    in the same order (as ``services.bump_facts_version`` takes the subjects')."""
    names = ("id", "facts_version", *SUMMARY_FACTS, "from_summary", *_BOUND_NAMES)
    return (
        f"WITH c ({', '.join(names)}) AS ({_compute_facts_sql(where)})\n"
        f"INSERT INTO credit_creditfactssummary ({', '.join(_SUMMARY_COLUMNS)})\n"
        f"SELECT c.id, c.facts_version, %(definition)s, %(d)s, {_valid_until_sql(vendor)}, "
        + ", ".join(f"c.{name}" for name in SUMMARY_FACTS)
        # SQLite: the WHERE keeps the ON CONFLICT below from being read as a join's ON
        + "\nFROM c WHERE 1 = 1 ORDER BY c.id\n"
        "ON CONFLICT (subject_id) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in _SUMMARY_COLUMNS[1:])
        + "\nWHERE credit_creditfactssummary.facts_version <= excluded.facts_version\n"
        f"RETURNING subject_id, facts_version, {', '.join(SUMMARY_FACTS)}, valid_until")


KEEP_FACTS_SQL = {vendor: _keep_facts_sql(vendor) for vendor in ("postgresql", "sqlite")}
# The definition of the facts a summary was computed by: a summary written by another version of the
# statements above (a deployment that changed them) is not current. The Python half of the
# definition — the windows' starts (``_params``, ``_months_before``) — is not in the statements'
# text: **bump ``FACTS_SUMMARY_REVISION`` with any change to it**, so that older summaries are not used.
FACTS_DEFINITION = hashlib.sha256((_FACT_COLUMNS_SQL + _BOUND_COLUMNS_SQL + "".join(KEEP_FACTS_SQL.values())
                                   + LEVEL_RULES_VERSION + f"/{FACTS_SUMMARY_REVISION}").encode()).hexdigest()[:16]


# What joint rules read at an application, in one statement: the item's credit settings and the
# subject's facts (the statement above as a derived table, empty when the subject has no file).
# ``credit.services`` reads it in the same statement as the active rule versions.
EVALUATION_SQL = """
SELECT d.code, p.restricted, p.category, p.commitment_system, p.tolerance_material_id, f.*
FROM catalog_serviceitem i
JOIN core_department d ON d.id = i.department_id
LEFT JOIN credit_itemcreditpolicy p ON p.item_id = i.id
LEFT JOIN (""" + _SUBJECT_FACTS_SQL + """) f ON 1 = 1
WHERE i.id = %(item)s
"""


def _params(kind: str, id_index: str, today: dt.date) -> dict[str, Any]:
    return {"d": today, "y1": _months_before(today, 12), "y2": _months_before(today, 24),
            "y3": _months_before(today, 36), "kind": kind, "index": id_index}


def window_leaves(decided_on: dt.date, months: int) -> dt.date:
    """The first day on which a record decided on ``decided_on`` is no longer in the ``months``-month
    window that counts it on day ``d`` when ``decided_on >= _months_before(d, months)``.
    ``_months_before`` clamps the day to 28 and never decreases as ``d`` advances, so the record
    leaves on the first ``d`` whose window start is after ``decided_on``: in the month ``months``
    later, the day after ``decided_on``'s day when that is before the 28th (the start then passes
    it); else (29th–31st: the start stays at the 28th all month) the first of the month after."""
    if decided_on.day < 28:
        later = _months_before(decided_on, -months)
        return later.replace(day=decided_on.day + 1)
    return _months_before(decided_on.replace(day=1), -months - 1)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])  # SQLite returns MIN() of a date column as text


def _day_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1) if day < dt.date.max else day


def valid_until(today: dt.date, bounds: Any) -> dt.date:
    """The first day after ``today`` on which facts computed for ``today`` may change by the calendar
    alone (the bounds of ``_BOUND_COLUMNS_SQL``); ``date.max`` when nothing ends or starts. The
    specification of ``_valid_until_sql``, which computes it where a summary is kept (a test
    compares the two); in Python it serves an evaluation that keeps no summary."""
    publicity_end, w12, w24, w36, starts, ends, ended = (_date(b) for b in bounds)
    days = [dt.date.max]
    if publicity_end is not None:
        days.append(_day_after(publicity_end))
    days += [window_leaves(first, months) for first, months in ((w12, 12), (w24, 24), (w36, 36)) if first is not None]
    if starts is not None:
        days.append(starts)
    if ends is not None:
        days.append(_day_after(ends))
    if ended is not None:
        days.append(ended)
    return min(days)


@dataclass
class SubjectFacts:
    """The subject's facts as read at an application, and where they came from: ``from_summary``,
    or computed (then ``counts`` and ``valid_until`` are what a new summary keeps, under
    ``facts_version``, the version read in the same statement)."""

    facts: dict[str, Any]
    subject_id: int | None = None
    facts_version: int = 0
    from_summary: bool = False
    counts: tuple[int, ...] = ()
    valid_until: dt.date | None = None
    computed: bool = True  # false: read without a current summary, the facts not computed yet
    kept: bool = False  # computed and kept as the subject's summary by the same statement


def computed_subject_facts(kind: str, id_index: str, today: dt.date) -> SubjectFacts:
    """The subject's facts on ``today`` computed from its records (``COMPUTE_FACTS_SQL``), with what
    a summary of them keeps; one statement."""
    with connection.cursor() as cursor:
        cursor.execute(COMPUTE_FACTS_SQL, _params(kind, id_index, today))
        row = cursor.fetchone()
    return SubjectFacts(facts=dict(_NO_FILE)) if row is None else subject_facts_from_row(row, today)


def compute_and_keep_facts(kind: str, id_index: str, today: dt.date) -> SubjectFacts:
    """The subject's facts on ``today`` computed from its records and kept as its summary, in one
    statement (``KEEP_FACTS_SQL``), for a subject on file without a current summary. When a summary
    from a newer facts version was kept meanwhile (a concurrent evaluation that saw a later write),
    nothing is kept and the facts are computed again (one more statement, ``computed_subject_facts``):
    the newer facts, not the ones of the older snapshot."""
    with connection.cursor() as cursor:
        cursor.execute(KEEP_FACTS_SQL[connection.vendor],
                       {**_params(kind, id_index, today), "definition": FACTS_DEFINITION})
        row = cursor.fetchone()
    if row is None:
        return computed_subject_facts(kind, id_index, today)
    counts = tuple(int(c) for c in row[2:2 + len(SUMMARY_FACTS)])
    return SubjectFacts(facts=_facts_from_counts(counts), subject_id=int(row[0]), facts_version=int(row[1]),
                        counts=counts, valid_until=_date(row[-1]), kept=True)


# Subjects a writer's or the nightly refresh's statement keeps at most: the ids are bound one
# parameter each, and with server-side binding PostgreSQL takes at most 65,535 a statement.
KEEP_CHUNK = 1000


def _window_params(today: dt.date) -> dict[str, Any]:
    return {"d": today, "y1": _months_before(today, 12), "y2": _months_before(today, 24),
            "y3": _months_before(today, 36), "definition": FACTS_DEFINITION}


# The statements ``_keep_facts_of_sql`` keeps built: one per (vendor, size), and a size is any of 1 to
# KEEP_CHUNK, so an unbounded cache could hold a thousand statements of up to ~15 KB each per vendor
# for the life of the process. The sizes in use are few: a writer keeps one subject (a few for an
# ingestion's batch), the nightly refresh full chunks and one last, shorter chunk per run: 64 holds
# them all with room, and a size seen once is dropped first.
KEEP_SQL_CACHE_SIZE = 64


@functools.lru_cache(maxsize=KEEP_SQL_CACHE_SIZE)
def _keep_facts_of_sql(vendor: str, subjects: int) -> str:
    """``_keep_facts_sql`` for ``subjects`` subjects by id (``%(s0)s``…), built once per size (the
    last ``KEEP_SQL_CACHE_SIZE`` sizes used are kept)."""
    return _keep_facts_sql(vendor, f"s.id IN ({', '.join(f'%(s{i})s' for i in range(subjects))})")


def keep_facts_of(subject_ids: Iterable[int], today: dt.date) -> int:
    """Compute the facts of these subjects on ``today`` and keep them as their summaries, set-based:
    one statement (``_keep_facts_sql``) per ``KEEP_CHUNK`` subjects, in id order. Called by every
    writer of a subject's register inside its transaction, after its write and after the bump that
    locked the subjects' rows (``services.keep_facts_summaries``), and by ``refresh_summaries``.
    A summary of a newer facts version is never replaced (the statement's guard). Returns how many
    summaries were kept."""
    ids = sorted(set(subject_ids))
    kept = 0
    for start in range(0, len(ids), KEEP_CHUNK):
        chunk = ids[start:start + KEEP_CHUNK]
        with connection.cursor() as cursor:
            cursor.execute(_keep_facts_of_sql(connection.vendor, len(chunk)),
                           {**_window_params(today), **{f"s{i}": pk for i, pk in enumerate(chunk)}})
            kept += len(cursor.fetchall())
    return kept


# The subjects on file without a current summary on day ``d`` (``_CURRENT_SUMMARY_SQL``): expired by
# the calendar (``valid_until`` on or before ``d``), kept by another definition of the facts, under
# an older facts version (a write by hand that bumped the version and kept nothing), or none at all.
_NOT_CURRENT_SQL = f"""
SELECT s.id FROM credit_creditsubject s
WHERE NOT EXISTS (SELECT 1 FROM credit_creditfactssummary m WHERE {_CURRENT_SUMMARY_SQL})
ORDER BY s.id"""


def refresh_summaries(day: dt.date) -> dict[str, int]:
    """Keep again, for ``day``, every summary that is not current on it (``_NOT_CURRENT_SQL``), set-based
    (``keep_facts_of``), each chunk of subjects in its own transaction; current summaries are left
    alone, so a second run on the same day keeps nothing. Safe beside live traffic: it locks no
    subject's row for update (a new summary row's foreign key check takes KEY SHARE on its subject's,
    which writers' FOR NO KEY UPDATE allows), takes the summaries' row locks in id order as every
    writer does (after the subject's), and never replaces a summary of a newer facts version (a
    writer's, meanwhile). Run it for today: a summary kept for another day replaces one of the same
    version, and the next application misses and keeps it again (the facts are never wrong).
    A chunk that fails stops the run with ``RefreshInterrupted`` (what the chunks before kept stays kept)."""
    with connection.cursor() as cursor:
        cursor.execute(_NOT_CURRENT_SQL, _window_params(day))
        ids = [row[0] for row in cursor.fetchall()]
    kept = done = 0
    chunks = -(-len(ids) // KEEP_CHUNK)
    for number, start in enumerate(range(0, len(ids), KEEP_CHUNK)):
        chunk = ids[start:start + KEEP_CHUNK]
        try:
            with transaction.atomic():
                kept += keep_facts_of(chunk, day)
        except Exception as exc:  # the chunks before stay kept (committed): say what was done
            raise RefreshInterrupted(day=day, due=len(ids), chunks=chunks, chunks_done=number, subjects_done=done,
                                     kept=kept, last_subject_id=ids[done - 1] if done else None, error=exc) from exc
        done += len(chunk)
    return {"due": len(ids), "kept": kept}


class RefreshInterrupted(Exception):
    """``refresh_summaries`` stopped by an error in one chunk of subjects (its own transaction, rolled
    back); the chunks before it were committed and stay kept. ``details()``: what was done, for the
    audit record (``refresh_credit_summaries``); a second run keeps the rest (the done are current)."""

    def __init__(self, *, day: dt.date, due: int, chunks: int, chunks_done: int, subjects_done: int, kept: int,
                 last_subject_id: int | None, error: Exception) -> None:
        self.day, self.due, self.chunks, self.chunks_done = day, due, chunks, chunks_done
        self.subjects_done, self.kept, self.last_subject_id = subjects_done, kept, last_subject_id
        self.error = f"{type(error).__name__}: {error}"[:500]
        super().__init__(f"chunk {chunks_done + 1} of {chunks} failed ({self.error}); {chunks_done} chunks "
                         f"({subjects_done} subjects, {kept} summaries kept) stay kept")

    def details(self) -> dict[str, Any]:
        return {"due": self.due, "chunks": self.chunks, "chunks_done": self.chunks_done,
                "subjects_done": self.subjects_done, "kept": self.kept, "last_subject_id": self.last_subject_id,
                "error": self.error}


def _facts_from_counts(counts: Any) -> dict[str, Any]:
    """The facts from the statement's nine counts (``SUMMARY_FACTS``, in order): computed now or kept
    in a summary, the same function makes the same facts of them."""
    black, red, penalties, serious, enforcement, broken, pending, honours, licences = counts
    facts: dict[str, Any] = {
        "recorded": True, "black_listed": bool(black), "red_listed": bool(red), "penalties_12m": int(penalties),
        "serious_penalties": int(serious), "enforcement": bool(enforcement), "broken_commitments": int(broken),
        "pending_commitments": int(pending), "honours_36m": int(honours), "licences": int(licences)}
    facts["level"] = level_from_facts(facts).level
    return facts


def _facts_from_row(row: Any) -> dict[str, Any]:
    if row is None or row[0] is None:
        return dict(_NO_FILE)
    return _facts_from_counts(row[1:1 + len(SUMMARY_FACTS)])


def subject_facts_from_row(row: Any, today: dt.date) -> SubjectFacts:
    """A row of ``_SUBJECT_FACTS_SQL`` (all NULL when the subject has no file) or of
    ``COMPUTE_FACTS_SQL``. A subject on file without a current summary has ``computed`` false and no
    facts yet: ``computed_subject_facts`` gives them."""
    if row[0] is None:
        return SubjectFacts(facts=dict(_NO_FILE))
    if row[2] is None:  # on file, no current summary: the counts are to be computed
        return SubjectFacts(facts={}, subject_id=int(row[0]), facts_version=int(row[1]), computed=False)
    counts = tuple(int(c) for c in row[2:2 + len(SUMMARY_FACTS)])
    from_summary = bool(row[2 + len(SUMMARY_FACTS)])
    return SubjectFacts(facts=_facts_from_counts(counts), subject_id=int(row[0]), facts_version=int(row[1]),
                        from_summary=from_summary, counts=counts,
                        valid_until=None if from_summary else valid_until(today, row[3 + len(SUMMARY_FACTS):]))


def evaluation_facts(*, kind: str, id_index: str, today: dt.date, item_id: int, item_code: str,
                     item_type: str) -> dict[str, Any]:
    """``{"credit": …, "item": …}`` for joint rules, in one query (two when the subject has no current
    summary): the subject's facts (its current
    summary; computed by a second when it has none) and the item's settings (``ItemCreditPolicy``). Keeps no summary:
    ``credit.services`` does, at an application."""
    with connection.cursor() as cursor:
        cursor.execute(EVALUATION_SQL, evaluation_params(kind=kind, id_index=id_index, today=today, item_id=item_id))
        row = cursor.fetchone()
    if row is None:
        raise LookupError(f"no service item {item_id}")
    return evaluation_from_row(row, item_code=item_code, item_type=item_type, kind=kind, id_index=id_index,
                               today=today)[0]


# what a row of ``EVALUATION_SQL`` holds: the item's 5 settings, then the subject's facts (``_SUBJECT_FACTS_SQL``)
EVALUATION_COLUMNS = 5 + SUBJECT_FACTS_COLUMNS


def evaluation_params(*, kind: str, id_index: str, today: dt.date, item_id: int) -> dict[str, Any]:
    return {**_params(kind, id_index, today), "definition": FACTS_DEFINITION, "item": item_id}


def evaluation_from_row(row: Any, *, item_code: str, item_type: str, kind: str, id_index: str,
                        today: dt.date, keep: bool = False) -> tuple[dict[str, Any], SubjectFacts]:
    """``{"credit": …, "item": …}`` from one row of ``EVALUATION_SQL``, and the subject's facts as read
    (from its current summary, or computed by one more statement when it has none — with ``keep``,
    the same statement keeps them as the subject's summary)."""
    department, restricted, category, commitment_system, tolerance = row[:5]
    subject = subject_facts_from_row(row[5:], today)
    if not subject.computed:  # no current summary: the facts are computed, one more statement
        subject = (compute_and_keep_facts if keep else computed_subject_facts)(kind, id_index, today)
    return ({"credit": subject.facts,
             "item": {"code": item_code, "type": item_type, "department": department or "",
                      "restricted": bool(restricted), "category": category or "",
                      "commitment_system": bool(commitment_system), "tolerance_allowed": tolerance is not None}},
            subject)


def facts_by_index(kind: str, id_index: str, today: dt.date) -> dict[str, Any]:
    """The facts of the subject filed under this blind index on ``today``, in one query; a subject
    the register does not know has ``recorded: false`` (and no level), never a clean record."""
    with connection.cursor() as cursor:
        cursor.execute(_FACTS_SQL, _params(kind, id_index, today))
        return _facts_from_row(cursor.fetchone())


def subject_facts(subject: CreditSubject | None, today: dt.date) -> dict[str, Any]:
    """The facts of ``subject`` on ``today`` (``facts_by_index``)."""
    if subject is None:
        return dict(_NO_FILE)
    return facts_by_index(subject.kind, subject.id_index, today)


def level_from_facts(facts: dict[str, Any]) -> Level:
    """Credit level rule set ``CL-2026.1`` (docs/credit.md), first match wins:

    D — on the black list, a court enforcement record in publicity, or a serious penalty in publicity;
    C — a penalty in the last 12 months in publicity, or a commitment broken in the last 24 months;
    A — on the red list, or honoured in the last 36 months (and none of the above);
    B — recorded, and none of the above.
    Not recorded: no level (``None``): the absence of records is not good credit."""
    if not facts.get("recorded"):
        return Level(None, LEVEL_RULES_VERSION, [_("未建档：信用档案中没有该主体的记录")])
    reasons: list[str] = []
    if facts["black_listed"]:
        reasons.append(_("在失信惩戒名单期内"))
    if facts["enforcement"]:
        reasons.append(_("被执行人记录公示中"))
    if facts["serious_penalties"]:
        reasons.append(_("严重失信行政处罚公示中"))
    if reasons:
        return Level("D", LEVEL_RULES_VERSION, reasons)
    if facts["penalties_12m"]:
        reasons.append(_("近 12 个月行政处罚 %(n)s 次") % {"n": facts["penalties_12m"]})
    if facts["broken_commitments"]:
        reasons.append(_("近 24 个月未履行信用承诺 %(n)s 次") % {"n": facts["broken_commitments"]})
    if reasons:
        return Level("C", LEVEL_RULES_VERSION, reasons)
    if facts["red_listed"]:
        reasons.append(_("在守信激励名单期内"))
    if facts["honours_36m"]:
        reasons.append(_("近 36 个月表彰奖励 %(n)s 次") % {"n": facts["honours_36m"]})
    if reasons:
        return Level("A", LEVEL_RULES_VERSION, reasons)
    return Level("B", LEVEL_RULES_VERSION, [_("有档案，无失信记录，无守信激励")])


def status_from_facts(facts: dict[str, Any]) -> str:
    """The one word 秒批 rules read as ``credit``: ``black`` (on the black list), ``red`` (on the
    red list), ``normal`` (recorded, on neither list) or ``unrecorded`` (the register has nothing
    on the subject: never shown as ``normal``)."""
    if not facts.get("recorded"):
        return "unrecorded"
    if facts["black_listed"]:
        return "black"
    if facts["red_listed"]:
        return "red"
    return "normal"
