"""Material files: checked once, on the way in (size, emptiness, what the bytes really are)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import CaseMaterial, MaterialSource
from yiwang.core.errors import DomainError, InvalidInput
from yiwang.core.statements import insert_as_saved
from yiwang.core.users import User

# Leading bytes of each accepted format.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "ofd": (b"PK\x03\x04",),  # OFD (GB/T 33190) is a zip package
    "docx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),  # OLE compound file
}
ALIASES = {"jpeg": "jpg"}
CONTENT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "doc": "application/msword",
}


def sniff_format(head: bytes) -> str | None:
    for fmt, prefixes in SIGNATURES.items():
        if any(head.startswith(p) for p in prefixes):
            return fmt
    return None


def declared_format(name: str) -> str:
    ext = PurePath(name or "").suffix.lower().lstrip(".")
    return ALIASES.get(ext, ext)


def stage_upload(
    *, actor: User, file: UploadedFile, source: str = MaterialSource.UPLOAD
) -> CaseMaterial:
    """Store one uploaded file, not yet attached to a case; refuse what is empty, too large,
    or not what its name says."""
    limit = settings.YIWANG_MAX_UPLOAD_BYTES
    name = PurePath(file.name or "file").name[:200]
    if file.size is None or file.size == 0:
        raise InvalidInput(CaseErrorCode.FILE_EMPTY, _("文件「%(name)s」是空文件，请重新选择。") % {"name": name},
                           {"file": name})
    if file.size > limit:
        raise DomainError(
            CaseErrorCode.FILE_TOO_LARGE,
            _("文件「%(name)s」过大：不能超过 %(mb)d MB。") % {"name": name, "mb": limit // (1024 * 1024)},
            {"file": name, "size": file.size, "limit_bytes": limit},
            status=413,
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    declared = declared_format(name)
    actual = sniff_format(head)
    if declared not in SIGNATURES:
        raise InvalidInput(
            CaseErrorCode.FILE_TYPE_NOT_ALLOWED,
            _("不支持的文件类型「%(ext)s」：请上传 PDF、JPG、PNG、OFD 或 Word 文件。") % {"ext": declared or "?"},
            {"file": name, "declared": declared},
        )
    if not any(head.startswith(prefix) for prefix in SIGNATURES[declared]):
        raise InvalidInput(
            CaseErrorCode.FILE_TYPE_MISMATCH,
            _("文件「%(name)s」的内容与扩展名不符（内容是 %(actual)s），请上传真实的 %(declared)s 文件。")
            % {"name": name, "actual": actual or _("未知格式"), "declared": declared.upper()},
            {"file": name, "declared": declared, "actual": actual},
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    with transaction.atomic():
        material = CaseMaterial(
            original_name=name,
            content_type=CONTENT_TYPES[declared],
            size=file.size,
            sha256=digest.hexdigest(),
            source=source,
            uploaded_by=actor,
        )
        material.file.save(f"{uuid.uuid4().hex}.{declared}", file, save=False)
        # one insert whose text is written once per connection, not compiled by the ORM on every
        # upload: the compiling was a third of an upload's view CPU (docs/benchmarks.md, submit3)
        insert_as_saved(material)
    return material
