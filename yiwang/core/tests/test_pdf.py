"""The PDF machinery's pictures: the QR code drawn as vector squares must be the QR code segno
encodes, module for module, once the page is rasterised (PDFium, as a phone's camera sees print)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import segno
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from yiwang.core.pdf import picture_flowable, qr_flowable

URL = "https://yiwang.example.gov.cn/cases/progress/?n=YW2026120600001234&c=ABCDEFGH"


def _page(flowables, scale: float = 4.0) -> Image.Image:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=0, topMargin=0, rightMargin=0, bottomMargin=0,
                      showBoundary=0).build(flowables)
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    return page.render(scale=scale).to_pil().convert("RGB")


def _ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """The bounding box of what is drawn (anything not white)."""
    box = image.point(lambda v: 255 if v < 250 else 0).getbbox()
    assert box is not None, "nothing drawn"
    return box


def test_the_drawn_qr_code_is_segnos_module_for_module():
    size, border, scale = 200.0, 2, 4.0
    image = _page([qr_flowable(URL, size=size, border=border)], scale=scale).convert("L")
    matrix = segno.make(URL, error="m").matrix
    n = len(matrix)
    left, top, right, bottom = _ink_box(image)  # the finder patterns fill the symbol's three corners
    unit = size * scale / (n + 2 * border)
    assert abs((right - left) - n * unit) <= 2 and abs((bottom - top) - n * unit) <= 2  # quiet zone kept out
    seen = [[image.getpixel((int(left + (c + 0.5) * unit), int(top + (r + 0.5) * unit))) < 128 for c in range(n)]
            for r in range(n)]
    assert seen == [[bool(v) for v in row] for row in matrix]


def test_a_picture_is_drawn_as_large_as_asked_with_its_colours():
    picture = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(picture, "PNG")
    image = _page([picture_flowable(picture.getvalue(), width=100, height=100)], scale=2)
    left, top, right, bottom = _ink_box(image.convert("L"))
    assert abs((right - left) - 200) <= 2 and abs((bottom - top) - 200) <= 2
    red, green, _ = image.getpixel(((left + right) // 2, (top + bottom) // 2))
    assert red > 150 and green < 60
