"""The escape corpus (issue 8, item 1): every payload that escaped or hung the former restricted
Python, and the classic ones, submitted as a BPMN gateway condition, as a script task and as each
kind of DMN cell. Each is refused at upload or ends in a clean FEEL error; none reads a setting or
the environment; none does more than a bounded amount of work (``_bounded``: counted in calls, not
timed, so that a loaded machine cannot fail it and a fast one cannot hide a runaway)."""

from __future__ import annotations

import os
import sys
from xml.sax.saxutils import escape

import pytest
from django.conf import settings
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from yiwang.catalog import bpmn
from yiwang.catalog.conditions import FeelScriptEngine
from yiwang.catalog.dmn import RulesRejected, evaluate_rules, parse_rules
from yiwang.catalog.services import publish_process_version
from yiwang.core.errors import InvalidInput
from yiwang.testing.bpmn import guarded_process

pytestmark = pytest.mark.django_db

# The most Python and C function calls one attempt may make (upload, engine, FEEL evaluation): a
# work bound, not a performance test. The costliest payload (the nested filters) made 51,379 calls
# when this was written (2026-12), the others under 23,000; a payload that slipped past the FEEL
# limits (steps, sizes, exponent) and ran on would pass a million long before it ended.
MAX_CALLS = 1_000_000

PAYLOADS = [
    # a match class pattern reads dunder attributes without an Attribute node
    "match form:\n    case object(__class__=klass):\n        stolen = klass",
    # rebinding an allowed name makes anything callable
    "len = getattr\nstolen = len(form, '__class__')",
    "(len := getattr)(form, '__class__')",
    # str.format field lookups walk to __globals__
    "'{0.__init__.__globals__}'.format(form)",
    "'{0.get.__self__.__class__}'.format(form)",
    "'{x.__class__.__init__.__globals__[SECRET_KEY]}'.format(x=form)",
    # generator frames
    "[(g := (g.gi_frame.f_back.f_back.f_globals for x in [1])), list(g)[0]][-1]",
    # hangs
    "while True: pass",
    "9**9**9**9",
    "9 ** 9 ** 9 ** 9",
    "'x' * 10**9",
    '"x" * 1000000000',
    # the classics
    "__import__('os').environ",
    '__import__("os").system("id")',
    "().__class__.__bases__[0].__subclasses__()",
    "[].__class__.__mro__[-1].__subclasses__()",
    "(lambda: 1)()",
    "lambda: __builtins__",
    "[x for x in ().__class__.__base__.__subclasses__() if x.__name__ == 'Popen']",
    "{k: v for k, v in globals().items()}",
    "open('/etc/passwd').read()",
    "exec('import os')",
    "eval('1+1')",
    "getattr(form, '__class__')",
    "form.__class__",
    "form._private",
    "form.get.__self__",
    "settings.SECRET_KEY",
    "environ",
    # FEEL-shaped attempts at size and time
    "1 + " * 5000 + "1",
    "(" * 5000 + "1" + ")" * 5000,
    "[" * 5000 + "]" * 5000,
    "not(" * 3000 + "true" + ")" * 3000,
    "[1,2,3,4,5,6,7,8,9,10][count([1,2,3,4,5,6,7,8,9,10][count([1,2,3,4,5,6,7,8,9,10][item > 0]) > 0]) > 0]",
    "(10 ** 999) ** 11",
    'date and time("9999-12-31T23:59:59") + duration("P999999999D") = null',
    'duration("P99999999999999999999D")',
    'substring("abc", 1, 100000000000000000000000000000)',
]


def _secrets() -> list[str]:
    values = [settings.SECRET_KEY]
    values += [v for k, v in os.environ.items() if len(v) >= 12 and any(w in k for w in ("KEY", "SECRET", "PASS", "TOKEN"))]
    return [v for v in values if v]


def _assert_no_leak(*texts: object) -> None:
    joined = " ".join(repr(t) for t in texts)
    for secret in _secrets():
        assert secret not in joined
    assert "__globals__" not in joined or "不是" in joined or "FEEL" in joined


class _Runaway(BaseException):
    """Stops an attempt past ``MAX_CALLS``; a BaseException, so that no ``except Exception`` in the
    code under test turns it into a clean FEEL error."""


def _bounded(action, payload: str):
    """Run ``action`` counting every function call it makes (Python and C, through the profiler
    hook) and stop it with ``_Runaway`` past ``MAX_CALLS``: the same count on any machine, at any
    load, and a runaway is stopped rather than waited for. One C call that never returns (a huge
    integer power) is a single call here: the FEEL limits (exponent, sizes) stop those, and the
    payloads above exercise each of them."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1
            if calls > MAX_CALLS:
                sys.setprofile(None)
                raise _Runaway(f"more than {MAX_CALLS} calls: {payload[:60]!r}")

    sys.setprofile(count)
    try:
        return action()
    finally:
        sys.setprofile(None)
        assert calls <= MAX_CALLS, f"{calls} calls for {payload[:60]!r}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_as_a_gateway_condition_is_refused_or_fails_cleanly(world, payload):
    def attempt():
        try:
            version = publish_process_version(actor=None, key="escape", name="逃逸", bpmn_xml=guarded_process(
                condition=payload))
        except InvalidInput as exc:  # refused at upload: the message names the flow
            assert exc.status == 422 and "f_large" in exc.message
            _assert_no_leak(exc.message, exc.details)
            return
        # accepted (FEEL that names no unknown variable): evaluation ends in a clean engine error
        spec, subprocess_specs = bpmn.specs_for(("escape", version.digest), version.spec_json)
        task = bpmn.new_workflow(spec, subprocess_specs).task_tree
        task.data = {"form": {"area": 1}, "decision": "approve"}
        try:
            value = FeelScriptEngine().evaluate(task, payload)
        except WorkflowTaskException as exc:
            _assert_no_leak(str(exc), exc.__cause__)
            return
        assert value in (True, False)
        _assert_no_leak(value)

    _bounded(attempt, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_as_a_script_task_is_refused_at_upload(world, payload):
    with pytest.raises(InvalidInput) as err:
        _bounded(lambda: publish_process_version(actor=None, key="escape", name="逃逸",
                                                 bpmn_xml=guarded_process(script=payload)), payload)
    assert "脚本任务" in err.value.message and "calc" in err.value.message
    _assert_no_leak(err.value.message)


def _table(input_expression: str, entry: str, output: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
        'id="d" name="t" namespace="http://yiwang"><decision id="escape" name="逃逸"><decisionTable id="t" hitPolicy="COLLECT">'
        f'<input id="i" label="输入"><inputExpression id="e"><text>{escape(input_expression)}</text></inputExpression></input>'
        '<output id="o" label="未通过的规则" name="failed_rule"/>'
        f'<rule id="r"><inputEntry id="ri"><text>{escape(entry)}</text></inputEntry>'
        f'<outputEntry id="ro"><text>{escape(output)}</text></outputEntry></rule></decisionTable></decision></definitions>'
    )


@pytest.mark.parametrize("cell", ["input", "entry", "output"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_a_dmn_cell_is_refused_or_never_approves(payload, cell):
    cells = {"input": "credit", "entry": '"black"', "output": '"失信"'}
    cells[cell] = payload
    xml = _table(cells["input"], cells["entry"], cells["output"])

    def attempt():
        try:
            parse_rules(xml)
        except RulesRejected as exc:
            message = str(exc)
            assert ("第 1 行" in message or "输入列" in message), message
            _assert_no_leak(message)
            return
        outcome = evaluate_rules(("escape", payload, cell), xml, {"form": {}, "facts": {}, "credit": "normal"})
        _assert_no_leak(outcome)
        assert outcome.error or outcome.passed in (True, False)

    _bounded(attempt, payload)

