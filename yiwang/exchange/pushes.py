"""Dataset pushes: a steward pushes a file into a resource (API or steward page).

A small file (up to ``YIWANG_DATASET_SYNC_BYTES``) is loaded within the request, as before. A larger
one would outlast a web worker's timeout, so it is written under ``MEDIA_ROOT/exchange/pushes/``,
recorded as a ``DatasetPush`` (queued) and loaded by the django-tasks worker, which calls
``ingest_dataset`` unchanged with the pushing steward as the actor. The push becomes ``done``
in the same transaction as its dataset, so a crash leaves neither and the push can simply be run
again (``requeue_dataset_pushes``); a refused file ends ``failed`` with the refusal's code and
message, and the current version stays. The file is deleted once the push is done or failed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import DomainError, InvalidInput
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.ingest import IngestResult, ingest_dataset
from yiwang.exchange.ingest_read import ENCODINGS, detect_format
from yiwang.exchange.models import PUSH_IN_FLIGHT, DataResource, DatasetPush, DatasetStatus, PushStatus
from yiwang.exchange.permissions import require_steward

logger = logging.getLogger(__name__)

PUSH_DIR = "exchange/pushes"  # under MEDIA_ROOT
CHUNK = 1 << 20


@dataclass
class Loaded:
    """A push loaded at once, within the request."""

    ingested: IngestResult


@dataclass
class Queued:
    """A push stored and queued for the worker; ``duplicate`` when the same file was already queued
    or loading for this resource and that push is answered."""

    push: DatasetPush
    duplicate: bool = False


# What a push became: one of the two, never both or neither.
PushResult = Loaded | Queued


def push_path(push: DatasetPush) -> Path:
    return Path(settings.MEDIA_ROOT) / push.file_path


def no_valid_rows_message() -> str:
    return _("没有一行数据通过校验，数据集未入库；请按质量报告修改后重新上传。")


def push_dataset(
    *, actor: User, resource: DataResource, upload: UploadedFile, file_format: str | None = None,
    encoding: str | None = None, now: dt.datetime | None = None,
) -> PushResult:
    """Take one pushed file: load it now when small, otherwise store it and queue it for the worker."""
    require_steward(actor, resource.provider)
    name = PurePath(upload.name or "").name[:200]
    size = upload.size or 0
    stream = upload.file
    if size == 0 or stream is None:
        raise InvalidInput(Code.FILE_EMPTY, _("数据文件“%(name)s”是空文件，请重新选择。") % {"name": name}, {"file": name})
    limit = settings.YIWANG_MAX_DATASET_BYTES
    if size > limit:
        raise DomainError(Code.FILE_TOO_LARGE, _("数据文件过大：单个数据集文件不能超过 %(mb)d MB。") % {"mb": limit // (1024 * 1024)},
                          {"file": name, "size": size, "limit_bytes": limit}, status=413)
    if size <= settings.YIWANG_DATASET_SYNC_BYTES:
        # within the web request: no worker processes (each would start Django for a few seconds' work)
        return Loaded(ingest_dataset(actor=actor, resource=resource, stream=stream,
                                     file_name=upload.name or "", file_format=file_format,
                                     encoding=encoding, now=now, workers=0))
    # What can be refused without reading the file is refused now, not after the wait in the queue.
    fmt = detect_format(name, file_format)
    if encoding and encoding.lower().replace("_", "-") not in ENCODINGS:
        raise InvalidInput(Code.WRONG_ENCODING, _("不支持声明的编码“%(e)s”：可用 utf-8、gbk、gb18030。") % {"e": encoding},
                           {"declared": encoding})
    relative = f"{PUSH_DIR}/{uuid.uuid4().hex}.{fmt}"
    target = Path(settings.MEDIA_ROOT) / relative
    try:
        sha256 = _store(upload, target)
        return _record(actor=actor, resource=resource, relative=relative, name=name, fmt=fmt,
                       encoding=encoding or "", sha256=sha256, size=size, now=now or timezone.now())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _store(upload: UploadedFile, target: Path) -> str:
    """Copy the upload to ``target`` (durably: the push must survive a restart); its SHA-256.
    The file holds personal data in clear until loaded: only the service's user may read it."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        for chunk in upload.chunks(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _record(
    *, actor: User, resource: DataResource, relative: str, name: str, fmt: str, encoding: str,
    sha256: str, size: int, now: dt.datetime,
) -> PushResult:
    try:
        with transaction.atomic():
            in_flight = _in_flight(resource, sha256)
            if in_flight is not None:
                raise _AlreadyInFlight(in_flight)
            push = DatasetPush.objects.create(
                resource=resource, file_path=relative, file_name=name, file_format=fmt, encoding=encoding,
                sha256=sha256, size=size, pushed_by=actor, created_at=now,
            )
            record_audit(actor=actor, event_type="exchange_dataset_push_queued", subject_type="exchange_resource",
                         subject_id=resource.code, actor_department=resource.provider, at=now,
                         details={"push": push.pk, "file_sha256": sha256, "bytes": size, "format": fmt})
            transaction.on_commit(functools.partial(enqueue_push, push.pk))
    except _AlreadyInFlight as exc:
        (Path(settings.MEDIA_ROOT) / relative).unlink(missing_ok=True)
        return Queued(exc.push, duplicate=True)
    except IntegrityError:  # the same file, pushed at the same moment by another request
        existing = _in_flight(resource, sha256)
        if existing is None:
            raise
        (Path(settings.MEDIA_ROOT) / relative).unlink(missing_ok=True)
        return Queued(existing, duplicate=True)
    return Queued(push)


class _AlreadyInFlight(Exception):
    def __init__(self, push: DatasetPush):
        self.push = push


def _in_flight(resource: DataResource, sha256: str) -> DatasetPush | None:
    return DatasetPush.objects.filter(resource=resource, sha256=sha256, status__in=PUSH_IN_FLIGHT).first()


def enqueue_push(push_id: int) -> None:
    """Hand the push to the worker. A failure to queue loses nothing: the push stays ``queued``
    and ``requeue_dataset_pushes`` queues it again."""
    from yiwang.exchange.tasks import ingest_push_task

    try:
        ingest_push_task.enqueue(push_id)
    except Exception:  # noqa: BLE001 - the push is recorded; it is queued again later
        logger.exception("could not queue dataset push %s", push_id)


def run_push(*, push_id: int) -> DatasetPush | None:
    """Load one queued push (the worker's task). Safe to run twice: a push already done or failed
    is left as it is, and a second run of a push being loaded waits for the first and finds it done."""
    started = timezone.now()
    claimed = DatasetPush.objects.filter(pk=push_id, status__in=PUSH_IN_FLIGHT).update(
        status=PushStatus.LOADING, started_at=started, attempts=F("attempts") + 1)
    push = DatasetPush.objects.select_related("resource__provider", "pushed_by").filter(pk=push_id).first()
    if not claimed or push is None:
        return push
    try:
        with transaction.atomic():
            locked = DatasetPush.objects.select_for_update().get(pk=push_id)
            if locked.status != PushStatus.LOADING:
                return locked
            with push_path(push).open("rb") as stream:
                result = ingest_dataset(actor=push.pushed_by, resource=push.resource, stream=stream,
                                        file_name=push.file_name, file_format=push.file_format or None,
                                        encoding=push.encoding or None)
            dataset = result.dataset
            if dataset.status == DatasetStatus.REJECTED:
                locked.status, locked.error_code = PushStatus.FAILED, Code.NO_VALID_ROWS
                locked.error_message = no_valid_rows_message()
                locked.error_details = {"dataset": dataset.pk, "rows_read": dataset.rows_read,
                                        "rows_rejected": dataset.rows_rejected}
            else:
                locked.status = PushStatus.DONE
            locked.dataset, locked.finished_at = dataset, timezone.now()
            locked.save(update_fields=["status", "dataset", "finished_at", "error_code", "error_message", "error_details"])
            push = locked
    except DomainError as exc:
        push = _fail(push, code=exc.code, message=exc.message, details=exc.details)
    except FileNotFoundError:
        push = _fail(push, code=Code.FILE_UNREADABLE,
                     message=_("待入库的数据文件已不存在，请重新推送。"), details={})
    except Exception as exc:
        logger.exception("dataset push %s failed", push_id)
        push = _fail(push, code=Code.PUSH_INTERNAL_ERROR,
                     message=_("入库时发生系统内部错误，已记录；当前版本未改变，请稍后重新推送或联系管理员。"),
                     details={"error": type(exc).__name__})
    if push.status in (PushStatus.DONE, PushStatus.FAILED):
        push_path(push).unlink(missing_ok=True)
    return push


def _fail(push: DatasetPush, *, code: str, message: str, details: dict) -> DatasetPush:
    """Record why a push failed, with its audit record; the resource's current version is unchanged."""
    now = timezone.now()
    with transaction.atomic():
        DatasetPush.objects.filter(pk=push.pk, status=PushStatus.LOADING).update(
            status=PushStatus.FAILED, error_code=str(code)[:40], error_message=message, error_details=details,
            finished_at=now)
        record_audit(actor=push.pushed_by, event_type="exchange_dataset_push_failed", subject_type="exchange_resource",
                     subject_id=push.resource.code, actor_department=push.resource.provider, at=now,
                     details={"push": push.pk, "file_sha256": push.sha256, "bytes": push.size, "error": str(code)})
    push.refresh_from_db()
    return push


def requeue_stale(*, stale_after: dt.timedelta, now: dt.datetime | None = None) -> list[int]:
    """Queue again the pushes a worker never took (queued for longer than ``stale_after``) or left
    behind (loading for longer, e.g. a worker killed mid-load: nothing of it was committed)."""
    cutoff = (now or timezone.now()) - stale_after
    ids = list(DatasetPush.objects.filter(status=PushStatus.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True))
    ids += DatasetPush.objects.filter(status=PushStatus.LOADING, started_at__lt=cutoff).values_list("pk", flat=True)
    for push_id in ids:
        enqueue_push(push_id)
    return ids
