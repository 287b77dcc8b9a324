"""Pre-review reads fields from OCR lines and checks them; synthetic line lists, no OCR engine."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from yiwang.intelligence import prereview as pr
from yiwang.intelligence.ocr import OcrDocument, OcrPage, TextLine
from yiwang.testing import factories

TODAY = dt.date(2026, 11, 29)
ID = factories.citizen_id("33010619900307851")  # valid check digit
USCC = factories.uscc("91330106MA2B3C4D5")


def line(text: str, x: float, y: float, w: float | None = None, h: float = 30, conf: float = 0.98,
         angle_deg: float = 0.0) -> TextLine:
    """A box at (x, y), ``w`` wide (a character is about ``h`` wide), rotated about the origin."""
    w = w if w is not None else h * len(text) * 0.9
    corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    if angle_deg:
        a = math.radians(angle_deg)
        corners = [(cx * math.cos(a) - cy * math.sin(a), cx * math.sin(a) + cy * math.cos(a)) for cx, cy in corners]
    return TextLine(text, conf, tuple(corners))


def page(*lines: TextLine, index: int = 0) -> OcrPage:
    return OcrPage(index=index, width=1000, height=700, lines=list(lines))


def doc(*pages: OcrPage, total: int | None = None) -> OcrDocument:
    return OcrDocument(kind="image", pages=list(pages), total_pages=total or len(pages))


def id_front(name: str = "张三丰", number: str = ID, angle: float = 0.0) -> list[TextLine]:
    return [
        line("姓名", 50, 48, angle_deg=angle), line(name, 140, 45, angle_deg=angle),
        line("性别", 50, 108, angle_deg=angle), line("男", 140, 105, angle_deg=angle),
        line("民族汉", 260, 108, angle_deg=angle),
        line("出生", 50, 168, angle_deg=angle), line("1990年3月7日", 140, 165, angle_deg=angle),
        line("住址", 50, 228, angle_deg=angle), line("浙江省杭州市西湖区文三路100号", 140, 225, angle_deg=angle),
        line("公民身份号码", 50, 430, angle_deg=angle), line(number, 250, 424, angle_deg=angle),
    ]


def kinds(findings: list[pr.Finding]) -> set[tuple[str, str]]:
    return {(f.kind, f.field) for f in findings}


@pytest.mark.parametrize(("material", "profile"), [
    ("申请人居民身份证", "id_card"), ("法定代表人身份证件", "id_card"), ("营业执照", "business_licence"),
    ("营业执照正副本", "business_licence"), ("食品经营许可证", "permit"), ("居民户口簿", "household_register"),
    ("个体工商户注销登记申请书", "application_form"), ("近期免冠彩色证件照", None), ("建设工程设计方案或图纸", None),
])
def test_the_material_name_picks_the_declared_fields(material, profile):
    found = pr.profile_for(material)
    assert (found.key if found else None) == profile


def test_an_id_card_front_gives_name_and_number_from_the_boxes_beside_their_labels():
    # given the lines of an ID card's front, labels and values in separate boxes
    lines = id_front()

    # when its fields are read
    got = pr.extract_fields(lines, pr.get_profile("id_card"))

    # then name and number come from the boxes beside the labels, with their confidence
    assert got["name"].value == "张三丰" and got["citizen_id"].value == ID
    assert got["name"].confidence == pytest.approx(0.98)
    assert "valid_until" not in got  # the back side is not on this page


def test_values_merged_into_the_label_box_and_full_width_characters_are_read():
    lines = [line("姓名：张三丰", 50, 48), line("公民身份号码 " + ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")), 50, 430),
             line("有效期限2016.03.07-长期", 50, 500)]
    got = pr.extract_fields(lines, pr.get_profile("id_card"))
    assert got["name"].value == "张三丰" and got["citizen_id"].value == ID and got["valid_until"].value == "长期"


def test_a_page_photographed_askew_still_pairs_labels_with_their_values():
    # given a card turned 4 degrees: the value beside a label sits a box-height lower at the far end
    lines = id_front(angle=4.0)
    got = pr.extract_fields(lines, pr.get_profile("id_card"))
    assert got["name"].value == "张三丰" and got["citizen_id"].value == ID


def test_digit_confusions_inside_an_id_number_are_undone():
    assert ID[2:4] == "01"
    misread = ID[:2] + "Ol" + ID[4:]  # letter O for zero, l for one
    got = pr.extract_fields([line("公民身份号码" + misread, 50, 430)], pr.get_profile("id_card"))
    assert got["citizen_id"].value == ID


def test_a_business_licence_with_spaced_labels_and_a_term_wrapped_after_zhi():
    # given a licence as printed: 名　　称, the term split over two lines
    lines = [
        line("统一社会信用代码", 90, 110), line(USCC, 90, 150),
        line("名　　称", 110, 330, w=120), line("杭州恒达科技有限公司", 290, 330),
        line("类　　型", 110, 400, w=120), line("有限责任公司（自然人独资）", 290, 400),
        line("法定代表人", 110, 470), line("李四", 290, 470),
        line("成立日期", 860, 400), line("2015年06月01日", 1040, 400),
        line("营业期限", 860, 470), line("2015年06月01日至", 1040, 470),
        line("2045年05月31日", 1040, 510),
    ]
    got = pr.extract_fields(lines, pr.get_profile("business_licence"))
    assert got["company_name"].value == "杭州恒达科技有限公司"
    assert got["uscc"].value == USCC
    assert got["legal_rep"].value == "李四"
    assert got["valid_until"].value == "2045-05-31"


def test_a_uscc_misread_with_letters_outside_gb32100_is_repaired():
    text = USCC.replace("0", "O")
    got = pr.extract_fields([line("统一社会信用代码" + text, 90, 110)], pr.get_profile("business_licence"))
    assert got["uscc"].value == USCC


def test_a_longer_label_of_another_field_is_not_taken_for_ours():
    # 户主姓名 is the head of household, not the person the page is about
    lines = [line("户主姓名", 50, 40), line("王五", 200, 40), line("姓名", 50, 120), line("王小明", 200, 120)]
    got = pr.extract_fields(lines, pr.get_profile("household_register"))
    assert got["name"].value == "王小明"


def test_without_a_label_an_id_number_is_taken_only_when_the_page_has_one():
    one = [line("申请人", 50, 40), line(ID, 50, 300)]
    two = one + [line(factories.citizen_id("11010119851120123"), 50, 400)]
    assert pr.extract_fields(one, pr.get_profile("id_card"))["citizen_id"].value == ID
    assert "citizen_id" not in pr.extract_fields(two, pr.get_profile("id_card"))


def test_low_confidence_lines_are_not_trusted_as_values():
    lines = [line("姓名", 50, 48), line("张三丰", 140, 45, conf=0.4)]
    assert "name" not in pr.extract_fields(lines, pr.get_profile("id_card"))


@pytest.mark.parametrize(("text", "end"), [
    ("2016.03.07-2036.03.07", "2036-03-07"),
    ("2016.03.07-长期", "长期"),
    ("2015年06月01日至长期", "长期"),
    ("2015年06月01日至2045年05月31日", "2045-05-31"),
    ("有效期至2027年12月31日", "2027-12-31"),
    ("2027-12-31", "2027-12-31"),
    ("2015年06月01日至", None),
    ("2015年02月30日至2016年02月30日", None),
])
def test_validity_periods(text, end):
    assert pr.parse_validity_end(text) == end


def test_cross_checks_name_mismatch_bad_check_digit_and_expiry():
    # given a card whose number fails GB 11643, expired, for a case naming someone else
    bad = ID[:17] + ("0" if ID[17] != "0" else "1")
    lines = id_front(number=bad) + [line("有效期限", 50, 560), line("2006.03.07-2026.03.07", 200, 560)]
    profile = pr.get_profile("id_card")

    # when checked
    findings = pr.check_fields(pr.extract_fields(lines, profile), profile,
                               pr.Expected(name="张三", citizen_id=ID), today=TODAY)

    # then each problem is a finding with what was expected, what was read and how sure the engine was
    assert kinds(findings) == {("field_mismatch", "name"), ("field_mismatch", "citizen_id"),
                               ("invalid_check_digit", "citizen_id"), ("expired", "valid_until")}
    mismatch = next(f for f in findings if f.kind == "field_mismatch" and f.field == "name")
    assert (mismatch.expected, mismatch.found, mismatch.confidence) == ("张三", "张三丰", pytest.approx(0.98))
    assert "张三" in mismatch.message and "98%" in mismatch.message
    expired = next(f for f in findings if f.kind == "expired")
    assert "2026年03月07日" in expired.message


def test_a_matching_valid_card_gives_no_finding():
    lines = id_front() + [line("有效期限", 50, 560), line("2016.03.07-2036.03.07", 200, 560)]
    profile = pr.get_profile("id_card")
    findings = pr.check_fields(pr.extract_fields(lines, profile), profile,
                               pr.Expected(name="张三丰", citizen_id=ID), today=TODAY)
    assert findings == []


def test_a_name_with_a_middle_dot_matches_without_it():
    profile = pr.get_profile("id_card")
    got = pr.extract_fields([line("姓名买买提艾力", 50, 40)], profile)
    assert not [f for f in pr.check_fields(got, profile, pr.Expected(name="买买提·艾力"), today=TODAY)
                if f.kind == "field_mismatch"]


def test_an_ocr_confusion_against_the_expected_code_is_not_reported():
    # given a licence whose code the engine read with 0 for Q, failing its check character
    code = factories.uscc("91330106MA2Q3C4D5")
    misread = code.replace("Q", "0")
    profile = pr.get_profile("business_licence")
    got = pr.extract_fields([line("统一社会信用代码" + misread, 90, 110)], profile)

    # when checked against the case's (valid) code: no mismatch, no bad check digit
    findings = pr.check_fields(got, profile, pr.Expected(uscc=code), today=TODAY)
    assert not {k for k, _f in kinds(findings)} & {"field_mismatch", "invalid_check_digit"}
    # and against another company's code both are reported
    other = pr.check_fields(got, profile, pr.Expected(uscc=USCC), today=TODAY)
    assert {("field_mismatch", "uscc"), ("invalid_check_digit", "uscc")} <= kinds(other)


def test_fields_not_on_the_page_are_named():
    profile = pr.get_profile("id_card")
    findings = pr.check_fields({}, profile, pr.Expected(), today=TODAY)
    assert kinds(findings) == {("field_not_found", "name"), ("field_not_found", "citizen_id"),
                               ("field_not_found", "valid_until")}


def test_an_empty_page_is_unreadable_and_fields_are_not_looked_for():
    extracted, findings = pr.review(doc(page()), pr.get_profile("id_card"), pr.Expected(), today=TODAY)
    assert extracted == {}
    assert [(f.kind, f.page, f.confidence) for f in findings] == [("unreadable", 0, 0.0)]
    assert "第 1 页" in findings[0].message


def test_a_page_of_unsure_text_is_unreadable_with_its_mean_confidence():
    lines = [line("姓名", 50, 48, conf=0.5), line("张三丰", 140, 45, conf=0.55), line("公民身份号码", 50, 430, conf=0.6)]
    findings = pr.check_pages(doc(page(*lines)))
    assert [(f.kind, f.confidence) for f in findings] == [("unreadable", pytest.approx(0.55))]


def test_pages_left_unread_are_reported():
    findings = pr.check_pages(doc(page(*id_front()), total=300))
    assert [f.kind for f in findings] == ["pages_truncated"]
    assert "共 300 页" in findings[0].message and "前 1 页" in findings[0].message


def test_front_and_back_on_two_pages_are_read_together():
    back = page(line("签发机关", 50, 360), line("杭州市公安局西湖分局", 200, 360),
                line("有效期限", 50, 430), line("2016.03.07-2036.03.07", 200, 430), index=1)
    extracted, findings = pr.review(doc(page(*id_front()), back), pr.get_profile("id_card"),
                                    pr.Expected(name="张三丰", citizen_id=ID), today=TODAY)
    assert extracted["valid_until"].value == "2036-03-07" and extracted["valid_until"].page == 1
    assert findings == []


def test_a_label_printed_with_wide_gaps_and_read_as_single_characters_is_joined():
    # 名　　称 read as two boxes, 名 and 称
    lines = [line("名", 110, 330, w=30), line("称", 200, 330, w=30), line("历下盛世理发店", 290, 330)]
    got = pr.extract_fields(lines, pr.get_profile("business_licence"))
    assert got["company_name"].value == "历下盛世理发店"


def test_a_long_label_with_one_character_misread_or_dropped_still_counts():
    profile = pr.get_profile("id_card")
    for label in ("有效刷限", "有效限"):
        got = pr.extract_fields([line(label, 50, 430), line("2016.03.07-2036.03.07", 200, 430)], profile)
        assert got["valid_until"].value == "2036-03-07"
    # but a short label is never guessed: 推名 is not 姓名
    assert "name" not in pr.extract_fields([line("推名", 50, 40), line("黄琪", 200, 40)], profile)


def test_a_validity_range_is_found_without_its_label_when_the_page_has_one():
    profile = pr.get_profile("id_card")
    got = pr.extract_fields([line("有效拥", 50, 430), line("2033,10.05-2038.10.05", 200, 430)], profile)
    assert got["valid_until"].value == "2038-10-05"
    two = [line("2016.03.07-2036.03.07", 50, 100), line("2010.01.01-2020.01.01", 50, 300)]
    assert "valid_until" not in pr.extract_fields(two, profile)


@pytest.mark.parametrize(("read", "name"), [
    ("南京禾丰电子商务有限资任公司", "南京禾丰电子商务有限责任公司"),
    ("成都东方红环保科技有服公司", "成都东方红环保科技有限公司"),
    ("杭州恒达科技股份有限公司", "杭州恒达科技股份有限公司"),
    ("历下盛世理发店", "历下盛世理发店"),
])
def test_one_misread_character_in_a_legal_form_is_undone(read, name):
    got = pr.extract_fields([line("名称", 110, 330), line(read, 290, 330)], pr.get_profile("business_licence"))
    assert got["company_name"].value == name
