"""Labelled CSV files an operator supplies for training: read strictly, fail with file and line."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidInput
from yiwang.intelligence.errors import IntelligenceErrorCode

MAX_LABEL_CHARS = 64


@dataclass(frozen=True)
class Row:
    title: str
    body: str
    label: str


@dataclass(frozen=True)
class CsvFile:
    path: str
    sha256: str
    rows: list[Row]


def _bad(path: Path, line: int | None, problem: str) -> InvalidInput:
    where = _("%(file)s 第 %(line)d 行") % {"file": path, "line": line} if line else str(path)
    return InvalidInput(
        IntelligenceErrorCode.TRAINING_DATA_INVALID,
        _("训练数据文件有误（%(where)s）：%(problem)s") % {"where": where, "problem": problem},
        {"file": str(path), "line": line, "problem": problem},
    )


def read_labelled_csv(path: str | Path) -> CsvFile:
    """Rows of a UTF-8 CSV with a header: ``title`` and ``label`` required, ``body`` optional, others ignored."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _bad(path, None, _("无法读取文件（%(error)s）") % {"error": exc.strerror or exc}) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _bad(path, line, _("不是 UTF-8 编码，请另存为 UTF-8 后重试")) from exc
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise _bad(path, 1, _("表头无法解析（%(error)s）") % {"error": exc}) from exc
    missing = [c for c in ("title", "label") if c not in header]
    if missing:
        raise _bad(path, 1, _("缺少必需的列：%(columns)s（表头须含 title 和 label，body 可选）")
                   % {"columns": ", ".join(missing)})
    reader.fieldnames = header
    rows: list[Row] = []
    try:
        for record in reader:
            line = reader.line_num
            if None in record:
                raise _bad(path, line, _("列数多于表头"))
            title = (record.get("title") or "").strip()
            body = (record.get("body") or "").strip()
            label = (record.get("label") or "").strip()
            if not title and not body and not label:
                continue  # a blank line
            if not label:
                raise _bad(path, line, _("类别（label）为空"))
            if len(label) > MAX_LABEL_CHARS:
                raise _bad(path, line, _("类别（label）超过 %(n)d 个字符") % {"n": MAX_LABEL_CHARS})
            if not title and not body:
                raise _bad(path, line, _("标题（title）和内容（body）都为空"))
            rows.append(Row(title=title, body=body, label=label))
    except csv.Error as exc:
        raise _bad(path, reader.line_num, _("CSV 格式错误（%(error)s）") % {"error": exc}) from exc
    if not rows:
        raise _bad(path, None, _("没有数据行"))
    return CsvFile(path=str(path), sha256=hashlib.sha256(raw).hexdigest(), rows=rows)
