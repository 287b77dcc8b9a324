"""File storage that says "the disk is full" instead of failing with a 500, and that can take back
the files a failed action stored.

A write that meets ENOSPC (no space left) or EDQUOT (quota) removes what it wrote of the file and
raises ``StorageFull`` (a ``DomainError``, HTTP 507): the service's transaction rolls back with it,
so nothing is accepted that refers to a missing or cut file, and the person is told what to do.

A file is stored before its row is written, and outside the database's transaction: when an action
fails after storing one (a 秒批 run's letter after its receipt, a licence after the letter), the
rollback takes the rows away and would leave the files — an applicant's data that nothing refers
to. ``files_removed_on_error()`` around such an action removes every file stored inside it (through
this storage, the default of every ``FileField``) when it fails.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.files.storage import FileSystemStorage, Storage
from django.utils.translation import gettext as _

from yiwang.core.errors import CoreErrorCode, DomainError

logger = logging.getLogger("yiwang.storage")

FULL = (errno.ENOSPC, errno.EDQUOT)


class StorageFull(DomainError):
    status = 507


def storage_full() -> StorageFull:
    return StorageFull(
        CoreErrorCode.STORAGE_FULL,
        _("服务器存储空间已满，文件没有保存，本次操作没有生效。请稍后再试；如仍不成功，请联系办事窗口或拨打 12345。"),
        {"retry_after_seconds": 300},
    )


_stored_in_block: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("yiwang_files_stored", default=None)


@contextmanager
def files_removed_on_error() -> Iterator[None]:
    """The files stored inside the block removed again if the block raises (see the module's
    docstring). A block inside another hands what it stored to the outer one when it succeeds."""
    outer = _stored_in_block.get()
    stored: list[tuple[Storage, str]] = []
    token = _stored_in_block.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            storage.delete(name)  # one already removed (a document's failed attempt) is no error
        raise
    else:
        if outer is not None:
            outer.extend(stored)
    finally:
        _stored_in_block.reset(token)


class GuardedFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        try:
            saved = super()._save(name, content)  # type: ignore[misc]  # django-stubs does not declare Storage._save
        except OSError as exc:
            if exc.errno not in FULL:
                raise
            # the partial file, if any: nothing may refer to it, and it holds space
            try:
                os.remove(self.path(name))
            except OSError:
                pass
            logger.error("storage full writing %s under %s: %s", name, self.location, exc)
            raise storage_full() from exc
        stored = _stored_in_block.get()
        if stored is not None:
            stored.append((self, saved))
        return saved
