"""The one-page PDF writer (``core.pdfwriter``): a well-formed file (every xref offset at its object,
the trailer's references resolving, ``qpdf --check``), text that reads back
as it was written whatever it holds (markup characters, PDF string delimiters, a NUL, characters the
font lacks, more characters than one subset holds), the information dictionary, and the drawing's
colours and picture where they were put."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
import zlib

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from yiwang.core import pdfwriter

AT = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
WIDTH, HEIGHT = 595.2756, 841.8898


def _pdf(page: pdfwriter.Page, title: str = "受理回执 YW2026120700000001") -> bytes:
    return page.pdf(title=title, author="某县政务服务管理局", subject="受理回执", creator="Yiwang 一网", created=AT)


def _text(pdf: bytes) -> str:
    return pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()


def _assert_well_formed(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    trailer = re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf)
    assert trailer is not None
    startxref = int(trailer.group(1))
    table = re.match(rb"xref\n0 (\d+)\n", pdf[startxref:])
    assert table is not None
    count = int(table.group(1))
    entries = re.findall(rb"(\d{10}) 00000 n \n", pdf[startxref:])
    assert len(entries) == count - 1
    for number, offset in enumerate(entries, start=1):  # each object where the table says it is
        assert pdf[int(offset):].startswith(b"%d 0 obj\n" % number), number
    for match in re.finditer(rb"/Length (\d+) >>\nstream\n", pdf):  # each stream as long as it says
        end = match.end() + int(match.group(1))
        assert pdf[end:end + 10] == b"\nendstream"
    for number in re.findall(rb"(\d+) 0 R", pdf):  # every reference to an object of the file
        assert 0 < int(number) < count
    # qpdf, an independent reader (`make system-deps` installs it): never skipped where it is missing
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        check = subprocess.run(["qpdf", "--check", handle.name], capture_output=True, check=False)  # noqa: S603,S607
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_page_of_text_rules_and_codes_is_well_formed_and_reads_back():
    # given a page with a table's background and rules, text in two sizes and colours, and a path
    page = pdfwriter.Page(WIDTH, HEIGHT)
    page.fill_rect(68.36, 689.19, 79.37, -200, color=(0.94902, 0.956863, 0.968627))
    page.text(252.14, 766.2, "某县政务服务管理局", size=13, color=(0, 0, 0))
    page.text(74.36, 674.69, "申请人 <张三> & (李四) \\ 100%", size=11.5, color=(0, 0, 0))
    page.text(74.36, 100, "扫码或访问 https://yiwang.example.gov.cn/?n=1&c=2", size=8.5, color=(1 / 3, 1 / 3, 1 / 3))
    page.lines([(68.36, 689.19, 526.91, 689.19), (68.36, 489.19, 68.36, 689.19)], color=(0.6, 0.6, 0.6), width=0.5)
    page.path(74.36, 196.44, 2.0, "2 2 3 1 re 6 4 1 1 re")
    pdf = _pdf(page)
    # then the file is well formed, and the text reads back line by line as written
    _assert_well_formed(pdf)
    assert _text(pdf).split("\r\n") == ["某县政务服务管理局", "申请人 <张三> & (李四) \\ 100%",
                                        "扫码或访问 https://yiwang.example.gov.cn/?n=1&c=2"]
    # and the information dictionary holds the title, author, subject and creator
    metadata = pdfium.PdfDocument(pdf).get_metadata_dict()
    assert (metadata["Title"], metadata["Author"], metadata["Subject"], metadata["Creator"]) == (
        "受理回执 YW2026120700000001", "某县政务服务管理局", "受理回执", "Yiwang 一网")
    assert metadata["CreationDate"] == "D:20261207020000+00'00'"


def test_more_characters_than_a_subset_holds_take_a_second_subset_and_read_back():
    # given a line of 400 distinct characters (a subset has 256 codes)
    text = "".join(chr(0x4E00 + 7 * i) for i in range(400))
    page = pdfwriter.Page(WIDTH, HEIGHT)
    for start in range(0, 400, 40):
        page.text(20, 800 - start, text[start:start + 40], size=10, color=(0, 0, 0))
    pdf = _pdf(page)
    # then two font files are embedded and the text reads back whole
    _assert_well_formed(pdf)
    assert pdf.count(b"/FontFile2") == 2
    assert _text(pdf).replace("\r\n", "") == text


def test_characters_the_font_lacks_and_a_nul_are_the_missing_glyph_and_nothing_breaks():
    # given text with an astral character, a character of no CJK font, a NUL and a lone surrogate
    page = pdfwriter.Page(WIDTH, HEIGHT)
    page.text(20, 800, "张\U0001F600三\x00李\ud800四\u0D9E", size=10, color=(0, 0, 0))
    pdf = _pdf(page, title="标题 \U0001F600 (x)")
    # then the file is well formed and the characters the font has read back, in order
    _assert_well_formed(pdf)
    assert [ch for ch in _text(pdf) if ch in "张三李四"] == list("张三李四")


def test_a_picture_is_drawn_in_its_box_with_its_transparency():
    # given a red square picture with a transparent border, drawn in a box
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (10, 10, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    page = pdfwriter.Page(200, 200)
    page.fill_rect(0, 0, 200, 200, color=(0, 0, 1))
    page.picture(buffer.getvalue(), 50, 50, 100, 100)
    pdf = _pdf(page)
    _assert_well_formed(pdf)
    pixels = np.asarray(pdfium.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("RGB")).astype(int)
    # then the middle of the box is red, the transparent border and outside it show the blue under it
    assert tuple(pixels[100, 100]) == (200, 0, 0)
    assert tuple(pixels[100, 60]) == (0, 0, 255) and tuple(pixels[10, 10]) == (0, 0, 255)
    red = np.argwhere((pixels[:, :, 0] > 150) & (pixels[:, :, 2] < 50))
    # (the picture's 20 red pixels of 40 over 100 points: from 75 to 125, give or take an edge pixel)
    assert np.abs(red.min(axis=0) - 75).max() <= 1 and np.abs(red.max(axis=0) - 124).max() <= 1


def test_a_page_keeps_nothing_of_its_text_after_it_is_written():
    # given two pages with different text
    first, second = pdfwriter.Page(WIDTH, HEIGHT), pdfwriter.Page(WIDTH, HEIGHT)
    first.text(20, 800, "独一无二的申请人", size=10, color=(0, 0, 0))
    second.text(20, 800, "另一个人", size=10, color=(0, 0, 0))
    one, two = _pdf(first), _pdf(second)
    # then each file's font holds only its own page's characters (nothing carried over in the process)
    unicode_maps = [b"".join(zlib.decompress(m.group(1)) for m in
                             re.finditer(rb"/FlateDecode /Length \d+ >>\nstream\n(.*?)\nendstream", pdf, re.S)
                             if b"begincmap" in zlib.decompress(m.group(1))) for pdf in (one, two)]
    assert f"{ord('独'):04X}".encode() in unicode_maps[0]
    assert f"{ord('独'):04X}".encode() not in unicode_maps[1]
    assert _text(two) == "另一个人"


def test_a_title_with_a_lone_surrogate_or_an_astral_character_reads_back_and_breaks_nothing():
    # given a title with an astral character and one with a lone surrogate (which no database stores)
    page = pdfwriter.Page(WIDTH, HEIGHT)
    page.text(74.36, 674.69, "吉", size=11.5, color=(0, 0, 0))
    for title, read_back in (("受理回执 𠮷", "受理回执 𠮷"), ("受理回执 \ud800", "受理回执 \ufffd")):
        pdf = _pdf(page, title=title)
        # then the file is well formed and the title reads back (the lone surrogate as U+FFFD)
        _assert_well_formed(pdf)
        assert pdfium.PdfDocument(pdf).get_metadata_dict()["Title"] == read_back


def test_a_stream_is_compressed_with_a_window_just_large_enough_for_it_and_decodes_to_its_bytes():
    """A small stream (a CMap, a letter's operators) is compressed with a window that holds it and
    zlib's lookahead, not the 32 kB one whose set-up costs more than the compressing; every stream
    decodes to its bytes, across the sizes where the window doubles."""
    import random

    rng = random.Random(14)
    words = [b"q", b"Q", b"re", b"f*", b"Tj", b"0 0 1 rg", b"<00a1>", b"12.5", b"-3", b"\n"]
    for size in (0, 1, 250, 2000, 4096 - 262, 4096 - 261, 6000, 10_000, 16_384 - 262, 16_384 - 261, 30_000, 40_000):
        data = b" ".join(rng.choice(words) for _ in range(size))[:size]
        for level in (pdfwriter.CONTENT_ZLIB_LEVEL, pdfwriter.FONT_ZLIB_LEVEL):
            stream = pdfwriter._deflate(data, level)
            assert zlib.decompress(stream) == data
            window = 1 << ((stream[0] >> 4) + 8)  # the zlib header's CINFO: log2(window) - 8
            assert window >= min(len(data) + pdfwriter.MIN_LOOKAHEAD, 32_768), size
            assert window < 2 * (len(data) + pdfwriter.MIN_LOOKAHEAD) or window == 512, size
