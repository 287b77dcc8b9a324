"""材料预审: a material's file is read in the background and what it shows is checked against the
case; the clerk sees findings with the OCR confidence, and a failing OCR never holds a case up."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from yiwang.cases import services
from yiwang.cases.models import CaseMaterial, CaseStatus, MaterialFinding, MaterialReview
from yiwang.cases.prereview import expected_for, prereview_material, prereview_material_task
from yiwang.core.models import ApplicantKind, AuditEvent
from yiwang.core.services import register_applicant
from yiwang.intelligence import ocr
from yiwang.intelligence.prereview import get_profile
from yiwang.testing import case_factories, factories, item_factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian: fonts-noto-cjk
MATERIALS = (("申请人居民身份证", True), ("营业执照", True), ("近期免冠彩色证件照", True))


class FakeEngine:
    name = "fake"

    def __init__(self, rows: list[tuple[str, float, float, float]] | None = None, error: Exception | None = None):
        self.lines = [ocr.TextLine(t, c, ((x, y), (x + 30 * len(t), y), (x + 30 * len(t), y + 30), (x, y + 30)))
                      for t, c, x, y in rows or []]
        self.error = error
        self.calls = 0

    def __call__(self, image):  # noqa: ANN001
        self.calls += 1
        if self.error:
            raise self.error
        return list(self.lines)


def id_card_rows(name: str, number: str, valid: str = "2016.03.07-2036.03.07") -> list[tuple[str, float, float, float]]:
    return [("姓名", 0.99, 50, 50), (name, 0.93, 140, 50), ("公民身份号码", 0.99, 50, 400), (number, 0.97, 250, 400),
            ("有效期限", 0.99, 50, 480), (valid, 0.96, 200, 480)]


def png_page() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 250), "white").save(buf, "PNG")
    return buf.getvalue()


def case_with(world, *, applicant=None, user=None):
    it = item_factories.item("PRE-1", dept="SCJG", materials=MATERIALS)
    return case_factories.apply_online(user or world.citizen, applicant or world.applicant, it)


def attached(case, material_name: str, content: bytes, content_type: str = "image/png") -> CaseMaterial:
    cm = case.materials.get(material__name=material_name)
    cm.file.save(f"{material_name}.png", ContentFile(content), save=False)
    cm.content_type = content_type
    cm.save()
    return cm


def findings(cm: CaseMaterial) -> list[tuple[str, str]]:
    return [(f.kind, f.field) for f in MaterialFinding.objects.filter(material=cm)]


def test_a_card_naming_someone_else_is_flagged_with_the_ocr_confidence(world):
    # given a citizen's application with an ID card whose name differs from the applicant's
    case = case_with(world)
    card = attached(case, "申请人居民身份证", png_page())
    engine = FakeEngine(id_card_rows("张三丰", world.applicant.id_number))

    # when the card is pre-reviewed
    review = prereview_material(material_id=card.pk, today=TODAY, engine=engine)

    # then the clerk sees one mismatch, with what the case says, what the card shows and how sure OCR was
    assert review.status == "done" and review.profile == "id_card" and review.pages_read == 1
    found = MaterialFinding.objects.get(material=card)
    assert (found.kind, found.field, found.expected, found.found) == ("field_mismatch", "name", "张三", "张三丰")
    assert found.confidence == pytest.approx(0.93) and "93%" in found.message
    assert review.fields["citizen_id"] == {"value": world.applicant.id_number, "confidence": 0.97, "page": 0}
    audit = AuditEvent.objects.get(event_type="material_prereviewed", subject_id=str(card.pk))
    assert audit.details["findings"] == {"field_mismatch": 1} and audit.details["case"] == case.pk


def test_a_matching_card_gives_no_finding_and_a_second_run_replaces_the_first(world):
    case = case_with(world)
    card = attached(case, "申请人居民身份证", png_page())
    prereview_material(material_id=card.pk, today=TODAY, engine=FakeEngine(id_card_rows("李四", "110101199003078515")))
    assert {"field_mismatch"} <= {k for k, _f in findings(card)}

    # when the corrected card is reviewed again, the old findings go
    prereview_material(material_id=card.pk, today=TODAY,
                       engine=FakeEngine(id_card_rows("张三", world.applicant.id_number)))
    assert findings(card) == []
    assert MaterialReview.objects.get(material=card).status == "done"


def test_an_expired_card_with_a_bad_check_digit_is_flagged(world):
    case = case_with(world)
    card = attached(case, "申请人居民身份证", png_page())
    number = world.applicant.id_number
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    prereview_material(material_id=card.pk, today=TODAY,
                       engine=FakeEngine(id_card_rows("张三", bad, "2006.03.07-2026.03.07")))
    assert set(findings(card)) == {("field_mismatch", "citizen_id"), ("invalid_check_digit", "citizen_id"),
                                   ("expired", "valid_until")}


def test_an_organisations_licence_is_checked_against_the_applicant_record(world):
    # given a company applicant and its business licence showing another credit code
    user = factories.user("acme")
    code = factories.uscc("91330106MA2B3C4D5")
    company = register_applicant(actor=user, kind=ApplicantKind.ORGANISATION, name="杭州恒达科技有限公司",
                                 id_number=code, legal_representative="李四", user=user)
    case = case_with(world, applicant=company, user=user)
    licence = attached(case, "营业执照", png_page())
    other = factories.uscc("91330106MA2B3C4D6")
    rows = [("统一社会信用代码", 0.99, 90, 110), (other, 0.95, 90, 150), ("名称", 0.99, 110, 330),
            ("杭州恒达科技有限公司", 0.98, 290, 330), ("法定代表人", 0.99, 110, 400), ("李四", 0.97, 290, 400),
            ("营业期限", 0.99, 860, 470), ("2015年06月01日至长期", 0.97, 1040, 470)]

    # when pre-reviewed
    prereview_material(material_id=licence.pk, today=TODAY, engine=FakeEngine(rows))

    # then only the code is flagged
    assert findings(licence) == [("field_mismatch", "uscc")]
    assert expected_for(licence, get_profile("business_licence")).company_name == "杭州恒达科技有限公司"


def test_an_ocr_failure_is_a_finding_and_the_case_goes_on(world):
    # given OCR that fails
    case = case_with(world)
    card = attached(case, "申请人居民身份证", png_page())
    engine = FakeEngine(error=RuntimeError("onnxruntime: out of memory"))

    # when the card is pre-reviewed
    review = prereview_material(material_id=card.pk, today=TODAY, engine=engine)

    # then the review failed with a finding saying so, and the clerk can accept the case all the same,
    # once they say they checked the file themselves
    assert review.status == "failed" and "engine_failed" in review.error
    finding = MaterialFinding.objects.get(material=card)
    assert finding.kind == "ocr_failed" and "人工审核" in finding.message
    services.accept_application(actor=world.clerk, case_id=case.pk, acknowledge_findings=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_a_missing_engine_is_a_finding_too(world, monkeypatch):
    case = case_with(world)
    card = attached(case, "申请人居民身份证", png_page())

    def unavailable():
        raise ocr.OcrEngineError("engine_unavailable", "OCR 模型无法加载：文件不存在。")

    monkeypatch.setattr(ocr, "get_engine", unavailable)
    review = prereview_material(material_id=card.pk, today=TODAY)
    assert review.status == "failed" and findings(card) == [("ocr_failed", "")]
    assert "OCR 模型无法加载" in MaterialFinding.objects.get(material=card).message


def test_a_file_that_is_not_an_image_is_a_finding(world):
    case = case_with(world)
    card = attached(case, "申请人居民身份证", factories.PNG_BYTES)  # PNG signature, no image
    review = prereview_material(material_id=card.pk, today=TODAY, engine=FakeEngine())
    assert review.status == "failed" and "not_an_image" in review.error
    assert findings(card) == [("ocr_failed", "")]


def test_an_empty_page_is_unreadable(world):
    case = case_with(world)
    card = attached(case, "申请人居民身份证", png_page())
    review = prereview_material(material_id=card.pk, today=TODAY, engine=FakeEngine([]))
    assert review.status == "done" and findings(card) == [("unreadable", "")]


def test_materials_that_declare_no_fields_are_not_ocred(world):
    case = case_with(world)
    photo = attached(case, "近期免冠彩色证件照", png_page())
    engine = FakeEngine()
    review = prereview_material(material_id=photo.pk, today=TODAY, engine=engine)
    assert review.status == "skipped" and engine.calls == 0 and findings(photo) == []


def test_a_vanished_material_is_ignored(world):
    assert prereview_material(material_id=987654, today=TODAY, engine=FakeEngine()) is None


def test_the_task_reads_a_real_rendered_card_offline(world):
    # given a citizen's ID card rendered as a small image (real OCR, models from the wheel)
    if not NOTO.exists():
        pytest.fail("Debian's fonts-noto-cjk is missing: run `make system-deps` (make test does).")
    f = ImageFont.truetype(str(NOTO), 26, index=2)
    img = Image.new("RGB", (640, 300), (236, 242, 246))
    d = ImageDraw.Draw(img)
    d.text((30, 40), "姓名", font=f, fill=(70, 110, 150))
    d.text((130, 40), "张三", font=f, fill=(0, 0, 0))
    d.text((30, 200), "公民身份号码", font=f, fill=(70, 110, 150))
    d.text((220, 200), world.applicant.id_number, font=f, fill=(0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    case = case_with(world)
    card = attached(case, "申请人居民身份证", buf.getvalue())

    # when the background task runs (tests use django-tasks' immediate backend)
    prereview_material_task.enqueue(card.pk)

    # then the card matches the applicant: only the missing back side is noted
    review = MaterialReview.objects.get(material=card)
    assert review.status == "done" and review.engine.startswith("rapidocr-onnxruntime")
    assert review.fields["name"]["value"] == "张三"
    assert review.fields["citizen_id"]["value"] == world.applicant.id_number
    assert findings(card) == [("field_not_found", "valid_until")]
