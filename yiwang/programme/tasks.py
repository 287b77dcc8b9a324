"""Background work of the programme: escalate red tasks (enqueue daily, or run the
``escalate_programme`` management command from cron)."""

from __future__ import annotations

from django_tasks import task

from yiwang.programme.services import escalate_red_tasks


@task()
def escalate_programme() -> int:
    return escalate_red_tasks()
