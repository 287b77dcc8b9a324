"""Characters the documents' CJK font lacks (``core.pdf.font_for``): the 196 ideographs of
《通用规范汉字表》 (2013) encoded outside the BMP, which GB 18030-2022 level 1 requires and names use,
are drawn from the fallback font (BabelStone Han, ``YIWANG_PDF_FALLBACK_FONTS``) by both the
one-page writer (``core.pdfwriter``) and ReportLab's platypus (``core.pdf.text_flowable``), and read
back from the file as the characters themselves (``ToUnicode`` with UTF-16 surrogate pairs); a
character no font has is a visible box that still reads back as itself; a document without such
characters is untouched by all this."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zlib

import numpy as np
import pypdfium2 as pdfium
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate

from yiwang.core import pdf as core_pdf
from yiwang.core import pdfwriter

AT = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)

# 《通用规范汉字表》 (国发〔2013〕23号), its 196 characters outside the BMP (CJK Extension B: 36, C: 44,
# D: 8, E: 108), in the table's order (the table's 8,105 characters as listed with their code points
# by github.com/kitty-panics/cn-tables, 通用规范汉字表.txt)
TABLE_OUTSIDE_BMP = (
    "𬉼𠳐𥻗𠙶𬣙𨙸𬇕𬣞𬘓𫭟𫭢𫇭𫐄𫵷𣲘𣲗𬇙𬣡𫸩𨚕𫘜𬘘𫘝𦭜𬨂𬀩𬀪𬬩𫍣𬣳𬩽𬮿𬯀𫰛𬳵𬳶𫠊𬍛𬜬𦰡𪾢𪨰𫓧𬬮𬬱𬬭"
    "𦙶𬘡𬳽𬘩𫄧𪟝𬍤𫭼𬜯𬂩𫠆𨐈𬌗𫑡𪨶𬬸𬬻𬬹𬬿𬭁𫢸𫗧𬊈𬒈𨺙𬳿𫄨𬘫𫮃𬱖𬟽𫓯𫟹𫟼𠅤𬇹𬍡𬤇𫍯𬤊𫍲𬯎𬘬𬘭𬴂𫘦𫟅"
    "𬘯𫘧𪣻𡎚𬃊𬷕𫐐𬹼𧿹𫶇𫖮𬭊𨱇𫓶𬭎𫖯𬱟𫛭𫷷𬮱𬊤𣸣𬴃𫘨𤧛𬪩𬒔𬨎𫐓𫫇𫓹𬭚𬭛𬕂𬶋𬶍𦝼𫔶𫌀𫖳𫘪𫘬𫞩𡐓𪤗𣗋"
    "𬸘𬒗𥔲𫚖𨱏𬭤𫚕𬶐𬶏𩽾𬸚𬤝𬙂𬭩𩾃𬸣𫍽𬴊𬞟𥕢𫟦𬺈𫠜𪩘𬭬𨱑𬭯𫗴𬸦𫄷𤩽𬭳𬭶𫔍𬭸𨱔𬭼𫔎𬸪𬶟𬶠𬶨𦈡𫄸𬟁𥖨"
    "𦒍𬙊𬶭𩾌𨟠𬶮𨭉𬙋𤫉𬺓𫚭"
)
NO_FONT = "\U0002EBF0\U0001FAE8"  # CJK Extension I (Unicode 15.1) and an emoji of Unicode 15: in no font here


def _text(pdf: bytes) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf))


def drawn_characters(pdf: bytes, scale: float = 4.0) -> list[tuple[str, np.ndarray]]:
    """Each character of the first page with the pixels of its box (PDFium's character box, the
    font's em), rendered at ``scale``: what a reader sees where the character is."""
    page = pdfium.PdfDocument(pdf)[0]
    pixels = np.asarray(page.render(scale=scale).to_pil().convert("L")).astype(int)
    height = page.get_height()
    text_page = page.get_textpage()
    found, i, count = [], 0, text_page.count_chars()
    while i < count:
        char = text_page.get_text_range(i, 1)
        width = 1 if char else 2  # PDFium counts a character outside the BMP as its two UTF-16 halves
        char = char or text_page.get_text_range(i, 2)
        left, bottom, right, top = text_page.get_charbox(i, loose=True)
        found.append((char, pixels[int((height - top) * scale):int((height - bottom) * scale) + 1,
                                   int(left * scale):int(right * scale) + 1]))
        i += width
    return found


def ink(cell: np.ndarray) -> int:
    return int((cell < 128).sum())


def _page_pdf(*lines: str) -> bytes:
    page = pdfwriter.Page(595.2756, 841.8898)
    for number, line in enumerate(lines):
        page.text(20, 800 - 19 * number, line, size=12, color=(0, 0, 0))
    return page.pdf(title="受理回执", author="某县政务服务管理局", subject="受理回执", creator="Yiwang 一网", created=AT)


def _platypus_pdf(text: str) -> bytes:
    style = ParagraphStyle("plain", fontName=core_pdf.register_font(), fontSize=12, leading=19, wordWrap="CJK")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([core_pdf.text_flowable(text, style)])
    return buffer.getvalue()


def _unicode_maps(pdf: bytes) -> list[bytes]:
    streams = (zlib.decompress(m.group(1)) for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S))
    return [s for s in streams if b"begincmap" in s]


def test_every_character_of_the_table_outside_the_bmp_is_drawn_from_the_fallback_font_and_reads_back():
    assert len(TABLE_OUTSIDE_BMP) == len(set(TABLE_OUTSIDE_BMP)) == 196
    assert all(ord(ch) > 0xFFFF for ch in TABLE_OUTSIDE_BMP)
    # given the main font, which has none of them, and the default fallback font, which has all
    assert not any(core_pdf.drawn_by_main_font(ch) for ch in TABLE_OUTSIDE_BMP)
    assert {core_pdf.font_for(ch) for ch in TABLE_OUTSIDE_BMP} == {core_pdf.FALLBACK_FONT % 1}
    # when all 196 are written on a page (more than one subset of 256 codes with the spaces)
    lines = [TABLE_OUTSIDE_BMP[i:i + 30] for i in range(0, 196, 30)]
    text = " ".join(lines)
    for pdf in (_page_pdf(*lines), _platypus_pdf(text)):
        # then each reads back as itself, by either renderer, and each is drawn (ink in its box)
        assert _text(pdf).replace("\r\n", "").replace(" ", "") == TABLE_OUTSIDE_BMP
        drawn = [(ch, cell) for ch, cell in drawn_characters(pdf) if ch in TABLE_OUTSIDE_BMP]
        assert "".join(ch for ch, _ in drawn) == TABLE_OUTSIDE_BMP
        assert all(ink(cell) > 20 for _ch, cell in drawn), [ch for ch, cell in drawn if ink(cell) <= 20]
        assert b"BabelStoneHan" in pdf


def test_a_name_is_drawn_glyph_by_glyph_in_its_font_the_same_by_both_renderers():
    # given a sentence with names mixing the main font's characters and the fallback's
    text = "申请人：王𬌗、吉𠮷、陈𫄨（经营者）"
    ours, platypus = _page_pdf(text), _platypus_pdf(text)
    box = dict(drawn_characters(_page_pdf("口" + NO_FONT[0])))[NO_FONT[0]]  # the missing glyph's box
    for pdf in (ours, platypus):
        assert _text(pdf) == text
        cells = dict(drawn_characters(pdf))
        for ch in "𬌗𠮷𫄨":
            # then each rare character has its own glyph: ink, and not the box of a missing character
            assert ink(cells[ch]) > 40
            assert cells[ch].shape != box.shape or not np.array_equal(cells[ch], box)
    # and the characters after the name are placed where the fallback glyph's width puts them: the
    # one-page writer and platypus put 经 at the same place
    assert [c.shape for ch, c in drawn_characters(ours) if ch == "经"] == \
        [c.shape for ch, c in drawn_characters(platypus) if ch == "经"]


def test_a_character_no_font_has_is_a_visible_box_that_reads_back_as_itself():
    text = f"姓名：李{NO_FONT[0]}，备注{NO_FONT[1]}完"
    for pdf in (_page_pdf(text), _platypus_pdf(text)):
        # then the text reads back whole, the characters no font has included
        assert _text(pdf) == text
        cells = dict(drawn_characters(pdf))
        # and each is drawn as a box (ink where it stands), never a blank
        for ch in NO_FONT:
            assert ink(cells[ch]) > 10
    # while a control character is still drawn as nothing, as before (no box for a NUL)
    assert core_pdf.font_for("\x00") == core_pdf.FONT and core_pdf.font_for("\ud800") == core_pdf.FONT


def test_to_unicode_writes_astral_characters_as_surrogate_pairs_and_bmp_subsets_as_reportlab_did():
    from reportlab.pdfbase import ttfonts

    core_pdf.register_font()
    assert ttfonts.makeToUnicodeCMap is core_pdf.to_unicode_cmap
    reportlab_own = core_pdf._REPORTLAB_TO_UNICODE[0]
    bmp = [0, 0x5F20, 0x4E09, 32]
    assert core_pdf.to_unicode_cmap("AAAAAA+X", bmp) == reportlab_own("AAAAAA+X", bmp)
    cmap = core_pdf.to_unicode_cmap("AAAAAA+X", [0, 0x738B, 0x2C317])
    assert "<02> <D870DF17>" in cmap and "<01> <738B>" in cmap  # U+2C317 is D870 DF17 in UTF-16
    assert "2C317" not in cmap
    # and the one-page writer's map says the same for the character
    assert any(b"<D870DF17>" in m for m in _unicode_maps(_page_pdf("王𬌗")))


def test_a_document_of_the_main_fonts_characters_is_the_same_file_without_any_fallback_font(settings):
    # given a receipt's text the main font has in full
    text = "受理回执 编号：YW2026120700000001 申请人：张三 <材料> & 100%"
    before = _page_pdf(text), _platypus_pdf(text)
    # when no fallback font is configured at all
    settings.YIWANG_PDF_FALLBACK_FONTS = []
    core_pdf._fallback_fonts.cache_clear()
    try:
        after = _page_pdf(text), _platypus_pdf(text)
        # then the one-page writer's file is byte for byte the same and has only the main font
        assert after[0] == before[0] and b"/B1F1" not in after[0]
        assert _text(after[1]) == _text(before[1])
        # and without a fallback font a rare character is a box that reads back, not a blank
        pdf = _page_pdf("王𬌗")
        assert _text(pdf) == "王𬌗" and ink(dict(drawn_characters(pdf))["𬌗"]) > 10
    finally:
        core_pdf._fallback_fonts.cache_clear()


def test_an_unreadable_fallback_font_is_logged_and_its_characters_are_boxes(settings, tmp_path, caplog):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    settings.YIWANG_PDF_FALLBACK_FONTS = [str(broken)]
    core_pdf._fallback_fonts.cache_clear()
    try:
        with caplog.at_level(logging.ERROR, logger="yiwang.core.pdf"):
            pdf = _page_pdf("王𬌗")
        assert str(broken) in caplog.text
        assert _text(pdf) == "王𬌗" and ink(dict(drawn_characters(pdf))["𬌗"]) > 10
    finally:
        core_pdf._fallback_fonts.cache_clear()


INVISIBLE = ["\ufe00", "\U000e0100", "\u180b", "\u200d", "\u200f", "\u202e", "\U000e0041", "\u2060"]


def test_marks_joiners_and_variation_selectors_draw_nothing_though_the_fallback_font_has_glyphs_for_them():
    # given names and words with characters that draw nothing in running text (a variation selector
    # after 葛, direction marks, joiners, a tag character), for which the fallback font has labelled glyphs
    plain = "葛张三李四"
    marked = "葛\ufe00张\u200f三\u200d李\U000e0100四" + "".join(INVISIBLE)
    # then each stays the main font's (nothing to draw), never the fallback's nor the placeholder box
    assert {core_pdf.font_for(ch) for ch in INVISIBLE} == {core_pdf.FONT}
    for render in (_page_pdf, _platypus_pdf):
        # and the page has no more ink than the same words without them (a label box adds >1,000 pixels)
        with_marks, without = (render(text) for text in (marked, plain))
        ink_with, ink_without = (ink(np.asarray(pdfium.PdfDocument(pdf)[0].render(scale=4).to_pil().convert("L")))
                                 for pdf in (with_marks, without))
        assert ink_with <= ink_without * 1.02, (render.__name__, ink_with, ink_without)
        assert b"BabelStoneHan" not in with_marks


def test_font_file_names_the_file_of_the_font_each_character_is_drawn_in_for_pillow(settings):
    # the seal picture (Pillow) draws by the same rule as the documents (``font_for``)
    assert core_pdf.font_file("张") == settings.YIWANG_PDF_FONT
    assert {core_pdf.font_file(ch) for ch in TABLE_OUTSIDE_BMP} == {settings.YIWANG_PDF_FALLBACK_FONTS[0]}
    assert {core_pdf.font_file(ch) for ch in NO_FONT} == {settings.YIWANG_PDF_FONT}  # its missing glyph: a box
    assert {core_pdf.font_file(ch) for ch in INVISIBLE} == {None}  # nothing to draw, no place taken
