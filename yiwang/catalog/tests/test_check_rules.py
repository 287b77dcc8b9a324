"""``manage.py check_rules``: says what an upload would say, and with data which rows fire."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from yiwang.catalog.tests.test_dmn import RULES_DIR, table

ELDERLY = str(RULES_DIR / "elderly_allowance.dmn")


def check(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_rules", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def test_an_accepted_file_exits_0_and_lists_its_columns():
    status, out, _err = check(ELDERLY)
    assert status == 0 and "接受" in out and "COLLECT" in out and "if facts.age = null then 0 else facts.age" in out


def test_with_data_it_says_which_rows_fire_and_what_the_rules_decide():
    status, out, _err = check(ELDERLY, "--facts", json.dumps({"age": 70, "local_resident": True}),
                              "--form", json.dumps({"hukou_county": "本县"}), "--credit", "black")
    assert status == 0
    assert "年龄 = 70" in out and '信用状况 = "black"' in out
    assert "第 1 行（id=rule_0）" in out and "第 6 行（id=rule_5）" in out and "第 2 行" not in out
    assert "秒批：不通过" in out and "申请人在失信联合惩戒名单中" in out


def test_a_passing_applicant_is_said_to_pass():
    status, out, _err = check(ELDERLY, "--facts", json.dumps({"age": 85, "local_resident": True}),
                              "--form", json.dumps({"hukou_county": "本县"}))
    assert status == 0 and "命中的规则：0 行（无）" in out and "秒批：通过" in out


def test_a_refused_file_exits_1_with_the_reason_naming_the_cell(tmp_path):
    path = tmp_path / "bad.dmn"
    path.write_text(table([(['"外县","本县"'], ['"x"'])], inputs=(("户籍", 'form.get("hukou")'),),
                          outputs=(("failed_rule", ""),), policy="COLLECT"), encoding="utf-8")
    status, _out, err = check(str(path))
    assert status == 1 and "输入列「户籍」" in err and "form.hukou" in err


def test_a_file_with_two_decisions_is_refused_unless_one_is_named(tmp_path):
    second = ('<decision id="b" name="乙"><decisionTable id="t2" hitPolicy="COLLECT"><input id="x" label="信用">'
              '<inputExpression id="xe"><text>credit</text></inputExpression></input><output id="o2" name="failed_rule"/>'
              '<rule id="r"><inputEntry><text>"black"</text></inputEntry><outputEntry><text>"失信"</text></outputEntry>'
              "</rule></decisionTable></decision>")
    path = tmp_path / "two.dmn"
    path.write_text(table([(["&lt; 18"], ['"未成年"'])], outputs=(("failed_rule", ""),), policy="COLLECT",
                          extra_decision=second), encoding="utf-8")
    status, _out, err = check(str(path))
    assert status == 1 and "2 个决策" in err
    status, out, _err = check(str(path), "--decision", "b", "--credit", "black")
    assert status == 0 and "秒批：不通过" in out and "失信" in out


@pytest.mark.parametrize("args", [("missing.dmn",), (ELDERLY, "--facts", "{"), (ELDERLY, "--form", "[1]")])
def test_bad_arguments_exit_2(args):
    status, _out, err = check(*args)
    assert status == 2 and err
