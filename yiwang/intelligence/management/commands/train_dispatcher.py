"""Train, list, activate or roll back the dispatch classifier.

    python manage.py train_dispatcher                       # from the platform's labelled examples
    python manage.py train_dispatcher --from-csv a.csv --from-csv b.csv --min-macro-f1 0.85
    python manage.py train_dispatcher --list
    python manage.py train_dispatcher --activate 3          # activate version 3
    python manage.py train_dispatcher --rollback            # back to the version active before this one

For the scheduled retraining from staff corrections, see ``retrain_dispatcher``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.core.errors import DomainError
from yiwang.intelligence import selectors, services


class Command(BaseCommand):
    help = "Train the appeal dispatch classifier from labelled examples and/or CSV files, or activate a version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from-csv", action="append", default=[], metavar="PATH",
                            help="UTF-8 CSV with a header: title, label (required), body (optional). Repeatable.")
        parser.add_argument("--no-platform-examples", action="store_true",
                            help="Ignore the labelled examples stored in the platform (corrections, imports).")
        parser.add_argument("--save-csv-examples", action="store_true",
                            help="Also keep the CSV rows as labelled examples (source: import) for later trainings.")
        parser.add_argument("--min-macro-f1", type=float, default=None,
                            help="Do not activate the new model if its held-out macro-F1 is below this.")
        parser.add_argument("--max-regression", type=float, default=None, metavar="D",
                            help="Do not activate the new model if its macro-F1 on the evaluation set is lower "
                                 "than the active version's by more than D (default: setting "
                                 "YIWANG_CLASSIFIER_MAX_REGRESSION, 0.01).")
        parser.add_argument("--no-activate", action="store_true", help="Store the new version without activating it.")
        parser.add_argument("--test-size", type=float, default=0.2,
                            help="Share of the examples in the evaluation set, chosen by a hash of their text "
                                 "(default 0.2; keep it constant so that versions are compared on the same set).")
        parser.add_argument("--activate", type=int, metavar="VERSION", default=None,
                            help="Do not train: activate this stored version (rollback).")
        parser.add_argument("--threshold", type=float, default=None, metavar="P",
                            help="With --activate: also set this version's dispatch confidence threshold.")
        parser.add_argument("--rollback", action="store_true",
                            help="Do not train: activate the version that was active before the current one.")
        parser.add_argument("--list", action="store_true", help="Do not train: list the stored versions.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["list"]:
                self._list()
            elif options["rollback"]:
                row = services.rollback_classifier(actor=None)
                self.stdout.write(self.style.SUCCESS(f"Rolled back to v{row.version} "
                                                     f"(macro-F1 {row.metrics.get('macro_f1')})."))
            elif options["activate"] is not None:
                row = services.activate_classifier(actor=None, version=options["activate"])
                if options["threshold"] is not None:
                    services.set_min_confidence(actor=None, version=row.version, value=options["threshold"])
                self.stdout.write(self.style.SUCCESS(f"Activated v{row.version} "
                                                     f"(macro-F1 {row.metrics.get('macro_f1')})."))
            else:
                self._train(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _list(self) -> None:
        rows = selectors.model_versions()
        if not rows:
            self.stdout.write("No classifier trained yet.")
        for row in rows:
            m = row.metrics
            mark = "*" if row.is_active else " "
            threshold = row.min_confidence if row.min_confidence is not None else selectors.default_min_confidence()
            self.stdout.write(
                f"{mark} v{row.version}  {row.created_at:%Y-%m-%d %H:%M}  accuracy {m.get('accuracy')}  "
                f"macro-F1 {m.get('macro_f1')}  n={row.training_data.get('examples')}  "
                f"labels={len(row.labels)}  threshold {threshold}  {row.size_bytes / 1e6:.1f} MB"
            )

    def _train(self, options: dict[str, Any]) -> None:
        outcome = services.train_classifier(
            actor=None,
            csv_paths=options["from_csv"],
            use_platform_examples=not options["no_platform_examples"],
            save_csv_examples=options["save_csv_examples"],
            test_size=options["test_size"],
            min_macro_f1=options["min_macro_f1"],
            max_regression=options["max_regression"],
            activate=not options["no_activate"],
            progress=lambda msg: self.stdout.write(msg),
        )
        report(self, outcome)


def report(command: BaseCommand, outcome: services.TrainingOutcome) -> None:
    """Print a training's evaluation; a refused promotion is a ``CommandError`` (non-zero exit)."""
    row, m = outcome.model, outcome.model.metrics
    command.stdout.write(f"v{row.version}: accuracy {m['accuracy']:.4f}, macro-F1 {m['macro_f1']:.4f} "
                         f"(evaluation set {m['n_test']}, trained on {m['n_train']})")
    if m.get("active"):
        command.stdout.write(f"active v{m['active']['version']} on the same evaluation set: "
                             f"macro-F1 {m['active']['macro_f1']}")
    width = max(len(c) for c in m["per_class"]) + 2
    command.stdout.write(f"{'label':<{width}} precision  recall    f1  support")
    for label, c in m["per_class"].items():
        command.stdout.write(f"{label:<{width}} {c['precision']:9.3f} {c['recall']:7.3f} {c['f1']:5.3f} "
                             f"{c['support']:8d}")
    if outcome.refused_reason:
        raise CommandError(outcome.refused_reason + f" (v{row.version}; "
                           f"`train_dispatcher --activate {row.version}` to use it anyway)")
    if outcome.activated:
        command.stdout.write(command.style.SUCCESS(f"Activated v{row.version}."))
    else:
        command.stdout.write(f"Stored v{row.version}, not activated (`train_dispatcher --activate {row.version}`).")
