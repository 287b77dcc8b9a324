"""Ingestion, reading: the file's format and encoding, and its records as rows (CSV, Excel .xlsx) or
objects (JSON, JSON Lines), streamed, with the line number each came from; cut into chunks for checking."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, BinaryIO

from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidInput
from yiwang.exchange.errors import ExchangeErrorCode as Code

FORMATS = ("csv", "xlsx", "json", "jsonl")
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030",
             "gb18030": "gb18030", "cp936": "gb18030"}
SNIFF_BYTES = 64 * 1024
CHUNK = 4000  # records handed to a worker at once


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


class HashingReader(io.RawIOBase):
    """Wraps a binary stream: counts and hashes (SHA-256, for the dataset's identity) what is read."""

    def __init__(self, raw: IO[bytes]):
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


def choose_encoding(head: bytes, declared: str | None) -> tuple[str, bool]:
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


def csv_rows(stream: Iterable[bytes], codec: str, bom: bool, after_line: int = 0) -> Iterator[tuple[int, list[str] | None, str]]:
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


def seekable(stream: IO[bytes]) -> IO[bytes]:
    try:
        stream.seek(0)
        return stream
    except (AttributeError, OSError, io.UnsupportedOperation):
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - returned open
        shutil.copyfileobj(stream, spool)
        spool.seek(0)
        return spool


def xlsx_rows(stream: BinaryIO) -> Iterator[tuple[int, list[Any] | None, str]]:
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


def json_objects(stream: BinaryIO, codec: str, bom: bool, fmt: str) -> Iterator[tuple[int, dict | None, str]]:
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



def csv_chunks(lines: Iterator[bytes], codec: str, after_line: int) -> Iterator[tuple[Any, ...]]:
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
        rows = csv_rows(itertools.chain(block, lines), codec, False, after_line)
        while batch := list(itertools.islice(rows, CHUNK)):
            yield ("cells", batch)
        return


def record_chunks(items: Iterator[tuple[int, Any, str]], kind: str) -> Iterator[tuple[Any, ...]]:
    while batch := list(itertools.islice(items, CHUNK)):
        yield (kind, batch)


