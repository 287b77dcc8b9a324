"""File storage that says "the disk is full" instead of failing with a 500.

A write that meets ENOSPC (no space left) or EDQUOT (quota) removes what it wrote of the file and
raises ``StorageFull`` (a ``DomainError``, HTTP 507): the service's transaction rolls back with it,
so nothing is accepted that refers to a missing or cut file, and the person is told what to do.
"""

from __future__ import annotations

import errno
import logging
import os
from typing import Any

from django.core.files.storage import FileSystemStorage
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


class GuardedFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        try:
            return super()._save(name, content)  # type: ignore[misc]  # django-stubs does not declare Storage._save
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
