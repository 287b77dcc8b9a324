"""Keeping the KPI rollups as events happen, and rebuilding them from scratch.

A case's or appeal's *fact* (``CaseFact``, ``AppealFact``) says what it contributes to
``DailyRollup``. A case change (``cases.signals.case_recorded``) moves the counters the event says
move, without reading the fact first (see "incremental maintenance" below). For appeals
(``post_save`` of ``Appeal``) and 好差评, the fact is read and computed again from the saved object;
when it differs, the old contribution is subtracted and the new one added (one upsert per touched
day/department/item row). Both in the change's own transaction. ``rebuild()`` recomputes every fact and every counter from the source tables; a test
checks that the incremental rollup equals the rebuild after a random mix of transitions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count

from yiwang.appeals.models import Appeal, AppealStatus
from yiwang.cases.models import Case, CaseMaterial, CaseStatus, Channel, MaterialSource
from yiwang.core.calendar import local_date
from yiwang.core.models import AuditEvent
from yiwang.evaluation.models import Grade, Rating, Rectification, RectificationStatus
from yiwang.insights.models import COUNTERS, AppealFact, CaseFact, DailyRollup, RatingFact, RectificationFact

Key = tuple[dt.date, int, int]

CASE_FACT_FIELDS = ("number", "department_id", "item_id", "submitted_day", "closed_day", "online", "window",
                    "one_window", "automated", "materials", "shared", "licence", "same_day", "in_time",
                    "handling_seconds")
RATING_FACT_FIELDS = ("number", "department_id", "item_id", "day", "counted", "good")
RECTIFICATION_FACT_FIELDS = ("number", "department_id", "item_id", "day", "counted", "closed")
APPEAL_FACT_FIELDS = ("number", "department_id", "received_day", "closed_day", "dispatched", "auto_dispatched",
                      "in_time", "seconds")


# --------------------------------------------------------------------------- facts and contributions


def case_fact(case: Case, materials: dict[str, int], one_window: bool) -> CaseFact:
    """The fact of a case as saved: ``materials`` its material count by source; ``one_window``
    whether a 综合窗口 (a clerk of a 政务服务中心) took it in at the window."""
    closed_at = case.closed_at if case.status == CaseStatus.CLOSED else None
    return CaseFact(
        case_id=case.pk, number=case.number or "", department_id=case.department_id, item_id=case.item_id,
        submitted_day=local_date(case.submitted_at),
        closed_day=local_date(closed_at) if closed_at is not None else None,
        online=case.channel == Channel.ONLINE, window=case.channel == Channel.WINDOW,
        one_window=one_window and case.channel == Channel.WINDOW,
        automated=case.decided_by_rules,
        materials=sum(materials.values()), shared=materials.get(MaterialSource.SHARED, 0),
        licence=materials.get(MaterialSource.LICENCE, 0),
        same_day=closed_at is not None and local_date(closed_at) == local_date(case.submitted_at),
        in_time=closed_at is not None and closed_at <= case.due_at,
        handling_seconds=int((closed_at - case.submitted_at).total_seconds()) if closed_at is not None else 0,
    )


def case_contribution(f: CaseFact | None) -> dict[Key, Counter]:
    out: dict[Key, Counter] = {}
    if f is None:
        return out
    out[(f.submitted_day, f.department_id, f.item_id)] = Counter(
        submitted=1, online=int(f.online), window=int(f.window), one_window=int(f.one_window),
        automated=int(f.automated), materials=f.materials, shared=f.shared, licence=f.licence)
    if f.closed_day is not None:
        key = (f.closed_day, f.department_id, f.item_id)
        out.setdefault(key, Counter()).update(Counter(
            closed=1, same_day=int(f.same_day), in_time=int(f.in_time), handling_seconds=f.handling_seconds))
    return out


def appeal_fact(appeal: Appeal) -> AppealFact:
    merged = appeal.status == AppealStatus.MERGED
    closed_at = appeal.closed_at if appeal.status == AppealStatus.CLOSED else None
    return AppealFact(
        appeal_id=appeal.pk, number=appeal.number or "", department_id=appeal.lead_department_id or 0,
        received_day=None if merged else local_date(appeal.received_at),
        closed_day=local_date(closed_at) if closed_at is not None else None,
        dispatched=appeal.dispatched_at is not None, auto_dispatched=appeal.auto_dispatched and appeal.dispatched_at is not None,
        in_time=closed_at is not None and closed_at <= appeal.due_at,
        seconds=int((closed_at - appeal.received_at).total_seconds()) if closed_at is not None else 0,
    )


def appeal_contribution(f: AppealFact | None) -> dict[Key, Counter]:
    out: dict[Key, Counter] = {}
    if f is None or f.received_day is None:
        return out
    out[(f.received_day, f.department_id, 0)] = Counter(
        appeals=1, dispatched=int(f.dispatched), auto_dispatched=int(f.auto_dispatched),
        appeals_done=int(f.closed_day is not None))
    if f.closed_day is not None:
        out.setdefault((f.closed_day, f.department_id, 0), Counter()).update(Counter(
            appeals_closed=1, appeals_in_time=int(f.in_time), appeals_seconds=f.seconds))
    return out


def rating_fact(rating: Rating) -> RatingFact:
    return RatingFact(rating_id=rating.pk, number=rating.subject_number[:40], department_id=rating.department_id,
                      item_id=rating.item_id or 0, day=local_date(rating.created_at), counted=rating.counted,
                      good=rating.grade == Grade.GOOD)


def rating_contribution(f: RatingFact | None) -> dict[Key, Counter]:
    if f is None or not f.counted:
        return {}
    return {(f.day, f.department_id, f.item_id): Counter(ratings=1, ratings_good=int(f.good))}


def rectification_fact(r: Rectification) -> RectificationFact:
    return RectificationFact(rectification_id=r.pk, number=r.rating.subject_number[:40], department_id=r.department_id,
                             item_id=r.rating.item_id or 0, day=local_date(r.created_at),
                             counted=r.status != RectificationStatus.CANCELLED,
                             closed=r.status == RectificationStatus.CLOSED)


def rectification_contribution(f: RectificationFact | None) -> dict[Key, Counter]:
    if f is None or not f.counted:
        return {}
    return {(f.day, f.department_id, f.item_id): Counter(rectifications=1, rectified=int(f.closed))}


def _delta(old: dict[Key, Counter], new: dict[Key, Counter]) -> dict[Key, dict[str, int]]:
    out: dict[Key, dict[str, int]] = {}
    for key in old.keys() | new.keys():
        a, b = old.get(key, Counter()), new.get(key, Counter())
        diff = {c: b.get(c, 0) - a.get(c, 0) for c in COUNTERS}
        if any(diff.values()):
            out[key] = diff
    return out


_UPSERT_SQL = None


def _upsert_sql() -> str:
    global _UPSERT_SQL
    if _UPSERT_SQL is None:
        q = connection.ops.quote_name
        table = q(DailyRollup._meta.db_table)
        cols = ", ".join(q(c) for c in COUNTERS)
        marks = ", ".join(["%s"] * (3 + len(COUNTERS)))
        sets = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in COUNTERS)
        _UPSERT_SQL = (f"INSERT INTO {table} (day, department_id, item_id, {cols}) VALUES ({marks}) "  # noqa: S608 (names from the model, values bound)
                       f"ON CONFLICT (day, department_id, item_id) DO UPDATE SET {sets}")
    return _UPSERT_SQL


def apply_delta(delta: dict[Key, dict[str, int]]) -> None:
    """Add the delta to the day rows (an upsert each: concurrent changes add up, none is lost)."""
    if not delta:
        return
    rows: list[tuple[dt.date | int, ...]] = [(day, dept, item, *(d[c] for c in COUNTERS))
                                            for (day, dept, item), d in sorted(delta.items())]
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(), rows)


def _same(a: Any, b: Any, fields: Iterable[str]) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in fields)


# --------------------------------------------------------------------------- incremental maintenance

# Cases are followed without reading anything first: what each audited change does to a case's
# contribution follows from the event and the case already in memory (the signal's payload).
#
# - ``case_submitted`` adds the case: its fact and the submitted day's counters, the material counts
#   taken by subqueries inside the same statements;
# - ``case_decided`` of a case decided by the rules (秒批) adds ``automated`` to the submitted day;
# - ``case_delivered`` that closed the case (办结) adds the closed day's counters;
# - the events after which a case's materials may have changed (``MATERIAL_EVENTS`` after the
#   submission) move the material counters by the difference the database computes;
# - every other event leaves the contribution as it was (no query at all).
#
# Each change is one guarded write of the fact (``… WHERE closed_day IS NULL``, ``… AND NOT automated``:
# an event sent twice adds nothing twice) and one upsert of the day row whose values are read from the
# fact row *before* that write. On PostgreSQL both are one statement (the fact write as a data-
# modifying ``WITH``: the main statement sees the row as it was); on SQLite the upsert runs first,
# then the fact write. A case with no fact (made before the rollup existed) is left to
# ``rebuild_kpi_rollups``. The rebuild-equality test covers every path.

MATERIAL_EVENTS = frozenset({"case_correction_supplied", "case_pending_material_supplied"})


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _day_upsert(values: dict[str, str], key: tuple[str, str, str], source: str) -> str:
    """``INSERT … SELECT`` of one day row: ``key`` the SQL of day, department and item, ``values`` the
    SQL of the counters that move (the others add 0), ``source`` the FROM/WHERE clause."""
    table = _q(DailyRollup._meta.db_table)
    cols = ", ".join(_q(c) for c in COUNTERS)
    exprs = ", ".join(values.get(c, "0") for c in COUNTERS)
    sets = ", ".join(f"{_q(c)} = {table}.{_q(c)} + excluded.{_q(c)}" for c in values)
    return (f"INSERT INTO {table} (day, department_id, item_id, {cols}) "  # noqa: S608 (names from the models, values bound)
            f"SELECT {', '.join(key)}, {exprs} {source} "
            f"ON CONFLICT (day, department_id, item_id) DO UPDATE SET {sets}")


def _material_counts(case_id: int) -> tuple[tuple[str, str, str], list[Any]]:
    """The SQL of a case's (materials, shared, licence), counted inside the statement, and their
    parameters in that order."""
    table = _q(CaseMaterial._meta.db_table)
    count = f"(SELECT COUNT(*) FROM {table} WHERE case_id = %s"  # noqa: S608 (names from the model, values bound)
    return ((f"{count})", f"{count} AND source = %s)", f"{count} AND source = %s)"),
            [case_id, case_id, MaterialSource.SHARED, case_id, MaterialSource.LICENCE])


def _run(fact: tuple[str, list[Any]], day: tuple[str, list[Any]]) -> None:
    """The fact's write and the day row's upsert: one statement on PostgreSQL, two on SQLite (the
    upsert first, so that it reads the fact as it was before the write)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH fact_write AS ({fact[0]}) {day[0]}", [*fact[1], *day[1]])
        else:
            cursor.execute(day[0], day[1])
            cursor.execute(fact[0], fact[1])


def _fact_table() -> str:
    return _q(CaseFact._meta.db_table)


def _case_submitted(case: Case, one_window: bool) -> None:
    (materials, shared, licence), count_params = _material_counts(case.pk)
    f = case_fact(case, {}, one_window)
    flags = [f.online, f.window, f.one_window, f.automated]
    fact_cols = ("case_id", "number", "department_id", "item_id", "submitted_day", "closed_day", "online", "window",
                 "one_window", "automated", "materials", "shared", "licence", "same_day", "in_time", "handling_seconds")
    fact_sql = (f"INSERT INTO {_fact_table()} ({', '.join(_q(c) for c in fact_cols)}) "  # noqa: S608 (names from the model, values bound)
                f"SELECT %s, %s, %s, %s, %s, NULL, %s, %s, %s, %s, {materials}, {shared}, {licence}, %s, %s, 0 WHERE true")
    fact_params = [case.pk, f.number, f.department_id, f.item_id, f.submitted_day, *flags, *count_params, False, False]
    day_sql = _day_upsert(
        {"submitted": "1", "online": "%s", "window": "%s", "one_window": "%s", "automated": "%s",
         "materials": materials, "shared": shared, "licence": licence},
        ("%s", "%s", "%s"), "WHERE true")
    day_params = [f.submitted_day, f.department_id, f.item_id, *(int(x) for x in flags), *count_params]
    _run((fact_sql, fact_params), (day_sql, day_params))


def _case_automated(case: Case) -> None:
    guard = f"FROM {_fact_table()} WHERE case_id = %s AND NOT automated"  # noqa: S608 (names from the model)
    _run((f"UPDATE {_fact_table()} SET automated = %s WHERE case_id = %s AND NOT automated", [True, case.pk]),  # noqa: S608
         (_day_upsert({"automated": "1"}, ("submitted_day", "department_id", "item_id"), guard), [case.pk]))


def _case_closed(case: Case) -> None:
    f = case_fact(case, {}, False)
    closed = {"closed": 1, "same_day": int(f.same_day), "in_time": int(f.in_time),
              "handling_seconds": f.handling_seconds}
    guard = f"FROM {_fact_table()} WHERE case_id = %s AND closed_day IS NULL"  # noqa: S608 (names from the model)
    _run((f"UPDATE {_fact_table()} SET closed_day = %s, same_day = %s, in_time = %s, handling_seconds = %s "  # noqa: S608
          f"WHERE case_id = %s AND closed_day IS NULL", [f.closed_day, f.same_day, f.in_time, f.handling_seconds, case.pk]),
         (_day_upsert({c: "%s" for c in closed}, ("%s", "department_id", "item_id"), guard),
          [f.closed_day, *closed.values(), case.pk]))


def _case_materials_changed(case: Case) -> None:
    (materials, shared, licence), count_params = _material_counts(case.pk)
    source = f"FROM {_fact_table()} WHERE case_id = %s"  # noqa: S608 (names from the model)
    _run((f"UPDATE {_fact_table()} SET materials = {materials}, shared = {shared}, licence = {licence} "  # noqa: S608
          f"WHERE case_id = %s", [*count_params, case.pk]),
         (_day_upsert({"materials": f"{materials} - materials", "shared": f"{shared} - shared",
                       "licence": f"{licence} - licence"}, ("submitted_day", "department_id", "item_id"), source),
          [*count_params, case.pk]))


def record_case(case: Case, *, event_type: str = "", department: Any = None) -> None:
    """Follow one audited change of a case (inside the change's transaction: an error here rolls the
    change back, as it should). See the rules above; nothing is read first."""
    if event_type == "case_submitted":
        _case_submitted(case, bool(department is not None and getattr(department, "is_service_centre", False)))
    elif event_type in MATERIAL_EVENTS:
        _case_materials_changed(case)
    elif event_type == "case_decided" and case.decided_by_rules:
        _case_automated(case)
    elif event_type == "case_delivered" and case.status == CaseStatus.CLOSED:
        _case_closed(case)


def _record(model: Any, pk_name: str, pk: int, new: Any, fields: Iterable[str], contribution: Any) -> None:
    """Bring a fact up to date (``new`` None: forget it): read it, and when it changed move the day
    rows by the difference. Appeals and 好差评 are followed this way (their changes are rarer)."""
    with transaction.atomic(savepoint=False):
        old = model.objects.select_for_update().filter(**{pk_name: pk}).first()
        if new is None:
            if old is not None:
                apply_delta(_delta(contribution(old), {}))
                old.delete()
            return
        if old is not None and _same(old, new, fields):
            return
        apply_delta(_delta(contribution(old), contribution(new)))
        new.save(force_insert=old is None, force_update=old is not None)


def forget_case(case_id: int) -> None:
    _record(CaseFact, "case_id", case_id, None, CASE_FACT_FIELDS, case_contribution)


def record_appeal(appeal: Appeal) -> None:
    _record(AppealFact, "appeal_id", appeal.pk, appeal_fact(appeal), APPEAL_FACT_FIELDS, appeal_contribution)


def forget_appeal(appeal_id: int) -> None:
    _record(AppealFact, "appeal_id", appeal_id, None, APPEAL_FACT_FIELDS, appeal_contribution)


def record_rating(rating_id: int) -> None:
    """Bring a rating's fact (and its rectification's) up to date from the database: evaluation
    changes ``counted`` and cancels rectifications with queryset updates, so the fact is read again
    rather than taken from an instance."""
    rating = (Rating.objects.select_related("case", "appeal", "visit").filter(pk=rating_id).first())
    _record(RatingFact, "rating_id", rating_id, rating_fact(rating) if rating else None, RATING_FACT_FIELDS,
            rating_contribution)
    for r in Rectification.objects.select_related("rating__case", "rating__appeal", "rating__visit").filter(
            rating_id=rating_id):
        record_rectification(r)


def record_rectification(r: Rectification) -> None:
    _record(RectificationFact, "rectification_id", r.pk, rectification_fact(r), RECTIFICATION_FACT_FIELDS,
            rectification_contribution)


def record_evaluation_event(subject_type: str, subject_id: str, details: dict[str, Any]) -> None:
    """An audited change of 好差评: the rating (and the one its 追评 superseded), the rectification,
    or the rating a 申诉复核 decided on."""
    from yiwang.evaluation.models import RatingReview

    if subject_type == "rating":
        record_rating(int(subject_id))
        if details.get("follow_up_of"):
            record_rating(int(details["follow_up_of"]))
    elif subject_type == "rectification":
        r = (Rectification.objects.select_related("rating__case", "rating__appeal", "rating__visit")
             .filter(pk=int(subject_id)).first())
        if r is not None:
            record_rectification(r)
    elif subject_type == "rating_review":
        rating_id = RatingReview.objects.filter(pk=int(subject_id)).values_list("rating_id", flat=True).first()
        if rating_id is not None:
            follow_up_of = Rating.objects.filter(pk=rating_id).values_list("follow_up_of_id", flat=True).first()
            record_rating(rating_id)
            if follow_up_of:
                record_rating(follow_up_of)


# --------------------------------------------------------------------------- rebuild from scratch


def _submitted_at_one_window(case_ids: list[int]) -> dict[int, bool]:
    """Cases whose submission was recorded by a clerk of a 政务服务中心 (the audit's actor department)."""
    rows = AuditEvent.objects.filter(subject_type="case", event_type="case_submitted",
                                     subject_id__in=[str(i) for i in case_ids],
                                     actor_department__is_service_centre=True).values_list("subject_id", flat=True)
    return {int(i): True for i in rows}


def rebuild(chunk: int = 5000) -> dict[str, int]:
    """Recompute every fact and every day row from the cases, their materials and the appeals."""
    totals: dict[Key, Counter] = defaultdict(Counter)
    n_cases = n_appeals = 0
    with transaction.atomic():
        DailyRollup.objects.all().delete()
        CaseFact.objects.all().delete()
        AppealFact.objects.all().delete()
        RatingFact.objects.all().delete()
        RectificationFact.objects.all().delete()
        last = 0
        while True:
            cases = list(Case.objects.filter(pk__gt=last).order_by("pk")[:chunk])
            if not cases:
                break
            ids = [c.pk for c in cases]
            last = ids[-1]
            counts: dict[int, dict[str, int]] = defaultdict(dict)
            for case_id, source, n in (CaseMaterial.objects.filter(case_id__in=ids).values_list("case_id", "source")
                                       .annotate(n=Count("id")).values_list("case_id", "source", "n")):
                counts[case_id][source] = n
            window = _submitted_at_one_window(ids)
            facts = [case_fact(c, counts.get(c.pk, {}), window.get(c.pk, False)) for c in cases]
            CaseFact.objects.bulk_create(facts)
            for f in facts:
                for key, c in case_contribution(f).items():
                    totals[key].update(c)
            n_cases += len(facts)
        last = 0
        while True:
            appeals = list(Appeal.objects.filter(pk__gt=last).order_by("pk")[:chunk])
            if not appeals:
                break
            last = appeals[-1].pk
            facts_a = [appeal_fact(a) for a in appeals]
            AppealFact.objects.bulk_create(facts_a)
            for a_fact in facts_a:
                for key, c in appeal_contribution(a_fact).items():
                    totals[key].update(c)
            n_appeals += len(facts_a)
        n_ratings = 0
        last = 0
        while True:
            ratings = list(Rating.objects.select_related("case", "appeal", "visit").filter(pk__gt=last)
                           .order_by("pk")[:chunk])
            if not ratings:
                break
            last = ratings[-1].pk
            facts_r = [rating_fact(r) for r in ratings]
            RatingFact.objects.bulk_create(facts_r)
            for r_fact in facts_r:
                for key, c in rating_contribution(r_fact).items():
                    totals[key].update(c)
            n_ratings += len(facts_r)
        last = 0
        while True:
            rects = list(Rectification.objects.select_related("rating__case", "rating__appeal", "rating__visit")
                         .filter(pk__gt=last).order_by("pk")[:chunk])
            if not rects:
                break
            last = rects[-1].pk
            facts_x = [rectification_fact(r) for r in rects]
            RectificationFact.objects.bulk_create(facts_x)
            for x_fact in facts_x:
                for key, c in rectification_contribution(x_fact).items():
                    totals[key].update(c)
        DailyRollup.objects.bulk_create(
            [DailyRollup(day=day, department_id=dept, item_id=item, **{c: counts_.get(c, 0) for c in COUNTERS})
             for (day, dept, item), counts_ in sorted(totals.items())], batch_size=1000)
    return {"cases": n_cases, "appeals": n_appeals, "ratings": n_ratings, "rows": len(totals)}


def snapshot() -> dict[Key, dict[str, int]]:
    """The day rows as a dict (rows whose counters are all zero left out), to compare two states."""
    out = {}
    for row in DailyRollup.objects.all():
        values = {c: getattr(row, c) for c in COUNTERS}
        if any(values.values()):
            out[(row.day, row.department_id, row.item_id)] = values
    return out
