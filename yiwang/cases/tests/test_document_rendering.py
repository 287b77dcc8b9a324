"""The documents' one-page renderer (``documents._render_page``) draws what ReportLab's platypus
draws from the same contents (``documents._render_flowing``, the layout the documents were made
with): the same text in the same order and the same pixels, rasterised by PDFium at 100 dpi, for
documents with long names, many materials and long notes, with and without a seal, with the rating
link; a document too long for one page is laid out by platypus over more pages."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pypdfium2
import pytest

from yiwang.cases import documents, services
from yiwang.cases.models import CaseDocument, DocumentKind
from yiwang.cases.tests.test_documents import decide
from yiwang.licenses.seals import seal_picture
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
LONG_NOTE = ("申请材料中《食品经营许可申请书》所填经营场所（青禾路 18 号 A-3 室，面积 36.5m²）与不动产权证书记载不一致；"
             "另据 2026 年 11 月 30 日现场核查记录（编号 XC-2026-1130-007），加工区与就餐区未有效分隔，"
             "不符合《食品经营许可审查通则》第十二条的规定。请核对 <场所信息> & 面积后重新申请。")


def _pages(pdf: bytes) -> list[tuple[np.ndarray, str]]:
    document = pypdfium2.PdfDocument(pdf)
    return [(np.asarray(page.render(scale=100 / 72).to_pil().convert("RGB")).astype(int),
             page.get_textpage().get_text_range()) for page in document]


def _contents(case, kind, department, *, correction=None, seal_png=None) -> dict:
    return documents._contents(case, kind, title=documents.document_title(case, kind), department=department,
                               issued_at=AT, correction=correction, seal_png=seal_png)


def _assert_drawn_alike(contents: dict) -> None:
    page = documents._render_page(**contents)
    assert page is not None, "fits on one page"
    ours, theirs = _pages(page), _pages(documents._render_flowing(**contents))
    assert len(ours) == len(theirs) == 1
    (ours_pixels, ours_text), (their_pixels, their_text) = ours[0], theirs[0]
    assert ours_text == their_text
    assert ours_pixels.shape == their_pixels.shape
    difference = np.abs(ours_pixels - their_pixels).max(axis=2)
    # the same page: at most a few anti-aliased edge pixels one level apart (the seal's picture is
    # drawn under a translation written with other rounding)
    assert difference.max() <= 2 and int((difference > 0).sum()) <= 200, (difference.max(), (difference > 0).sum())


def _long_names(case) -> None:
    case.applicant.name = "阿卜杜热合曼·买买提艾力·依明托合提·艾尔肯江·努尔麦麦提" * 2
    case.item.name = "食品经营许可（含仅销售预包装食品备案、小餐饮登记及其变更、延续、注销等 12 类情形）"
    case.department.name = "某县市场监督管理局（食品经营许可科、特种设备安全监察科）"


def test_the_receipt_and_letters_are_drawn_as_platypus_draws_them(world):
    # given an accepted case (its receipt carries the rating link) and a decided one
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    case.refresh_from_db()
    window, deciding = case.department.__class__.objects.get(code="ZWFW"), case.department
    seal = seal_picture("某县政务服务管理局")
    for seal_png in (None, seal):
        # when the receipt is drawn by both renderers, with and without the department's seal
        contents = _contents(case, DocumentKind.ACCEPTANCE_RECEIPT, window, seal_png=seal_png)
        assert len(contents["footer"]) == 2  # the progress link and the rating link
        _assert_drawn_alike(contents)
    decide(world, case, "deny", LONG_NOTE)
    for kind in (DocumentKind.DENIAL_DECISION, DocumentKind.ACCEPTANCE_RECEIPT):
        _assert_drawn_alike(_contents(case, kind, deciding, seal_png=seal))
        # and with long names, an item name and a department name that wrap in the table and the headings
        _long_names(case)
        _assert_drawn_alike(_contents(case, kind, case.department, seal_png=seal))
        case.refresh_from_db()


def test_a_correction_notice_with_many_materials_is_drawn_as_platypus_draws_it(world):
    # given a correction request for every material of the item, with a long note
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    materials = list(world.item.materials.values_list("pk", flat=True))
    correction = services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=materials,
                                             note=LONG_NOTE * 2)
    case.refresh_from_db()
    notice = CaseDocument.objects.get(case=case, kind=DocumentKind.CORRECTION_NOTICE)
    # then the notice is drawn alike, and it names each material
    contents = _contents(case, DocumentKind.CORRECTION_NOTICE, notice.signer_department, correction=correction)
    assert all(m.name in "".join(contents["paragraphs"]) for m in correction.materials.all())
    _assert_drawn_alike(contents)


def test_a_document_longer_than_a_page_goes_on_over_pages_as_before(world):
    # given a correction note too long for one page
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    # (within the note's 1,000 characters: each copy on a line of its own)
    correction = services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[],
                                             note="\n".join([LONG_NOTE] * 6))
    case.refresh_from_db()
    notice = CaseDocument.objects.get(case=case, kind=DocumentKind.CORRECTION_NOTICE)
    contents = _contents(case, DocumentKind.CORRECTION_NOTICE, notice.signer_department, correction=correction)
    # then the one-page renderer declines it, and the document is platypus's, over two pages
    assert documents._render_page(**contents) is None
    pdf = documents.render_pdf(case, DocumentKind.CORRECTION_NOTICE, title=contents["title"],
                               department=notice.signer_department, issued_at=AT, correction=correction)
    pages = _pages(pdf)
    assert len(pages) == 2
    assert [text for _, text in pages] == [text for _, text in _pages(documents._render_flowing(**contents))]
    # and the notice stored for the case (issued by the service) is that layout too, note and all
    stored = pypdfium2.PdfDocument(notice.file.open("rb").read())
    assert len(stored) == 2
    assert "请核对 <场所信息> & 面积后重新申请" in "".join(p.get_textpage().get_text_range() for p in stored).replace("\r\n", "")


def test_a_worker_keeps_the_lines_of_what_documents_repeat_and_no_applicants_text(world):
    # given a department's receipt drawn once (its name, the title and the facts' labels kept)
    documents._fixed_lines.cache_clear()
    first = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=first.pk)
    first.refresh_from_db()
    department = first.department
    documents._render_page(**_contents(first, DocumentKind.ACCEPTANCE_RECEIPT, department))
    kept = documents._fixed_lines.cache_info().currsize
    # when another applicant's receipt of the same kind is drawn, with their own name and long notes
    second = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=second.pk)
    second.refresh_from_db()
    second.applicant.name = "独一无二的申请人姓名" * 3
    documents._render_page(**_contents(second, DocumentKind.ACCEPTANCE_RECEIPT, department))
    # then nothing more was kept: the name, the number, the access code in the progress link are
    # broken into lines for that document only
    assert documents._fixed_lines.cache_info().currsize == kept
    assert documents._fixed_lines.cache_info().hits > 0


HOSTILE_NOTE = ("理由：见 https://yiwang.example.gov.cn/rules/food-licensing?section=12&clause=3#para-4 及 "
                "Supercalifragilisticexpialidocious-Antidisestablishmentarianism-Pneumonoultramicroscopic "
                "<script>alert('x')</script> & (括号) \\ 反斜杠 \U0001F600 表情 \U00020BB7 𠮷野家")


def test_hostile_text_is_drawn_as_platypus_draws_it_and_the_issued_letter_reads_back_and_verifies(world):
    # given a case decided with a note of long Latin words, a URL, markup and string delimiters and
    # characters outside the font's plane, issued by the service
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    decide(world, case, "deny", HOSTILE_NOTE)
    letter = CaseDocument.objects.get(case=case, kind=DocumentKind.DENIAL_DECISION)
    # then the stored letter verifies and its text holds the note's words as written
    assert documents.verify_document(letter).valid
    stored = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(letter.file.open("rb").read()))
    for words in ("https://yiwang.example.gov.cn/rules/food-licensing?section=12&clause=3#para-4",
                  "<script>alert('x')</script> & (括号) \\ 反斜杠"):
        assert words in stored.replace("\r\n", "")
    # and with an applicant's name of 200 characters (Chinese, or one Latin word) and an empty ID
    # number, the letter and the receipt are platypus's pages: drawn alike on one page, or laid out
    # by platypus when they do not fit
    one_page = 0
    for name in ("阿" * 200, "A" * 200):
        case.applicant.name, case.applicant.id_number = name, ""
        for kind in (DocumentKind.DENIAL_DECISION, DocumentKind.ACCEPTANCE_RECEIPT):
            contents = _contents(case, kind, case.department)
            if documents._render_page(**contents) is not None:
                _assert_drawn_alike(contents)
                one_page += 1
            else:
                pdf = documents.render_pdf(case, kind, title=contents["title"], department=case.department,
                                           issued_at=AT)
                assert [t for _, t in _pages(pdf)] == [t for _, t in _pages(documents._render_flowing(**contents))]
    assert one_page >= 2  # the receipts fit


def test_a_letter_of_more_characters_than_one_font_subset_is_drawn_as_platypus_draws_it(world):
    # given a denial whose reasons use 300 distinct characters (a font subset has 256 codes)
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    decide(world, case, "deny", "".join(chr(0x4E00 + 13 * i) for i in range(300)))
    contents = _contents(case, DocumentKind.DENIAL_DECISION, case.department)
    # then it takes a second subset and is the same page as platypus's, text and pixels
    assert documents._render_page(**contents).count(b"/FontFile2") == 2
    _assert_drawn_alike(contents)
