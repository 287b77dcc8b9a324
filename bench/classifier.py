"""Benchmark of the appeal dispatch classifier on the Teddy Cup 2020 appeals (shared data, never committed).

    .venv/bin/python bench/classifier.py [--data-dir ../shared/data/appeals] [--no-titles-only] [--cv-folds 5]

What it does, in one run:
1. splits ``train.csv`` 80/20, stratified, ``random_state=42``; the 20 % is never trained on;
2. fits the platform's pipeline (``yiwang.intelligence.classifier``) on the 80 % plus, unless
   ``--no-titles-only``, every row of ``train_titles_only.csv`` (titles only; none of them occurs in
   ``train.csv``), and reports accuracy, macro-F1 and the per-class table on the 20 %;
3. fits baselines on the same rows for comparison: plain TF-IDF (jieba words) + LinearSVC on titles,
   and the same pipeline without the extra titles;
4. 5-fold stratified cross-validation over ``train.csv`` (extra titles always in training) for the
   spread of macro-F1;
5. speed: one message at a time and batches of 1,000, both through the fitted predictor and through
   the service ``classify_appeal`` / ``classify_batch`` with the model stored in a scratch SQLite
   database (so the figure includes the database reads of every call).

The data's licence forbids committing it or any model trained on it: this script only reads it from
its path and keeps the model in memory and in a temporary database that is deleted at the end.
Results go to stdout and to ``bench/results/classifier-<time>.json`` (ignored by git).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data" / "appeals"))
    parser.add_argument("--no-titles-only", action="store_true", help="Train on train.csv only.")
    parser.add_argument("--cv-folds", type=int, default=5, help="0 to skip cross-validation.")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--speed-messages", type=int, default=1000)
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
    extra = [] if args.no_titles_only else read_rows(data_dir / "train_titles_only.csv")
    texts = [classifier.prepare(r["title"], r["body"]) for r in rows]
    labels = [r["label"] for r in rows]
    extra_texts = [classifier.prepare(r["title"], "") for r in extra]
    extra_labels = [r["label"] for r in extra]
    print(f"data: train.csv {len(rows)} rows, train_titles_only.csv {len(extra)} rows (from {data_dir})")

    train_x, test_x, train_y, test_y = classifier.split(texts, labels, test_size=0.2, seed=args.seed)
    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": os.getloadavg()},
        "data": {"train_csv": len(rows), "titles_only": len(extra), "n_train": len(train_y) + len(extra_labels),
                 "n_test": len(test_y), "seed": args.seed},
    }

    # The platform's pipeline ------------------------------------------------------------------
    started = time.perf_counter()
    pipeline = classifier.fit(train_x + extra_texts, train_y + extra_labels)
    fit_seconds = time.perf_counter() - started
    metrics = classifier.evaluate(pipeline, test_x, test_y)
    blob, _sha, _sig = classifier.dump(pipeline)
    results["model"] = {**metrics, "fit_seconds": round(fit_seconds, 1), "stored_bytes": len(blob)}
    print(f"\nmodel: accuracy {metrics['accuracy']:.4f}  macro-F1 {metrics['macro_f1']:.4f}  "
          f"(held-out {len(test_y)}; fit {fit_seconds:.1f} s; stored {len(blob) / 1e6:.1f} MB)")
    print(f"{'label':<10}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}")
    for label, c in metrics["per_class"].items():
        print(f"{label:<10}{c['precision']:>10.3f}{c['recall']:>8.3f}{c['f1']:>7.3f}{c['support']:>9d}")

    # What a dispatch threshold means on held-out messages: share sent automatically, and how often right.
    ranked = classifier.predict(classifier.Predictor(pipeline), test_x, k=1)
    results["thresholds"] = {}
    for threshold in (0.0, 0.5, 0.6, 0.7, 0.8, 0.9):
        sent = [(top[0][0], truth) for top, truth in zip(ranked, test_y, strict=True) if top[0][1] >= threshold]
        right = sum(1 for predicted, truth in sent if predicted == truth)
        results["thresholds"][str(threshold)] = {"dispatched_share": round(len(sent) / len(test_y), 4),
                                                 "accuracy_of_dispatched": round(right / len(sent), 4) if sent else None}
    print("threshold → share dispatched automatically, accuracy among them:")
    for threshold, r in results["thresholds"].items():
        print(f"  {threshold}: {r['dispatched_share']:.1%}, {r['accuracy_of_dispatched']}")

    # Baselines on the same rows ---------------------------------------------------------------
    def titles_of(xs):
        return [x.title for x in xs]

    baseline = make_pipeline(TfidfVectorizer(tokenizer=classifier.words, token_pattern=None, lowercase=False),
                             LinearSVC())
    baseline.fit(titles_of(train_x + extra_texts), train_y + extra_labels)
    predicted = baseline.predict(titles_of(test_x))
    results["baseline_titles_tfidf_svc"] = {
        "accuracy": round(float(np.mean(np.array(predicted) == np.array(test_y))), 4),
        "macro_f1": round(float(f1_score(test_y, predicted, average="macro")), 4),
    }
    if extra:
        no_extra = classifier.evaluate(classifier.fit(train_x, train_y), test_x, test_y)
        results["ablation_without_titles_only"] = {k: no_extra[k] for k in ("accuracy", "macro_f1")}
    for name in ("baseline_titles_tfidf_svc", "ablation_without_titles_only"):
        if name in results:
            r = results[name]
            print(f"{name}: accuracy {r['accuracy']:.4f}  macro-F1 {r['macro_f1']:.4f}")

    # Cross-validation over train.csv ----------------------------------------------------------
    if args.cv_folds:
        scores = []
        folds = StratifiedKFold(args.cv_folds, shuffle=True, random_state=args.seed)
        for fold_train, fold_test in folds.split(np.zeros(len(labels)), labels):
            p = classifier.fit([texts[i] for i in fold_train] + extra_texts,
                               [labels[i] for i in fold_train] + extra_labels)
            scores.append(classifier.evaluate(p, [texts[i] for i in fold_test], [labels[i] for i in fold_test]))
        f1s = [s["macro_f1"] for s in scores]
        results["cross_validation"] = {"folds": args.cv_folds, "macro_f1": f1s,
                                       "macro_f1_mean": round(statistics.mean(f1s), 4),
                                       "macro_f1_std": round(statistics.pstdev(f1s), 4),
                                       "accuracy_mean": round(statistics.mean(s["accuracy"] for s in scores), 4)}
        cv = results["cross_validation"]
        print(f"{args.cv_folds}-fold CV macro-F1: {cv['macro_f1_mean']:.4f} ± {cv['macro_f1_std']:.4f} "
              f"(min {min(f1s):.4f}, max {max(f1s):.4f}); accuracy {cv['accuracy_mean']:.4f}")

    # Speed ------------------------------------------------------------------------------------
    results["speed"] = speed(pipeline, test_x, rows, args.speed_messages)
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
