"""The hot-topics snapshot: ``refresh`` clusters the appeals of the last seven days (``topics``)
and stores what it found, one transaction with its audit record; ``latest`` is what the board
reads. Clustering 70,000 texts takes seconds, not milliseconds, so it never runs in a request:
run ``python manage.py refresh_hot_topics`` every 10 minutes (cron, or enqueue the
``refresh_hot_topics`` task); the board shows when the snapshot was computed."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiwang.appeals import topics
from yiwang.appeals.models import Appeal, AppealStatus, HotTopicSnapshot
from yiwang.core.services import record_audit

WINDOW = dt.timedelta(days=7)
KEEP = 48  # snapshots kept (8 hours at one every 10 minutes)
LINKS = 20  # appeals linked from each topic
BODY_CHARS = 300  # of the text, after the title, that the clustering reads


def _texts(start: dt.datetime, end: dt.datetime) -> tuple[list[str], list[str], list[str]]:
    """Numbers, titles and texts of the appeals received in [start, end), merged ones left out
    (their reports are counted in the matter they joined)."""
    rows = (Appeal.objects.filter(received_at__gte=start, received_at__lt=end)
            .exclude(status=AppealStatus.MERGED).order_by("-received_at", "-id")
            .values_list("number", "title", "body"))
    numbers, titles, texts = [], [], []
    for number, title, body in rows.iterator(chunk_size=5000):
        numbers.append(number)
        titles.append(title)
        texts.append(f"{title} {body[:BODY_CHARS]}")
    return numbers, titles, texts


def refresh(*, now: dt.datetime | None = None) -> HotTopicSnapshot:
    """Cluster the last seven days, compare with the seven before, store the snapshot."""
    now = now or timezone.now()
    started = time.perf_counter()
    numbers, titles, texts = _texts(now - WINDOW, now)
    _n, _t, previous = _texts(now - 2 * WINDOW, now - WINDOW)
    found = topics.cluster(texts, previous)
    stored = [{"label": t.label, "keywords": t.keywords, "example": titles[t.members[0]], "count": t.count,
               "previous": t.previous,
               "appeals": [{"number": numbers[i], "title": titles[i]} for i in t.members[:LINKS]]}
              for t in found]
    seconds = round(time.perf_counter() - started, 3)
    with transaction.atomic():
        snapshot = HotTopicSnapshot.objects.create(
            computed_at=now, window_start=now - WINDOW, window_end=now, considered=len(texts),
            previous_considered=len(previous), seconds=seconds, topics=stored)
        old = HotTopicSnapshot.objects.order_by("-computed_at", "-id").values_list("id", flat=True)[KEEP:]
        HotTopicSnapshot.objects.filter(id__in=list(old)).delete()
        record_audit(actor=None, event_type="appeal_hot_topics_refreshed", subject_type="appeal_hot_topics",
                     subject_id=snapshot.pk, details={"considered": len(texts), "topics": len(stored),
                                                      "seconds": seconds}, at=now)
    return snapshot


def latest() -> dict[str, Any] | None:
    """The newest snapshot as the board shows it (``None`` before the first refresh)."""
    snapshot = HotTopicSnapshot.objects.order_by("-computed_at", "-id").first()
    if snapshot is None:
        return None
    return {"computed_at": snapshot.computed_at, "window_start": snapshot.window_start,
            "window_end": snapshot.window_end, "considered": snapshot.considered, "topics": snapshot.topics}
