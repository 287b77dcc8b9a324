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


# -- the faster paths draw what ReportLab's own draw, byte for byte ------------------------------------


def _pdf_bytes(flowables, *, width: float = 595.0, height: float = 842.0) -> bytes:
    """A PDF of ``flowables`` without a creation date or random id (the same input, the same bytes)."""
    from reportlab import rl_config

    buffer = io.BytesIO()
    invariant, rl_config.invariant = rl_config.invariant, 1
    try:
        SimpleDocTemplate(buffer, pagesize=(width, height), leftMargin=30, rightMargin=30, topMargin=30,
                          bottomMargin=30).build(flowables)
    finally:
        rl_config.invariant = invariant
    return buffer.getvalue()


def _texts() -> list[str]:
    """Texts as the documents print them: Chinese with punctuation that may not start a line, Latin
    words and numbers that wrap whole where they can, links with markup characters, long words."""
    import random

    rng = random.Random(14)
    cjk = "您于年月日提交的申请已受理承诺办结时限个工作日补正期间暂停计时请凭办件编号和查询码扫描二维码查询进度食品经营许可证"
    no_start = "，。、；：！？）」』》"
    latin = ["Yiwang", "GB/T", "38540", "SM2", "https://yiwang.example.gov.cn/cases/progress/?n=YW2026&c=ABCD",
             "A-3", "36.5m²", "a&b", "<场所>", "python manage.py verify_licence --qr", "1.2.156.3005.2.11330000MB0000000X002"]
    texts = ["受理回执", "编号：YW2026120700001234", "  前后有空格  和  连续空格 ", "a & b < c > d", "&", "<b>不是标记</b>"]
    for _ in range(120):
        parts = []
        for _ in range(rng.randint(1, 30)):
            pick = rng.random()
            if pick < 0.55:
                parts.append("".join(rng.choice(cjk) for _ in range(rng.randint(1, 12))))
            elif pick < 0.75:
                parts.append(rng.choice(no_start))
            elif pick < 0.95:
                parts.append(rng.choice([" ", ""]) + rng.choice(latin) + rng.choice([" ", ""]))
            else:
                parts.append("（" + rng.choice(latin) + "）")
        texts.append("".join(parts))
    return texts


def test_plain_paragraphs_lay_out_and_draw_as_reportlabs_paragraph_byte_for_byte():
    from html import escape

    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from yiwang.core.pdf import register_font, text_flowable

    font = register_font()
    styles = [ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK", firstLineIndent=23),
              ParagraphStyle("small", fontName=font, fontSize=8.5, leading=12, wordWrap="CJK",
                             textColor=colors.HexColor("#555555")),
              ParagraphStyle("right", fontName=font, fontSize=11.5, leading=18, wordWrap="CJK", alignment=2),
              ParagraphStyle("centre", fontName=font, fontSize=20, leading=28, wordWrap="CJK", alignment=1)]
    texts = _texts()

    def story(make, tables):
        flowables = []
        for i, text in enumerate(texts):
            style = styles[i % len(styles)]
            if tables and i % 3 == 0:  # in a table cell, as the documents' facts (wrapped twice: measured, then drawn)
                table = Table([[make("办件编号", style), make(text, style)]], colWidths=[28 + i % 50, None])
                table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
                flowables.append(table)
            else:
                flowables.append(make(text, style))
            flowables.append(Spacer(1, 3))
        return flowables

    def reportlab(text, style):
        return Paragraph(escape(text, quote=False), style)

    # given the texts in a narrow frame (many lines, paragraphs split across pages) and in a wide one
    for width, tables in ((160.0, False), (595.0, True)):
        expected = _pdf_bytes(story(reportlab, tables), width=width)
        # when they are printed as plain paragraphs, then the file is the same, byte for byte
        assert _pdf_bytes(story(text_flowable, tables), width=width) == expected


def test_plain_paragraphs_make_the_parsers_fragments_and_lines():
    from html import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from yiwang.core.pdf import register_font, text_flowable

    style = ParagraphStyle("body", fontName=register_font(), fontSize=11.5, leading=19, wordWrap="CJK", firstLineIndent=23)
    for text in _texts():
        ours, theirs = text_flowable(text, style), Paragraph(escape(text, quote=False), style)
        assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in theirs.frags], text
        for width in (60.0, 137.5, 453.0):
            assert ours.wrap(width, 800) == theirs.wrap(width, 800), (text, width)
            assert ours.wrap(width, 800) == theirs.wrap(width, 800)  # a second wrap at the same width
            assert _lines(ours.blPara) == _lines(theirs.blPara), (text, width)


def _lines(para) -> object:
    """A paragraph's broken lines as ReportLab draws them: every attribute of the lines and of their
    fragments (kind 1), or the words and the paragraph's font, size, ascent and descent (kind 0)."""
    if para.kind == 1:
        return [({k: v for k, v in line.__dict__.items() if k != "words"}, [w.__dict__ for w in line.words])
                for line in para.lines]
    return {k: v for k, v in para.__dict__.items()}


def test_the_font_subset_is_reportlabs_own_subset():
    from django.conf import settings
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFontFace

    from yiwang.core.pdf import register_font

    face = pdfmetrics.getFont(register_font()).face
    plain = TTFontFace(settings.YIWANG_PDF_FONT, subfontIndex=0)  # ReportLab's face, untouched
    assert type(face) is not TTFontFace and isinstance(face, TTFontFace)
    for chars in ("受理回执：YW2026120700001234", "（）「」《》，。、；：！？%&<>/=?-_.", "食品经营许可证" * 3 + "Ωé√²"):
        subset = sorted({ord(c) for c in chars})
        assert face.makeSubset(subset) == plain.makeSubset(subset), chars


def test_a_picture_is_the_object_reportlabs_draw_image_writes_in_every_document():
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    rgba = io.BytesIO()
    seal = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
    seal.paste((206, 17, 38, 255), (10, 10, 50, 50))
    seal.save(rgba, "PNG")
    opaque = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(opaque, "PNG")

    class DrawImage(Flowable):  # ReportLab's own drawing of the same picture
        def __init__(self, data: bytes, width: float, height: float) -> None:
            super().__init__()
            self.data, self.width, self.height = data, width, height

        def draw(self) -> None:
            self.canv.drawImage(ImageReader(io.BytesIO(self.data)), 0, 0, self.width, self.height, mask="auto")

    for data in (rgba.getvalue(), opaque.getvalue()):
        expected = _pdf_bytes([DrawImage(data, 100, 100), DrawImage(data, 50, 40)])  # drawn twice: one object
        for _ in range(2):  # the second document draws from the encoding the first one made
            assert _pdf_bytes([picture_flowable(data, width=100, height=100),
                               picture_flowable(data, width=50, height=40)]) == expected


def test_plain_paragraphs_lay_out_the_same_after_the_remembered_widths_start_again(monkeypatch):
    """Past MAX_REMEMBERED_WIDTHS characters a font's table of widths starts again: a text whose
    characters were remembered before that, and new ones, still lay out as ReportLab's paragraph
    (the table was once cleared and refilled with the new characters only: KeyError, a 500)."""
    from html import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from yiwang.core import pdf

    monkeypatch.setattr(pdf, "MAX_REMEMBERED_WIDTHS", 12)
    style = ParagraphStyle("bounded", fontName=pdf.register_font(), fontSize=9.25, leading=14, wordWrap="CJK")
    texts = ["受理回执办件编号", "受理回执查询进度请凭编号", "编号受理回执与二维码扫描查询"]  # each past the bound
    for text in texts:
        expected = _pdf_bytes([Paragraph(escape(text, quote=False), style)], width=120.0)
        assert _pdf_bytes([pdf.text_flowable(text, style)], width=120.0) == expected


def test_paragraph_lines_are_the_lines_reportlabs_paragraph_draws():
    from html import escape

    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from yiwang.core.pdf import paragraph_lines, register_font

    font = register_font()
    styles = [ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK", firstLineIndent=23),
              ParagraphStyle("small", fontName=font, fontSize=8.5, leading=12, wordWrap="CJK",
                             textColor=colors.HexColor("#555555"))]
    for text in _texts():
        for style in styles:
            for width in (60.0, 137.5, 453.0):
                # given ReportLab's own paragraph of the text, broken at the width
                theirs = Paragraph(escape(text, quote=False), style)
                theirs.wrap(width, 800)
                para = theirs.blPara
                if para.kind == 1:
                    expected = [(line.extraSpace, "".join(w.text for w in line.words)) for line in para.lines]
                else:
                    expected = [(space, " ".join(words)) for space, words in para.lines]
                # then the lines a renderer that draws them itself is given are those: text and extra space
                assert paragraph_lines(text, style, width) == expected, (text, width)


def test_a_page_of_up_to_250_characters_embeds_one_subset_of_the_font_and_reads_back():
    from reportlab.lib.styles import ParagraphStyle

    from yiwang.core.pdf import register_font, text_flowable

    # given a page of 200 Chinese characters and 40 ASCII ones (a receipt has about 170 distinct, a
    # long denial 230, 183 of them not ASCII; an ASCII-readable first subset has room for 159)
    style = ParagraphStyle("body", fontName=register_font(), fontSize=11.5, leading=19, wordWrap="CJK")
    chinese = "".join(chr(0x4E00 + 7 * i) for i in range(200))
    ascii_text = "".join(chr(c) for c in range(0x21, 0x21 + 40))
    pdf = _pdf_bytes([text_flowable(chinese + " " + ascii_text, style)], width=595.0)
    # then one font file is embedded (ASCII gets no subset of its own), and the text reads back
    assert pdf.count(b"/FontFile2") == 1
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert text.replace("\r\n", "") == chinese + " " + ascii_text


def _font_files(pdf: bytes) -> list[bytes]:
    """The embedded TrueType font files of a PDF, decompressed (each checked against its ``/Length1``)."""
    import re
    import zlib

    files = []
    for match in re.finditer(rb"/Filter \[ /FlateDecode \] /Length (\d+) /Length1 (\d+)\s*>>\s*stream\r?\n", pdf):
        data = zlib.decompress(pdf[match.end():match.end() + int(match.group(1))])
        assert len(data) == int(match.group(2))
        files.append(data)
    return files


def test_the_embedded_font_is_reportlabs_own_subset_and_draws_the_same():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics

    from yiwang.core.pdf import register_font, text_flowable

    font = register_font()
    face = pdfmetrics.getFont(font).face
    text = "".join(chr(0x4E00 + 11 * i) for i in range(230)) + " GB/T 38540 https://yiwang.example.gov.cn/?n=1&c=2"
    style = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK")

    def pdf() -> bytes:
        return _pdf_bytes([text_flowable(text, style)], width=595.0)

    # given the text printed with the project's face, and with ReportLab's own (its tables read as
    # it reads them, its font objects, its compression)
    ours = pdf()
    project_face = type(face)
    face.__class__ = project_face.__mro__[1]
    try:
        theirs = pdf()
    finally:
        face.__class__ = project_face
    # then the embedded font files are the same bytes once decompressed (two subsets: 280 characters)
    assert len(_font_files(ours)) == 2 and _font_files(ours) == _font_files(theirs)
    # and the pages are the same, pixel for pixel
    pages = [np.asarray(pdfium.PdfDocument(p)[0].render(scale=2).to_pil().convert("L"), dtype=int) for p in (ours, theirs)]
    assert pages[0].shape == pages[1].shape and np.abs(pages[0] - pages[1]).max() == 0
    assert (pages[0] < 128).sum() > 10_000  # and something was drawn
