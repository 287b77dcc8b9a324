"""Background work for intelligence (django-tasks; run a worker with ``python manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from yiwang.intelligence import services


@task()
def retrain_dispatcher() -> int | None:
    """The scheduled retraining from staff corrections: enqueue periodically
    (``retrain_dispatcher.enqueue()``) or use the ``retrain_dispatcher`` management command from cron.
    Returns the new version (promoted or not), or ``None`` when not enough corrections arrived."""
    outcome = services.retrain_if_due(actor=None)
    return outcome.model.version if outcome is not None else None
