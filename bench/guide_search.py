"""Benchmark of guide search (智能导办) on the demo county's catalogue.

    .venv/bin/python bench/guide_search.py [--split all|dev|heldout|blind] [--misses] [--speed-rounds 20]

What it does, in one run:
1. migrates a scratch SQLite database and seeds it with ``seed_core()`` + ``seed_catalog()`` (the
   305 demo items of 23 departments, their materials, and the 10 一件事 packages, which the index
   holds too but answers apart: the figures here are of the items);
2. asks every question of ``yiwang/intelligence/data/guide_questions.json`` (102 questions written
   for that catalogue, each with the items a good answer may show) through the service
   ``guide_search`` and reports hit@1, hit@3, hit@5, MRR (of the first expected item found) and
   recall@5 (share of all expected items in the top 5), for the dev half, the held-out half and both;
3. runs the same questions through the baselines, on the same database: the catalogue's own
   substring search ``yiwang.catalog.selectors.search_items`` (what ``GET /api/v1/items?q=`` and the
   办事大厅 page do) given the whole question, the same search given each jieba word of the question in
   turn (items ranked by how many words found them), and the guide search without its synonym
   table (jieba + BM25F over the catalogue's own keywords only);
4. speed: every question ``--speed-rounds`` times through ``guide_search`` (index cached, so each
   call includes the signature query and the page's item query), the same through
   ``search_items``, and the time to build the index and to load jieba.

The synonym table and the weights were tuned on the dev half only; the held-out half was written in
the same sitting (before the engine) and is reported as it came out. Results go to stdout and to
``bench/results/guide_search-<time>.json`` (ignored by git).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
QUESTIONS = REPO / "yiwang" / "intelligence" / "data" / "guide_questions.json"
# 120 questions written blind (never seeing the catalogue or the code), mapped to catalogue items by
# bench/blind_mapping.py; a question whose service the catalogue lacks has no expected item and is a miss.
BLIND = REPO / "yiwang" / "intelligence" / "data" / "county_questions_blind.json"


def metrics(rankings: list[list[str]], questions: list[dict]) -> dict:
    n = len(questions)
    hit = {k: 0 for k in (1, 3, 5)}
    rr = 0.0
    recall5 = 0.0
    for ranked, q in zip(rankings, questions, strict=True):
        expected = set(q["expected"])
        for k in hit:
            hit[k] += any(name in expected for name in ranked[:k])
        first = next((i for i, name in enumerate(ranked) if name in expected), None)
        rr += 1 / (first + 1) if first is not None else 0.0
        recall5 += len(expected & set(ranked[:5])) / len(expected) if expected else 0.0
    return {"n": n, **{f"hit@{k}": round(v / n, 3) for k, v in hit.items()}, "mrr": round(rr / n, 3),
            "recall@5": round(recall5 / n, 3)}


def substring_per_word(text: str, search_items) -> list[str]:
    """A generous baseline: ``search_items`` once per jieba word (2+ characters) of the question, items
    ranked by how many words found them (the catalogue search fed word by word, no synonyms)."""
    import jieba

    hits: dict[str, int] = {}
    order: dict[str, int] = {}
    for word in dict.fromkeys(w for w in jieba.lcut(text) if len(w.strip()) >= 2):
        for i, name in enumerate(search_items(word).values_list("name", flat=True)):
            hits[name] = hits.get(name, 0) + 1
            order.setdefault(name, i)
    return sorted(hits, key=lambda name: (-hits[name], order[name]))[:10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("all", "dev", "heldout", "blind"), default="all",
                        help="Questions whose misses are listed; with dev, held-out figures are not printed (for tuning).")
    parser.add_argument("--misses", action="store_true", help="List every miss with its top 3.")
    parser.add_argument("--speed-rounds", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="yiwang-bench-guide-")
    os.environ["YIWANG_VAR_DIR"] = tmp.name
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yiwang.catalog.demo import seed_catalog
    from yiwang.catalog.selectors import search_items
    from yiwang.core.demo import seed_core

    started = time.perf_counter()
    seed_core()
    seed_catalog()
    seed_seconds = time.perf_counter() - started

    import jieba

    from yiwang.intelligence import search

    started = time.perf_counter()
    jieba.dt.check_initialized()
    search.tokenizer()
    jieba_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index = search.current_index()
    build_seconds = time.perf_counter() - started

    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    blind = [{"question": q["question"], "expected": q["expected_items"], "named": q["expected"], "split": "blind",
              "life_event": q.get("life_event")} for q in json.loads(BLIND.read_text(encoding="utf-8"))["questions"]]
    splits = {"dev": [q for q in questions if q["split"] == "dev"],
              "heldout": [q for q in questions if q["split"] == "heldout"], "all": questions, "blind": blind}
    questions = questions + blind  # every system answers all; "all" stays dev + held-out

    systems = {
        "guide_search": lambda text: [h.item.name for h in search.guide_search(text, limit=10).hits],
        "guide_search_without_synonyms": lambda text: [
            h.item.name for h in search.guide_search(text, limit=10, synonyms=False).hits],
        "baseline_substring_search_items": lambda text: list(search_items(text)[:10].values_list("name", flat=True)),
        "baseline_substring_per_word": lambda text: substring_per_word(text, search_items),
    }
    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": os.getloadavg()},
        "catalogue": {"items": sum(1 for i in index.items if i.kind == "item"),
                      "packages": sum(1 for i in index.items if i.kind == "package"), "seed_seconds": round(seed_seconds, 2)},
        "questions": {name: len(qs) for name, qs in splits.items()},
        "quality": {},
    }
    rankings: dict[str, list[list[str]]] = {}
    for name, system in systems.items():
        rankings[name] = [system(q["question"]) for q in questions]
        by_question = dict(zip((q["question"] for q in questions), rankings[name], strict=True))
        results["quality"][name] = {
            split: metrics([by_question[q["question"]] for q in qs], qs) for split, qs in splits.items()}

    n_packages = sum(1 for i in index.items if i.kind == "package")
    print(f"catalogue: {len(index) - n_packages} active items and {n_packages} packages; questions: dev {len(splits['dev'])}, "
          f"held-out {len(splits['heldout'])}, blind {len(blind)} ({sum(not q['expected'] for q in blind)} whose "
          "service the catalogue lacks: misses)")
    print(f"{'system':34} {'split':8} {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} {'MRR':>6} {'rec@5':>6}")
    for name, per_split in results["quality"].items():
        for split, m in per_split.items():
            if (args.split == "dev" and split != "dev") or (split == "blind" and args.split not in ("blind", "all")):
                continue  # tuning: do not look at the held-out half
            print(f"{name:34} {split:8} {m['hit@1']:6.3f} {m['hit@3']:6.3f} {m['hit@5']:6.3f} {m['mrr']:6.3f} "
                  f"{m['recall@5']:6.3f}")

    misses = []
    for q, ranked in zip(questions, rankings["guide_search"], strict=True):
        if not any(name in q["expected"] for name in ranked[:3]):
            misses.append({"question": q["question"], "split": q["split"], "expected": q["expected"] or q.get("named"),
                           "top3": ranked[:3], "service_missing": not q["expected"]})
    results["misses_at_3"] = misses
    shown = [m for m in misses if (args.split == "all" and m["split"] != "blind") or m["split"] == args.split]
    if args.split == "blind":
        shown = [m for m in misses if m["split"] == "blind"]
    print(f"\nmisses at 3 (guide_search): {len(shown)} of {len(splits[args.split])} ({args.split})"
          + (f"; listed: {args.split}" if args.misses else " (--misses to list them)"))
    if args.misses:
        for m in shown:
            lacks = " (the catalogue has no such service)" if m["service_missing"] else ""
            print(f"  [{m['split']}] {m['question']}\n      expected {m['expected'][:3]}{lacks}\n      got      {m['top3']}")

    if args.split == "blind":
        from bench.blind_mapping import LIFE_EVENTS

        events = [q for q in blind if q["life_event"]]
        found = [q for q in events if LIFE_EVENTS.get(q["life_event"]) in
                 [p.package.name for p in search.guide_search(q["question"], limit=10).packages]]
        results["blind_life_events"] = {"questions": len(events), "package_shown": len(found),
                                        "not_shown": [q["question"] for q in events if q not in found]}
        print(f"\nblind life-event questions: the named 一件事 package shown for {len(found)} of {len(events)}")
        for q in events:
            if q not in found:
                print(f"  package not shown: {q['question']} ({q['life_event']})")

    texts = [q["question"] for q in questions if q["split"] != "blind"]

    def rate(fn) -> dict:
        calls = 0
        started = time.perf_counter()
        cpu = time.process_time()
        for _round in range(args.speed_rounds):
            for text in texts:
                fn(text)
                calls += 1
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        return {"calls": calls, "queries_per_s": round(calls / wall, 1), "ms_per_query": round(wall / calls * 1000, 3),
                "cpu_ms_per_query": round(cpu / calls * 1000, 3)}

    results["speed"] = {
        "guide_search": rate(systems["guide_search"]),
        "baseline_substring_search_items": rate(systems["baseline_substring_search_items"]),
        "index_build_ms": round(build_seconds * 1000, 1),
        "jieba_load_s": round(jieba_seconds, 2),
    }
    started = time.perf_counter()
    for _ in range(5):
        search.GuideIndex(search.catalogue_rows())
    results["speed"]["index_rebuild_ms"] = round((time.perf_counter() - started) / 5 * 1000, 1)
    s = results["speed"]
    print(f"\nspeed: guide_search {s['guide_search']['queries_per_s']} q/s ({s['guide_search']['ms_per_query']} ms, "
          f"CPU {s['guide_search']['cpu_ms_per_query']} ms); substring search_items "
          f"{s['baseline_substring_search_items']['queries_per_s']} q/s; index build {s['index_build_ms']} ms "
          f"(rebuild {s['index_rebuild_ms']} ms); jieba load {s['jieba_load_s']} s")
    results["machine"]["load_average_at_end"] = os.getloadavg()
    print(f"load average: start {results['machine']['load_average_at_start']}, end {results['machine']['load_average_at_end']}")

    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"guide_search-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"results: {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
