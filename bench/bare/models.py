from typing import ClassVar

from django.db import models


class BenchRow(models.Model):
    """One row per request of the bare insert view (no migrations: created with ``--run-syncdb``)."""

    created_at = models.DateTimeField(auto_now_add=True)
    payload = models.CharField(max_length=100)

    # Django's default manager, declared: this app is installed only by the benchmark's own settings,
    # so the type checker's Django plugin does not add it.
    objects: ClassVar[models.Manager["BenchRow"]] = models.Manager()
