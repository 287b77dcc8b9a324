"""Identifier checks as a clerk meets them at the window: citizen ID numbers (GB 11643), unified
social credit codes (GB 32100), and the masked forms shown to staff who do not handle a case."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiwang.core.calendar import LOCAL_TZ, local_today
from yiwang.core.errors import InvalidInput
from yiwang.core.ids import (
    USCC_CHARSET,
    citizen_id_check_digit,
    citizen_id_problem,
    is_valid_citizen_id,
    is_valid_uscc,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id,
    uscc_check_char,
    uscc_problem,
)
from yiwang.core.models import ApplicantKind
from yiwang.core.services import validate_applicant_id

# The specimen number printed in GB 11643 guides, with an X check digit.
SPECIMEN_X = "11010519491231002X"
# A valid number ending in a digit (the factories' default citizen).
SPECIMEN_DIGIT = "110101199003078515"
# A published, valid unified social credit code.
SPECIMEN_USCC = "91350100M000100Y43"


# --- citizen ID numbers ---------------------------------------------------------------------------


def test_valid_citizen_ids_pass():
    # given two numbers whose check digits are right, one of them ending in X
    # then both are valid
    assert citizen_id_problem(SPECIMEN_DIGIT) is None
    assert citizen_id_problem(SPECIMEN_X) is None
    assert is_valid_citizen_id(SPECIMEN_X)


def test_check_digit_x_is_computed_when_the_remainder_is_two():
    assert citizen_id_check_digit(SPECIMEN_X[:17]) == "X"
    assert citizen_id_check_digit(SPECIMEN_DIGIT[:17]) == "5"


def test_lowercase_x_and_surrounding_spaces_are_normalised():
    # given the number typed with a lowercase x and stray spaces
    typed = "  11010519491231002x "
    # then it validates, and normalising gives the canonical form stored for the applicant
    assert citizen_id_problem(typed) is None
    assert normalize_id(typed) == SPECIMEN_X
    assert validate_applicant_id(kind=ApplicantKind.PERSON, id_number=typed) == SPECIMEN_X


def test_wrong_check_digit_is_named():
    wrong = SPECIMEN_DIGIT[:17] + "4"
    assert citizen_id_problem(wrong) == "check_digit"
    assert citizen_id_problem(SPECIMEN_X[:17] + "0") == "check_digit"
    assert not is_valid_citizen_id(wrong)


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900001", "18790101"])
def test_impossible_birth_date_is_named(birth):
    # given a number whose check digit is right but whose birth date cannot be
    first17 = "110101" + birth + "851"
    value = first17 + citizen_id_check_digit(first17)
    # then the birth date is what is wrong
    assert citizen_id_problem(value) == "birth_date"


def test_birth_date_in_the_future_is_refused():
    tomorrow = local_today() + dt.timedelta(days=1)
    first17 = f"110101{tomorrow:%Y%m%d}851"
    assert citizen_id_problem(first17 + citizen_id_check_digit(first17)) == "birth_date"


def test_a_child_born_today_in_the_county_has_a_valid_number_from_the_countys_midnight(monkeypatch):
    """At 00:30 on 1 January in the county it is still 31 December in UTC: a number with that
    day's birth date is valid, the next day's is not."""
    county_half_past_midnight = dt.datetime(2031, 1, 1, 0, 30, tzinfo=LOCAL_TZ)
    monkeypatch.setattr("django.utils.timezone.now", lambda: county_half_past_midnight.astimezone(dt.UTC))

    def number(born: dt.date) -> str:
        first17 = f"110101{born:%Y%m%d}851"
        return first17 + citizen_id_check_digit(first17)

    assert citizen_id_problem(number(dt.date(2031, 1, 1))) is None
    assert citizen_id_problem(number(dt.date(2031, 1, 2))) == "birth_date"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "11010119900307851",  # 17 characters
        "1101011990030785155",  # 19 characters
        "110101900307851",  # the old 15-digit form is not accepted
        "010101199003078515",  # a region code never starts with 0
        "1101011990030785A5",
        "X10101199003078515",
        "110101 99003078515",
    ],
)
def test_wrong_length_or_characters_is_a_format_problem(value):
    assert citizen_id_problem(value) == "format"


def test_service_refuses_an_invalid_citizen_id_with_a_coded_error_naming_the_problem():
    with pytest.raises(InvalidInput) as err:
        validate_applicant_id(kind=ApplicantKind.PERSON, id_number=SPECIMEN_DIGIT[:17] + "4")
    assert err.value.code == "invalid_citizen_id"
    assert err.value.details == {"field": "id_number", "problem": "check_digit"}
    assert "校验位" in err.value.message


# property: the check digit alone decides, for any 17 leading digits


@st.composite
def _birth_dates(draw: st.DrawFn) -> dt.date:
    """A birth date from 1900 to the county's today (``local_today``, the project's clock and the
    code's own bound), read as each example is drawn: not the machine's date, nor the date when the
    module was imported (a run that passes the county's midnight)."""
    return draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=local_today()))


# ASCII digits only: ``\d`` in a Python pattern also matches full-width and other Unicode digits.
_region = st.from_regex(r"\A[1-9][0-9]{5}\Z", fullmatch=True)
_sequence = st.from_regex(r"\A[0-9]{3}\Z", fullmatch=True)


@given(region=_region, birth=_birth_dates(), sequence=_sequence)
def test_any_number_with_its_computed_check_digit_validates(region, birth, sequence):
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    assert citizen_id_problem(first17 + citizen_id_check_digit(first17)) is None


@given(region=_region, birth=_birth_dates(), sequence=_sequence, last=st.sampled_from("0123456789X"))
def test_any_other_last_character_fails_on_the_check_digit(region, birth, sequence, last):
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    if last == citizen_id_check_digit(first17):
        return
    assert citizen_id_problem(first17 + last) == "check_digit"


@given(first17=st.from_regex(r"\A[1-9][0-9]{16}\Z", fullmatch=True))
def test_with_the_computed_check_digit_only_the_birth_date_can_be_wrong(first17):
    # any 17 digits at all: the check digit never is the problem, at most the date they encode
    assert citizen_id_problem(first17 + citizen_id_check_digit(first17)) in (None, "birth_date")


def test_full_width_digits_are_normalised_or_refused_never_stored_as_typed():
    # given the factories' citizen's number typed with a Chinese input method (full-width digits),
    # its last digit in ASCII so that the check digit matches
    typed = "1１０１０１１９９００３０７８５１5"
    # when the window validates it, then it is either stored as the ASCII number (one person, one
    # applicant row) or refused as malformed; never kept as a second spelling of the same number
    try:
        stored = validate_applicant_id(kind=ApplicantKind.PERSON, id_number=typed)
    except InvalidInput as err:
        assert err.code == "invalid_citizen_id"
    else:
        assert stored == SPECIMEN_DIGIT


# --- unified social credit codes -------------------------------------------------------------------


def test_valid_uscc_passes_and_is_case_insensitive():
    assert uscc_problem(SPECIMEN_USCC) is None
    assert is_valid_uscc(SPECIMEN_USCC.lower())
    assert validate_applicant_id(kind=ApplicantKind.ORGANISATION, id_number=f" {SPECIMEN_USCC.lower()} ") == SPECIMEN_USCC


def test_uscc_wrong_check_character_is_named():
    right = uscc_check_char(SPECIMEN_USCC[:17])
    wrong = next(c for c in USCC_CHARSET if c != right)
    assert uscc_problem(SPECIMEN_USCC[:17] + wrong) == "check_digit"
    with pytest.raises(InvalidInput) as err:
        validate_applicant_id(kind=ApplicantKind.ORGANISATION, id_number=SPECIMEN_USCC[:17] + wrong)
    assert err.value.code == "invalid_uscc" and err.value.details["problem"] == "check_digit"


@pytest.mark.parametrize("letter", list("IOZSV"))
@pytest.mark.parametrize("position", [0, 9, 16, 17])
def test_uscc_forbidden_letters_are_a_format_problem(letter, position):
    # given a code with one of the letters GB 32100 leaves out (easily confused with digits)
    value = SPECIMEN_USCC[:position] + letter + SPECIMEN_USCC[position + 1:]
    # then it is refused as malformed, whatever its check character
    assert uscc_problem(value) == "format"


@pytest.mark.parametrize("value", ["", "91350100M000100Y4", "91350100M000100Y433", "91350A00M000100Y43"])
def test_uscc_wrong_length_or_letters_in_the_region_code_is_a_format_problem(value):
    assert uscc_problem(value) == "format"


def test_uscc_with_full_width_digits_is_a_coded_error_not_a_crash():
    # given a code whose region digits were typed full-width
    typed = "91" + "３５０１００" + "M000100Y43"
    # then the window gets a coded 422 error (or the ASCII code), not an unhandled ValueError (a 500)
    try:
        stored = validate_applicant_id(kind=ApplicantKind.ORGANISATION, id_number=typed)
    except InvalidInput as err:
        assert err.code == "invalid_uscc"
    else:
        assert stored == SPECIMEN_USCC


_uscc_chars = st.sampled_from(USCC_CHARSET)


@given(
    head=st.text(_uscc_chars, min_size=2, max_size=2),
    region=st.from_regex(r"\A[0-9]{6}\Z", fullmatch=True),
    body=st.text(_uscc_chars, min_size=9, max_size=9),
    last=_uscc_chars,
)
def test_uscc_validates_exactly_with_its_computed_check_character(head, region, body, last):
    first17 = head + region + body
    expected = uscc_check_char(first17)
    assert uscc_problem(first17 + expected) is None
    if last != expected:
        assert uscc_problem(first17 + last) == "check_digit"


# --- masking ---------------------------------------------------------------------------------------


def test_id_number_keeps_region_and_last_four():
    assert mask_id_number(SPECIMEN_DIGIT) == "110101********8515"
    assert mask_id_number(SPECIMEN_USCC) == "913501********0Y43"
    assert mask_id_number("") == ""


def test_short_id_numbers_keep_only_the_last_two():
    assert mask_id_number("E1234567") == "E*****67"


def test_mobile_phone_keeps_prefix_and_last_four():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"


def test_name_keeps_the_surname_only():
    assert mask_name("张三丰") == "张**"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("") == ""


def test_address_keeps_the_first_six_characters():
    assert mask_address("某县城关镇人民路1号") == "某县城关镇人****"
    assert mask_address("") == ""


@pytest.mark.parametrize("phone", ["5123456", "85123456", "0571-8512345"])
def test_a_landline_is_never_shown_in_full(phone):
    # given a county landline (7 or 8 digits, or with its area code) as an applicant's phone
    masked = mask_phone(phone)
    # then at least its middle is hidden
    assert masked != phone
    assert "*" in masked
    assert masked.endswith(phone[-4:])


@pytest.mark.parametrize("value", ["A123456789", "H1234567890"])
def test_a_ten_or_eleven_character_id_number_is_not_shown_in_full(value):
    # given an ID number that is not an 18-digit one (a Taiwan resident ID, a permit number)
    masked = mask_id_number(value)
    # then it is masked, like any other
    assert masked != value
    assert masked.count("*") >= len(value) // 2


# --- one number, one index --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [SPECIMEN_X.lower(), " 1101051949 1231002x ", "１１０１０５１９４９１２３１００２Ｘ"])
def test_an_applicant_saved_with_a_number_typed_another_way_is_filed_under_the_numbers_one_index(typed):
    # given an applicant row saved with the specimen number typed another way (a lower-case x, spaces,
    # full-width characters: a seed, an import, the admin — paths that skip the window's validation)
    from yiwang.core.models import Applicant, applicant_id_index

    applicant = Applicant.objects.create(kind=ApplicantKind.PERSON, name="张三", id_number=typed)
    # then it is filed under the index every other path computes (the blind index normalises): the
    # lookup by number, typed either way (the credit register's: credit/tests/test_register.py)
    applicant.refresh_from_db()
    assert applicant.id_index == applicant_id_index(ApplicantKind.PERSON, SPECIMEN_X)
    assert list(Applicant.objects.with_id_number(ApplicantKind.PERSON, SPECIMEN_X)) == [applicant]
    assert list(Applicant.objects.with_id_number(ApplicantKind.PERSON, typed)) == [applicant]
