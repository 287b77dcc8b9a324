"""Ingestion, checking: the header mapped to the resource's fields, each record checked, indexed and
sealed (in this process or in worker processes), duplicates and 一数一源 conflicts found, the quality
report, and the reasons a push is held for the steward."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import pickle
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidInput
from yiwang.core.users import User
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.ingest_read import csv_rows
from yiwang.exchange.models import (
    AccessLog,
    Channel,
    DataResource,
    DataRow,
    Outcome,
    ResourceField,
)
from yiwang.exchange.rows import REASONS, FieldCheck, RowProcessor, mask_key, unseal

MAX_ERRORS_LISTED = 1000


class SeenKeys:
    """The keys of a file seen so far (64-bit prefixes of their blind indexes) and the row where each
    was first seen, in two flat arrays kept at most half full: 12 bytes a slot, about 24 MiB per
    million rows (a dict would take ~110 MiB). Lets duplicates be found while streaming."""

    def __init__(self, capacity: int = 1 << 16):
        self._alloc(capacity)

    def _alloc(self, capacity: int) -> None:
        self.mask = capacity - 1
        self.keys = array("Q", bytes(8 * capacity))
        self.rows = array("I", bytes(4 * capacity))
        self.size = 0

    def add(self, key: int, row: int) -> int | None:
        """Remember ``key`` first seen at ``row``; if it was seen before, return that row instead."""
        key = key or 1  # 0 marks an empty slot
        keys, mask = self.keys, self.mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == 0:
                break
            if found == key:
                return self.rows[slot]
            slot = (slot + 1) & mask
        keys[slot] = key
        self.rows[slot] = row
        self.size += 1
        if self.size * 2 > mask:
            self._grow()
        return None

    def _grow(self) -> None:
        old_keys, old_rows = self.keys, self.rows
        self._alloc((self.mask + 1) * 2)
        for key, row in zip(old_keys, old_rows, strict=True):
            if key:
                self.add(key, row)


class QualityReport:
    def __init__(self, checks: list[FieldCheck]):
        self.read = self.loaded = self.rejected = self.duplicates = self.conflicts = 0
        self.filled: Counter[str] = Counter()
        self.invalid: Counter[tuple[str, str]] = Counter()
        self.errors: list[dict[str, Any]] = []
        self.conflict_samples: list[dict[str, Any]] = []
        self.conflict_checks_skipped: list[dict[str, Any]] = []
        self.source_reads: Counter[str] = Counter()
        self.checks = checks

    def reject(self, row: int, field: str, reason: str, detail: str = "") -> None:
        self.invalid[(field, reason)] += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            label = next((c.label for c in self.checks if c.name == field), field)
            self.errors.append({"row": row, "field": field, "label": label, "reason": reason,
                                "message": _(REASONS.get(reason, reason)) + (f"（{detail}）" if detail else "")})

    def as_dict(self, *, columns: list[str], ignored: list[str]) -> dict[str, Any]:
        n = self.read or 1
        by_field: dict[str, dict[str, Any]] = {}
        for c in self.checks:
            invalid = sum(v for (f, _r), v in self.invalid.items() if f == c.name)
            by_field[c.name] = {"label": c.label, "completeness": round(self.filled[c.name] / n, 4),
                                "invalid": invalid, "validity": round(1 - invalid / n, 4)}
        return {
            "rows_read": self.read, "rows_loaded": self.loaded, "rows_rejected": self.rejected,
            "duplicates": self.duplicates, "conflicts": self.conflicts,
            "completeness": round(sum(self.filled.values()) / (n * max(1, len(columns))), 4) if columns else 0,
            "validity": round(self.loaded / n, 4),
            "fields": by_field,
            "reasons": [{"field": f, "reason": r, "message": _(REASONS.get(r, r)), "count": v}
                        for (f, r), v in self.invalid.most_common()],
            "errors": self.errors, "errors_truncated": sum(self.invalid.values()) > len(self.errors),
            "conflict_samples": self.conflict_samples, "columns": columns, "ignored_columns": ignored,
            "conflict_checks_skipped": self.conflict_checks_skipped, "source_reads": dict(self.source_reads),
        }


def header_map(header: list[Any], fields: list[ResourceField], resource: DataResource) -> tuple[list[str | None], list[str]]:
    by_name = {f.name.lower(): f.name for f in fields}
    by_label = {f.label: f.name for f in fields}
    mapped: list[str | None] = []
    ignored = []
    for cell in header:
        text = str(cell or "").strip().lstrip("\ufeff")
        name = by_name.get(text.lower()) or by_label.get(text)
        mapped.append(name)
        if name is None and text:
            ignored.append(text)
    present = set(filter(None, mapped))
    if resource.key_field not in present:
        key = next(f for f in fields if f.name == resource.key_field)
        raise InvalidInput(Code.KEY_COLUMN_MISSING, _("文件缺少标识列“%(label)s”（%(name)s），无法入库。")
                           % {"label": key.label, "name": key.name}, {"column": key.name, "columns": [str(c) for c in header]})
    missing = [f for f in fields if f.required and f.name not in present]
    if missing:
        raise InvalidInput(Code.UNKNOWN_COLUMNS, _("文件缺少必填列：%(cols)s。") % {"cols": "、".join(f"{f.label}（{f.name}）" for f in missing)},
                           {"missing_columns": [f.name for f in missing], "columns": [str(c) for c in header]})
    return mapped, ignored


class ConflictChecker:
    """一数一源: compares fields that name an authoritative source with that source's current rows.

    Reading a source's rows is a read of its data like any lookup (the department's own resource
    too: an owner read, needing no subscription but decided and logged alike), so it goes through
    the gateway's policy (``policy.may_compare``, decided once per push and source field, not per
    row) and every source row compared is written to the access log under the person's blind
    index, where the citizen's 数据使用记录 shows it. A source field the pushing department could
    not read in clear through the gateway (negative list, sharing class, no subscription, masked) is
    not compared at all and the report says why: otherwise a one-row push would answer "does this
    name belong to this ID number?" for data the department may not see. (Comparing keyed
    commitments instead would still answer that question, so it would not close the oracle.)

    Cost: the policy is read once per push; the hot loop gains one access-log row per matched key,
    written with one bulk INSERT per batch (no query per row)."""

    def __init__(self, fields: list[ResourceField], resource: DataResource, actor: User | None,
                 now: dt.datetime):
        from yiwang.exchange import gateway, policy
        from yiwang.exchange.models import Subscription

        self.pairs: dict[int, list[tuple[str, str]]] = {}
        self.sources: dict[int, DataResource] = {}
        self.subscriptions: dict[int, Any] = {}
        self.skipped: list[dict[str, Any]] = []
        self.reads: Counter[str] = Counter()
        self.resource, self.actor, self.now = resource, actor, now
        self.key_field = resource.key_field
        self.purpose = (_("一数一源核对：%(res)s 数据推送") % {"res": resource.name})[:300]
        consumer = policy.Consumer(department=resource.provider, user=actor)
        for f in fields:
            if not (f.source_field_id and f.source_field is not None):
                continue
            src = f.source_field.resource
            if not src.current_version:
                continue
            # every source is asked of the policy: another department's needs a subscription, the
            # department's own resource is an owner read (``policy.owner_read``); both are logged
            catalogue = gateway.load_catalogue(src.code)
            subs = list(Subscription.objects.filter(resource=src, consumer=resource.provider).order_by("-id"))
            decision, refusal = (None, {"code": Code.UNKNOWN_RESOURCE, "message": ""}) if catalogue is None else \
                policy.may_compare(consumer=consumer, catalogue=catalogue, subscriptions=subs,
                                   field_name=f.source_field.name, now=now)
            if decision is None:
                self.skipped.append({"field": f.name, "source": f"{src.code}.{f.source_field.name}",
                                     "code": refusal["code"] if refusal else "",
                                     "message": _("未与权威来源 %(src)s（%(dept)s）比对：%(why)s")
                                     % {"src": f"{src.name}.{f.source_field.name}", "dept": src.provider.name,
                                        "why": refusal["message"] if refusal else ""}})
                continue
            self.subscriptions[src.pk] = decision.subscription
            self.sources[src.pk] = src
            self.pairs.setdefault(src.pk, []).append((f.name, f.source_field.name))

    def check(self, batch: list[tuple[int, str, dict[str, Any]]], report: QualityReport) -> None:
        for src_id, pairs in self.pairs.items():
            src = self.sources[src_id]
            rows = dict(DataRow.objects.filter(resource=src, version=src.current_version,
                                               key_index__in=[k for _n, k, _v in batch]).values_list("key_index", "values"))
            sealed = dict(DataRow.objects.filter(resource=src, version=src.current_version,
                                                 key_index__in=list(rows)).exclude(sealed="").values_list("key_index", "sealed"))
            logs = []
            for number, key, values in batch:
                if key not in rows:
                    continue
                theirs = dict(rows[key])
                if key in sealed:
                    theirs.update(unseal(sealed[key], context=src.seal_context))
                if src_id in self.subscriptions:
                    logs.append(self._log(src, key, values, tuple(their for _m, their in pairs)))
                for mine, their in pairs:
                    if values.get(mine) not in (None, "") and theirs.get(their) not in (None, "") and str(values[mine]) != str(theirs[their]):
                        report.conflicts += 1
                        if len(report.conflict_samples) < MAX_ERRORS_LISTED:
                            report.conflict_samples.append({
                                "row": number, "field": mine, "source": f"{src.code}.{their}",
                                "message": _("与权威来源 %(src)s（%(dept)s）不一致，以权威来源为准，请核实。")
                                % {"src": f"{src.name}.{their}", "dept": src.provider.name},
                            })
            if logs:
                self._write_logs(logs)
                self.reads[src.code] += len(logs)

    def _log(self, src: DataResource, key: str, values: dict[str, Any], compared: tuple[str, ...]) -> tuple[Any, ...]:
        masked = mask_key(self.resource.key_kind, str(values.get(self.key_field, "")))
        return (*self._log_head(src, compared), key, masked)

    @functools.cache  # noqa: B019  (one checker per push: the cache dies with it)
    def _log_head(self, src: DataResource, compared: tuple[str, ...]) -> tuple[Any, ...]:  # hashable: cached
        actor = self.actor.pk if self.actor is not None and self.actor.is_authenticated else None
        return (connection.ops.adapt_datetimefield_value(self.now), self.resource.provider_id, src.provider_id, src.pk,
                src.code[:40], sub.pk if (sub := self.subscriptions[src.pk]) is not None else None, actor, Channel.INGEST,
                json.dumps(list(compared), ensure_ascii=False), "[]", self.purpose, "", Outcome.SERVED, "", "")

    def _write_logs(self, rows: list[tuple[Any, ...]]) -> None:
        """One executemany per batch: building model instances for bulk_create cost several times more."""
        with connection.cursor() as cursor:
            cursor.executemany(self._LOG_SQL, rows)

    _LOG_COLUMNS = ("created_at", "consumer_id", "provider_id", "resource_id", "resource_code", "subscription_id",
                    "actor_id", "channel", "fields_requested", "fields_returned", "purpose", "case_reference", "outcome",
                    "refusal_code", "response_sm3", "subject_index", "subject_masked")
    _LOG_SQL = (f"INSERT INTO {AccessLog._meta.db_table} ({', '.join(_LOG_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * len(_LOG_COLUMNS))})")

# ------------------------------------------------------------------------------ checking records
#
# The file is read in this process and cut into chunks of records; each chunk is checked, indexed
# and sealed by ``process_chunk`` (in this process, or in worker processes for a large file), and
# the results come back in file order, so duplicates, the report and the rows loaded are the same
# either way. A chunk is ``("lines", lines before it, raw CSV lines)`` (a stretch of a CSV file
# without any quote character, where every line is a record), ``("cells", [(number, cells or None,
# problem)])`` (rows already split: quoted CSV, Excel) or ``("objects", [(number, dict or None,
# problem)])`` (JSON). A result entry is ``(number, [(field, reason, detail)])`` for a rejected
# record and ``(number, key index, public JSON, sealed token, clean values or None)`` for a valid one.


@dataclass
class ChunkContext:
    processor: RowProcessor
    header: list[str | None]
    codec: str
    want_values: bool  # the clean values are needed back (一数一源 checks)


def process_chunk(ctx: ChunkContext, chunk: tuple[Any, ...]) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    processor, header = ctx.processor, ctx.header
    processor.filled = dict.fromkeys(processor.filled, 0)
    kind = chunk[0]
    if kind == "lines":
        items: Iterable[tuple[int, Any, str]] = csv_rows(chunk[2], ctx.codec, False, chunk[1])
    else:
        items = chunk[1]
    process, want_values, width = processor.process, ctx.want_values, len(header)
    out: list[tuple[Any, ...]] = []
    append = out.append
    for number, row, problem in items:
        if row is None:
            append((number, [("", problem, "")]))
            continue
        if kind != "objects":
            if len(row) > width and any(str(c).strip() for c in row[width:]):
                append((number, [("", "columns", f"{len(row)}/{width}")]))
                continue
            row = {h: c for h, c in zip(header, row, strict=False) if h}
        result = process(row)
        if isinstance(result, list):
            append((number, [(name, reason, "") for name, reason in result]))
        else:
            append((number, result[0], result[1] if want_values else None))
    return out, processor.filled


def worker_count() -> int:
    """Worker processes for a large file: ``YIWANG_INGEST_WORKERS`` (0 or 1: none), else one per core."""
    configured = getattr(settings, "YIWANG_INGEST_WORKERS", None)
    workers = int(configured) if configured is not None else (os.cpu_count() or 1)
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):  # a spawned worker sets Django up from it
        return 0
    return workers if workers >= 2 else 0


class CheckerPool:
    """Worker processes checking chunks, results taken back in order; at most a few chunks in
    flight, so memory stays bounded. Spawned (not forked): a fork would share this process's
    database connection."""

    def __init__(self, ctx: ChunkContext, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from yiwang.exchange import ingest_workers

        self.executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=ingest_workers.init, initargs=(pickle.dumps(ctx),))
        self.run = ingest_workers.run
        self.pending: deque[Any] = deque()
        self.limit = 2 * workers + 1

    def submit(self, chunk: tuple[Any, ...]) -> Iterator[tuple[list[tuple[Any, ...]], dict[str, int]]]:
        """Hand a chunk over; yield the results that must be taken now to keep the limit."""
        self.pending.append(self.executor.submit(self.run, chunk))
        while len(self.pending) > self.limit:
            yield self.pending.popleft().result()

    def drain(self) -> Iterator[tuple[list[tuple[Any, ...]], dict[str, int]]]:
        while self.pending:
            yield self.pending.popleft().result()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def hold_reasons(read: int, rejected: int, loaded: int, current_rows: int) -> list[dict[str, Any]]:
    """Why a push must wait for the steward's confirmation instead of becoming current by itself.

    A push is a full snapshot, so a file a spreadsheet program mangled (IDs turned into numbers:
    1 of 18 rows loaded) would otherwise replace good data. Held when the rejected share exceeds
    ``YIWANG_EXCHANGE_HOLD_REJECTED_SHARE`` (default 5 %), or when the new version has fewer than
    ``YIWANG_EXCHANGE_HOLD_SHRINK`` (default 50 %) of the current version's rows (a one-row probe
    can then no longer replace a whole dataset)."""
    reasons = []
    limit = float(getattr(settings, "YIWANG_EXCHANGE_HOLD_REJECTED_SHARE", 0.05))
    if read and rejected / read > limit:
        reasons.append({"code": "rejected_share", "share": round(rejected / read, 4), "limit": limit,
                        "message": _("拒收 %(rejected)s 行，占 %(share)s%%，超过 %(limit)s%% 的上限：须由数据管理员确认后才成为当前版本。")
                        % {"rejected": rejected, "share": round(100 * rejected / read, 1), "limit": round(100 * limit, 1)}})
    shrink = float(getattr(settings, "YIWANG_EXCHANGE_HOLD_SHRINK", 0.5))
    if current_rows and loaded < current_rows * shrink:
        reasons.append({"code": "shrink", "loaded": loaded, "current_rows": current_rows, "limit": shrink,
                        "message": _("入库 %(loaded)s 行，不到当前版本 %(current)s 行的 %(limit)s%%：须由数据管理员确认后才成为当前版本。")
                        % {"loaded": loaded, "current": current_rows, "limit": round(100 * shrink)}})
    return reasons


