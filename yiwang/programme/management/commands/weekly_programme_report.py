"""``python manage.py weekly_programme_report``: archive this week's progress report (run from cron
on Friday afternoon; a week that already has a report keeps it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.programme import selectors, services


class Command(BaseCommand):
    help = "Generate and archive this week's programme progress report unless the week has one."

    def handle(self, *args: Any, **options: Any) -> None:
        report = services.generate_weekly_report(actor=None, programme=selectors.current_programme(),
                                                 check_permission=False, reuse_existing=True)
        self.stdout.write(f"weekly report {report.week_start} v{report.version}")
