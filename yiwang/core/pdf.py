"""Shared PDF machinery for every app that prints documents (case documents, licences): the CJK
TrueType font registered once per process, QR codes (drawn into the PDF as vectors, or as PNG for a
web page) and pictures. ReportLab (with its C accelerators, ``rl-accel``) lays out and writes the
PDF; zxing-cpp makes the QR symbols. Lives in ``core`` so that apps below ``cases`` (``licenses``)
can use it too."""

from __future__ import annotations

import functools
import io
from html import escape as _html_escape
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FONT = "YiwangCJK"


@functools.lru_cache(maxsize=1)
def register_font() -> str:
    """Register the CJK font (``YIWANG_PDF_FONT``) with ReportLab once; return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = settings.YIWANG_PDF_FONT
    try:
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    except Exception as exc:  # noqa: BLE001 - name the setting and the package, whatever went wrong
        raise ImproperlyConfigured(
            f"YIWANG_PDF_FONT ({path}) is not a usable TrueType CJK font: {exc}. On Debian install "
            "fonts-wqy-zenhei (`make system-deps`) or point PDF_FONT at another TrueType CJK font."
        ) from exc
    return FONT


def qr_matrix(text: str, *, error: str = "m") -> list[list[bool]]:
    """The modules of a QR code (model 2) of ``text`` at error-correction level ``error``, row by
    row from the top, dark = True, without the quiet zone: the one home of the QR codes in PDFs and
    PNGs (the HTML pages' inline SVG codes are segno's).

    Made by zxing-cpp (its writer is libzint, in C): the smallest version that holds the text, and
    the data mask chosen as ISO/IEC 18004 says, the lowest penalty score (rules N1–N4) of the eight
    patterns. That search was three quarters of a QR code's cost in pure Python (segno, about 6 ms
    a code; here about 0.3 ms). libzint also splits the text into numeric, alphanumeric and byte
    segments where that is shorter, so the symbol can differ from segno's for the same text; a
    reader gets the same text (``core/tests/test_pdf.py`` decodes it). libzint reads penalty rule N3
    a little differently from segno: on 120 progress links, 3 got a mask within 1 % of segno's
    lowest score instead of the lowest (the test checks the 1 %). The level is the one asked for
    (segno raised M to Q where the same version had room: 14 of 199 text lengths tried)."""
    import numpy as np
    import zxingcpp

    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=error.upper())
    image = symbol.to_image(scale=1, add_quiet_zones=False)  # one pixel a module, black on white
    return (np.asarray(image) < 128).tolist()


def qr_png(text: str, *, error: str = "m", scale: int = 4, border: int = 2) -> bytes:
    """A QR code of ``text`` as PNG bytes (``scale`` pixels a module, ``border`` modules of quiet zone)."""
    import numpy as np
    from PIL import Image

    dark = np.pad(np.array(qr_matrix(text, error=error), dtype=bool), border)
    pixels = np.where(dark, 0, 255).astype(np.uint8).repeat(scale, axis=0).repeat(scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="L").convert("1").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def escape(text: str) -> str:
    """ReportLab paragraph markup: &, < and > are markup."""
    return _html_escape(text, quote=False)


def qr_flowable(text: str, *, size: float, error: str = "m", border: int = 2) -> Any:
    """A QR code of ``text`` drawn straight into the PDF as vector squares (a ReportLab flowable of
    ``size`` points square, quiet zone of ``border`` modules included): no PNG to encode and no image
    to decode and compress again in every document, and the modules stay sharp at any scale.
    The dark modules of a row are merged into runs, one rectangle each, in one filled path."""
    from reportlab.platypus import Flowable

    matrix = qr_matrix(text, error=error)
    modules = len(matrix) + 2 * border
    runs: list[tuple[int, int, int]] = []  # (row, first column, length), row 0 at the top
    for r, row in enumerate(matrix):
        c, width = 0, len(row)
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1

    class _QR(Flowable):
        def __init__(self) -> None:
            super().__init__()
            self.width = self.height = size

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return size, size

        def draw(self) -> None:
            unit = size / modules
            canvas = self.canv
            canvas.saveState()
            canvas.setFillColorRGB(0, 0, 0)
            path = canvas.beginPath()
            for r, c, n in runs:
                path.rect((border + c) * unit, size - (border + r + 1) * unit, n * unit, unit)
            canvas.drawPath(path, stroke=0, fill=1)
            canvas.restoreState()

    return _QR()


@functools.lru_cache(maxsize=32)
def _image_reader(data: bytes) -> Any:
    from reportlab.lib.utils import ImageReader

    return ImageReader(io.BytesIO(data))


def picture_flowable(data: bytes, *, width: float, height: float) -> Any:
    """A picture (a department's seal) as a ReportLab flowable, its image decoded once per process
    and picture rather than once per document: a seal is printed on every document its department
    issues. Drawn as ReportLab's ``Image`` draws (transparency kept: ``mask="auto"``)."""
    from reportlab.platypus import Flowable

    reader = _image_reader(data)

    class _Picture(Flowable):
        def __init__(self) -> None:
            super().__init__()
            self.width, self.height = width, height

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return width, height

        def draw(self) -> None:
            self.canv.drawImage(reader, 0, 0, width, height, mask="auto")

    return _Picture()
