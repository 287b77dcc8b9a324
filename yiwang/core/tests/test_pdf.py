"""The PDF machinery's pictures: the QR code drawn as vector squares must be the symbol
``qr_matrix`` makes, module for module, once the page is rasterised (PDFium, as a phone's camera
sees print); the page must decode to the text at level M; and the symbol's data mask must be the
one ISO/IEC 18004 chooses (the lowest penalty of the eight), scored by an implementation other
than the one that made it (segno's)."""

from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from yiwang.core.pdf import picture_flowable, qr_flowable, qr_matrix, qr_png

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


def test_the_drawn_qr_code_is_the_symbol_module_for_module_and_decodes_to_the_text():
    size, border, scale = 200.0, 2, 4.0
    image = _page([qr_flowable(URL, size=size, border=border)], scale=scale).convert("L")
    matrix = qr_matrix(URL)
    n = len(matrix)
    assert n == 37  # version 5: the smallest at level M for this text
    left, top, right, bottom = _ink_box(image)  # the finder patterns fill the symbol's three corners
    unit = size * scale / (n + 2 * border)
    assert abs((right - left) - n * unit) <= 2 and abs((bottom - top) - n * unit) <= 2  # quiet zone kept out
    seen = [[image.getpixel((int(left + (c + 0.5) * unit), int(top + (r + 0.5) * unit))) < 128 for c in range(n)]
            for r in range(n)]
    assert seen == matrix
    read = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert read is not None and read.text == URL and read.ec_level == "M"


def test_the_png_decodes_to_the_text_with_its_quiet_zone():
    image = Image.open(io.BytesIO(qr_png(URL, scale=4, border=2))).convert("L")
    assert image.size == ((37 + 4) * 4,) * 2
    read = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert read is not None and read.text == URL and read.ec_level == "M"


def _mask_penalties(matrix: list[list[bool]], used: int) -> list[int]:
    """ISO/IEC 18004:2015 7.8.3 penalty (N1 + N2 + N3 + N4) of the symbol under each of the eight data
    masks, as segno scores them: the data region unmasked from ``used`` and masked again with each
    pattern, format information written for it (segno's own encoder functions; segno is pinned)."""
    from segno import consts
    from segno import encoder as segno_encoder

    n = len(matrix)
    version = (n - 17) // 4
    function = segno_encoder.make_matrix(n, n)
    segno_encoder.add_finder_patterns(function, n, n)
    segno_encoder.add_alignment_patterns(function, n, n)
    function[-8][8] = 0x1  # the dark module
    data = np.array([[function[i][j] > 0x1 for j in range(n)] for i in range(n)])
    patterns = segno_encoder.get_data_mask_functions(False)

    def mask(k: int) -> np.ndarray:
        return np.array([[bool(patterns[k](i, j)) for j in range(n)] for i in range(n)]) & data

    plain = np.array(matrix, dtype=bool) ^ mask(used)
    scores = []
    for k in range(8):
        candidate = [bytearray(row) for row in (plain ^ mask(k)).astype(np.uint8).tolist()]
        segno_encoder.add_format_info(candidate, version, consts.ERROR_LEVEL_M, k)
        if version >= 7:
            segno_encoder.add_version_info(candidate, version)
        scores.append(segno_encoder.evaluate_mask(candidate, n, n))
    return scores


def test_the_data_mask_is_the_lowest_penalty_of_the_eight():
    # given twenty progress links (the texts the receipts print), made into symbols
    chosen = []
    for k in range(20):
        text = f"https://yiwang.example.gov.cn/cases/progress/?n=YW2026120600{k:06d}&c={'ABCDEFGHJK'[k % 10] * 8}"
        matrix = qr_matrix(text)
        picture = Image.fromarray(np.where(np.pad(np.array(matrix), 4), 0, 255).astype(np.uint8).repeat(4, 0).repeat(4, 1))
        read = zxingcpp.read_barcode(picture, formats=zxingcpp.BarcodeFormat.QRCode)
        assert read is not None and read.text == text
        used = int(read.extra["DataMask"])
        scores = _mask_penalties(matrix, used)
        chosen.append((used, scores))
    # then the mask each uses scores lowest of the eight, or (libzint and segno read rule N3's light
    # area differently) within 1 % of the lowest; and the masks are chosen, not fixed
    assert all(scores[used] <= min(scores) * 1.01 for used, scores in chosen), chosen
    assert sum(scores[used] == min(scores) for used, scores in chosen) >= 17, chosen
    assert len({used for used, _ in chosen}) > 1


def test_a_picture_is_drawn_as_large_as_asked_with_its_colours():
    picture = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(picture, "PNG")
    image = _page([picture_flowable(picture.getvalue(), width=100, height=100)], scale=2)
    left, top, right, bottom = _ink_box(image.convert("L"))
    assert abs((right - left) - 200) <= 2 and abs((bottom - top) - 200) <= 2
    red, green, _ = image.getpixel(((left + right) // 2, (top + bottom) // 2))
    assert red > 150 and green < 60


def test_reportlab_runs_on_its_c_accelerators():
    # rl-accel (requirements.txt) is ReportLab's own C code for number formatting, string widths,
    # checksums and encodings; without it ReportLab falls back to pure Python silently (measured: a
    # third of a document's layout and writing), so its absence is a failure, not a slowdown
    from reportlab.lib import rl_accel

    for name in ("fp_str", "asciiBase85Encode", "escapePDF", "calcChecksum", "instanceStringWidthTTF"):
        assert getattr(rl_accel, name).__module__ == "_rl_accel", name
