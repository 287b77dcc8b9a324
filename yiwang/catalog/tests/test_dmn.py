"""Decision tables as modelers write them: DMN 1.1–1.5, prefixed elements, the standard hit
policies, several outputs; every refusal names the cell or element and says what to change; the
six stock rule sets keep the meaning they had in Python."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from yiwang.catalog.dmn import RulesRejected, TableError, evaluate_rules, parse_rules, parse_table
from yiwang.catalog.feel import to_feel

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"


def table(rows, *, policy="UNIQUE", aggregation="", inputs=(("年龄", "facts.age"),),
          outputs=(("result", ""),), ns=DMN13, prefix="", extra_decision="", language="", table_attrs=""):
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{ns}"' if prefix else f'xmlns="{ns}"'
    agg = f' aggregation="{aggregation}"' if aggregation else ""
    lang = f' expressionLanguage="{language}"' if language else ""
    cols = "".join(f'<{p}input id="in{i}" label="{label}"><{p}inputExpression id="ie{i}"><{p}text>{expr}</{p}text>'
                   f'</{p}inputExpression></{p}input>' for i, (label, expr) in enumerate(inputs))
    outs = "".join(f'<{p}output id="out{i}" name="{name}" label="{name}">'
                   + (f"<{p}outputValues><{p}text>{values}</{p}text></{p}outputValues>" if values else "")
                   + f"</{p}output>" for i, (name, values) in enumerate(outputs))
    body = "".join(
        f'<{p}rule id="row{n}">' + "".join(f"<{p}inputEntry><{p}text>{e}</{p}text></{p}inputEntry>" for e in entries)
        + "".join(f"<{p}outputEntry><{p}text>{o}</{p}text></{p}outputEntry>" for o in outs_) + f"</{p}rule>"
        for n, (entries, outs_) in enumerate(rows))
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}definitions {xmlns} id="defs" name="d" namespace="http://x"{lang}>'
            f'<{p}decision id="dec" name="决策"><{p}decisionTable id="t" hitPolicy="{policy}"{agg}{table_attrs}>'
            f"{cols}{outs}{body}</{p}decisionTable></{p}decision>{extra_decision}</{p}definitions>")


def run(xml, **data):
    parsed, _ = parse_table(xml)
    return parsed.evaluate(to_feel(data))


AGE_ROWS = [(["&lt; 18"], ['"minor"']), (["[18..60)"], ['"adult"']), ([">= 60"], ['"senior"'])]


@pytest.mark.parametrize("age, expected", [(10, "minor"), (18, "adult"), (60, "senior")])
def test_unique_gives_the_one_row_that_fires(age, expected):
    assert run(table(AGE_ROWS), facts={"age": age}).output == {"result": expected}


def test_unique_with_two_rows_firing_cannot_decide_and_names_them():
    with pytest.raises(TableError, match="第 1、2 行"):
        run(table([(["&lt; 30"], ['"a"']), (["&lt; 40"], ['"b"'])]), facts={"age": 20})


def test_first_any_priority_collect_and_rule_order():
    rows = [(["&lt; 30"], ['"low"']), (["&lt; 40"], ['"high"']), (["-"], ['"low"'])]
    assert run(table(rows, policy="FIRST"), facts={"age": 20}).output == {"result": "low"}
    with pytest.raises(TableError, match="ANY"):
        run(table(rows, policy="ANY"), facts={"age": 20})
    assert run(table(rows, policy="ANY"), facts={"age": 50}).output == {"result": "low"}
    prioritised = table(rows, policy="PRIORITY", outputs=(("result", '"high","low"'),))
    assert run(prioritised, facts={"age": 20}).output == {"result": "high"}
    ordered = table(rows, policy="OUTPUT ORDER", outputs=(("result", '"high","low"'),))
    assert [r["result"] for r in run(ordered, facts={"age": 20}).output] == ["high", "low", "low"]
    assert [r["result"] for r in run(table(rows, policy="COLLECT"), facts={"age": 20}).output] == ["low", "high", "low"]
    assert [r["result"] for r in run(table(rows, policy="RULE ORDER"), facts={"age": 20}).output] == ["low", "high", "low"]


@pytest.mark.parametrize("aggregation, expected", [("SUM", Decimal(6)), ("COUNT", Decimal(3)), ("MIN", Decimal(1)),
                                                   ("MAX", Decimal(3))])
def test_collect_aggregates(aggregation, expected):
    rows = [(["-"], ["1"]), (["-"], ["2"]), (["-"], ["3"])]
    assert run(table(rows, policy="COLLECT", aggregation=aggregation), facts={"age": 1}).output == expected


def test_several_outputs_and_several_inputs():
    xml = table([(['"外县"', "&gt;= 80"], ['"refuse"', "1"]), (["-", "-"], ['"ok"', "0"])], policy="FIRST",
                inputs=(("户籍", "form.hukou_county"), ("年龄", "facts.age")), outputs=(("verdict", ""), ("score", "")))
    assert run(xml, form={"hukou_county": "外县"}, facts={"age": 85}).output == {"verdict": "refuse", "score": 1}
    assert run(xml, form={"hukou_county": "本县"}, facts={"age": 85}).output == {"verdict": "ok", "score": 0}


@pytest.mark.parametrize("ns, prefix", [(DMN11, "semantic"), (DMN13, "dmn"), ("http://www.omg.org/spec/DMN/20180521/MODEL/", ""),
                                        ("https://www.omg.org/spec/DMN/20211108/MODEL/", ""),
                                        ("https://www.omg.org/spec/DMN/20230324/MODEL/", "dmn")])
def test_every_dmn_version_and_prefix_is_read(ns, prefix):
    assert run(table(AGE_ROWS, ns=ns, prefix=prefix), facts={"age": 70}).output == {"result": "senior"}


def test_a_file_with_two_decisions_is_refused_naming_them_or_one_is_picked_by_id():
    second = '<decision id="other" name="另一个"><decisionTable id="t2"><input id="x"><inputExpression id="xe"><text>credit</text></inputExpression></input><output id="o2" name="r"/></decisionTable></decision>'
    xml = table(AGE_ROWS, extra_decision=second)
    with pytest.raises(RulesRejected, match="2 个决策：dec（决策）、other（另一个）"):
        parse_table(xml)
    assert parse_table(xml, decision_id="other")[0].decision_name == "另一个"


@pytest.mark.parametrize("xml, fragments", [
    (table(AGE_ROWS, language="python"), ["definitions", "python", "FEEL"]),
    (table(AGE_ROWS, table_attrs=' expressionLanguage="juel"'), ["决策表", "juel"]),
    (table(AGE_ROWS).replace('<inputEntry><text>&lt; 18', '<inputEntry expressionLanguage="python"><text>&lt; 18'),
     ["第 1 行", "年龄", "python"]),
    (table([(['form.get("age") &gt; 1'], ['"x"'])]), ["第 1 行", "年龄", "FEEL"]),
    (table(AGE_ROWS, inputs=(("年龄", 'facts.get("age", 0)'),)), ["输入列「年龄」", "facts.age"]),
    (table([(["&lt; 18", "1"], ['"x"'])]), ["第 1 行", "2 个输入条目"]),
    (table(AGE_ROWS, policy="SOMETIMES"), ["SOMETIMES", "命中策略"]),
    (table(AGE_ROWS, policy="PRIORITY"), ["PRIORITY", "outputValues"]),
    (table(AGE_ROWS, policy="FIRST", aggregation="SUM"), ["汇总"]),
    ("<definitions/>", ["DMN"]),
    ("<definitions", ["XML"]),
    (table(AGE_ROWS).replace("<decisionTable", "<literalExpression").replace("</decisionTable>", "</literalExpression>"),
     ["不是决策表"]),
])
def test_a_refusal_names_the_cell_and_what_to_change(xml, fragments):
    with pytest.raises(RulesRejected) as err:
        parse_table(xml)
    for fragment in fragments:
        assert fragment in str(err.value)


def test_a_spiffworkflow_style_list_error_is_a_readable_refusal():
    # the former parser answered "'list' object has no attribute 'tag'" for an output entry without text
    xml = table(AGE_ROWS).replace('<outputEntry><text>"minor"</text></outputEntry>', "<outputEntry/>")
    parsed, _ = parse_table(xml)  # an empty output entry is null, as the standard says
    assert parsed.evaluate(to_feel({"facts": {"age": 3}})).output == {"result": None}


# --- the 秒批 dialect and the stock rule sets ----------------------------------------------------

def stock(name):
    return (RULES_DIR / f"{name}.dmn").read_text(encoding="utf-8")


def decide(name, *, form=None, facts=None, credit="normal"):
    base = {"age": 85, "local_resident": True, "has_open_case_same_item": False, "previous_approvals_same_item": 0}
    outcome = evaluate_rules(("stock", name), stock(name), {"form": form or {}, "facts": {**base, **(facts or {})},
                                                             "credit": credit})
    assert not outcome.error, outcome.error
    return outcome.failed_rules


@pytest.mark.parametrize("name", ["elderly_allowance", "public_rental_housing", "residence_permit_endorsement",
                                  "social_security_card", "sole_proprietor_cancellation", "unemployment_benefit"])
def test_every_stock_rule_set_is_accepted(name):
    parse_rules(stock(name))


def test_stock_rules_keep_their_python_meaning_including_the_defaults():
    # elderly: facts.get("age", 0) → an unknown age counts as 0, so "须年满80周岁" fires
    assert decide("elderly_allowance", form={"hukou_county": "本县"}) == []
    assert decide("elderly_allowance", form={"hukou_county": "本县"}, facts={"age": None}) == ["申请人须年满80周岁"]
    assert decide("elderly_allowance", form={"hukou_county": "外县"}, facts={"local_resident": False},
                  credit="black") == ["申请人须为本县户籍", "公民身份号码显示非本县户籍，须人工核验户籍", "申请人在失信联合惩戒名单中"]
    assert decide("elderly_allowance", form={"hukou_county": "本县"}, facts={"previous_approvals_same_item": 2}) == [
        "已享受高龄津贴，无需重复申领"]
    # unemployment: a missing number of months counts as 0 (form.get(...) or 0)
    assert decide("unemployment_benefit", form={"separation_reason": "本人辞职"}, facts={"age": 61}) == [
        "失业前累计缴纳失业保险费须满12个月", "因本人意愿中断就业的，不符合领取条件", "已达法定退休年龄，不能申领失业保险金"]
    assert decide("unemployment_benefit", form={"contribution_months": 24.0, "separation_reason": "合同到期"},
                  facts={"age": 40}) == []
    # social security card: mailing without an address
    assert decide("social_security_card", form={"reported_loss": "是", "delivery": "邮寄到家"}) == ["选择邮寄到家须填写邮寄地址"]
    assert decide("social_security_card", form={"reported_loss": "否", "delivery": "邮寄到家",
                                                "delivery_address": "某路1号"}) == ["补领前须先挂失原社会保障卡"]
    assert decide("public_rental_housing", form={"monthly_income_per_capita": 2500.0, "housing_area_per_capita": 10.0,
                                                 "family_size": 3.0, "hukou_type": "本县户籍"}) == ["家庭人均月收入须不高于2000元"]
    assert decide("public_rental_housing", form={}) == ["家庭人口须至少1人"]
    assert decide("residence_permit_endorsement", form={"continuous_months": 7.0}) == ["本县户籍人员无需办理居住证签注"]
    assert decide("sole_proprietor_cancellation", form={"debts_cleared": "是", "taxes_cleared": "否"}) == ["须先结清税款"]


def test_evaluation_never_raises_and_names_the_reason():
    outcome = evaluate_rules(("bad", 1), "<definitions", {"form": {}, "facts": {}, "credit": "normal"})
    assert not outcome.passed and "XML" in outcome.error
    outcome = evaluate_rules(("bad", 2), stock("elderly_allowance"), {"form": {"x": object()}, "facts": {}, "credit": "normal"})
    assert not outcome.passed and "object" in outcome.error
    outcome = evaluate_rules(("bad", 3), table([(["&lt; 30"], ['"a"']), (["&lt; 40"], ['"b"'])]),
                             {"form": {}, "facts": {"age": 1}, "credit": "normal"})
    assert not outcome.passed and "UNIQUE" in outcome.error and outcome.evidence == {"年龄": 1}
