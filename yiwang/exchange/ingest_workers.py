"""Worker processes of ingestion (``ingest_check.CheckerPool``). Imports nothing of Django at import time: a
spawned worker unpickles this module's functions before Django is set up, and sets it up in
``init`` (from ``DJANGO_SETTINGS_MODULE``, inherited from the parent). A worker checks, indexes
and seals chunks of records; it never touches the database."""

from __future__ import annotations

import pickle
from typing import Any

_state: dict[str, Any] = {}


def init(context: bytes) -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    _state["context"] = pickle.loads(context)  # noqa: S301 - sent by the parent process over its own pipe


def run(chunk: tuple[Any, ...]) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    from yiwang.exchange.ingest_check import process_chunk

    return process_chunk(_state["context"], chunk)
