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
import hashlib
import io
import json
import shutil
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidInput
from yiwang.core.services import record_audit
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.models import DataResource, DataRow, Dataset, DatasetStatus, ResourceField
from yiwang.exchange.permissions import require_steward
from yiwang.exchange.rows import REASONS, FieldCheck, KeyIndexer, compile_checks, seal, unseal

FORMATS = ("csv", "xlsx", "json", "jsonl")
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030",
             "gb18030": "gb18030"}
MAX_ERRORS_LISTED = 1000
SNIFF_BYTES = 64 * 1024
BATCH = 5000


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


def _csv_rows(stream: io.BufferedReader, codec: str, bom: bool) -> Iterator[tuple[int, list[str] | None, str]]:
    """Yield ``(line number, cells or None, problem)``; each physical line is decoded on its own,
    so one line in a wrong encoding is one rejected row, not a lost file."""
    bad_lines: dict[int, str] = {}
    state = {"line": 0}

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
        line = reader.line_num
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
    """Writes valid rows of one version: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, resource: DataResource, version: int):
        self.resource, self.version = resource, version
        self.postgres = connection.vendor == "postgresql"

    def write(self, batch: list[tuple[str, str, str]]) -> None:
        if not batch:
            return
        if self.postgres:
            table = DataRow._meta.db_table
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f'COPY "{table}" (resource_id, version, key_index, "values", sealed) FROM STDIN') as copy:
                    rid, ver = self.resource.pk, self.version
                    for key, values, sealed in batch:
                        copy.write_row((rid, ver, key, values, sealed))
        else:
            DataRow.objects.bulk_create(
                [DataRow(resource=self.resource, version=self.version, key_index=k, values=json.loads(v), sealed=s)
                 for k, v, s in batch],
                batch_size=1000,
            )


class _Report:
    def __init__(self, checks: list[FieldCheck]):
        self.read = self.loaded = self.rejected = self.duplicates = self.conflicts = 0
        self.filled: Counter[str] = Counter()
        self.invalid: Counter[tuple[str, str]] = Counter()
        self.errors: list[dict[str, Any]] = []
        self.conflict_samples: list[dict[str, Any]] = []
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
    """一数一源: compares fields that name an authoritative source with that source's current rows."""

    def __init__(self, fields: list[ResourceField]):
        self.pairs: dict[int, list[tuple[str, str]]] = {}
        self.sources: dict[int, DataResource] = {}
        for f in fields:
            if f.source_field_id and f.source_field is not None:
                src = f.source_field.resource
                if src.current_version:
                    self.sources[src.pk] = src
                    self.pairs.setdefault(src.pk, []).append((f.name, f.source_field.name))

    def check(self, batch: list[tuple[int, str, dict[str, Any]]], report: _Report) -> None:
        for src_id, pairs in self.pairs.items():
            src = self.sources[src_id]
            rows = dict(DataRow.objects.filter(resource=src, version=src.current_version,
                                               key_index__in=[k for _n, k, _v in batch]).values_list("key_index", "values"))
            sealed = dict(DataRow.objects.filter(resource=src, version=src.current_version,
                                                 key_index__in=list(rows)).exclude(sealed="").values_list("key_index", "sealed"))
            for number, key, values in batch:
                if key not in rows:
                    continue
                theirs = dict(rows[key])
                if key in sealed:
                    theirs.update(unseal(sealed[key], context=src.seal_context))
                for mine, their in pairs:
                    if values.get(mine) not in (None, "") and theirs.get(their) not in (None, "") and str(values[mine]) != str(theirs[their]):
                        report.conflicts += 1
                        if len(report.conflict_samples) < MAX_ERRORS_LISTED:
                            report.conflict_samples.append({
                                "row": number, "field": mine, "source": f"{src.code}.{their}",
                                "message": _("与权威来源 %(src)s（%(dept)s）不一致，以权威来源为准，请核实。")
                                % {"src": f"{src.name}.{their}", "dept": src.provider.name},
                            })


def ingest_dataset(
    *, actor: AbstractBaseUser | None, resource: DataResource, stream: BinaryIO, file_name: str = "",
    file_format: str | None = None, encoding: str | None = None, now: dt.datetime | None = None,
    batch_size: int = BATCH,
) -> IngestResult:
    """Validate and load one dataset as the next version of ``resource``; return it with its report.

    A dataset without a single valid row is kept as ``rejected`` (with its report) and the current
    version does not change; otherwise the new version becomes current. One transaction."""
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
    by_name = {c.name: c for c in checks}
    key_check = by_name[resource.key_field]
    seal_ctx = resource.seal_context
    index_of = KeyIndexer(resource.key_kind)
    personal = {c.name for c in checks if c.personal}
    conflicts = _ConflictChecker(fields)
    report = _Report(checks)
    seen = SeenKeys()
    columns: list[str] = []
    ignored: list[str] = []

    with transaction.atomic():
        locked = DataResource.objects.select_for_update().get(pk=resource.pk)
        version = (Dataset.objects.filter(resource=locked).aggregate(v=Max("version"))["v"] or 0) + 1
        loader = _Loader(locked, version)
        batch: list[tuple[str, str, str]] = []
        conflict_batch: list[tuple[int, str, dict[str, Any]]] = []
        dumps = json.dumps

        def flush() -> None:
            loader.write(batch)
            if conflicts.pairs and conflict_batch:
                conflicts.check(conflict_batch, report)
            batch.clear()
            conflict_batch.clear()

        def handle(number: int, record: dict[str, Any]) -> None:
            report.read += 1
            clean: dict[str, Any] = {}
            problems: list[tuple[str, str]] = []
            for name, raw in record.items():
                check = by_name.get(name)
                if check is None:
                    continue
                value, problem = check.clean(raw)
                if problem:
                    problems.append((name, problem))
                elif value is not None:
                    clean[name] = value
                    report.filled[name] += 1
            for check in checks:
                if check.required and check.name not in record:
                    problems.append((check.name, "required"))
            if problems:
                report.rejected += 1
                for name, problem in problems:
                    report.reject(number, name, problem)
                return
            key = clean.get(key_check.name)
            index = index_of(str(key))
            first = seen.add(int(index[:16], 16), number)
            if first is not None:
                report.rejected += 1
                report.duplicates += 1
                report.reject(number, key_check.name, "duplicate_key", _("首次出现于第 %(n)s 行") % {"n": first})
                return
            private = {k: v for k, v in clean.items() if k in personal}
            public = {k: v for k, v in clean.items() if k not in personal}
            batch.append((index, dumps(public, ensure_ascii=False, separators=(",", ":")), seal(private, context=seal_ctx)))
            if conflicts.pairs:
                conflict_batch.append((number, index, clean))
            report.loaded += 1
            if len(batch) >= batch_size:
                flush()

        if fmt == "csv" or fmt == "xlsx":
            rows = _csv_rows(buffered, codec, bom) if fmt == "csv" else _xlsx_rows(buffered)
            header: list[str | None] | None = None
            for number, cells, problem in rows:
                if header is None:
                    if cells is None:
                        raise InvalidInput(Code.WRONG_ENCODING, _("表头无法按 %(c)s 解码。") % {"c": codec}, {"line": number})
                    header, ignored = _header_map(cells, fields, resource)
                    columns = [h for h in header if h]
                    continue
                if cells is None:
                    report.read += 1
                    report.rejected += 1
                    report.reject(number, "", problem)
                    continue
                if len(cells) > len(header) and any(str(c).strip() for c in cells[len(header):]):
                    report.read += 1
                    report.rejected += 1
                    report.reject(number, "", "columns", f"{len(cells)}/{len(header)}")
                    continue
                handle(number, {h: c for h, c in zip(header, cells, strict=False) if h})
            if header is None:
                raise InvalidInput(Code.FILE_UNREADABLE, _("文件为空：没有表头和数据行。"), {})
        else:
            for number, obj, problem in _json_objects(buffered, codec, bom, fmt):
                if obj is None:
                    report.read += 1
                    report.rejected += 1
                    report.reject(number, "", problem)
                    continue
                handle(number, obj)
            columns = [c.name for c in checks]
        flush()

        status = DatasetStatus.LOADED if report.loaded else DatasetStatus.REJECTED
        body = report.as_dict(columns=columns, ignored=ignored)
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
        record_audit(actor=actor, event_type="exchange_dataset_ingested" if report.loaded else "exchange_dataset_rejected",
                     subject_type="exchange_resource", subject_id=resource.code, actor_department=resource.provider, at=now,
                     details={"dataset": dataset.pk, "version": version, "rows_read": report.read,
                              "rows_loaded": report.loaded, "rows_rejected": report.rejected,
                              "duplicates": report.duplicates, "conflicts": report.conflicts,
                              "file_sha256": dataset.file_sha256, "bytes": source.size})
    return IngestResult(dataset=dataset, report=body)
