#!/usr/bin/env python
"""KPI benchmark (issue #13): the KPI summary and a drill-down at 10 million cases on PostgreSQL,
and the cost the rollups add to a case transition.

    nice -n 19 .venv/bin/python bench/insights_kpi.py --phase seed [--cases 10000000] [--appeals 1000000]
        [--ratings 1000000]
    .venv/bin/python bench/insights_kpi.py --phase measure [--transitions 400] [--blocks 20] [--repeats 200] [--keep]

(or ``--phase all``, the default: both in one process). The script takes the machine's benchmark lock
(``/tmp/yiwang-bench.lock``, the one ``flock`` takes) **itself, around the timed part only**: seeding
runs outside it (do not wrap the script in ``flock``; ``--no-lock`` if the caller holds the lock).
Seeding is set-based SQL in the PostgreSQL server: renice its backend too if the machine is shared.

In its own PostgreSQL database (``BENCH_PG_DB``, default ``yiwang_bench_insights``; ``--phase seed``
keeps it and writes ``var/bench/<db>.seed.json`` for the measuring run, which drops it at the end
unless ``--keep``: the disk is shared):

1. migrate; the bench world of ``bench/run_cases.py`` (departments, staff, a two-step item);
2. **seed** ``--cases`` cases over 30 departments × 10 items and three years with one
   ``INSERT … SELECT generate_series`` (secondary indexes and foreign keys of ``cases_case`` dropped
   for the load and recreated after, as a bulk load does), with a county's shape: a few items and
   departments carry most cases, the online share rising from 70 % to 95 % over the three years,
   35 % of online cases decided by rules, 3 % refused and 2 % withdrawn, the last 20 days still
   open in four states, handling times skewed with ≈ 8 % late (see ``seed``); ``--appeals`` appeals
   likewise; ``--ratings`` ratings of closed cases on three channels (about one rated case in nine rated on a second),
   levels as a county's 好差评 looks (8 % 差评, each with its rectification); then their facts
   (``insights_casefact``, ``insights_appealfact``, ``insights_ratingfact``,
   ``insights_rectificationfact``) and the day rows (``insights_dailyrollup``) with
   ``INSERT … SELECT … GROUP BY`` over the seeded rows — the state the incremental rollup would
   have reached; ``VACUUM ANALYZE``. The facts of 2,000 random seeded cases are then recomputed by
   the rollup's own code (``rollup.case_fact``) and compared (``fact_check``). Materials: each fact
   carries counts (0–4, shared/licence shares) but no ``cases_casematerial`` rows are written (the
   figures never read them), and the 一窗 flag is set for 3 window cases in 4 without the audit rows
   it is derived from;
3. **summary**: ``insights.selectors.kpi_summary`` for random scopes (a week, a month, a quarter, a
   year, three years; county-wide or one department), ``--repeats`` times, p50/p99/max, plus the
   JSON the API returns (``InsightsKpiOut`` serialisation);
4. **drill-down**: ``selectors.drill_down`` first page (50) and a deep page (offset 5,000) for
   random KPIs, departments and months;
5. **transition cost**: complete two-step cases (submit → accept → review → decide → deliver)
   through ``yiwang.cases.services``, in ``--blocks`` pairs of blocks with the rollup's receivers
   connected and disconnected, in ABBA order (same process, same database, same run); the
   difference of the mean time per case, its spread over the pairs, and per step.

Results: Markdown on stdout, JSON in ``bench/results/``. Not a test: nothing asserts.
PostgreSQL only: on SQLite the rollups are exercised at small scale through the real services by
``yiwang/insights/tests`` and ``manage.py seed_demo``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_PG_DB", "yiwang_bench_insights")

from bench import run_cases  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEPARTMENTS = 30
ITEMS_PER_DEPARTMENT = 10
DAYS = 3 * 365


def log(msg: str) -> None:
    print(f"[insights bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    return run_cases.pct(values, p)


def ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": pct(values, 50) * 1000,
        "p99_ms": pct(values, 99) * 1000,
        "max_ms": max(values) * 1000,
        "mean_ms": statistics.mean(values) * 1000,
    }


# ------------------------------------------------------------------------------------ seeding


def build_world(n_applicants: int = 8) -> dict[str, Any]:
    """What ``run_cases.service_flows`` drives: the window, a department's staff, a two-step item,
    applicants (the shape of ``run_cases.build_world``, with fewer applicants)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from yiwang.core.models import Applicant, ApplicantKind, Role, StaffRole
    from yiwang.testing import factories, item_factories

    User = get_user_model()
    hashed = make_password(run_cases.PASSWORD)
    centre = factories.department("ZWFW", "政务服务管理局", centre=True)
    scjg = factories.department("SCJG", "市场监管局")

    def staff(username: str, department: Any, role: str) -> Any:
        u = User.objects.create(username=username, password=hashed)
        StaffRole.objects.create(user=u, department=department, role=role)
        return u

    users = {
        "clerk": staff("clerk", centre, Role.CLERK),
        "reviewer": staff("scjg_reviewer", scjg, Role.REVIEWER),
        "decider": staff("scjg_decider", scjg, Role.DECIDER),
        # service_flows names the countersign signers too; the two-step item never asks them
        "ga": staff("ga_reviewer", factories.department("GA", "公安局"), Role.REVIEWER),
        "zj": staff("zj_reviewer", factories.department("ZJ", "住建局"), Role.REVIEWER),
    }
    two = item_factories.item(run_cases.TWO_STEP, dept="SCJG", materials=(("身份证明", True), ("其他材料", False)))
    applicants = []
    for i in range(n_applicants):
        u = User.objects.create(username=f"citizen{i:04d}", password=hashed)
        first17 = f"3301021990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
        applicants.append(
            (
                u,
                Applicant.objects.create(
                    kind=ApplicantKind.PERSON,
                    name=f"申请人{i}",
                    id_number=factories.citizen_id(first17),
                    phone="13800138000",
                    address="某县城关镇人民路1号",
                    user=u,
                ),
            )
        )
    return {"users": users, "items": {"two": two}, "applicants": applicants}


def seed(n_cases: int, n_appeals: int, n_ratings: int, today: dt.date) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from yiwang.core.models import Applicant, ApplicantKind, applicant_id_index
    from yiwang.testing import factories, item_factories

    t0 = time.perf_counter()
    departments = [factories.department(f"K{k:02d}", f"指标部门{k:02d}") for k in range(DEPARTMENTS)]
    items = [
        item_factories.item(
            f"KPI-{k:02d}-{j}", dept=d.code, promised_days=[1, 3, 5, 10, 15][j % 5], materials=(("身份证明", True),)
        )
        for k, d in enumerate(departments)
        for j in range(ITEMS_PER_DEPARTMENT)
    ]
    User = get_user_model()
    submitter = User.objects.create(username="kpi_submitter", password="!")
    applicants = []
    for k in range(1000):
        a = Applicant(kind=ApplicantKind.PERSON, name=f"居民{k}", id_number=f"K{k:017d}", phone="13900000000")
        if hasattr(a, "id_index"):  # bulk_create skips save(), which computes the blind index
            a.id_index = applicant_id_index(a.kind, a.id_number)
        applicants.append(a)
    applicants = Applicant.objects.bulk_create(applicants)
    first_day = today - dt.timedelta(days=DAYS - 1)
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE bench_items (k int primary key, item_id bigint, dept_id bigint, "
            "version_id bigint, promised int)"
        )
        cur.executemany(
            "INSERT INTO bench_items VALUES (%s, %s, %s, %s, %s)",
            [
                (k, it.pk, it.department_id, it.process.latest_version().pk, it.promised_days)
                for k, it in enumerate(items)
            ],
        )
        a0, a1 = applicants[0].pk, applicants[-1].pk
        # bulk load: drop the secondary indexes and foreign keys of cases_case, recreate after
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' "
            "AND indexname <> 'cases_case_pkey' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = 'cases_case'::regclass)"
        )
        indexes = cur.fetchall()
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'cases_case'::regclass AND contype IN ('f', 'u')"
        )
        constraints = cur.fetchall()
        for name, _ in constraints:
            cur.execute(f'ALTER TABLE cases_case DROP CONSTRAINT "{name}"')
        cur.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case' AND indexname <> 'cases_case_pkey'"
        )
        for (name,) in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
        log(f"seeding {n_cases:,} cases")
        t_cases = time.perf_counter()
        # Case g (1..n), submitted at g/n of the three years (the oldest first, like real ids), with
        # five independent pseudo-random fractions h1..h5 (Weyl sequences g·A mod 2³², A odd):
        # - item: ⌊300·h1²⌋, permuted over the departments (×7 mod 300): a few items and departments
        #   carry most of the load (the busiest item ≈ 6 % of the cases, the quietest < 0.1 %);
        # - channel: online with a share rising from 70 % to 95 % over the three years (the pilot),
        #   else window; 秒批 (decided by rules): 35 % of the online cases;
        # - status: submitted more than 20 days ago → 3 % 不予受理, 2 % withdrawn, else closed (4 %
        #   of them denied); the last 20 days → submitted / correction / in review / awaiting delivery;
        # - a closed case took h4^1.5 × 1.6 × its promised days (≈ 8 % after the due time, which is
        #   1.4 × the promised days, as paused days and 承诺时限 allow).
        h = [
            f"(((g * {a}) %% 4294967296)::float8 / 4294967296)"
            for a in (2654435761, 2246822519, 3266489917, 668265263, 374761393)
        ]
        cur.execute(
            f"""
            INSERT INTO cases_case (number, channel, status, form_data, submitted_at, accepted_at, decided_at,
                closed_at, promised_days, due_at, warn_at, paused_days, current_step, outcome, outcome_note,
                reject_reason, delivery_method, delivery_detail, applicant_id, department_id,
                item_id, process_version_id, submitted_by_id, decided_by_rules, query_code)
            SELECT 'YK' || lpad(g::text, 10, '0'), v.channel, v.status, '{{}}'::jsonb, s.at,
                   CASE WHEN v.status IN ('submitted', 'rejected', 'withdrawn') THEN NULL ELSE s.at END,
                   CASE WHEN v.status IN ('closed', 'awaiting_delivery') THEN s.at + v.took * 0.8 END,
                   CASE WHEN v.status = 'closed' THEN s.at + v.took END,
                   i.promised, s.at + i.promised * interval '1 day' * 1.4,
                   s.at + i.promised * interval '1 day', 0,
                   CASE WHEN v.status IN ('in_review', 'correction') THEN '审查' ELSE '' END,
                   CASE WHEN v.status <> 'closed' THEN '' WHEN {h[2]} < 0.054 THEN 'denied' ELSE 'approved' END,
                   '', CASE WHEN v.status = 'rejected' THEN '材料不齐全' ELSE '' END,
                   CASE WHEN v.status = 'closed' THEN 'window' ELSE '' END, '',
                   {a0} + g %% ({a1} - {a0} + 1), i.dept_id, i.item_id, i.version_id, {submitter.pk},
                   v.channel = 'online' AND {h[4]} < 0.35, ''
            FROM generate_series(1::bigint, %(n)s::bigint) AS g
            JOIN bench_items i ON i.k = (floor({len(items)} * {h[0]} * {h[0]})::int * 7) %% {len(items)}
            CROSS JOIN LATERAL (SELECT %(first)s::timestamptz + (g::float8 / %(n)s) * interval '{DAYS} days' AS at) s
            CROSS JOIN LATERAL (SELECT
                CASE WHEN {h[1]} < 0.70 + 0.25 * g::float8 / %(n)s THEN 'online' ELSE 'window' END AS channel,
                CASE WHEN s.at < %(recent)s THEN
                         CASE WHEN {h[2]} < 0.03 THEN 'rejected' WHEN {h[2]} < 0.05 THEN 'withdrawn' ELSE 'closed' END
                     ELSE CASE WHEN {h[2]} < 0.3 THEN 'submitted' WHEN {h[2]} < 0.4 THEN 'correction'
                               WHEN {h[2]} < 0.85 THEN 'in_review' ELSE 'awaiting_delivery' END END AS status,
                power({h[3]}, 1.5) * 1.6 * i.promised * interval '1 day' AS took) v
        """,
            {
                "n": n_cases,
                "first": dt.datetime.combine(first_day, dt.time(8), tzinfo=dt.UTC),
                "recent": dt.datetime.combine(today - dt.timedelta(days=20), dt.time(0), tzinfo=dt.UTC),
            },
        )
        cases_seconds = time.perf_counter() - t_cases
        log(f"recreating {len(indexes)} indexes and {len(constraints)} constraints")
        t_idx = time.perf_counter()
        for _name, definition in indexes:
            cur.execute(definition)
        for name, definition in constraints:
            cur.execute(f'ALTER TABLE cases_case ADD CONSTRAINT "{name}" {definition}')
        index_seconds = time.perf_counter() - t_idx
        log(f"seeding {n_appeals:,} appeals")
        t_app = time.perf_counter()
        cur.execute(
            f"""
            INSERT INTO appeals_appeal (number, title, body, appeal_type, urgency, is_complex, channel, status,
                address, district, category, suggested_category, suggested_department, alternatives,
                triage_reason, lead_department_id, auto_dispatched, received_at, dispatched_at, deadline_rule,
                due_at, warn_at, closed_at, reply, rating, reopen_count, merged_automatically, source_device)
            SELECT 'AK' || lpad(g::text, 10, '0'), '诉求' || g, '', 'help', 'normal', false, 'hotline',
                   CASE WHEN s.at < %(recent)s THEN 'closed' ELSE 'handling' END,
                   '', '', '', '', '', '[]'::jsonb, '', d.dept_id, (g * 13) %% 100 < 70, s.at, s.at, '',
                   s.at + interval '7 days', s.at + interval '5 days',
                   CASE WHEN s.at < %(recent)s THEN s.at + ((g * 104729) %% 240) * interval '1 hour' END,
                   '', '', 0, false, ''
            FROM generate_series(1::bigint, %(n)s::bigint) AS g
            JOIN bench_items d ON d.k = (g %% {DEPARTMENTS}) * {ITEMS_PER_DEPARTMENT}
            CROSS JOIN LATERAL (SELECT %(first)s::timestamptz + (g::float8 / %(n)s) * interval '{DAYS} days' AS at) s
        """,
            {
                "n": n_appeals,
                "first": dt.datetime.combine(first_day, dt.time(8), tzinfo=dt.UTC),
                "recent": dt.datetime.combine(today - dt.timedelta(days=20), dt.time(0), tzinfo=dt.UTC),
            },
        )
        appeals_seconds = time.perf_counter() - t_app
        log(f"seeding {n_ratings:,} ratings")
        t_rat = time.perf_counter()
        # One closed case in (cases // ratings) rated, 2 to 74 hours after it closed: 75 % online (the
        # applicant's page or the 办结 notice's link), 15 % from the receipt's QR code, 10 % through the
        # API; one in ten of them rated a second time on the receipt's QR (one rating per case per
        # channel; each counts: docs/evaluation.md). Levels as a county's 好差评 looks: 非常满意 55 %,
        # 满意 27 %, 基本满意 10 %, 不满意 5 %, 非常不满意 3 % (差评 8 %).
        step = max(1, n_cases // max(1, n_ratings) - 1)
        r = [f"(((c.id * {a}) %% 4294967296)::float8 / 4294967296)" for a in (2246822519, 3266489917, 668265263)]
        level = (
            f"CASE WHEN {r[0]} < 0.55 THEN 5 WHEN {r[0]} < 0.82 THEN 4 WHEN {r[0]} < 0.92 THEN 3 "
            f"WHEN {r[0]} < 0.97 THEN 2 ELSE 1 END"
        )
        first_ratings = n_ratings - n_ratings // 10
        cur.execute(
            f"""
            INSERT INTO evaluation_rating (subject, channel, level, grade, indicators, comment, "window", created_at,
                counted, case_id, department_id, item_id)
            SELECT 'case', l.channel, l.lv, CASE WHEN l.lv >= 4 THEN 'good' WHEN l.lv = 3 THEN 'medium' ELSE 'bad' END,
                   '{{}}'::jsonb, '', '', c.closed_at + (2 + 72 * {r[2]}) * interval '1 hour', true, c.id,
                   c.department_id, c.item_id
            FROM cases_case c CROSS JOIN LATERAL (SELECT ({level})::smallint AS lv,
                CASE WHEN {r[1]} < 0.75 THEN 'online' WHEN {r[1]} < 0.9 THEN 'qr' ELSE 'api' END AS channel) l
            WHERE c.status = 'closed' AND c.id %% %(step)s = 0
            ORDER BY c.id LIMIT %(n)s
        """,
            {"step": step, "n": first_ratings},
        )
        cur.execute(
            f"""
            INSERT INTO evaluation_rating (subject, channel, level, grade, indicators, comment, "window", created_at,
                counted, case_id, department_id, item_id)
            SELECT 'case', 'qr', l.lv, CASE WHEN l.lv >= 4 THEN 'good' WHEN l.lv = 3 THEN 'medium' ELSE 'bad' END,
                   '{{}}'::jsonb, '', '', x.created_at + interval '1 day', true, c.id, c.department_id, c.item_id
            FROM evaluation_rating x JOIN cases_case c ON c.id = x.case_id
            CROSS JOIN LATERAL (SELECT ({level.replace("c.id", "(c.id + 1)")})::smallint AS lv) l
            WHERE x.channel <> 'qr' AND x.id %% 7 = 0
            ORDER BY x.id LIMIT %(n)s
        """,
            {"n": n_ratings - first_ratings},
        )
        cur.execute("""
            INSERT INTO evaluation_rectification (status, created_at, due_at, reply, callback_result, callback_note,
                published_outcome, department_id, rating_id, closed_at)
            SELECT CASE WHEN r.id % 5 = 0 THEN 'open' ELSE 'closed' END, r.created_at,
                   r.created_at + interval '21 days', '已整改', '', '', '', r.department_id, r.id,
                   CASE WHEN r.id % 5 = 0 THEN NULL ELSE r.created_at + interval '10 days' END
            FROM evaluation_rating r WHERE r.grade = 'bad'
        """)
        ratings_seconds = time.perf_counter() - t_rat
        log("facts and day rows")
        t_roll = time.perf_counter()
        local = "AT TIME ZONE 'Asia/Shanghai'"
        cur.execute(f"""
            INSERT INTO insights_casefact (case_id, number, department_id, item_id, submitted_day, closed_day,
                online, "window", one_window, automated, materials, shared, licence, same_day, in_time,
                handling_seconds)
            SELECT id, number, department_id, item_id, (submitted_at {local})::date,
                   CASE WHEN status = 'closed' THEN (closed_at {local})::date END,
                   channel = 'online', channel = 'window', channel = 'window' AND id % 4 <> 0, decided_by_rules,
                   id % 5, CASE WHEN id % 5 > 0 THEN (id % 5 + 1) / 2 ELSE 0 END,
                   CASE WHEN id % 5 > 2 THEN 1 ELSE 0 END,
                   status = 'closed' AND (closed_at {local})::date = (submitted_at {local})::date,
                   status = 'closed' AND closed_at <= due_at,
                   CASE WHEN status = 'closed' THEN trunc(extract(epoch FROM closed_at - submitted_at))::bigint ELSE 0 END
            FROM cases_case
        """)
        cur.execute(f"""
            INSERT INTO insights_appealfact (appeal_id, number, department_id, received_day, closed_day,
                dispatched, auto_dispatched, in_time, seconds)
            SELECT id, number, coalesce(lead_department_id, 0), (received_at {local})::date,
                   CASE WHEN status = 'closed' THEN (closed_at {local})::date END,
                   dispatched_at IS NOT NULL, auto_dispatched AND dispatched_at IS NOT NULL,
                   status = 'closed' AND closed_at <= due_at,
                   CASE WHEN status = 'closed' THEN trunc(extract(epoch FROM closed_at - received_at))::bigint ELSE 0 END
            FROM appeals_appeal
        """)
        cur.execute(f"""
            INSERT INTO insights_ratingfact (rating_id, number, department_id, item_id, day, counted, good)
            SELECT r.id, c.number, r.department_id, coalesce(r.item_id, 0), (r.created_at {local})::date, r.counted,
                   r.grade = 'good'
            FROM evaluation_rating r JOIN cases_case c ON c.id = r.case_id
        """)
        cur.execute(f"""
            INSERT INTO insights_rectificationfact (rectification_id, number, department_id, item_id, day, counted,
                closed)
            SELECT x.id, f.number, x.department_id, f.item_id, (x.created_at {local})::date, x.status <> 'cancelled',
                   x.status = 'closed'
            FROM evaluation_rectification x JOIN insights_ratingfact f ON f.rating_id = x.rating_id
        """)
        cur.execute("""
            INSERT INTO insights_dailyrollup (day, department_id, item_id, submitted, online, "window", one_window,
                automated, materials, shared, licence, closed, same_day, in_time, handling_seconds, appeals,
                dispatched, auto_dispatched, appeals_done, appeals_closed, appeals_in_time, appeals_seconds,
                ratings, ratings_good, rectifications, rectified)
            SELECT day, department_id, item_id, sum(submitted), sum(online), sum(win), sum(one_window),
                   sum(automated), sum(materials), sum(shared), sum(licence), sum(closed), sum(same_day),
                   sum(in_time), sum(handling_seconds), sum(appeals), sum(dispatched), sum(auto_dispatched),
                   sum(appeals_done), sum(appeals_closed), sum(appeals_in_time), sum(appeals_seconds),
                   sum(ratings), sum(ratings_good), sum(rectifications), sum(rectified)
            FROM (
                SELECT submitted_day AS day, department_id, item_id, 1 AS submitted, online::int AS online,
                       "window"::int AS win, one_window::int AS one_window, automated::int AS automated,
                       materials, shared, licence, 0 AS closed, 0 AS same_day, 0 AS in_time,
                       0::bigint AS handling_seconds, 0 AS appeals, 0 AS dispatched, 0 AS auto_dispatched,
                       0 AS appeals_done, 0 AS appeals_closed, 0 AS appeals_in_time, 0::bigint AS appeals_seconds,
                       0 AS ratings, 0 AS ratings_good, 0 AS rectifications, 0 AS rectified
                FROM insights_casefact
                UNION ALL
                SELECT closed_day, department_id, item_id, 0, 0, 0, 0, 0, 0, 0, 0, 1, same_day::int, in_time::int,
                       handling_seconds, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
                FROM insights_casefact WHERE closed_day IS NOT NULL
                UNION ALL
                SELECT received_day, department_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, dispatched::int,
                       auto_dispatched::int, (closed_day IS NOT NULL)::int, 0, 0, 0, 0, 0, 0, 0
                FROM insights_appealfact
                UNION ALL
                SELECT closed_day, department_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                       in_time::int, seconds, 0, 0, 0, 0
                FROM insights_appealfact WHERE closed_day IS NOT NULL
                UNION ALL
                SELECT day, department_id, item_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       1, good::int, 0, 0
                FROM insights_ratingfact WHERE counted
                UNION ALL
                SELECT day, department_id, item_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       0, 0, 1, closed::int
                FROM insights_rectificationfact WHERE counted
            ) x GROUP BY day, department_id, item_id
        """)
        rollup_seconds = time.perf_counter() - t_roll
        log("vacuum analyze")
        cur.execute("VACUUM ANALYZE")
        sizes = {}
        for table in (
            "cases_case",
            "appeals_appeal",
            "evaluation_rating",
            "evaluation_rectification",
            "insights_casefact",
            "insights_appealfact",
            "insights_ratingfact",
            "insights_rectificationfact",
            "insights_dailyrollup",
        ):
            cur.execute("SELECT count(*), pg_total_relation_size(%s) FROM " + table, [table])  # noqa: S608 (fixed names)
            rows, size = cur.fetchone()
            sizes[table] = {"rows": rows, "mib": size / 2**20}
    return {
        "cases": n_cases,
        "appeals": n_appeals,
        "ratings": n_ratings,
        "departments": len(departments),
        "items": len(items),
        "seconds": {
            "cases": cases_seconds,
            "case_indexes": index_seconds,
            "appeals": appeals_seconds,
            "ratings": ratings_seconds,
            "facts_and_rollup": rollup_seconds,
            "total": time.perf_counter() - t0,
        },
        "tables": sizes,
        "department_ids": [d.pk for d in departments],
    }


# -------------------------------------------------------------------------------- measurements


def summaries(today: dt.date, repeats: int, rng: random.Random) -> dict[str, Any]:
    from yiwang.core.models import Department
    from yiwang.insights.api import InsightsKpiOut
    from yiwang.insights.selectors import kpi_summary

    departments = list(Department.objects.filter(code__startswith="K"))
    spans = {"week": 7, "month": 30, "quarter": 91, "year": 365, "three_years": DAYS}
    out: dict[str, Any] = {}
    for name, days in spans.items():
        for scope in ("county", "department"):
            times = []
            for _ in range(repeats):
                end = today - dt.timedelta(days=rng.randint(0, max(0, DAYS - days)))
                start = end - dt.timedelta(days=days - 1)
                dept = rng.choice(departments) if scope == "department" else None
                t0 = time.perf_counter()
                kpis = kpi_summary(start=start, end=end, department=dept)
                json.dumps([InsightsKpiOut.model_validate(k.as_dict()).model_dump() for k in kpis])
                times.append(time.perf_counter() - t0)
            out[f"{name}/{scope}"] = ms(times)
    return out


def drill_downs(today: dt.date, repeats: int, rng: random.Random) -> dict[str, Any]:
    from yiwang.core.models import Department
    from yiwang.insights.kpis import DEFINITIONS
    from yiwang.insights.selectors import drill_down

    departments = list(Department.objects.filter(code__startswith="K"))
    out: dict[str, Any] = {}
    for label, offset in (("first page", 0), ("offset 5000", 5000)):
        for scope in ("county", "department"):
            times = []
            for _ in range(repeats):
                d = rng.choice(DEFINITIONS)
                end = today - dt.timedelta(days=rng.randint(30, DAYS - 30))
                start = end - dt.timedelta(days=29)
                dept = rng.choice(departments) if scope == "department" else None
                t0 = time.perf_counter()
                page = drill_down(code=d.code, start=start, end=end, department=dept, limit=50, offset=offset)
                json.dumps(page, default=str)
                times.append(time.perf_counter() - t0)
            out[f"{label}/{scope}"] = ms(times)
    return out


def transitions(world: dict[str, Any], n: int, blocks: int = 20) -> dict[str, Any]:
    """Pairs of blocks with and without the rollup's receivers (ABBA order); per case, per pair, per step."""
    from django.db.models.signals import post_save

    from yiwang.appeals.models import Appeal
    from yiwang.cases.models import Case
    from yiwang.cases.signals import case_recorded
    from yiwang.insights import receivers

    def connect(on: bool) -> None:
        if on:
            case_recorded.connect(receivers.on_case_recorded, sender=Case, dispatch_uid="insights_case_recorded")
            post_save.connect(receivers.on_appeal_saved, sender=Appeal, dispatch_uid="insights_appeal_saved")
        else:
            case_recorded.disconnect(sender=Case, dispatch_uid="insights_case_recorded")
            post_save.disconnect(sender=Appeal, dispatch_uid="insights_appeal_saved")

    per_block = max(1, n // blocks)
    run_cases.service_flows(world, "two", 5)  # warm-up
    arms: dict[str, dict[str, list[float]]] = {"with": {}, "without": {}}
    seconds = {"with": 0.0, "without": 0.0}
    counts = {"with": 0, "without": 0}
    pair_ratios = []
    loads = []
    for p in range(blocks):
        # ABBA: with-then-without, then without-then-with, so a drift of the machine hits both arms alike
        order = ("with", "without") if p % 2 == 0 else ("without", "with")
        per_case = {}
        for arm in order:
            connect(arm == "with")
            r = run_cases.service_flows(world, "two", per_block)
            seconds[arm] += r["seconds"]
            counts[arm] += r["n"]
            per_case[arm] = r["seconds"] / r["n"]
            for step, figures in r["steps"].items():
                arms[arm].setdefault(step, []).append(figures["p50_ms"])
        pair_ratios.append((per_case["with"] / per_case["without"] - 1) * 100)
        loads.append(os.getloadavg()[0])
    connect(True)
    per_case_ms = {arm: seconds[arm] / counts[arm] * 1000 for arm in arms}
    q = statistics.quantiles(pair_ratios, n=4) if len(pair_ratios) > 1 else [pair_ratios[0]] * 3
    return {
        "cases_per_arm": counts,
        "blocks": blocks,
        "ms_per_case": per_case_ms,
        "overhead_pct": (per_case_ms["with"] / per_case_ms["without"] - 1) * 100,
        "pair_overhead_pct": {
            "median": statistics.median(pair_ratios),
            "q1": q[0],
            "q3": q[2],
            "min": min(pair_ratios),
            "max": max(pair_ratios),
        },
        "loadavg_1min": {"min": min(loads), "mean": statistics.mean(loads), "max": max(loads)},
        "step_p50_ms": {arm: {s: statistics.median(v) for s, v in steps.items()} for arm, steps in arms.items()},
    }


# ------------------------------------------------------------------------------------- report


def report(r: dict[str, Any], argv: list[str]) -> str:
    lines = [
        f"## KPI benchmark — {r['when']}",
        "",
        f"Command: `{' '.join(argv)}`; machine: {platform.node()} ({os.cpu_count()} CPUs), "
        f"PostgreSQL {r['db_version'].split(' ')[1]}; load average (1, 5, 15 min) when the lock was taken "
        f"{r['loadavg_start']}, at the end {r['loadavg_end']}.",
        "",
    ]
    s = r["seed"]
    check = s.get("fact_check", {})
    lines += [
        f"Seeded {s['cases']:,} cases, {s['appeals']:,} appeals and {s['ratings']:,} ratings over {s['departments']} departments × "
        f"{s['items'] // s['departments']} items and {DAYS} days in {s['seconds']['total']:.0f} s "
        f"(cases {s['seconds']['cases']:.0f} s, their indexes {s['seconds']['case_indexes']:.0f} s, appeals "
        f"{s['seconds']['appeals']:.0f} s, ratings {s['seconds']['ratings']:.0f} s, facts and day rows {s['seconds']['facts_and_rollup']:.0f} s); "
        f"facts of {check.get('checked', 0):,} sampled cases recomputed by the rollup's code: "
        f"{check.get('mismatches', 'n/a')} mismatches.",
        "",
        "| table | rows | size MiB |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {t} | {v['rows']:,} | {v['mib']:,.0f} |" for t, v in s["tables"].items()]
    lines += [
        "",
        "| KPI summary (all KPIs, JSON) | n | p50 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {k} | {v['n']} | {v['p50_ms']:.1f} | {v['p99_ms']:.1f} | {v['max_ms']:.1f} |"
        for k, v in r["summary"].items()
    ]
    lines += [
        "",
        "| drill-down (50 rows, 30 days) | n | p50 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {k} | {v['n']} | {v['p50_ms']:.1f} | {v['p99_ms']:.1f} | {v['max_ms']:.1f} |" for k, v in r["drill"].items()
    ]
    t = r["transitions"]
    pr, la = t["pair_overhead_pct"], t["loadavg_1min"]
    lines += [
        "",
        f"Case transitions ({t['cases_per_arm']['with']} + {t['cases_per_arm']['without']} two-step cases in "
        f"{t['blocks']} ABBA pairs of blocks): {t['ms_per_case']['with']:.1f} ms per case with the rollup, "
        f"{t['ms_per_case']['without']:.1f} ms without: **{t['overhead_pct']:+.1f} %**; per pair of blocks: median "
        f"{pr['median']:+.1f} %, quartiles {pr['q1']:+.1f} / {pr['q3']:+.1f} %, range {pr['min']:+.1f} to {pr['max']:+.1f} %; "
        f"1-min load average during the pairs {la['min']:.1f}–{la['max']:.1f} (mean {la['mean']:.1f}).",
        "",
        "| step | p50 ms with | p50 ms without |",
        "| --- | ---: | ---: |",
    ]
    lines += [
        f"| {step} | {t['step_p50_ms']['with'][step]:.1f} | {t['step_p50_ms']['without'].get(step, float('nan')):.1f} |"
        for step in t["step_p50_ms"]["with"]
    ]
    return "\n".join(lines)


LOCK = "/tmp/yiwang-bench.lock"


class BenchLock:
    """The machine's benchmark lock (the one ``flock /tmp/yiwang-bench.lock`` takes), held only
    around the timed part; seeding runs outside it. The load average is read once it is held."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.handle: IO[str] | None = None

    def __enter__(self) -> BenchLock:
        if self.enabled:
            import fcntl

            handle = open(LOCK, "a")  # noqa: SIM115 (held until __exit__)
            log(f"waiting for {LOCK}")
            fcntl.flock(handle, fcntl.LOCK_EX)
            self.handle = handle
            log("lock held")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()  # closing the file releases the lock
            self.handle = None
            log("lock released")


def check_facts(sample: int = 2000) -> dict[str, int]:
    """The set-based seeding must produce the facts the rollup's own code would: recompute the fact
    of ``sample`` seeded cases with ``rollup.case_fact`` and compare every field the seeded data
    determines (the material counts and the 一窗 flag come from rows the seeding does not write)."""
    from yiwang.cases.models import Case
    from yiwang.insights.models import CaseFact
    from yiwang.insights.rollup import case_fact

    ids = list(Case.objects.filter(number__startswith="YK").order_by("?").values_list("pk", flat=True)[:sample])
    seeded = {f.case_id: f for f in CaseFact.objects.filter(case_id__in=ids)}
    fields = (
        "department_id",
        "item_id",
        "submitted_day",
        "closed_day",
        "online",
        "window",
        "automated",
        "same_day",
        "in_time",
        "handling_seconds",
    )
    mismatches = 0
    for case in Case.objects.filter(pk__in=ids):
        mine, theirs = case_fact(case, {}, False), seeded.get(case.pk)
        if theirs is None or any(getattr(mine, f) != getattr(theirs, f) for f in fields):
            mismatches += 1
    return {"checked": len(ids), "mismatches": mismatches}


def load_world() -> dict[str, Any]:
    """The world ``build_world`` made, read back (for ``--phase measure`` in a second process)."""
    from django.contrib.auth import get_user_model

    from yiwang.catalog.models import ServiceItem
    from yiwang.core.models import Applicant

    User = get_user_model()
    users = {
        key: User.objects.get(username=name)
        for key, name in (
            ("clerk", "clerk"),
            ("reviewer", "scjg_reviewer"),
            ("decider", "scjg_decider"),
            ("ga", "ga_reviewer"),
            ("zj", "zj_reviewer"),
        )
    }
    applicants = [
        (a.user, a)
        for a in Applicant.objects.filter(user__username__startswith="citizen")
        .select_related("user")
        .order_by("user__username")
    ]
    return {
        "users": users,
        "items": {"two": ServiceItem.objects.get(code=run_cases.TWO_STEP)},
        "applicants": applicants,
    }


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--transitions", type=int, default=400, help="two-step cases per arm")
    parser.add_argument("--blocks", type=int, default=20, help="alternating blocks per arm")
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument(
        "--phase",
        choices=("all", "seed", "measure"),
        default="all",
        help="seed: make and seed the database, keep it; measure: time an existing one",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (default: dropped at the end)")
    parser.add_argument(
        "--no-lock", action="store_true", help=f"do not take {LOCK} around the timed part (when the caller holds it)"
    )
    args = parser.parse_args()
    if args.phase != "measure":
        run_cases.fresh_database("postgres")
    for key, value in run_cases.child_env("postgres").items():
        os.environ[key] = value
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from yiwang.core.calendar import local_date

    seed_file = run_cases.VAR_BENCH / f"{run_cases.PG_DB}.seed.json"
    result: dict[str, Any] = {"when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "args": vars(args)}
    keep = args.keep or args.phase == "seed"
    try:
        with connection.cursor() as cur:
            cur.execute("select version()")
            result["db_version"] = cur.fetchone()[0]
        today = local_date(timezone.now())
        if args.phase == "measure":
            seeded = json.loads(seed_file.read_text())
            result["seed"], today = seeded["seed"], dt.date.fromisoformat(seeded["today"])
            world = load_world()
        else:
            result["loadavg_seed_start"] = loadavg()
            log("migrate")
            call_command("migrate", verbosity=0)
            call_command("load_calendar", verbosity=0)  # the statutory holidays, as a deployment loads them
            world = build_world(8)
            result["seed"] = seed(args.cases, args.appeals, args.ratings, today)
            result["seed"]["fact_check"] = check_facts()
            log(f"fact check: {result['seed']['fact_check']}")
            result["loadavg_seed_end"] = loadavg()
            seed_file.parent.mkdir(parents=True, exist_ok=True)
            seed_file.write_text(json.dumps({"seed": result["seed"], "today": today.isoformat()}, default=str))
        if args.phase != "seed":
            rng = random.Random(13)
            with BenchLock(not args.no_lock):
                result["loadavg_start"] = loadavg()
                log("summaries")
                result["summary"] = summaries(today, args.repeats, rng)
                log("drill-downs")
                result["drill"] = drill_downs(today, max(20, args.repeats // 4), rng)
                log("transitions")
                result["transitions"] = transitions(world, args.transitions, args.blocks)
                result["loadavg_end"] = loadavg()
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / f"insights_kpi-{int(time.time())}.json").write_text(json.dumps(result, indent=1, default=str))
            print(report(result, sys.argv))
        else:
            print(json.dumps(result, indent=1, default=str))
    finally:
        connection.close()
        if not keep:
            import psycopg

            with psycopg.connect(run_cases.PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{run_cases.PG_DB}" WITH (FORCE)')
            seed_file.unlink(missing_ok=True)
            log(f"dropped {run_cases.PG_DB}")


if __name__ == "__main__":
    main()
