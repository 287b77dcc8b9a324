"""OCR of material files: bounded work on bad input, failures as coded errors, and the real engine
reading a small rendered card offline."""

from __future__ import annotations

import io
import struct
import threading
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from yiwang.intelligence import ocr, prereview
from yiwang.testing import factories

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian: fonts-noto-cjk


class FakeEngine:
    """Answers every page with the same lines and counts the pages it saw; with a ``gate``, each page
    waits until the test opens it (an engine that overruns, whatever the machine's speed)."""

    name = "fake"

    def __init__(self, lines: list[ocr.TextLine] | None = None, *, gate: threading.Event | None = None,
                 error: Exception | None = None):
        self.lines = lines or []
        self.gate = gate
        self.error = error
        self.shapes: list[tuple[int, ...]] = []

    def __call__(self, image):  # noqa: ANN001
        self.shapes.append(image.shape)
        if self.gate is not None:
            assert self.gate.wait(30), "the test never opened the gate"
        if self.error:
            raise self.error
        return list(self.lines)


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` (a decompression bomb's header), with one empty row."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def pdf_with_pages(n: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(n):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def small_card(name: str, number: str) -> bytes:
    if not NOTO.exists():
        pytest.fail("Debian's fonts-noto-cjk is missing: run `make system-deps` (make test does).")
    f = ImageFont.truetype(str(NOTO), 26, index=2)
    img = Image.new("RGB", (640, 300), (236, 242, 246))
    d = ImageDraw.Draw(img)
    d.text((30, 40), "姓名", font=f, fill=(70, 110, 150))
    d.text((130, 40), name, font=f, fill=(0, 0, 0))
    d.text((30, 200), "公民身份号码", font=f, fill=(70, 110, 150))
    d.text((220, 200), number, font=f, fill=(0, 0, 0))
    return png(img)


def test_a_file_that_is_not_an_image_is_refused_with_a_code():
    with pytest.raises(ocr.OcrInputError) as err:
        ocr.read_document(b"GIF89a? no, a text file", engine=FakeEngine())
    assert err.value.code == "not_an_image" and "图片" in err.value.message


def test_a_corrupt_image_is_refused_with_a_code():
    with pytest.raises(ocr.OcrInputError) as err:
        ocr.read_document(factories.PNG_BYTES, engine=FakeEngine())
    assert err.value.code == "not_an_image"


def test_a_decompression_bomb_is_refused_before_decoding():
    # given small files that claim to be 9,000 × 8,000 and 20,000 × 20,000 pixels
    messages = []
    for width, height in ((9_000, 8_000), (20_000, 20_000)):
        data = png_header_only(width, height)
        assert len(data) < 100

        # when read, each is refused from its header, saying why, and nothing reaches the engine
        engine = FakeEngine()
        with pytest.raises(ocr.OcrInputError) as err:
            ocr.read_document(data, engine=engine)
        assert err.value.code == "image_too_large" and "百万像素" in err.value.message
        assert engine.shapes == []
        messages.append(err.value.message)
    assert "9000×8000" in messages[0] and "上限 64 百万像素" in messages[1]


def test_a_50_megapixel_photo_is_downscaled_before_ocr():
    # given a 50-megapixel JPEG (8660 × 5774)
    img = Image.new("L", (8660, 5774), 255)
    ImageDraw.Draw(img).rectangle((1000, 1000, 7000, 2000), fill=0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    engine = FakeEngine()

    # when read
    document = ocr.read_document(buf.getvalue(), engine=engine)

    # then the engine sees at most MAX_SIDE pixels a side (the time it takes: bench/ocr_bench.py)
    assert document.source_pixels == 8660 * 5774
    height, width, _channels = engine.shapes[0]
    assert max(width, height) <= ocr.MAX_SIDE
    assert document.pages[0].scale < 0.25


def test_a_300_page_pdf_is_read_only_up_to_the_page_cap_and_says_so():
    engine = FakeEngine([ocr.TextLine("营业执照", 0.99, ((0, 0), (100, 0), (100, 30), (0, 30)))])
    document = ocr.read_document(pdf_with_pages(300), engine=engine)
    assert document.total_pages == 300 and len(document.pages) == ocr.MAX_PAGES == len(engine.shapes)
    findings = prereview.check_pages(document)
    assert [f.kind for f in findings] == ["pages_truncated"]
    assert "共 300 页" in findings[0].message


def test_an_encrypted_or_broken_pdf_is_refused_with_a_code():
    with pytest.raises(ocr.OcrInputError) as err:
        ocr.read_document(factories.PDF_BYTES[:20], engine=FakeEngine())
    assert err.value.code == "pdf_unreadable"


def test_an_engine_that_overruns_is_abandoned_as_a_timeout():
    gate = threading.Event()
    with pytest.raises(ocr.OcrEngineError) as err:
        ocr.read_document(png(Image.new("RGB", (50, 50), "white")), engine=FakeEngine(gate=gate), timeout=0.05)
    assert err.value.code == "timeout"
    # the abandoned call ends once its engine returns, and frees the lock before the next test takes it
    gate.set()
    for thread in threading.enumerate():
        if thread.name == "yiwang-ocr":
            thread.join(30)
            assert not thread.is_alive()


def test_an_engine_exception_becomes_a_coded_error():
    with pytest.raises(ocr.OcrEngineError) as err:
        ocr.read_document(png(Image.new("RGB", (50, 50), "white")), engine=FakeEngine(error=RuntimeError("boom")))
    assert err.value.code == "engine_failed" and "boom" in err.value.message


def test_a_missing_engine_package_becomes_a_coded_error(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_rapidocr(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if name.startswith("rapidocr_onnxruntime"):
            raise ImportError("No module named 'rapidocr_onnxruntime'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rapidocr)
    with pytest.raises(ocr.OcrEngineError) as err:
        ocr.RapidOcrEngine()
    assert err.value.code == "engine_unavailable"


def test_the_real_engine_reads_a_small_card_offline():
    # given a small rendered card (the engine's models come from its wheel; no network here)
    number = factories.citizen_id("33010619900307851")
    data = small_card("李小龙", number)

    # when recognised by the process's engine
    lines = ocr.recognize(data)

    # then its text comes back with confidences and boxes, and pre-review reads its fields
    texts = "".join(ln.text for ln in lines)
    assert "李小龙" in texts and number in texts
    assert all(0 <= ln.confidence <= 1 and len(ln.box) == 4 for ln in lines)
    got = prereview.extract_fields(lines, prereview.get_profile("id_card"))
    assert got["name"].value == "李小龙" and got["citizen_id"].value == number


def test_the_real_engine_finds_no_text_on_an_empty_page():
    document = ocr.read_document(png(Image.new("RGB", (600, 400), "white")))
    assert document.lines == []
    assert [f.kind for f in prereview.check_pages(document)] == ["unreadable"]
