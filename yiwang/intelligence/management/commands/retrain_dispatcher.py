"""``python manage.py retrain_dispatcher``: the scheduled retraining from staff corrections (run from cron).

Trains a new version from the platform's labelled examples when at least
``--min-corrections`` (setting ``YIWANG_CLASSIFIER_RETRAIN_MIN_CORRECTIONS``, default 20) staff
corrections arrived since the active version was trained; the new version is evaluated beside the
active one on the same evaluation set and promoted only if it is not worse by more than the
allowed margin (``YIWANG_CLASSIFIER_MAX_REGRESSION``). Exits 0 when nothing was due or the new
version was promoted, non-zero when it was refused (so that cron mails the operator).

    # crontab: every night at 02:30
    30 2 * * *  cd /srv/yiwang && .venv/bin/python manage.py retrain_dispatcher
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.core.errors import DomainError
from yiwang.intelligence import services
from yiwang.intelligence.management.commands.train_dispatcher import report


class Command(BaseCommand):
    help = "Retrain the dispatch classifier from staff corrections if enough arrived; promote it only if it passes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-corrections", type=int, default=None, metavar="N",
                            help="Train only if at least N corrections arrived since the active version "
                                 "(default: setting YIWANG_CLASSIFIER_RETRAIN_MIN_CORRECTIONS, 20).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["min_corrections"] is not None and options["min_corrections"] < 0:
            raise CommandError("--min-corrections must be 0 or more.")
        try:
            outcome = services.retrain_if_due(actor=None, min_corrections=options["min_corrections"],
                                              progress=lambda msg: self.stdout.write(msg))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if outcome is None:
            self.stdout.write("Not due: no new version trained.")
            return
        report(self, outcome)
