"""A licence whose holder's name has a character outside the BMP (𠮷, CJK Extension B, which the main
CJK font lacks): the sealed PDF, laid out by ReportLab's platypus, prints the name (the glyph drawn
from the fallback font) and its text reads back as the exact name (ReportLab's own ``ToUnicode``
would give a wrong character: ``core.pdf.to_unicode_cmap``); the seal still verifies."""

from __future__ import annotations

import pypdfium2
import pytest

from yiwang.core.tests.test_pdf_fallback import drawn_characters, ink
from yiwang.licenses import rendering, seals, services
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
