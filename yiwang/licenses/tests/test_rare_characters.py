"""A licence whose holder's name has a character outside the BMP (𠮷, CJK Extension B, which the main
CJK font lacks): the sealed PDF, laid out by ReportLab's platypus, prints the name (the glyph drawn
from the fallback font) and its text reads back as the exact name (ReportLab's own ``ToUnicode``
would give a wrong character: ``core.pdf.to_unicode_cmap``); the seal still verifies. A department
whose name has such a character has it drawn on its seal picture, from the same font."""

from __future__ import annotations

import io
import unicodedata
from unittest import mock

import numpy as np
import pypdfium2
import pytest
from PIL import Image

from yiwang.core import pdf as core_pdf
from yiwang.core.tests.test_pdf_fallback import NO_FONT, TABLE_OUTSIDE_BMP, drawn_characters, ink
from yiwang.licenses import rendering, seals, services
from yiwang.licenses.demo import department_uscc
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def test_a_licence_prints_a_holders_name_outside_the_bmp_and_reads_back_as_it(library):
    # given a holder registered as 吉𠮷 and a licence issued to them
    _citizen, holder = factories.citizen("ji", first17="11010119770707123", name="吉𠮷")
    licence = library.issue(holder=holder, data={"shop_name": "𠮷野小馆", "scope": "餐饮服务"})
    with licence.file.open("rb") as handle:
        data = handle.read()
    signed, signature = rendering.split_sealed(data)
    # then its text holds the holder's name and the shop's, exactly
    text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "经营者：吉𠮷" in text and "𠮷野小馆" in text
    # and 𠮷 is drawn wherever it stands (the fallback font's glyph), never a blank
    cells = [cell for ch, cell in drawn_characters(signed) if ch == "𠮷"]
    assert len(cells) >= 3 and all(ink(cell) > 40 for cell in cells)
    assert b"BabelStoneHan" in signed
    # and the seal over the file still verifies against the CA
    anchor = services.ensure_demo_ca()
    assert seals.verify_signature(signature, signed, anchors=[bytes(anchor.certificate)]).ok


# -- the seal picture (``seals.seal_picture``): the department's name drawn around the rim -----------------


def _seal_pixels(name: str, code: str) -> np.ndarray:
    """The picture of the seal the seal service makes for a department of that name: its alpha."""
    department = factories.department(code, name)
    seal = services.create_seal(department=department, uscc=department_uscc("SCJG"), anchor=services.ensure_demo_ca())
    return np.asarray(Image.open(io.BytesIO(bytes(seal.picture))).getchannel("A")).astype(int)


def test_a_seal_draws_a_rare_character_of_the_department_name_from_the_fallback_font(library):
    # given a township whose name has two characters of 《通用规范汉字表》 outside the BMP (Extensions E
    # and C), which the main CJK font lacks, and the same name with two characters no font has there
    assert unicodedata.name("𬌗") == "CJK UNIFIED IDEOGRAPH-2C317" and "𬌗" in TABLE_OUTSIDE_BMP
    assert unicodedata.name("𫖯") == "CJK UNIFIED IDEOGRAPH-2B5AF" and "𫖯" in TABLE_OUTSIDE_BMP
    rare = _seal_pixels("𬌗𫖯镇人民政府", "ZX1")
    boxed = _seal_pixels(f"{NO_FONT[0]}{NO_FONT[0]}镇人民政府", "ZX2")
    # then the two seals differ where the two characters stand (the left of the rim, before 镇), and
    # the rest of the name (人民政府, at the top and on the right) is the same, pixel for pixel
    differ = rare != boxed
    rows, cols = np.nonzero(differ)
    assert differ.sum() > 200 and cols.max() < rare.shape[1] / 2 and rows.max() < rare.shape[0] / 2
    # and there each character is a glyph (the fallback font's), not the outline of a missing glyph:
    # far more ink than the two boxes
    assert (rare[differ] > 128).sum() > 2 * (boxed[differ] > 128).sum()


def test_a_character_that_draws_nothing_takes_no_place_on_the_seal(library):
    # given a name with a variation selector after 葛 and a joiner (the fallback font has labelled
    # glyphs for both; neither is anything on paper)
    marked = _seal_pixels("葛\ufe00家庄\u200d镇", "ZX3")
    # then the seal is the seal of the name without them (no gap on the rim, no label)
    assert np.array_equal(marked, _seal_pixels("葛家庄镇", "ZX4"))


def test_a_seal_of_the_main_fonts_characters_is_drawn_in_it_alone_without_loading_a_fallback_font(settings):
    # given a department name every character of which the main font has
    name = "某县市场监督管理局（知识产权局）"
    core_pdf._fallback_fonts.cache_clear()
    try:
        # when its seal picture is made
        picture = seals.seal_picture(name)
        # then the fallback fonts (BabelStone Han, 51 MB) were never loaded for it
        assert core_pdf._fallback_fonts.cache_info().currsize == 0
        # and it is byte for byte the picture of the main font drawing every character, as it always was
        with mock.patch.object(core_pdf, "font_file", lambda _ch: settings.YIWANG_PDF_FONT):
            assert seals.seal_picture(name) == picture
        # and the same with no fallback font configured at all
        settings.YIWANG_PDF_FALLBACK_FONTS = []
        assert seals.seal_picture(name) == picture
    finally:
        core_pdf._fallback_fonts.cache_clear()
