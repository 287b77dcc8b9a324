"""Ingestion: a provider pushes a dataset (CSV, Excel .xlsx, JSON array or JSON Lines) into its
resource. The file is streamed (memory stays bounded whatever its size), every row is checked
against the field standards, valid rows are loaded as a new version of the resource (COPY on
PostgreSQL, ``bulk_create`` elsewhere) and a quality report says what was rejected and why.

Nothing valid is lost when some rows are bad: bad rows are reported (row number, field, reason)
and the good ones load. A file that cannot be read at all (wrong encoding, no key column, an
unknown format) is refused with a 422 naming the problem; the current version stays as it was.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import json
import os
import pickle
import shutil
import tempfile
import time
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidInput
from yiwang.core.services import record_audit
from yiwang.crypto.fields import FieldSealer
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.models import (
    AccessLog,
    Channel,
    DataResource,
    DataRow,
    Dataset,
    DatasetStatus,
    Outcome,
    ResourceField,
)
from yiwang.exchange.permissions import require_steward
from yiwang.exchange.rows import REASONS, FieldCheck, RowProcessor, compile_checks, key_indexer, mask_key, unseal

FORMATS = ("csv", "xlsx", "json", "jsonl")
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030",
             "gb18030": "gb18030", "cp936": "gb18030"}
MAX_ERRORS_LISTED = 1000
SNIFF_BYTES = 64 * 1024
BATCH = 5000
CHUNK = 4000  # records handed to a worker at once
PARALLEL_AFTER = 20_000  # rows checked in this process before worker processes are started


@dataclass
class IngestResult:
    dataset: Dataset
    report: dict[str, Any]


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


# ------------------------------------------------------------------------------ readers


def detect_format(file_name: str, declared: str | None) -> str:
    fmt = (declared or "").lower().lstrip(".")
    if not fmt:
        fmt = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    fmt = {"ndjson": "jsonl", "xls": "xls", "txt": "csv"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise InvalidInput(Code.UNSUPPORTED_FORMAT,
                           _("不支持的文件格式“%(fmt)s”：请上传 CSV、Excel（.xlsx）、JSON 或 JSON Lines 文件。") % {"fmt": fmt or "?"},
                           {"format": fmt, "supported": list(FORMATS)})
    return fmt


class _Hashing(io.RawIOBase):
    """Wraps a binary stream: counts and hashes (SHA-256, for the dataset's identity) what is read."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.sha, self.size = raw, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.raw.read(len(b))
        n = len(data)
        b[:n] = data
        self.sha.update(data)
        self.size += n
        return n


def _choose_encoding(head: bytes, declared: str | None) -> tuple[str, bool]:
    """``(codec, had_bom)``; refuses bytes that are not UTF-8 unless another encoding is declared."""
    bom = head.startswith(codecs.BOM_UTF8)
    if declared:
        codec = ENCODINGS.get(declared.lower().replace("_", "-"))
        if codec is None:
            raise InvalidInput(Code.WRONG_ENCODING, _("不支持声明的编码“%(e)s”：可用 utf-8、gbk、gb18030。") % {"e": declared},
                               {"declared": declared})
        return codec, bom
    lines = head.split(b"\n")
    if len(head) >= SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle of a character
    bad = [n for n, line in enumerate(lines, start=1) if not _is_utf8(line)]
    if not bad:
        return "utf-8", bom
    non_ascii = sum(1 for line in lines if any(b > 0x7F for b in line))
    if bad[0] > 1 and len(bad) * 2 < non_ascii:
        return "utf-8", bom  # a few stray lines: each is rejected as a row, the rest loads
    line = bad[0]
    guess = "gbk" if all(_decodes(lines[n - 1], "gb18030") for n in bad) else ""
    raise InvalidInput(
        Code.WRONG_ENCODING,
        (_("文件不是 UTF-8 编码（第 %(line)s 行起，疑似 GBK/GB18030 中文编码）：请另存为 UTF-8，或上传时声明编码 gbk。")
         if guess else _("文件不是 UTF-8 编码（第 %(line)s 行起）：请另存为 UTF-8 后重新上传。")) % {"line": line},
        {"expected": "utf-8", "detected": guess or "unknown", "line": line, "bad_lines_in_sample": len(bad)},
    )


def _is_utf8(data: bytes) -> bool:
    return _decodes(data, "utf-8")


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(stream: Iterable[bytes], codec: str, bom: bool, after_line: int = 0) -> Iterator[tuple[int, list[str] | None, str]]:
    """Yield ``(line number, cells or None, problem)``; each physical line is decoded on its own,
    so one line in a wrong encoding is one rejected row, not a lost file. ``after_line`` is the
    number of lines of the file before the first one of ``stream``."""
    bad_lines: dict[int, str] = {}
    state = {"line": after_line}

    def lines() -> Iterator[str]:
        first = True
        for raw in stream:
            state["line"] += 1
            if first and bom:
                raw = raw[3:]
            first = False
            try:
                yield raw.decode(codec)
            except UnicodeDecodeError:
                bad_lines[state["line"]] = "encoding"
                yield "\n"

    reader = csv.reader(lines())
    for cells in reader:
        line = after_line + reader.line_num
        if line in bad_lines:
            yield line, None, bad_lines.pop(line)
        elif cells:
            yield line, cells, ""


def _seekable(stream: BinaryIO) -> BinaryIO:
    try:
        stream.seek(0)
        return stream
    except (AttributeError, OSError, io.UnsupportedOperation):
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - returned open
        shutil.copyfileobj(stream, spool)
        spool.seek(0)
        return spool  # type: ignore[return-value]


def _xlsx_rows(stream: BinaryIO) -> Iterator[tuple[int, list[Any] | None, str]]:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is in requirements
        raise InvalidInput(Code.UNSUPPORTED_FORMAT, _("服务器未安装 Excel 读取组件。"), {}) from exc
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InvalidInput(Code.FILE_UNREADABLE, _("无法读取 Excel 文件：请确认是 .xlsx 格式且未加密。"),
                           {"error": exc.__class__.__name__}) from exc
    sheet = book.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else v for v in values]
        if any(c != "" for c in cells):
            yield number, cells, ""
    book.close()


def _json_objects(stream: BinaryIO, codec: str, bom: bool, fmt: str) -> Iterator[tuple[int, dict | None, str]]:
    decoder = codecs.getincrementaldecoder(codec)()
    if fmt == "jsonl":
        for number, raw in enumerate(stream, start=1):
            if number == 1 and bom:
                raw = raw[3:]
            try:
                text = raw.decode(codec).strip()
            except UnicodeDecodeError:
                yield number, None, "encoding"
                continue
            if not text:
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError:
                yield number, None, "not_an_object"
                continue
            yield (number, obj, "") if isinstance(obj, dict) else (number, None, "not_an_object")
        return
    parser = json.JSONDecoder()
    buf, pos, number, started, first = "", 0, 0, False, True
    while True:
        chunk = stream.read(SNIFF_BYTES)
        if first and bom:
            chunk = chunk[3:]
        first = False
        try:
            buf = buf[pos:] + decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise InvalidInput(Code.WRONG_ENCODING, _("JSON 文件不是 UTF-8 编码：请另存为 UTF-8。"), {"expected": "utf-8"}) from exc
        pos = 0
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(buf):
                break
            if not started:
                if buf[pos] != "[":
                    raise InvalidInput(Code.FILE_UNREADABLE, _("JSON 文件应为对象数组（[{...}, ...]）或 JSON Lines。"), {})
                started, pos = True, pos + 1
                continue
            if buf[pos] == "]":
                return
            try:
                obj, end = parser.raw_decode(buf, pos)
            except json.JSONDecodeError:
                if not chunk:
                    number += 1
                    raise InvalidInput(Code.FILE_UNREADABLE, _("JSON 第 %(n)s 条记录格式错误，文件无法继续读取。") % {"n": number},
                                       {"record": number}) from None
                break
            number += 1
            pos = end
            yield (number, obj, "") if isinstance(obj, dict) else (number, None, "not_an_object")
        if not chunk:
            if not started:
                raise InvalidInput(Code.FILE_UNREADABLE, _("JSON 文件为空。"), {})
            return


# ------------------------------------------------------------------------------ loading


class _Loader:
    """Writes valid rows of one version: on PostgreSQL one COPY (text format) kept open across
    batches and fed from a thread, so that the server loads while this process reads and checks
    the next rows; ``bulk_create`` elsewhere. ``pause()`` ends the COPY where another query must
    run (the 一数一源 checks), ``close()`` at the end."""

    def __init__(self, resource: DataResource, version: int):
        self.resource, self.version = resource, version
        self.postgres = connection.vendor == "postgresql"
        self.prefix = f"{resource.pk}\t{version}\t"
        self._cursor: Any = None
        self._open: Any = None  # the COPY's context manager
        self._copy: Any = None

    def write(self, batch: list[str]) -> None:
        """Write COPY lines (``rows.copy_line``: key index, values, sealed)."""
        if not batch:
            return
        if self.postgres:
            prefix = self.prefix
            text = prefix + prefix.join(batch)
            if self._copy is None:
                from psycopg.copy import QueuedLibpqWriter

                self._cursor = connection.cursor()
                raw = self._cursor.cursor
                self._open = raw.copy(f'COPY "{DataRow._meta.db_table}" (resource_id, version, key_index, "values", sealed) '
                                      "FROM STDIN", writer=QueuedLibpqWriter(raw))
                self._copy = self._open.__enter__()
            self._copy.write(text)
        else:
            rows = (line[:-1].split("\t") for line in batch)
            DataRow.objects.bulk_create(
                [DataRow(resource=self.resource, version=self.version, key_index=k,
                         values=json.loads(v.replace("\\\\", "\\")), sealed=s) for k, v, s in rows],
                batch_size=1000,
            )

    def pause(self, exc: BaseException | None = None) -> None:
        """End the open COPY (abort it if ``exc``); the next ``write`` opens another."""
        opened, cursor, self._open, self._copy, self._cursor = self._open, self._cursor, None, None, None
        if opened is not None:
            try:
                opened.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)
            finally:
                cursor.close()

    close = pause


class _Report:
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


def _header_map(header: list[Any], fields: list[ResourceField], resource: DataResource) -> tuple[list[str | None], list[str]]:
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


class _ConflictChecker:
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

    def __init__(self, fields: list[ResourceField], resource: DataResource, actor: AbstractBaseUser | None,
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

    def check(self, batch: list[tuple[int, str, dict[str, Any]]], report: _Report) -> None:
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

    def _log(self, src: DataResource, key: str, values: dict[str, Any], compared: list[str]) -> tuple[Any, ...]:
        masked = mask_key(self.resource.key_kind, str(values.get(self.key_field, "")))
        return (*self._log_head(src, compared), key, masked)

    @functools.cache  # noqa: B019  (one checker per push: the cache dies with it)
    def _log_head(self, src: DataResource, compared: tuple[str, ...] | list[str]) -> tuple[Any, ...]:
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
# and sealed by ``_process_chunk`` (in this process, or in worker processes for a large file), and
# the results come back in file order, so duplicates, the report and the rows loaded are the same
# either way. A chunk is ``("lines", lines before it, raw CSV lines)`` (a stretch of a CSV file
# without any quote character, where every line is a record), ``("cells", [(number, cells or None,
# problem)])`` (rows already split: quoted CSV, Excel) or ``("objects", [(number, dict or None,
# problem)])`` (JSON). A result entry is ``(number, [(field, reason, detail)])`` for a rejected
# record and ``(number, key index, public JSON, sealed token, clean values or None)`` for a valid one.


@dataclass
class _ChunkContext:
    processor: RowProcessor
    header: list[str | None]
    codec: str
    want_values: bool  # the clean values are needed back (一数一源 checks)


def _process_chunk(ctx: _ChunkContext, chunk: tuple[Any, ...]) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    processor, header = ctx.processor, ctx.header
    processor.filled = dict.fromkeys(processor.filled, 0)
    kind = chunk[0]
    if kind == "lines":
        items: Iterable[tuple[int, Any, str]] = _csv_rows(chunk[2], ctx.codec, False, chunk[1])
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
        if result.__class__ is list:
            append((number, [(name, reason, "") for name, reason in result]))
        else:
            append((number, result[0], result[1] if want_values else None))
    return out, processor.filled


def _worker_count() -> int:
    """Worker processes for a large file: ``YIWANG_INGEST_WORKERS`` (0 or 1: none), else one per core."""
    configured = getattr(settings, "YIWANG_INGEST_WORKERS", None)
    workers = int(configured) if configured is not None else (os.cpu_count() or 1)
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):  # a spawned worker sets Django up from it
        return 0
    return workers if workers >= 2 else 0


class _Pool:
    """Worker processes checking chunks, results taken back in order; at most a few chunks in
    flight, so memory stays bounded. Spawned (not forked): a fork would share this process's
    database connection."""

    def __init__(self, ctx: _ChunkContext, workers: int):
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


def _csv_chunks(lines: Iterator[bytes], codec: str, after_line: int) -> Iterator[tuple[Any, ...]]:
    """Chunks of a CSV file after its header. Stretches without a quote character are handed over
    as raw lines (each line is a record there, so a worker can split them); from the first quote on,
    a quoted field may span lines, so the rows are split here by one reader to the end."""
    while True:
        block = list(itertools.islice(lines, CHUNK))
        if not block:
            return
        if not any(b'"' in line for line in block):
            yield ("lines", after_line, block)
            after_line += len(block)
            continue
        rows = _csv_rows(itertools.chain(block, lines), codec, False, after_line)
        while batch := list(itertools.islice(rows, CHUNK)):
            yield ("cells", batch)
        return


def _record_chunks(items: Iterator[tuple[int, Any, str]], kind: str) -> Iterator[tuple[Any, ...]]:
    while batch := list(itertools.islice(items, CHUNK)):
        yield (kind, batch)


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


def ingest_dataset(
    *, actor: AbstractBaseUser | None, resource: DataResource, stream: BinaryIO, file_name: str = "",
    file_format: str | None = None, encoding: str | None = None, now: dt.datetime | None = None,
    batch_size: int = BATCH, workers: int | None = None,
) -> IngestResult:
    """Validate and load one dataset as the next version of ``resource``; return it with its report.

    A dataset without a single valid row is kept as ``rejected`` (with its report) and the current
    version does not change; one that ``hold_reasons`` names is loaded but ``held`` until the
    steward confirms it (``services.confirm_dataset``); otherwise the new version becomes current.
    One transaction.

    Past its first ``PARALLEL_AFTER`` rows, a file is checked, indexed and sealed by ``workers``
    processes (default ``YIWANG_INGEST_WORKERS``, else one per core; 0 for none) while this
    process reads, finds duplicates and loads; the outcome is the same as with none."""
    require_steward(actor, resource.provider)
    started = time.perf_counter()
    now = now or timezone.now()
    fmt = detect_format(file_name, file_format)
    if fmt == "xlsx":  # a zip needs seeking: hash it first, then let openpyxl stream its sheets
        stream = _seekable(stream)
    source = _Hashing(stream)
    buffered = io.BufferedReader(source, buffer_size=256 * 1024)
    if fmt == "xlsx":
        while buffered.read(1 << 20):
            pass
        stream.seek(0)
        buffered = stream  # type: ignore[assignment]
    codec, bom = "utf-8", False
    if fmt in ("csv", "json", "jsonl"):
        codec, bom = _choose_encoding(buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES], encoding)
    fields = list(ResourceField.objects.filter(resource=resource).select_related("source_field__resource__provider"))
    checks = compile_checks(fields)
    key_check = next(c for c in checks if c.name == resource.key_field)
    processor = RowProcessor(checks, key_check.name, key_indexer(resource.key_kind), FieldSealer(context=resource.seal_context))
    conflicts = _ConflictChecker(fields, resource, actor, now)
    report = _Report(checks)
    seen = SeenKeys()
    columns: list[str] = []
    ignored: list[str] = []
    pool: _Pool | None = None
    if workers is None:
        workers = _worker_count()

    with transaction.atomic():
        locked = DataResource.objects.select_for_update().get(pk=resource.pk)
        version = (Dataset.objects.filter(resource=locked).aggregate(v=Max("version"))["v"] or 0) + 1
        loader = _Loader(locked, version)
        batch: list[str] = []
        conflict_batch: list[tuple[int, str, dict[str, Any]]] = []
        duplicate_of = _("首次出现于第 %(n)s 行")

        def flush() -> None:
            loader.write(batch)
            if conflicts.pairs and conflict_batch:
                loader.pause()
                conflicts.check(conflict_batch, report)
            batch.clear()
            conflict_batch.clear()

        def take(entries: list[tuple[Any, ...]], filled: dict[str, int]) -> None:
            report.filled.update(filled)
            add = seen.add
            for entry in entries:
                report.read += 1
                if len(entry) == 2:
                    report.rejected += 1
                    for name, reason, detail in entry[1]:
                        report.reject(entry[0], name, reason, detail)
                    continue
                number, line, values = entry
                first = add(int(line[:16], 16), number)
                if first is not None:
                    report.rejected += 1
                    report.duplicates += 1
                    report.reject(number, key_check.name, "duplicate_key", duplicate_of % {"n": first})
                    continue
                batch.append(line)
                if values is not None:
                    conflict_batch.append((number, line[:64], values))
                report.loaded += 1
                if len(batch) >= batch_size:
                    flush()

        header: list[str | None] = []
        if fmt == "csv":
            lines = iter(buffered)
            first_rows = _csv_rows(lines, codec, bom)
            number, cells, _problem = next(first_rows, (0, [], ""))
            if cells is None:
                raise InvalidInput(Code.WRONG_ENCODING, _("表头无法按 %(c)s 解码。") % {"c": codec}, {"line": number})
            if not cells:
                raise InvalidInput(Code.FILE_UNREADABLE, _("文件为空：没有表头和数据行。"), {})
            header, ignored = _header_map(cells, fields, resource)
            chunks = _csv_chunks(lines, codec, number)
        elif fmt == "xlsx":
            sheet = _xlsx_rows(buffered)
            number, cells, _problem = next(sheet, (0, [], ""))
            if not cells:
                raise InvalidInput(Code.FILE_UNREADABLE, _("文件为空：没有表头和数据行。"), {})
            header, ignored = _header_map(cells, fields, resource)
            chunks = _record_chunks(sheet, "cells")
        else:
            chunks = _record_chunks(_json_objects(buffered, codec, bom, fmt), "objects")
        columns = [h for h in header if h] if fmt in ("csv", "xlsx") else [c.name for c in checks]
        ctx = _ChunkContext(processor, header, codec, bool(conflicts.pairs))
        try:
            for chunk in chunks:
                if pool is None and workers and report.read >= PARALLEL_AFTER:
                    pool = _Pool(ctx, workers)
                if pool is None:
                    take(*_process_chunk(ctx, chunk))
                else:
                    for result in pool.submit(chunk):
                        take(*result)
            if pool is not None:
                for result in pool.drain():
                    take(*result)
            flush()
        except BaseException as exc:
            loader.pause(exc)
            raise
        finally:
            if pool is not None:
                pool.close()
        loader.close()
        report.conflict_checks_skipped, report.source_reads = conflicts.skipped, conflicts.reads

        body = report.as_dict(columns=columns, ignored=ignored)
        held = hold_reasons(report.read, report.rejected, report.loaded, locked.row_count if locked.current_version else 0)
        if not report.loaded:
            status = DatasetStatus.REJECTED
        elif held:
            status = DatasetStatus.HELD
            body["held"] = held
        else:
            status = DatasetStatus.LOADED
        dataset = Dataset.objects.create(
            resource=locked, version=version, status=status, file_name=file_name[:200], file_format=fmt,
            encoding=codec if fmt != "xlsx" else "", file_sha256=source.sha.hexdigest(), rows_read=report.read,
            rows_loaded=report.loaded, rows_rejected=report.rejected, duplicates=report.duplicates,
            conflicts=report.conflicts, report=body, uploaded_by=actor if actor is not None and actor.is_authenticated else None,
            received_at=now, seconds=round(time.perf_counter() - started, 3),
        )
        if status == DatasetStatus.LOADED:
            if loader.postgres and report.loaded >= 10_000:  # fresh planner statistics for the lookups
                with connection.cursor() as cursor:
                    cursor.execute(f'ANALYZE "{DataRow._meta.db_table}"')
            DataResource.objects.filter(pk=locked.pk).update(current_version=version, row_count=report.loaded, updated_at=now)
            resource.current_version, resource.row_count = version, report.loaded
        event = {DatasetStatus.LOADED: "exchange_dataset_ingested", DatasetStatus.HELD: "exchange_dataset_held"}
        record_audit(actor=actor, event_type=event.get(status, "exchange_dataset_rejected"),
                     subject_type="exchange_resource", subject_id=resource.code, actor_department=resource.provider, at=now,
                     details={"dataset": dataset.pk, "version": version, "rows_read": report.read,
                              "rows_loaded": report.loaded, "rows_rejected": report.rejected,
                              "duplicates": report.duplicates, "conflicts": report.conflicts,
                              "source_reads": dict(conflicts.reads), "file_sha256": dataset.file_sha256, "bytes": source.size})
    return IngestResult(dataset=dataset, report=body)
