"""Notification endpoints: the signed-in person's 消息 and marking one read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema

from yiwang.core import notify
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import Notification
from yiwang.core.schemas import ERRORS  # the one error shape (yiwang.core.schemas)

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    case_number: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationListOut(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


def notification_out(n: Notification) -> dict[str, Any]:
    return {"id": n.pk, "kind": n.kind, "title": n.rendered_title(), "body": n.rendered_body(),
            "case_number": n.case_number, "created_at": n.created_at, "read_at": n.read_at}


@router.get("/notifications", response={200: NotificationListOut, **ERRORS})
def list_notifications(request: AuthenticatedRequest, limit: int = Query(50, ge=1, le=200),
                       unread_only: bool = False) -> dict[str, Any]:
    """The signed-in person's notifications, newest first, in the request's language; ``count``
    is all of them (or all unread with ``unread_only``), ``unread`` the unread ones."""
    mine = Notification.objects.filter(recipient=request.user)
    shown = mine.filter(read_at__isnull=True) if unread_only else mine
    return {"count": shown.count(), "unread": notify.unread_count(request.user),
            "items": [notification_out(n) for n in shown.order_by("-created_at", "-id")[:limit]]}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def read_notification(request: AuthenticatedRequest, notification_id: int) -> dict[str, Any]:
    """Mark one of your own notifications read (repeating it changes nothing); anyone else's is 404."""
    return notification_out(notify.mark_read(actor=request.user, notification_id=notification_id))
