"""An applicant whose name has a character outside the BMP (GB 18030-2022 level 1: 𬌗 is one of the
196 ideographs of 《通用规范汉字表》 in CJK Extension E; the main CJK font has none of them) gets a
receipt and a decision letter, issued by the services as every case's are, that print the name
(the glyph drawn from the fallback font, never a blank) and whose text reads back as the exact
name; registration takes the name as typed; the case's pages show it unchanged."""

from __future__ import annotations

import pypdfium2
import pytest

from yiwang.cases import documents, services
from yiwang.cases.models import CaseDocument, DocumentKind
from yiwang.cases.tests.test_document_rendering import _assert_drawn_alike, _contents
from yiwang.cases.tests.test_documents import decide, login, pdf_text
from yiwang.core.tests.test_pdf_fallback import drawn_characters, ink
from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db

NAME = "王𬌗"


def _stored(document: CaseDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_a_receipt_and_a_decision_letter_print_a_name_outside_the_bmp_and_read_back_as_it(world, client):
    # given a citizen registered with a name outside the BMP, whose application is accepted and approved
    citizen, applicant = factories.citizen("wang", first17="11010119880808123", name=NAME)
    applicant.refresh_from_db()
    assert applicant.name == NAME  # stored as typed, on either database
    case = case_factories.apply_online(citizen, applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    decide(world, case)
    for kind in (DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.APPROVAL_DECISION):
        document = CaseDocument.objects.get(case=case, kind=kind)
        # then the stored, signed document verifies and its text holds the exact name
        assert documents.verify_document(document).valid
        text = pdf_text(document)
        assert f"申请人 {NAME}\r\n" in text
        # and the rare character is drawn: ink where it stands, the fallback font's glyph embedded
        pdf = _stored(document)
        cells = [cell for ch, cell in drawn_characters(pdf) if ch == "𬌗"]
        assert cells and all(ink(cell) > 40 for cell in cells)
        assert b"BabelStoneHan" in pdf
    # and the one-page document is the page platypus draws from the same contents (text and pixels)
    case.refresh_from_db()
    _assert_drawn_alike(_contents(case, DocumentKind.APPROVAL_DECISION, case.department))
    # and the applicant's case page shows the name as it is
    page = login(client, "wang").get(f"/me/cases/{case.number}/")
    assert page.status_code == 200 and NAME in page.content.decode()


def test_a_denial_whose_reasons_hold_a_character_no_font_has_prints_a_box_that_reads_back(world):
    # given a denial whose reasons quote a CJK Extension I ideograph (in no font here) and a rare name
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    reasons = "申请书所填经营者姓名「陈\U0002EBF0」与身份证件「陈𫄨」不一致。"
    decide(world, case, "deny", reasons)
    letter = CaseDocument.objects.get(case=case, kind=DocumentKind.DENIAL_DECISION)
    # then the letter's text holds the reasons exactly, and both characters are drawn (not blank)
    assert reasons in pdf_text(letter).replace("\r\n", "")
    cells = dict(drawn_characters(_stored(letter)))
    assert ink(cells["\U0002EBF0"]) > 10 and ink(cells["𫄨"]) > 40
    assert len(pypdfium2.PdfDocument(_stored(letter))) == 1
