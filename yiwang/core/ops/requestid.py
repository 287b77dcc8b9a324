"""Request ids: taken from the edge's ``X-Request-ID`` (when it is well formed) or made here, sent
back on the response, put on every log record of the request, and carried into the background
tasks the request enqueues (the worker logs them under the same id).

``LOG_FORMAT=json`` writes one JSON object a line (``JsonFormatter``); the default text format
also shows the id. The formatter is the standard library's: the record's fields are few and fixed,
and a dependency for twenty lines of ``json.dumps`` is not worth its supply chain.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# What an id from the edge may be: nginx's $request_id (32 hex digits), a UUID, or another
# proxy's token; letters, digits and ``-_.:`` only (nothing that could split a log line or forge
# a JSON field), at most 64 characters. Anything else is replaced by an id made here.
VALID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
# The key under which an enqueued task's row (django-tasks-db ``args_kwargs``) keeps the id.
TASK_KEY = "request_id"

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("yiwang_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str | None:
    """``value`` if it is a request id this site accepts from the edge, else None."""
    if value and VALID.match(value):
        return value
    return None


@contextmanager
def request_id_context(request_id: str | None) -> Iterator[None]:
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    """First in the chain: every later middleware, view and log line of the request sees the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.META.get(META_KEY)) or new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]  # an attribute of our own, set on the request for later middleware
        # Set for the rest of the request, not reset on return: Django logs the response
        # ("Forbidden: ...", 5xx tracebacks) after the middlewares have returned; the id is cleared
        # when the response is closed (``clear_request_id`` on ``request_finished``).
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def clear_request_id(**kwargs: Any) -> None:
    _current.set(None)


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get() or "-"
        return True


# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged too.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, the
    record's ``extra`` fields, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _current.get() or "-",
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# ---------------------------------------------------------------------------------------- tasks


def stamp_task_row(sender: type, instance: Any, **kwargs: Any) -> None:
    """``pre_save`` of django-tasks-db's row: a task enqueued while a request id is current keeps
    it beside its arguments (the task's own arguments are untouched)."""
    request_id = _current.get()
    if request_id and instance._state.adding and isinstance(instance.args_kwargs, dict):
        instance.args_kwargs.setdefault(TASK_KEY, request_id)


_task_tokens: dict[str, contextvars.Token] = {}


def task_started(sender: type, task_result: Any, **kwargs: Any) -> None:
    """The worker runs a task under the id of the request that enqueued it (or a fresh one)."""
    db_result = getattr(task_result, "db_result", None)
    stored = getattr(db_result, "args_kwargs", None)
    request_id = accepted_request_id(stored.get(TASK_KEY) if isinstance(stored, dict) else None)
    if db_result is None and _current.get():
        return  # the immediate backend runs the task inside the request: its id is already current
    _task_tokens[str(task_result.id)] = _current.set(request_id or new_request_id())


def task_finished(sender: type, task_result: Any, **kwargs: Any) -> None:
    token = _task_tokens.pop(str(task_result.id), None)
    if token is not None:
        _current.reset(token)


def connect_signals() -> None:
    from django.core.signals import request_finished
    from django.db.models.signals import pre_save
    from django_tasks.signals import log_task_started
    from django_tasks.signals import task_finished as finished
    from django_tasks.signals import task_started as started
    from django_tasks_db.models import DBTaskResult

    request_finished.connect(clear_request_id, dispatch_uid="yiwang.request_id.clear")
    pre_save.connect(stamp_task_row, sender=DBTaskResult, dispatch_uid="yiwang.request_id.stamp")
    # Receivers run in the order they were connected: django-tasks' "Task ... RUNNING" line must
    # come after the id is set, so it is connected again behind ours.
    started.disconnect(log_task_started)
    started.connect(task_started, dispatch_uid="yiwang.request_id.task_started")
    started.connect(log_task_started)
    finished.connect(task_finished, dispatch_uid="yiwang.request_id.task_finished")
