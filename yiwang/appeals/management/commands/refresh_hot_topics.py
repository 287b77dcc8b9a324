"""Recompute the command board's hot topics (run every 10 minutes from cron or a systemd timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from yiwang.appeals import hot_topics


class Command(BaseCommand):
    help = "Cluster the last seven days of appeals into hot topics for the command board (应急指挥)."

    def handle(self, *args, **options) -> None:
        snapshot = hot_topics.refresh()
        self.stdout.write(f"{len(snapshot.topics)} topics from {snapshot.considered} appeals "
                          f"in {snapshot.seconds:.1f} s")
