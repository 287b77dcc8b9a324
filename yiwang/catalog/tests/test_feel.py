"""The FEEL subset Yiwang accepts, case by case. Written from the descriptions of the public DMN
TCK's simple-FEEL areas (dmn-tck/tck: literals and constants, arithmetic and its null propagation
(0124-arithmetic-null), ternary logic (0123-ternary-logic), comparison, ``between``, ``in``, ranges,
``if``, lists and filters, contexts and paths, string, list, number and date functions, unary tests);
the cases themselves are small and our own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiwang.catalog.feel import (
    FeelError,
    FeelLimitError,
    FeelSyntaxError,
    compile_expression,
    compile_unary_tests,
    to_feel,
    to_python,
)


def feel(text, **data):
    return to_python(compile_expression(text).evaluate(data))


@pytest.mark.parametrize("text, expected", [
    # literals and constants
    ("1", 1), ("-3", -3), ("0.5", 0.5), (".5", 0.5), ('"文字"', "文字"), ('"say \\"hi\\""', 'say "hi"'),
    ('"\\u4e00"', "一"), ("true", True), ("false", False), ("null", None),
    ("[1, 2, 3]", [1, 2, 3]), ("[]", []), ('{a: 1, "b c": 2}', {"a": 1, "b c": 2}), ("{}", {}),
    # arithmetic over decimals (no binary floating point)
    ("10+5", 15), ("-10+-5", -15), ("(-10)+(-5)", -15), ("10-5", 5), ("10*5", 50), ("10/4", 2.5),
    ("1.1 + 2.2 = 3.3", True), ("2 ** 10", 1024), ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9),
    ('"a" + "b"', "ab"), ("1 / 3 * 3 = 1", False),
    # arithmetic with null and with values of the wrong type is null (0124-arithmetic-null)
    ("null + 1", None), ("1 - null", None), ("null * 2", None), ("2 / null", None), ("1 / 0", None),
    ('1 + "a"', None), ("true + 1", None), ("-null", None), ("null ** 2", None),
    # comparison; = and != with null; values of different types are not comparable
    ("1 < 2", True), ("2 <= 2", True), ("3 > 4", False), ("3 >= 4", False), ("1 = 1.0", True),
    ('"a" < "b"', True), ("1 != 2", True), ("null = null", True), ("1 = null", False), ("null != 1", True),
    ("null < 1", None), ('1 = "1"', None), ('1 < "2"', None), ("true = 1", None),
    ("[1, 2] = [1, 2]", True), ("{a: 1} = {a: 1}", True), ("{a: 1} = {a: 2}", False),
    # ternary logic (0123-ternary-logic)
    ("true and true", True), ("true and false", False), ("true and null", None), ("false and null", False),
    ("null and false", False), ("true or null", True), ("false or null", None), ("null or true", True),
    ("false or false", False), ('1 and true', None), ("not(true)", False), ("not(null)", None), ("not(1)", None),
    # if, between, in
    ('if 1 > 0 then "yes" else "no"', "yes"), ('if null then "yes" else "no"', "no"),
    ('if 1 then "yes" else "no"', "no"), ("5 between 1 and 10", True), ("10 between 1 and 10", True),
    ("11 between 1 and 10", False), ("null between 1 and 10", None),
    ("5 in [1..10]", True), ("10 in [1..10)", False), ("1 in (1..10]", False), ("1 in ]1..10]", False),
    ("2 in [1, 2, 3]", True), ("4 in [1, 2, 3]", False), ("5 in (1, [4..6])", True), ('"b" in ("a", "b")', True),
    ("3 in 3", True), ("null in [1, null]", True),
    # instance of
    ("1 instance of number", True), ('"a" instance of string', True), ("null instance of Null", True),
    ('date("2026-01-01") instance of date', True), ("[1] instance of list", True), ("1 instance of string", False),
    # lists, filters, paths, contexts
    ("[1, 2, 3][item > 1]", [2, 3]), ("[1, 2, 3][1]", 1), ("[1, 2, 3][-1]", 3), ("[1, 2, 3][4]", None),
    ("[{a: 1}, {a: 2}][a > 1]", [{"a": 2}]), ("[{a: 1}, {a: 2}].a", [1, 2]), ("{a: {b: 2}}.a.b", 2),
    ("{a: 1}.missing", None), ("null.a", None), ("[1, 2][item > 5]", []),
    # strings
    ('string length("汉字ab")', 4), ('substring("foobar", 3)', "obar"), ('substring("foobar", 3, 3)', "oba"),
    ('substring("foobar", -2, 1)', "a"), ('contains("foobar", "ob")', True), ('starts with("foobar", "fo")', True),
    ('ends with("foobar", "r")', True), ('upper case("aBc")', "ABC"), ('lower case("aBc")', "abc"),
    ('substring before("foobar", "bar")', "foo"), ('substring after("foobar", "ob")', "ar"),
    ("string length(1)", None), ('string(1.50)', "1.5"), ('number("12.5") + 1', 13.5), ('number("x")', None),
    # lists and numbers
    ("count([1, 2, 3])", 3), ("sum([1, 2, 3])", 6), ("sum(1, 2, 3)", 6), ("sum([])", None), ('sum([1, "a"])', None),
    ("min([3, 1, 2])", 1), ("max(3, 1, 2)", 3), ('max([1, "a"])', None), ("list contains([1, 2], 2)", True),
    ("list contains([1, null], null)", True), ("abs(-3)", 3), ("floor(1.5)", 1), ("floor(-1.5)", -2),
    ("ceiling(1.2)", 2), ("ceiling(-1.2)", -1),
    # dates, times, durations
    ('date("2026-01-31")', "2026-01-31"), ("date(2026, 2, 28)", "2026-02-28"), ('date("2026-02-30")', None),
    ('date("2026-01-01") + duration("P3D")', "2026-01-04"), ('date("2026-01-31") + duration("P1M")', "2026-02-28"),
    ('date("2026-03-01") - date("2026-02-01") = duration("P28D")', True), ('date("2026-01-01") < date("2026-01-02")', True),
    ('date("2026-05-17").year', 2026), ('date("2026-05-17").month', 5), ('time("10:30:00").hour', 10),
    ('date and time("2026-01-01T08:00:00") + duration("PT2H")', "2026-01-01T10:00:00"),
    ('duration("P1Y2M") = duration("P14M")', True), ('duration("P2D") > duration("PT47H")', True),
    ('years and months duration(date("2000-05-17"), date("2026-05-16")).years', 25),
    ('years and months duration(date("2000-05-17"), date("2026-05-17")).years', 26),
    ('@"2026-01-01" = date("2026-01-01")', True), ('@"P3D" = duration("P3D")', True), ('duration("3 days")', None),
])
def test_an_expression_has_its_feel_value(text, expected):
    assert feel(text) == expected


def test_names_read_task_data_converted_to_feel_values():
    # given plain task data: ints and floats become decimals, dicts contexts, lists lists
    data = {"form": {"area": 150, "ratio": 0.1, "tags": ["a", "b"]}, "decision": "deny"}
    assert feel('decision = "deny" and form.area > 100', **data) is True
    assert feel("form.ratio * 3 = 0.3", **data) is True  # 0.1 * 3 is exact in decimal
    assert feel('list contains(form.tags, "b")', **data) is True
    assert feel("unknown", **data) is None and feel("form.unknown > 1", **data) is None


@pytest.mark.parametrize("value", [object(), b"bytes", {1: "non-text key"}, {1, 2}, len, type])
def test_anything_that_is_not_plain_data_is_refused_on_the_way_in(value):
    with pytest.raises(FeelError):
        compile_expression("x = 1").evaluate({"x": value})


def test_names_and_paths_are_known_before_evaluation():
    expression = compile_expression('form.area > 100 and facts.age >= 18 and [1, 2][item > x] = []')
    assert expression.names == {"form", "facts"}  # names inside a filter may be an element's keys
    assert expression.paths == {("form", "area"), ("facts", "age")}


# --- unary tests (decision-table input entries) --------------------------------------------------

@pytest.mark.parametrize("entry, value, expected", [
    ("-", "anything", True), ("", None, True), ("< 80", 79, True), ("< 80", 80, False), (">= 18", 18, True),
    ('"外县"', "外县", True), ('"外县"', "本县", False), ('"red","black"', "black", True), ('"red","black"', "blue", False),
    ('not("normal")', "black", True), ('not("normal")', "normal", False), ("not(1, 2)", 3, True), ("not(1, 2)", 2, False),
    ("[60..80)", 60, True), ("[60..80)", 80, False), ("(60..80]", 80, True), ("16,17", 16, True), ("16,17", 18, False),
    ("true", True, True), ("false", True, False), ("true", 1, False), ("null", None, True), ("null", 0, False),
    ("? > 3", 4, True), ("? > 3", 3, False), ("? * 2 = 10", 5, True), ("< 5, > 10", 11, True), ("!= 3", 4, True),
    ("= 3", 3, True), ('>= date("2020-01-01")', dt.date(2021, 1, 1), True), ("[1, 2, 3]", 2, True),
    ('"否"', None, False), ("< 80", None, False),
])
def test_a_unary_test_matches_as_the_dmn_standard_says(entry, value, expected):
    assert compile_unary_tests(entry).matches(to_feel(value)) is expected


@pytest.mark.parametrize("entry, value, data", [
    ("< 80", 79, None), ("? > 3", 4, None), ("? * 2 = 10", 5, None), ('not("normal")', "normal", None),
    ("> limit", 5, {"limit": 3}), ("> limit", 2, {"limit": 3}), ("< 80", "eighty", None), ("< 80", None, None),
    ("[1, 2, 3]", 2, None), ('"外县"', None, None),
])
def test_a_decision_table_tests_its_converted_input_as_test_would(entry, value, data):
    # the table converts a column's value once and calls test_value for each row: same answer
    tests = compile_unary_tests(entry)
    assert tests.test_value(to_feel(value), data) is tests.test(value, data)


def test_a_unary_test_that_cannot_be_decided_says_so():
    # a comparison with null is neither a match nor a mismatch: 秒批 sends such a case to a person
    assert compile_unary_tests("< 80").test(None) is None
    assert compile_unary_tests('< 80').test("eighty") is None
    assert compile_unary_tests("not(< 80)").test(None) is None
    assert compile_unary_tests('"外县"').test(None) is False


def test_a_unary_test_may_read_other_variables():
    assert compile_unary_tests("< facts.limit").matches(Decimal(3), {"facts": {"limit": 5}}) is True


# --- refusals and limits ------------------------------------------------------------------------

@pytest.mark.parametrize("text, hint", [
    ('decision == "deny"', "="), ("a && b", "and"), ("'x'", "双引号"), ('form.get("a")', "点"), ("True", "true"),
    ("not x", "not("), ("1 +", "不完整"), ("foo(1)", "不认识的函数"), ("x ? 1", "无法"), ("{a: 1, a: 2}", "重复"),
    ('@"yesterday"', "日期"),
])
def test_a_bad_expression_is_refused_with_a_hint(text, hint):
    with pytest.raises(FeelSyntaxError) as err:
        compile_expression(text)
    assert hint in str(err.value)


def test_limits_end_in_a_feel_error_a_person_understands():
    with pytest.raises(FeelLimitError, match="过长"):
        compile_expression("1 + " * 600 + "1")
    with pytest.raises(FeelLimitError, match="嵌套过深"):
        compile_expression("[" * 60 + "1" + "]" * 60)
    with pytest.raises(FeelLimitError, match="指数"):
        compile_expression("9 ** 9 ** 9 ** 9").evaluate({})
    with pytest.raises(FeelLimitError, match="数字过大"):
        compile_expression("(10 ** 999) ** 11").evaluate({})
    with pytest.raises(FeelLimitError, match="文字"):
        compile_expression("s + s").evaluate({"s": "x" * 6000})
    with pytest.raises(FeelLimitError, match="步骤"):
        compile_expression("xs[count(xs[count(xs[item > 0]) > 0]) > 0]").evaluate({"xs": list(range(3000))})
    deep = 1
    for _ in range(40):
        deep = [deep]
    with pytest.raises(FeelLimitError, match="嵌套"):
        compile_expression("x = 1").evaluate({"x": deep})


def test_question_mark_belongs_to_table_entries_only():
    with pytest.raises(FeelSyntaxError, match="\\?"):
        compile_expression("? > 1")
