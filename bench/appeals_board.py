"""The command board (应急指挥) and its hot topics at 1 million appeals on PostgreSQL.

    flock /tmp/yiwang-bench.lock .venv/bin/python bench/appeals_board.py [--appeals 1000000] [--calls 30] [--keep]

A scratch database (``BENCH_PG_DB``, default ``yiwang_bench_board``) is dropped, migrated and filled
with ``INSERT … SELECT generate_series`` (no Python per row): ``--appeals`` appeals received evenly
over the last ``--days`` (95: about 74,000 in each of the last two weeks), titles and texts combined
from 40 places × 36 matters × 12 phrasings, six towns with points, categories and departments;
appeals older than 15 days closed but 2 % (left overdue), newer ones 40 % handling and 3 % waiting
for dispatch; 5 % urgent, 2 % emergencies, 10 % events. It is dropped at the end unless ``--keep``.

Measured, in one run, ``--calls`` times each after one warm-up call:
1. **board**: ``yiwang.appeals.board.board(now)`` serialised through the API's ``BoardOut`` schema
   (what ``GET /api/v1/appeals/board`` does after the permission check), with the board's three
   partial indexes, and its parts alone; then the same **without** the indexes (the baseline);
2. **hot topics read**: ``hot_topics.latest()`` (what the board reads per request);
3. **hot topics refresh**: ``hot_topics.refresh(now)`` (the job: clustering the last 7 days against
   the 7 before), ``--refreshes`` times: the staleness a 10-minute schedule gives is its duration
   plus up to 10 minutes.
Goal (issue #11): board and hot-topics query under 500 ms (p50 and p99)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "yiwang_bench_board")
KEYS = {"YIWANG_SM4_KEYS": "bench1:0123456789abcdeffedcba9876543210", "YIWANG_BLIND_INDEX_KEY": "5a" * 32,
        "DEBUG": "0", "DEMO_MODE": "1", "SECRET_KEY": "bench-secret-key-" + "x" * 40}

PLACES = ["人民路", "解放路", "建设路", "中山路", "新华街", "文化路", "青年路", "东湖路", "滨江路", "学院路",
          "幸福小区", "阳光花园", "锦绣家园", "翠苑小区", "东方名城", "城南新村", "白沙村", "石桥村", "南塘村",
          "青山村", "县医院", "实验小学", "第二中学", "汽车站", "菜市场", "体育馆", "工业园", "火车站",
          "人民公园", "图书馆", "老街", "步行街", "城北路口", "县政府门口", "江滨公园", "开发区", "大润发超市",
          "万达广场", "农贸市场", "新城小区"]
MATTERS = [  # (what people say, category, department)
    ("地下通道积水很深过不去", "城乡建设", "ZJ"), ("路灯不亮晚上很黑", "城乡建设", "ZJ"),
    ("下水道堵塞污水外溢", "城乡建设", "ZJ"), ("违章搭建占用消防通道", "城乡建设", "ZJ"),
    ("停水没有提前通知", "城乡建设", "ZJ"), ("井盖丢失很危险", "城乡建设", "ZJ"),
    ("老旧小区加装电梯进度慢", "城乡建设", "ZJ"), ("道路破损坑洼不平", "城乡建设", "ZJ"),
    ("工地拖欠农民工工资", "劳动和社会保障", "RS"), ("社保转移手续办理难", "劳动和社会保障", "RS"),
    ("公司不签劳动合同", "劳动和社会保障", "RS"), ("失业金申领不到", "劳动和社会保障", "RS"),
    ("学校门口接送拥堵", "教育文体", "JY"), ("幼儿园收费太高", "教育文体", "JY"),
    ("课后托管没人管", "教育文体", "JY"), ("体育馆不对外开放", "教育文体", "JY"),
    ("超市卖过期食品", "商贸旅游", "SCJG"), ("商家虚假宣传", "商贸旅游", "SCJG"),
    ("预付卡商家跑路", "商贸旅游", "SCJG"), ("景区门票乱涨价", "商贸旅游", "SCJG"),
    ("工厂夜里偷排废气", "环境保护", "HB"), ("河道漂浮垃圾发臭", "环境保护", "HB"),
    ("餐馆油烟扰民", "环境保护", "HB"), ("工地夜间施工噪音", "环境保护", "HB"),
    ("广场舞音响太吵", "环境保护", "HB"), ("垃圾桶满了没人清运", "环境保护", "HB"),
    ("医院挂号排队太久", "卫生计生", "WJ"), ("疫苗预约约不上", "卫生计生", "WJ"),
    ("诊所无证行医", "卫生计生", "WJ"), ("药店药价太贵", "卫生计生", "WJ"),
    ("公交车班次太少", "交通运输", "JT"), ("出租车拒载绕路", "交通运输", "JT"),
    ("红绿灯时间太短", "交通运输", "JT"), ("电动车乱停占道", "交通运输", "JT"),
    ("客运站秩序混乱", "交通运输", "JT"), ("路边乱停车堵路", "交通运输", "JT"),
]
PHRASINGS = ["{p}{m}", "{p}那边{m}，希望尽快处理", "您好，我反映一下{p}{m}的问题", "{m}！{p}已经好几天了",
             "{p}附近{m}，多次反映没人管", "请相关部门看看{p}，{m}", "{p} {m} 急", "我住在{p}，{m}，影响生活",
             "{m}（{p}）", "又是{p}，{m}，什么时候能解决", "{p}一带{m}，居民意见很大", "网格员上报：{p}{m}"]
TOWNS = [("城关镇", 0, 0), ("东湖街道", 1, 0), ("青山镇", 2, 0), ("南塘镇", 0, 1), ("石桥乡", 1, 1), ("白沙镇", 2, 1)]


def load() -> float:
    return round(os.getloadavg()[0], 2)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def prepare() -> None:
    import psycopg

    os.environ.update(KEYS)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')
    os.environ["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def drop() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def seed(appeals: int, days: int, now: dt.datetime) -> float:
    """Insert the appeals with one INSERT … SELECT generate_series; returns seconds."""
    from django.db import connection

    from yiwang.appeals import geo

    places = "(ARRAY[" + ",".join(f"'{p}'" for p in PLACES) + "])"
    matters = "(ARRAY[" + ",".join(f"'{m}'" for m, _c, _d in MATTERS) + "])"
    cats = "(ARRAY[" + ",".join(f"'{c}'" for _m, c, _d in MATTERS) + "])"
    deps = "(ARRAY[" + ",".join(f"'{d}'" for _m, _c, d in MATTERS) + "])"
    phrasings = "(ARRAY[" + ",".join(f"'{p}'" for p in PHRASINGS) + "])"
    towns = "(ARRAY[" + ",".join(f"'{t}'" for t, _c, _r in TOWNS) + "])"
    cols = "(ARRAY[" + ",".join(str(c) for _t, c, _r in TOWNS) + "])"
    rows = "(ARRAY[" + ",".join(str(r) for _t, _c, r in TOWNS) + "])"
    width, height = (geo.EAST - geo.WEST) / 3, (geo.NORTH - geo.SOUTH) / 2
    sql = f"""
    WITH g AS (
      SELECT i,
             %(now)s::timestamptz - (i::float8 / %(n)s * %(days)s) * interval '1 day' AS received,
             1 + (hashint4(i) & 2147483647) %% {len(PLACES)} AS p,
             1 + (hashint4(i + 7) & 2147483647) %% {len(MATTERS)} AS m,
             1 + (hashint4(i + 13) & 2147483647) %% {len(PHRASINGS)} AS f,
             1 + (hashint4(i + 17) & 2147483647) %% 6 AS t,
             ((hashint4(i + 23) & 2147483647) %% 10000) / 10000.0 AS u1,
             ((hashint4(i + 29) & 2147483647) %% 10000) / 10000.0 AS u2,
             ((hashint4(i + 31) & 2147483647) %% 10000) / 10000.0 AS u3
      FROM generate_series(1, %(n)s) AS i
    ), h AS (
      SELECT g.*,
             CASE WHEN u3 < 0.02 THEN 'emergency' WHEN u3 < 0.07 THEN 'urgent' ELSE 'normal' END AS urgency,
             CASE WHEN received > %(now)s::timestamptz - interval '15 days'
                  THEN CASE WHEN u1 < 0.03 THEN 'triage' WHEN u1 < 0.43 THEN 'handling' ELSE 'closed' END
                  ELSE CASE WHEN u1 < 0.02 THEN 'handling' ELSE 'closed' END END AS status
      FROM g
    ), d AS (
      SELECT h.*, received + CASE WHEN urgency = 'emergency' THEN interval '2 hours'
                                  WHEN u2 < 0.3 THEN interval '1 day' ELSE interval '7 days' END AS due
      FROM h
    )
    INSERT INTO appeals_appeal (number, title, body, appeal_type, urgency, is_complex, channel, status,
        latitude, longitude, address, district, category, suggested_category, suggested_department,
        confidence, alternatives, triage_reason, auto_dispatched, received_at, dispatched_at, deadline_rule,
        due_at, warn_at, closed_at, reply, rating, reopen_count, merged_automatically, source_device)
    SELECT to_char(received, 'YYYYMMDD') || lpad(i::text, 9, '0'),
           {places}[p] || {matters}[m],
           replace(replace({phrasings}[f], '{{p}}', {places}[p]), '{{m}}', {matters}[m]),
           CASE WHEN u2 < 0.1 THEN 'event' WHEN u2 < 0.5 THEN 'complaint' ELSE 'help' END,
           urgency, false,
           (ARRAY['hotline','hotline','portal','grid','open311','sensor'])[1 + (i %% 6)],
           status,
           {geo.NORTH} - ({rows}[t] + u1) * {height}, {geo.WEST} + ({cols}[t] + u2) * {width},
           {towns}[t], {towns}[t],
           CASE WHEN status = 'triage' THEN '' ELSE {cats}[m] END, {cats}[m], {deps}[m],
           0.5 + u3 / 2, '[]'::jsonb, CASE WHEN status = 'triage' THEN 'low_confidence' ELSE '' END,
           status <> 'triage', received, CASE WHEN status = 'triage' THEN NULL ELSE received END, 'general',
           due, due - (due - received) / 5,
           CASE WHEN status = 'closed' THEN received + (due - received) * (0.2 + u1) END,
           '', '', 0, false, ''
    FROM d
    """
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "n": appeals, "days": days})
        # what autovacuum does to a table in service: statistics and the visibility map (index-only scans)
        cursor.execute("VACUUM ANALYZE appeals_appeal")
    return time.perf_counter() - started


def timed(fn, calls: int) -> dict[str, float]:
    fn()  # warm-up: plans, caches
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(pct(times, 0.5), 1), "p99_ms": round(pct(times, 0.99), 1),
            "max_ms": round(max(times), 1), "calls": calls}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=95)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--refreshes", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    report = {"machine": f"{platform.node()} {os.cpu_count()} cores", "started": started.isoformat(),
              "load_start": load(), "appeals": args.appeals}
    prepare()
    from django.db import connection
    from django.utils import timezone

    from yiwang.appeals import board, hot_topics
    from yiwang.appeals.api import BoardOut
    from yiwang.appeals.models import Appeal

    now = timezone.now()
    try:
        report["seed_s"] = round(seed(args.appeals, args.days, now), 1)
        report["open"] = Appeal.objects.filter(status__in=["triage", "handling"]).count()
        report["last_7_days"] = Appeal.objects.filter(received_at__gte=now - dt.timedelta(days=7)).count()

        def board_call() -> None:
            BoardOut.model_validate(board.board(now)).model_dump_json()

        refresh_times = []
        for _ in range(args.refreshes):
            t0 = time.perf_counter()
            snapshot = hot_topics.refresh(now=now)
            refresh_times.append(time.perf_counter() - t0)
        report["refresh_s"] = [round(s, 1) for s in refresh_times]
        report["topics"] = [(t["label"], t["count"], t["previous"]) for t in snapshot.topics]
        report["considered"] = snapshot.considered
        report["load_before_board"] = load()
        report["board"] = timed(board_call, args.calls)
        report["parts"] = {  # where the board's time goes
            "counts_and_heat": timed(lambda: board._heat(now), max(5, args.calls // 3)),
            "overdue": timed(lambda: board.overdue(now), max(5, args.calls // 3)),
            "points": timed(lambda: board.points(now), max(5, args.calls // 3)),
            "received_and_closed_24h": timed(lambda: (
                Appeal.objects.filter(received_at__gte=now - dt.timedelta(hours=24), received_at__lte=now).count(),
                Appeal.objects.filter(closed_at__gte=now - dt.timedelta(hours=24), closed_at__lte=now).count()),
                max(5, args.calls // 3)),
        }
        report["hot_topics_read"] = timed(hot_topics.latest, args.calls)
        # baseline: the same board without its partial indexes
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX appeal_open_due_idx; DROP INDEX appeal_open_board_idx; "
                           "DROP INDEX appeal_closed_at_idx; ANALYZE appeals_appeal")
        report["board_without_indexes"] = timed(board_call, max(5, args.calls // 3))
        report["load_end"] = load()
    finally:
        if not args.keep:
            drop()
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"appeals-board-{started:%Y%m%dT%H%M%S}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False))
    b, w, r = report["board"], report["board_without_indexes"], report["hot_topics_read"]
    print(f"## Command board at {args.appeals:,} appeals (PostgreSQL, {started:%Y-%m-%d %H:%M} UTC, "
          f"{report['machine']}, load {report['load_start']} → {report['load_end']})\n")
    print(f"Seeded in {report['seed_s']} s; {report['open']:,} open; {report['last_7_days']:,} in the last 7 days.\n")
    print("| query | p50 | p99 | max | goal |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| board (with the partial indexes), {b['calls']} calls | {b['p50_ms']} ms | {b['p99_ms']} ms | {b['max_ms']} ms | < 500 ms |")
    print(f"| board without them (baseline), {w['calls']} calls | {w['p50_ms']} ms | {w['p99_ms']} ms | {w['max_ms']} ms | |")
    print(f"| hot topics read (snapshot), {r['calls']} calls | {r['p50_ms']} ms | {r['p99_ms']} ms | {r['max_ms']} ms | < 500 ms |")
    print("\nParts (p50 / p99): " + "; ".join(f"{k} {v['p50_ms']} / {v['p99_ms']} ms" for k, v in report["parts"].items()))
    print(f"\nHot-topics refresh (clustering {report['considered']:,} texts against the week before): "
          f"{', '.join(f'{s} s' for s in report['refresh_s'])}.\n")
    print("Topics: " + "; ".join(f"{label} {count} (prev. {prev})" for label, count, prev in report["topics"]))


if __name__ == "__main__":
    main()
