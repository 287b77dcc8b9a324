from django.db import models


class BenchRow(models.Model):
    """One row per request of the bare insert view (no migrations: created with ``--run-syncdb``)."""

    created_at = models.DateTimeField(auto_now_add=True)
    payload = models.CharField(max_length=100)
