"""The licence's one-page renderer (``rendering._render_page``) draws what ReportLab's platypus draws
from the same face (``rendering._render_flowing``, the layout licences were made with): the same text
in the same order and the same pixels, rasterised by PDFium at 100 dpi, for an ordinary licence, one
whose values wrap, one with many rows, one whose holder's name is drawn from the fallback font, each
with its department's seal picture; a licence too long for one page, or whose table platypus would
narrow in its own way, is laid out by platypus, complete."""

from __future__ import annotations

import numpy as np
import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4

from yiwang.licenses import rendering, seals, services
from yiwang.testing import factories

pytestmark = pytest.mark.django_db

LONG_NOTE = ("申请材料中《食品经营许可申请书》所填经营场所（青禾路 18 号 A-3 室，面积 36.5m²）与不动产权证书记载不一致；"
             "另据 2026 年 11 月 30 日现场核查记录（编号 XC-2026-1130-007），加工区与就餐区未有效分隔。请核对 <场所信息> & 面积。")


def _pages(pdf: bytes) -> list[tuple[np.ndarray, str]]:
    document = pypdfium2.PdfDocument(pdf)
    return [(np.asarray(page.render(scale=100 / 72).to_pil().convert("RGB")).astype(int),
             page.get_textpage().get_text_range()) for page in document]


def _face(licence, **changes) -> dict:
    face = services.licence_face(licence)
    face.update(changes)
    return face


def _flowing(face: dict) -> bytes:
    face = {k: v for k, v in face.items() if k != "created"}
    face["body_lines"] = [line for line in face["body_lines"] if line.strip()]
    return rendering._render_flowing(**face)


def _direct(face: dict) -> bytes | None:
    face = dict(face)
    face["body_lines"] = [line for line in face["body_lines"] if line.strip()]
    return rendering._render_page(**face)


def _assert_drawn_alike(face: dict) -> None:
    page = _direct(face)
    assert page is not None, "fits on one page"
    ours, theirs = _pages(page), _pages(_flowing(face))
    assert len(ours) == len(theirs) == 1
    (ours_pixels, ours_text), (their_pixels, their_text) = ours[0], theirs[0]
    assert ours_text == their_text
    assert ours_pixels.shape == their_pixels.shape
    difference = np.abs(ours_pixels - their_pixels).max(axis=2)
    # the same page: at most a few anti-aliased edge pixels one level apart
    assert difference.max() <= 2 and int((difference > 0).sum()) <= 200, (difference.max(), (difference > 0).sum())


def test_an_issued_licence_is_drawn_as_platypus_draws_it_and_its_seal_verifies(library):
    # given a licence issued by the service (its department's seal picture on it)
    licence = library.issue()
    face = _face(licence)
    # then the one-page renderer draws what platypus draws from the same face
    _assert_drawn_alike(face)
    # and the file the service stored is that one page, sealed over its bytes, and verifies
    with licence.file.open("rb") as handle:
        signed, signature = rendering.split_sealed(handle.read())
    assert signed == rendering.render(**face)
    assert len(pypdfium2.PdfDocument(signed)) == 1
    assert seals.verify_signature(signature, signed, anchors=[bytes(services.ensure_demo_ca().certificate)]).ok


def test_wrapping_values_many_rows_and_rare_characters_are_drawn_as_platypus_draws_them(library):
    licence = library.issue(data={"shop_name": "青禾小馆（城东店）" * 4, "scope": LONG_NOTE})
    face = _face(licence)
    assert any(len(rendering._lines(value, rendering._styles()["plain"], 300)) > 1 for _label, value in face["rows"])
    # a licence whose values wrap, in the table and in the face's lines
    _assert_drawn_alike(face)
    # one with many rows
    rows = _face(library.issue())["rows"]
    _assert_drawn_alike(_face(licence, rows=rows + [(f"许可项目{i}", f"第{i}项：预包装食品销售（含冷藏冷冻食品）")
                                                   for i in range(3)]))
    # a holder whose name the main font lacks (𠮷, drawn from the fallback font), and a long issuer
    _citizen, holder = factories.citizen("ji", first17="11010119770707123", name="吉𠮷")
    rare = library.issue(holder=holder, data={"shop_name": "𠮷野小馆", "scope": "餐饮服务"})
    assert "吉𠮷" in dict(_face(rare)["rows"]).values()
    _assert_drawn_alike(_face(rare))
    _assert_drawn_alike(_face(rare, issuer="某县市场监督管理局（食品经营许可科、特种设备安全监察科、行政审批服务股）"))


def test_a_licence_longer_than_a_page_goes_on_over_pages_as_before(library):
    # given a licence whose rows do not fit on one page
    licence = library.issue()
    rows = _face(licence)["rows"] + [(f"许可项目{i}", f"第{i}项：{LONG_NOTE}") for i in range(12)]
    face = _face(licence, rows=rows)
    # then the one-page renderer declines it, and the licence is platypus's, over pages, every row on them
    assert _direct(face) is None
    pages = _pages(rendering.render(**face))
    assert len(pages) > 1
    assert [text for _, text in pages] == [text for _, text in _pages(_flowing(face))]
    text = "".join(text for _, text in pages).replace("\r\n", "")
    assert all(label in text for label, _value in rows) and "第11项" in text and face["footnote"][:20] in text


def test_a_value_that_platypus_would_narrow_the_labels_for_is_laid_out_by_platypus(library):
    # given a value of no spaces a little wider than the value column: platypus's table narrows the
    # labels' column (by up to rl_config.defCWRF of it) rather than wrap it
    licence = library.issue()
    plain = rendering._styles()["plain"]
    width = A4[0] - 2 * rendering.LEFT_MARGIN - 2 * rendering.FRAME_PADDING
    rest = width - rendering.LABEL_WIDTH
    value = next(v for v in ("一" * n + "a" * k for k in range(40) for n in range(20, 32))
                 if rest < rendering._min_width(v, plain) + 2 * rendering.CELL_PADDING_X
                 <= rest + rendering.LABEL_WIDTH * rendering.SHRINK_FRACTION)
    face = _face(licence, rows=[*_face(licence)["rows"], ("备注", value)])
    # then the one-page renderer declines it, and the licence is platypus's page
    assert _direct(face) is None
    assert [text for _, text in _pages(rendering.render(**face))] == [text for _, text in _pages(_flowing(face))]


def test_a_worker_keeps_the_lines_of_what_licences_repeat_and_no_holders_data(library):
    # given a licence of the type drawn once (its title, labels, issuer and footnote kept)
    rendering._fixed_lines.cache_clear()
    rendering.render(**_face(library.issue()))
    kept = rendering._fixed_lines.cache_info().currsize
    # when another holder's licence of the type is drawn, with their own name and long values
    _citizen, holder = factories.citizen("zhao", first17="11010119800101123", name="赵独一无二")
    rendering.render(**_face(library.issue(holder=holder, data={"shop_name": "独一无二小馆" * 6, "scope": LONG_NOTE})))
    # then nothing more was kept: the holder's values are broken into lines for that licence only
    assert rendering._fixed_lines.cache_info().currsize == kept
    assert rendering._fixed_lines.cache_info().hits > 0
