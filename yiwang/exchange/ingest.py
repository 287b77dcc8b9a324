"""Ingestion: a provider pushes a dataset (CSV, Excel .xlsx, JSON array or JSON Lines) into its
resource. The file is streamed (memory stays bounded whatever its size), every row is checked
against the field standards, valid rows are loaded as a new version of the resource (COPY on
PostgreSQL, ``bulk_create`` elsewhere) and a quality report says what was rejected and why.

Nothing valid is lost when some rows are bad: bad rows are reported (row number, field, reason)
and the good ones load. A file that cannot be read at all (wrong encoding, no key column, an
unknown format) is refused with a 422 naming the problem; the current version stays as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidInput
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.crypto.fields import FieldSealer
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.ingest_check import (
    CheckerPool,
    ChunkContext,
    ConflictChecker,
    QualityReport,
    SeenKeys,
    header_map,
    hold_reasons,
    process_chunk,
    worker_count,
)
from yiwang.exchange.ingest_load import RowLoader
from yiwang.exchange.ingest_read import (
    SNIFF_BYTES,
    HashingReader,
    choose_encoding,
    csv_chunks,
    csv_rows,
    detect_format,
    json_objects,
    record_chunks,
    seekable,
    xlsx_rows,
)
from yiwang.exchange.models import (
    DataResource,
    DataRow,
    Dataset,
    DatasetStatus,
    ResourceField,
)
from yiwang.exchange.permissions import require_steward
from yiwang.exchange.rows import RowProcessor, compile_checks, key_indexer

BATCH = 5000
PARALLEL_AFTER = 20_000  # rows checked in this process before worker processes are started


@dataclass
class IngestResult:
    dataset: Dataset
    report: dict[str, Any]


def ingest_dataset(
    *, actor: User | None, resource: DataResource, stream: IO[bytes], file_name: str = "",
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
        stream = seekable(stream)
    source = HashingReader(stream)
    buffered = io.BufferedReader(source, buffer_size=256 * 1024)
    if fmt == "xlsx":
        while buffered.read(1 << 20):
            pass
        stream.seek(0)
        buffered = stream  # type: ignore[assignment]  # the stream is used as is when it is already buffered
    codec, bom = "utf-8", False
    if fmt in ("csv", "json", "jsonl"):
        codec, bom = choose_encoding(buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES], encoding)
    fields = list(ResourceField.objects.filter(resource=resource).select_related("source_field__resource__provider"))
    checks = compile_checks(fields)
    key_check = next(c for c in checks if c.name == resource.key_field)
    processor = RowProcessor(checks, key_check.name, key_indexer(resource.key_kind), FieldSealer(context=resource.seal_context))
    conflicts = ConflictChecker(fields, resource, actor, now)
    report = QualityReport(checks)
    seen = SeenKeys()
    columns: list[str] = []
    ignored: list[str] = []
    pool: CheckerPool | None = None
    if workers is None:
        workers = worker_count()

    with transaction.atomic():
        locked = DataResource.objects.select_for_update().get(pk=resource.pk)
        version = (Dataset.objects.filter(resource=locked).aggregate(v=Max("version"))["v"] or 0) + 1
        loader = RowLoader(locked, version)
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
            first_rows = csv_rows(lines, codec, bom)
            number, cells, _problem = next(first_rows, (0, [], ""))
            if cells is None:
                raise InvalidInput(Code.WRONG_ENCODING, _("表头无法按 %(c)s 解码。") % {"c": codec}, {"line": number})
            if not cells:
                raise InvalidInput(Code.FILE_UNREADABLE, _("文件为空：没有表头和数据行。"), {})
            header, ignored = header_map(cells, fields, resource)
            chunks = csv_chunks(lines, codec, number)
        elif fmt == "xlsx":
            sheet = xlsx_rows(buffered)
            number, cells, _problem = next(sheet, (0, [], ""))
            if not cells:
                raise InvalidInput(Code.FILE_UNREADABLE, _("文件为空：没有表头和数据行。"), {})
            header, ignored = header_map(cells, fields, resource)
            chunks = record_chunks(sheet, "cells")
        else:
            chunks = record_chunks(json_objects(buffered, codec, bom, fmt), "objects")
        columns = [h for h in header if h] if fmt in ("csv", "xlsx") else [c.name for c in checks]
        ctx = ChunkContext(processor, header, codec, bool(conflicts.pairs))
        try:
            for chunk in chunks:
                if pool is None and workers and report.read >= PARALLEL_AFTER:
                    pool = CheckerPool(ctx, workers)
                if pool is None:
                    take(*process_chunk(ctx, chunk))
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
