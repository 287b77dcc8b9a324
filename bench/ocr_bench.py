#!/usr/bin/env python
"""Material pre-review benchmark: OCR + field extraction on a rendered test set with known truth.

    .venv/bin/python bench/ocr_bench.py [--n 320] [--compare-n 60] [--save DIR]

Renders ``--n`` samples (``bench/ocr_fixtures/generate.py``: ID cards, business licences, food
permits, application forms; deterministic from the seed, never committed), each as a clean PNG and
as a degraded JPEG (rotation, blur, noise, uneven light, lower resolution, JPEG quality 30–75),
runs them through ``yiwang.intelligence.ocr.read_document`` and ``prereview.review`` exactly as
the background task does, and reports, per variant:

* field-level precision and recall (a field counts as right only when the value read equals the
  ground truth exactly), per field and per layout;
* findings (mismatch, invalid check digit, expired) against the anomalies planted in the set;
* seconds per page (OCR only, and file-to-findings), p50 / p95 / mean, after one warm-up page.

Comparison in the same run: the engine's default detector settings (``det_limit_type='min'``,
736) against the configured ones, on ``--compare-n`` degraded samples spread over the set, in one
process, interleaved sample by sample: its seconds per page are the timing figures to quote (the
accuracy passes run ``--jobs`` processes side by side, which inflates their wall times).

Needs the Debian font packages named in ``generate.py``. Results: Markdown on stdout, JSON in
bench/results/. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")

import django  # noqa: E402

django.setup()

from bench.ocr_fixtures.generate import TODAY, Sample, make_samples, missing_font_packages, render_bytes  # noqa: E402
from yiwang.intelligence import ocr, prereview  # noqa: E402

SCORED_FINDINGS = {"field_mismatch", "invalid_check_digit", "expired"}


class Tally:
    def __init__(self) -> None:
        self.tp: dict[str, int] = defaultdict(int)
        self.fp: dict[str, int] = defaultdict(int)
        self.fn: dict[str, int] = defaultdict(int)

    def add(self, key: str, truth: str | None, got: str | None) -> bool:
        ok = truth is not None and got == truth
        if ok:
            self.tp[key] += 1
        else:
            if got is not None:
                self.fp[key] += 1
            if truth is not None:
                self.fn[key] += 1
        return ok

    def keys(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def pr(self, key: str | None = None) -> tuple[float, float, int, int, int]:
        keys = [key] if key else self.keys()
        tp = sum(self.tp[k] for k in keys)
        fp = sum(self.fp[k] for k in keys)
        fn = sum(self.fn[k] for k in keys)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        return precision, recall, tp, fp, fn


def pct(v: float) -> str:
    return f"{v * 100:.1f} %"


_engine: Any = None
_samples: list[Sample] = []


def _init_worker(engine_options: dict[str, Any], n: int, seed: int) -> None:
    global _engine, _samples
    _engine = ocr.RapidOcrEngine(**engine_options)
    _samples = make_samples(n, seed)  # deterministic: the same set as the parent's


def score_sample(job: tuple[int, str, Path | None]) -> dict[str, Any]:
    """OCR and review one rendered sample; the raw outcome, merged by ``run_variant``."""
    index, variant, save = job
    s = _samples[index]
    data, info = render_bytes(s, variant)
    if save:
        save.mkdir(parents=True, exist_ok=True)
        (save / f"{s.id}_{s.layout}_{variant}.{'png' if variant == 'clean' else 'jpg'}").write_bytes(data)
    profile = prereview.get_profile(s.profile)
    out: dict[str, Any] = {"sample": s.id, "layout": s.layout, "info": info, "fields": [], "findings": [],
                           "ocr_seconds": [], "cpu_seconds": [], "total_seconds": None, "failure": None}
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        doc = ocr.read_document(data, engine=_engine)
    except ocr.OcrError as exc:
        out["failure"] = {"id": s.id, "code": exc.code, "message": exc.message}
        out["fields"] = [(key, s.truth.get(key), None, None) for key in profile.field_keys()]
        return out
    extracted, findings = prereview.review(doc, profile, prereview.Expected(**s.expected), today=TODAY)
    out["total_seconds"] = time.perf_counter() - t0
    out["cpu_seconds"] = [(time.process_time() - c0) / max(1, len(doc.pages))] * len(doc.pages)
    out["ocr_seconds"] = [p.seconds for p in doc.pages]
    for key in profile.field_keys():
        got = extracted.get(key)
        out["fields"].append((key, s.truth.get(key), got.value if got else None, got.source if got else None))
    predicted = {(f.kind, f.field) for f in findings if f.kind in SCORED_FINDINGS}
    out["findings"] = [(item[0], item in s.anomalies, item in predicted) for item in predicted | s.anomalies]
    return out


def run_variant(samples: list[Sample], indices: list[int], variant: str, engine_options: dict[str, Any], *,
                jobs: int, save: Path | None, seed: int) -> dict[str, Any]:
    work = [(i, variant, save) for i in indices]
    if jobs > 1:
        with mp.get_context("fork").Pool(jobs, initializer=_init_worker,
                                         initargs=(engine_options, len(samples), seed)) as pool:
            outcomes = []
            for o in pool.imap(score_sample, work, chunksize=2):
                outcomes.append(o)
                if len(outcomes) % 40 == 0:
                    print(f"{variant}: {len(outcomes)}/{len(work)}", file=sys.stderr, flush=True)
    else:
        _init_worker(engine_options, len(samples), seed)
        score_sample(work[0])  # warm-up, not counted
        outcomes = [score_sample(job) for job in work]
    return merge(outcomes)


def merge(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    fields, finds = Tally(), Tally()
    by_layout: defaultdict[str, Tally] = defaultdict(Tally)
    ocr_seconds, cpu_seconds, total_seconds, errors, failures = [], [], [], [], []
    for o in outcomes:
        if o["failure"]:
            failures.append(o["failure"])
        else:
            total_seconds.append(o["total_seconds"])
        ocr_seconds += o["ocr_seconds"]
        cpu_seconds += o["cpu_seconds"]
        for key, truth, got, source in o["fields"]:
            fields.add(key, truth, got)
            by_layout[o["layout"]].add(key, truth, got)
            if truth != got:
                errors.append({"id": o["sample"], "layout": o["layout"], "field": key, "truth": truth, "got": got,
                               "source": source, **o["info"]})
        for kind, planted, predicted in o["findings"]:
            finds.add(kind, "x" if planted else None, "x" if predicted else None)
    return {"fields": fields, "by_layout": by_layout, "findings": finds, "ocr_seconds": ocr_seconds,
            "cpu_seconds": cpu_seconds, "total_seconds": total_seconds, "errors": errors, "failures": failures}


def run_compare(samples: list[Sample], indices: list[int], configs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each config on the same degraded samples in one process, interleaved sample by sample (the
    order alternating), so that whatever else the machine does weighs on every config alike."""
    global _engine, _samples
    _samples = samples
    engines = {name: ocr.RapidOcrEngine(**options) for name, options in configs.items()}
    outcomes: dict[str, list[dict[str, Any]]] = {name: [] for name in configs}
    for engine in engines.values():  # warm-up, not counted
        _engine = engine
        score_sample((indices[0], "degraded", None))
    for k, index in enumerate(indices):
        order = list(engines) if k % 2 == 0 else list(reversed(engines))
        for name in order:
            _engine = engines[name]
            outcomes[name].append(score_sample((index, "degraded", None)))
    return {name: merge(outs) for name, outs in outcomes.items()}


def timing(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "mean": 0.0}
    values = sorted(values)
    return {"p50": statistics.median(values), "p95": values[min(len(values) - 1, int(len(values) * 0.95))],
            "mean": statistics.fmean(values)}


def report(name: str, r: dict[str, Any], n: int) -> list[str]:
    out = [f"### {name} ({n} images)", ""]
    p, rc, tp, fp, fn = r["fields"].pr()
    t_ocr, t_all, t_cpu = timing(r["ocr_seconds"]), timing(r["total_seconds"]), timing(r["cpu_seconds"])
    out.append(f"Fields: **precision {pct(p)}, recall {pct(rc)}** (right {tp}, wrong or extra {fp}, missed {fn}); "
               f"OCR failures {len(r['failures'])}.")
    out.append(f"Seconds per page, OCR: p50 {t_ocr['p50']:.2f}, p95 {t_ocr['p95']:.2f}, mean {t_ocr['mean']:.2f}; "
               f"file to findings: p50 {t_all['p50']:.2f}, p95 {t_all['p95']:.2f}, mean {t_all['mean']:.2f}; "
               f"CPU seconds per page: p50 {t_cpu['p50']:.2f}, p95 {t_cpu['p95']:.2f}, mean {t_cpu['mean']:.2f}.")
    out += ["", "| field | precision | recall | right | wrong/extra | missed |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for key in r["fields"].keys():
        p, rc, tp, fp, fn = r["fields"].pr(key)
        out.append(f"| {key} | {pct(p)} | {pct(rc)} | {tp} | {fp} | {fn} |")
    out += ["", "| layout | precision | recall |", "| --- | ---: | ---: |"]
    for layout, t in sorted(r["by_layout"].items()):
        p, rc, *_ = t.pr()
        out.append(f"| {layout} | {pct(p)} | {pct(rc)} |")
    out += ["", "| finding (planted anomalies) | precision | recall | right | false | missed |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for key in r["findings"].keys():
        p, rc, tp, fp, fn = r["findings"].pr(key)
        out.append(f"| {key} | {pct(p)} | {pct(rc)} | {tp} | {fp} | {fn} |")
    out.append("")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=320)
    parser.add_argument("--seed", type=int, default=20261129,
                        help="the test set; extraction was tuned on the default, so quote another too")
    parser.add_argument("--compare-n", type=int, default=60)
    parser.add_argument("--variants", default="degraded,clean", help="degraded, clean or both")
    parser.add_argument("--save", type=Path, help="also write the rendered files here (for looking at)")
    parser.add_argument("--errors", type=int, default=25, help="list this many wrong fields")
    parser.add_argument("--jobs", type=int, default=2,
                        help="processes for the accuracy passes (the comparison pass always runs in one)")
    args = parser.parse_args()
    missing = missing_font_packages()
    if missing:
        sys.exit(f"Missing fonts; install the Debian packages: apt-get install {' '.join(missing)}")

    samples = make_samples(args.n, args.seed)
    configured = {**ocr.DEFAULT_ENGINE_OPTIONS}
    load_before = os.getloadavg()
    started = time.perf_counter()
    results: dict[str, Any] = {}
    for variant in [v for v in args.variants.split(",") if v]:
        results[variant] = run_variant(samples, list(range(len(samples))), variant, configured, jobs=args.jobs,
                                       save=args.save, seed=args.seed)
    if args.compare_n:
        subset = list(range(0, len(samples), max(1, len(samples) // args.compare_n)))[: args.compare_n]
        default = {**configured, "det_limit_type": "min", "det_limit_side_len": 736}
        one_thread = {**configured, "intra_op_num_threads": 1}
        results.update(run_compare(samples, subset, {"default-det": default, "configured-det": configured,
                                                     "one-thread": one_thread}))
    elapsed = time.perf_counter() - started
    engine = ocr.RapidOcrEngine(**configured)  # for its name; made after the forks on purpose

    lines = [
        f"## OCR pre-review benchmark — {dt.date.today():%Y-%m-%d}, test set seed {args.seed}",
        "",
        f"Engine: {engine.name}; options {json.dumps(engine.options, ensure_ascii=False)}.",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}; run took {elapsed:.0f} s.",
        "",
    ]
    for name, r in results.items():
        n = args.n if name in ("degraded", "clean") else args.compare_n
        title = {"degraded": "Degraded (JPEG 30–75, blur, noise, rotation ±4°, 60–100 % resolution)",
                 "clean": "Clean renders (PNG)",
                 "default-det": "Comparison: engine default detector (det_limit_type='min', 736), degraded subset",
                 "configured-det": "Comparison: configured detector, same degraded subset",
                 "one-thread": "Comparison: configured, but one onnxruntime thread, same degraded subset"}[name]
        lines += report(title, r, n)
    for name in ("degraded", "clean"):
        if name in results and results[name]["errors"]:
            lines += [f"Wrong fields ({name}, first {args.errors}):", ""]
            for e in results[name]["errors"][: args.errors]:
                lines.append(f"- {e['id']} {e['layout']} {e['field']}: truth {e['truth']!r}, read {e['got']!r}"
                             f" from {e['source']!r}")
            lines.append("")
    print("\n".join(lines))
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {
        name: {"precision_recall": r["fields"].pr(), "per_field": {k: r["fields"].pr(k) for k in r["fields"].keys()},
               "findings": {k: r["findings"].pr(k) for k in r["findings"].keys()},
               "ocr_seconds": timing(r["ocr_seconds"]), "total_seconds": timing(r["total_seconds"]),
               "errors": r["errors"], "failures": r["failures"]}
        for name, r in results.items()
    }
    (out_dir / f"ocr_{dt.datetime.now():%Y%m%d_%H%M%S}.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
