"""Benchmark of the appeal dispatch classifier on the Teddy Cup 2020 appeals (shared data, never committed).

    .venv/bin/python bench/classifier.py [--data-dir ../shared/data/appeals] [--folds 5] [--inner-folds 3]
                                         [--target-precision 0.95] [--speed-messages 1000] [--jobs 2]

What it does, in one run:
1. **nested cross-validation** over ``train.csv``: 5 outer folds (stratified, shuffled,
   ``random_state=42``); the extra titles of ``train_titles_only.csv`` (none of them in
   ``train.csv``) are always added to the training side. In each outer fold, every candidate recipe
   of ``classifier.RECIPES`` is scored by an inner stratified CV on the outer fold's training part
   only; the best one is fitted on that part and evaluated on the outer fold, which took no part
   in the choice. The dispatch threshold is chosen in the same way: the lowest confidence at which
   the chosen recipe's inner out-of-fold suggestions reach ``--target-precision``, then applied to
   the outer fold. Reported: macro-F1 per outer fold (mean ± sd), per-category precision/recall/F1
   over the pooled outer predictions, share dispatched automatically and its precision;
2. baselines in the same outer folds: the previous platform recipe (``RECIPES["v1"]``, fixed) and a
   plain TF-IDF (jieba words) + LinearSVC on titles;
3. speed: one message at a time and batches of 1,000, through the fitted predictor and through
   the service ``classify_appeal`` / ``classify_batch`` with the model stored in a scratch SQLite
   database (so the figure includes the database reads of every call), beside scikit-learn's own
   ``predict_proba`` on the same model.

The data's licence forbids committing it or any model trained on it: this script only reads it from
its path and keeps the model in memory and in a temporary database that is deleted at the end.
Results go to stdout and to ``bench/results/classifier-<time>.json`` (ignored by git).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(14)]  # 0.30 … 0.95


_FORKED: dict = {}


def _forked_fold(index: int):
    return _FORKED["run"](index)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def choose_threshold(confidences, correct, target: float) -> float | None:
    """The lowest threshold whose dispatched suggestions are right at least ``target`` of the time."""
    for t in THRESHOLDS:
        sent = [ok for c, ok in zip(confidences, correct, strict=True) if c >= t]
        if sent and sum(sent) / len(sent) >= target:
            return t
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data" / "appeals"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--inner-folds", type=int, default=3)
    parser.add_argument("--target-precision", type=float, default=0.95,
                        help="Precision the dispatch threshold must reach on the inner folds.")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--speed-messages", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=1, help="Outer folds run in this many processes.")
    parser.add_argument("--holdout", action="store_true",
                        help="Cheaper: the 80/20 split of the recipe exploration instead of the nested CV "
                             "(the recipe was chosen on the 80 %%; the threshold by 3-fold CV on the 80 %%).")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="yiwang-bench-classifier-")
    os.environ["YIWANG_VAR_DIR"] = tmp.name
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    os.environ.setdefault("DEMO_MODE", "1")  # a bench, not a deployment: demo keys and secret
    import django

    django.setup()

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from yiwang.intelligence import classifier

    data_dir = Path(args.data_dir)
    rows = read_rows(data_dir / "train.csv")
    extra = read_rows(data_dir / "train_titles_only.csv")
    texts = [classifier.prepare(r["title"], r["body"]) for r in rows]
    labels = np.array([r["label"] for r in rows])
    extra_texts = [classifier.prepare(r["title"], "") for r in extra]
    extra_labels = [r["label"] for r in extra]
    print(f"data: train.csv {len(rows)} rows, train_titles_only.csv {len(extra)} rows (from {data_dir})", flush=True)
    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": os.getloadavg()},
        "data": {"train_csv": len(rows), "titles_only": len(extra), "seed": args.seed},
        "candidates": {name: vars(r) for name, r in classifier.RECIPES.items()},
        "target_precision": args.target_precision,
    }

    def fit_predict(recipe, train_ix, test_ix):
        """Fit ``recipe`` on train.csv rows ``train_ix`` + the extra titles; (labels, confidences) on ``test_ix``."""
        pipeline = classifier.fit([texts[i] for i in train_ix] + extra_texts,
                                  list(labels[train_ix]) + extra_labels, recipe)
        top = classifier.predict(classifier.Predictor(pipeline), [texts[i] for i in test_ix], k=1)
        return [t[0][0] for t in top], [t[0][1] for t in top]

    if args.holdout:
        holdout(args, results, texts, labels, extra_texts, extra_labels, fit_predict)
        return

    def run_fold(k, train_ix, test_ix):
        """One outer fold: choose recipe and threshold by inner CV on ``train_ix``, evaluate on ``test_ix``."""
        inner = StratifiedKFold(args.inner_folds, shuffle=True, random_state=args.seed + 1 + k)
        inner_splits = list(inner.split(np.zeros(len(train_ix)), labels[train_ix]))
        inner_scores, inner_oof = {}, {}
        for name, recipe in classifier.RECIPES.items():
            predicted = np.empty(len(train_ix), dtype=object)
            confidence = np.zeros(len(train_ix))
            for a, b in inner_splits:
                p, c = fit_predict(recipe, train_ix[a], train_ix[b])
                predicted[b], confidence[b] = p, c
            inner_scores[name] = float(f1_score(labels[train_ix], list(predicted), average="macro"))
            inner_oof[name] = (predicted, confidence)
        chosen = max(inner_scores, key=lambda n: (inner_scores[n], n == "v1"))
        predicted, confidence = inner_oof[chosen]
        threshold = choose_threshold(confidence, predicted == labels[train_ix], args.target_precision)
        # The outer fold: never seen by the choices above.
        p, c = fit_predict(classifier.RECIPES[chosen], train_ix, test_ix)
        truth = list(labels[test_ix])
        p_v1 = p if chosen == "v1" else fit_predict(classifier.RECIPES["v1"], train_ix, test_ix)[0]
        tv = TfidfVectorizer(tokenizer=classifier.words, token_pattern=None, lowercase=False)
        baseline = make_pipeline(tv, LinearSVC()).fit(
            [texts[i].title for i in train_ix] + [t.title for t in extra_texts], list(labels[train_ix]) + extra_labels)
        p_base = list(baseline.predict([texts[i].title for i in test_ix]))
        sent = [bool(ok) for conf, ok in zip(c, np.array(p) == np.array(truth), strict=True)
                if threshold is not None and conf >= threshold]
        fold = {"fold": k + 1, "chosen": chosen, "inner_macro_f1": {n: round(v, 4) for n, v in inner_scores.items()},
                "threshold": threshold,
                "macro_f1": round(float(f1_score(truth, p, average="macro")), 4),
                "v1_macro_f1": round(float(f1_score(truth, p_v1, average="macro")), 4),
                "titles_baseline_macro_f1": round(float(f1_score(truth, p_base, average="macro")), 4),
                "dispatched": len(sent), "dispatched_right": int(sum(sent)), "n": len(truth),
                "dispatched_share": round(len(sent) / len(truth), 4),
                "dispatched_precision": round(sum(sent) / len(sent), 4) if sent else None}
        print(f"fold {k + 1}: {json.dumps(fold, ensure_ascii=False)} ({time.perf_counter() - started:.0f} s)",
              flush=True)
        return fold, truth, list(p), list(p_v1), p_base

    outer = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    splits = [(k, tr, te) for k, (tr, te) in enumerate(outer.split(np.zeros(len(labels)), labels))]
    started = time.perf_counter()
    if args.jobs > 1:  # forked workers inherit the data, this closure and Django's setup
        _FORKED["run"] = lambda i: run_fold(*splits[i])
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            outcomes = pool.map(_forked_fold, range(len(splits)), chunksize=1)
    else:
        outcomes = [run_fold(*split) for split in splits]
    results["nested_cv_seconds"] = round(time.perf_counter() - started)
    folds = [o[0] for o in outcomes]
    pooled: dict[str, list[str]] = {"truth": [], "nested": [], "v1": [], "titles_baseline": []}
    for _fold, truth, p, p_v1, p_base in outcomes:
        pooled["truth"] += truth
        pooled["nested"] += p
        pooled["v1"] += p_v1
        pooled["titles_baseline"] += p_base
    dispatch = {"sent": sum(f["dispatched"] for f in folds), "right": sum(f["dispatched_right"] for f in folds),
                "total": sum(f["n"] for f in folds)}

    def summary(key):
        values = [f[key] for f in folds]
        return {"per_fold": values, "mean": round(statistics.mean(values), 4),
                "sd": round(statistics.pstdev(values), 4)}

    per_class = classifier.scores(pooled["truth"], pooled["nested"])
    results["nested_cv"] = {
        "folds": folds, "macro_f1": summary("macro_f1"), "accuracy_pooled": per_class["accuracy"],
        "per_class_pooled": per_class["per_class"],
        "dispatched_share": round(dispatch["sent"] / dispatch["total"], 4),
        "dispatched_precision": round(dispatch["right"] / dispatch["sent"], 4) if dispatch["sent"] else None,
    }
    results["baselines_same_folds"] = {
        "v1": {"macro_f1": summary("v1_macro_f1"),
               "accuracy_pooled": classifier.scores(pooled["truth"], pooled["v1"])["accuracy"]},
        "titles_tfidf_svc": {"macro_f1": summary("titles_baseline_macro_f1"),
                             "accuracy_pooled": classifier.scores(pooled["truth"],
                                                                  pooled["titles_baseline"])["accuracy"]},
    }
    n = results["nested_cv"]
    print(f"\nnested {args.folds}-fold CV macro-F1: {n['macro_f1']['mean']:.4f} ± {n['macro_f1']['sd']:.4f} "
          f"{n['macro_f1']['per_fold']}; pooled accuracy {n['accuracy_pooled']:.4f}")
    for name, b in results["baselines_same_folds"].items():
        print(f"baseline {name}: macro-F1 {b['macro_f1']['mean']:.4f} ± {b['macro_f1']['sd']:.4f}; "
              f"accuracy {b['accuracy_pooled']:.4f}")
    print(f"dispatched automatically: {n['dispatched_share']:.1%} at precision {n['dispatched_precision']}")
    print(f"{'label':<10}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}")
    for label, c in n["per_class_pooled"].items():
        print(f"{label:<10}{c['precision']:>10.3f}{c['recall']:>8.3f}{c['f1']:>7.3f}{c['support']:>9d}")

    # The recipe training uses, fitted on all of train.csv + titles: size and speed.
    recipe = classifier.DEFAULT_RECIPE
    fit_started = time.perf_counter()
    pipeline = classifier.fit(texts + extra_texts, list(labels) + extra_labels, recipe)
    blob, _sha, _sig = classifier.dump(pipeline)
    results["model"] = {"recipe": vars(recipe), "fit_seconds": round(time.perf_counter() - fit_started, 1),
                        "stored_bytes": len(blob)}
    results["speed"] = speed(pipeline, texts, rows, args.speed_messages)
    s = results["speed"]
    print(f"\nspeed (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
    for key, value in s.items():
        print(f"  {key}: {value}")
    results["machine"]["load_average_at_end"] = os.getloadavg()

    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"classifier-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten: {out.relative_to(REPO)}")
    tmp.cleanup()


def holdout(args, results, texts, labels, extra_texts, extra_labels, fit_predict) -> None:
    """The held-out 20 % (``random_state=42``, stratified) that the recipe exploration never looked at."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from yiwang.intelligence import classifier

    idx = np.arange(len(labels))
    dev, test = train_test_split(idx, test_size=0.2, random_state=args.seed, stratify=labels)
    inner = list(StratifiedKFold(args.inner_folds, shuffle=True, random_state=args.seed + 1)
                 .split(np.zeros(len(dev)), labels[dev]))
    default = classifier.DEFAULT_RECIPE
    jobs = [(default, dev[a], dev[b]) for a, b in inner] + [(default, dev, test), (classifier.RECIPES["v1"], dev, test)]
    started = time.perf_counter()
    if args.jobs > 1:
        _FORKED["run"] = lambda i: fit_predict(*jobs[i])
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            outs = pool.map(_forked_fold, range(len(jobs)), chunksize=1)
    else:
        outs = [fit_predict(*job) for job in jobs]
    predicted, confidence = np.empty(len(dev), dtype=object), np.zeros(len(dev))
    for (_a, b), (p, c) in zip(inner, outs[: len(inner)], strict=True):
        predicted[b], confidence[b] = p, c
    threshold = choose_threshold(confidence, predicted == labels[dev], args.target_precision)
    (p, c), (p_v1, _c) = outs[len(inner):]
    truth = list(labels[test])
    tv = TfidfVectorizer(tokenizer=classifier.words, token_pattern=None, lowercase=False)
    base = make_pipeline(tv, LinearSVC()).fit([texts[i].title for i in dev] + [t.title for t in extra_texts],
                                              list(labels[dev]) + extra_labels)
    p_base = list(base.predict([texts[i].title for i in test]))
    ok = np.array(p) == np.array(truth)
    table = {}
    for t in [threshold, *THRESHOLDS] if threshold is not None else THRESHOLDS:
        sent = [bool(x) for conf, x in zip(c, ok, strict=True) if conf >= t]
        table[str(t)] = {"share": round(len(sent) / len(truth), 4),
                         "precision": round(sum(sent) / len(sent), 4) if sent else None}
    scored = classifier.scores(truth, p)
    results["holdout"] = {
        "n_dev": len(dev), "n_test": len(test), "seconds": round(time.perf_counter() - started),
        "inner_cv_macro_f1_default": round(float(f1_score(labels[dev], list(predicted), average="macro")), 4),
        "threshold_chosen_on_dev": threshold, "dispatch_at_chosen_threshold": table.get(str(threshold)),
        "dispatch_by_threshold": table,
        "default": {"recipe": vars(default), **scored},
        "v1": classifier.scores(truth, p_v1) | {"per_class": None},
        "titles_tfidf_svc": {"macro_f1": round(float(f1_score(truth, p_base, average="macro")), 4)},
    }
    h = results["holdout"]
    print(json.dumps({k: v for k, v in h.items() if k != "default"}, ensure_ascii=False, indent=1))
    print(f"default recipe on held-out {len(test)}: macro-F1 {scored['macro_f1']:.4f}, accuracy {scored['accuracy']:.4f}")
    for label, m in scored["per_class"].items():
        print(f"  {label:<10}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>6d}")
    pipeline = classifier.fit([texts[i] for i in dev] + extra_texts, list(labels[dev]) + extra_labels, default)
    results["speed"] = speed(pipeline, [texts[i] for i in test], [{"title": texts[i].title, "body": texts[i].body}
                                                                   for i in test], args.speed_messages)
    for key, value in results["speed"].items():
        print(f"  {key}: {value}")
    results["machine"]["load_average_at_end"] = os.getloadavg()
    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"classifier-holdout-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written: {out.relative_to(REPO)}", flush=True)


def speed(pipeline, held_out, rows, n: int) -> dict:
    """Messages per second and per-message latency, for the predictor alone and through the service."""
    from django.core.management import call_command

    from yiwang.intelligence import classifier, services
    from yiwang.intelligence.models import ClassifierArtifact, ClassifierModel

    predictor = classifier.Predictor(pipeline)
    singles = (held_out * (n // len(held_out) + 1))[:n]
    classifier.predict(predictor, singles[:5])

    def each(call, items):
        """Per-call wall-clock latencies, and total CPU seconds of this process."""
        latencies = []
        cpu = time.process_time()
        for item in items:
            t = time.perf_counter()
            call(item)
            latencies.append(time.perf_counter() - t)
        return latencies, time.process_time() - cpu

    def once(call):
        cpu, wall = time.process_time(), time.perf_counter()
        call()
        return time.perf_counter() - wall, time.process_time() - cpu

    single, single_cpu = each(lambda text: classifier.predict(predictor, [text]), singles)
    batch_wall, batch_cpu = once(lambda: classifier.predict(predictor, singles))
    sk_batch_wall, sk_batch_cpu = once(lambda: pipeline.predict_proba(singles))
    sk_single, sk_single_cpu = each(lambda text: pipeline.predict_proba([text]), singles[:100])

    # Through the service, with the model stored and loaded as in production.
    call_command("migrate", verbosity=0)
    blob, sha256, signature = classifier.dump(pipeline)
    row = ClassifierModel.objects.create(version=1, labels=list(pipeline.classes_), sha256=sha256,
                                         signature=signature, size_bytes=len(blob))
    ClassifierArtifact.objects.create(model=row, data=blob)
    services.activate_classifier(actor=None, version=1)
    first_wall, _cpu = once(lambda: services.classify_appeal(title="公交车班次太少"))
    raw = [(r["title"], r["body"]) for r in rows]
    raw = (raw * (n // len(raw) + 1))[:n]
    service, service_cpu = each(lambda item: services.classify_appeal(title=item[0], body=item[1]), raw)
    service_batch_wall, service_batch_cpu = once(lambda: services.classify_batch(raw))
    long_text = "化工厂排放污水河水发黑，" * 4500
    long, _cpu = each(lambda _i: services.classify_appeal(title="化工厂" * 1000, body=long_text), range(20))

    def ms(values, q):
        return round(float(sorted(values)[int(q * (len(values) - 1))]) * 1000, 3)

    return {
        "messages": n,
        "predictor_single_ms_median": ms(single, 0.5),
        "predictor_single_ms_p95": ms(single, 0.95),
        "predictor_single_cpu_ms_mean": round(single_cpu / n * 1000, 3),
        "predictor_batch_messages_per_s": round(n / batch_wall),
        "predictor_batch_messages_per_cpu_s": round(n / batch_cpu),
        "service_single_ms_median": ms(service, 0.5),
        "service_single_ms_p95": ms(service, 0.95),
        "service_single_cpu_ms_mean": round(service_cpu / n * 1000, 3),
        "service_batch_messages_per_s": round(n / service_batch_wall),
        "service_batch_messages_per_cpu_s": round(n / service_batch_cpu),
        "service_50000_chars_ms_median": ms(long, 0.5),
        "first_call_after_activation_s": round(first_wall, 2),
        "sklearn_pipeline_single_ms_median": ms(sk_single, 0.5),
        "sklearn_pipeline_single_cpu_ms_mean": round(sk_single_cpu / 100 * 1000, 2),
        "sklearn_pipeline_batch_messages_per_s": round(n / sk_batch_wall),
        "sklearn_pipeline_batch_messages_per_cpu_s": round(n / sk_batch_cpu),
    }


if __name__ == "__main__":
    main()
