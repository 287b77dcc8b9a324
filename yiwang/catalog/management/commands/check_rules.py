"""``python manage.py check_rules FILE.dmn [--facts JSON] [--form JSON] [--credit X]``: what an
upload of an instant-approval rule set (秒批规则) would say, and, given an applicant's data, which
rows fire and what the rules decide — so that a rule author can test a table before publishing it.

Exit status: 0 accepted (and, with data, evaluated), 1 refused (the reasons on stderr), 2 bad
arguments (a file that cannot be read, JSON that does not parse)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from yiwang.catalog.dmn import FACTS, RulesRejected, TableError, evaluate_rules, parse_rules, parse_table
from yiwang.catalog.feel import FeelError, to_feel, to_python


class Command(BaseCommand):
    help = "Check a DMN rule set as an upload would, and optionally evaluate it against facts, a form and credit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the DMN file")
        parser.add_argument("--facts", help='facts as JSON, e.g. {"age": 85, "local_resident": true}')
        parser.add_argument("--form", help='the application form as JSON, e.g. {"hukou_county": "本县"}')
        parser.add_argument("--credit", help="credit status: normal, red or black (default normal)")
        parser.add_argument("--decision", help="the decision id, when the file has several (an upload takes one)")
        parser.add_argument("--item", help="an item code: also check that the form fields the rules use exist on it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as exc:
            self._exit(2, f"无法读取文件：{exc}")
        form_fields = None
        if options["item"]:
            from yiwang.catalog.models import ServiceItem

            item = ServiceItem.objects.filter(code=options["item"]).first()
            if item is None:
                self._exit(2, f"没有编码为 {options['item']} 的事项。")
            form_fields = {f["name"] for f in item.form_schema or []}
        try:
            parsed = parse_rules(data, form_fields=form_fields, decision_id=options["decision"])
            table, _data = parse_table(data, decision_id=options["decision"])
        except RulesRejected as exc:
            self._exit(1, f"拒绝（上传会被拒绝）：{exc}")
        self.stdout.write(f"接受：决策 {table.decision_id}（{table.decision_name}），命中策略 {table.hit_policy}，"
                          f"{len(table.inputs)} 个输入列，{len(table.rules)} 行规则。")
        for shown in parsed.inputs:
            self.stdout.write(f"  输入列「{shown['label']}」：{shown['expression']}")
        if not any(options[k] is not None for k in ("facts", "form", "credit")):
            return
        context = {"facts": self._json(options["facts"], "--facts"), "form": self._json(options["form"], "--form"),
                   "credit": options["credit"] or "normal"}
        unknown_facts = sorted(set(context["facts"]) - set(FACTS))
        if unknown_facts:
            self.stderr.write(f"注意：{'、'.join(unknown_facts)} 不是平台提供的事实（可用：{'、'.join(FACTS)}）。")
        try:
            result = table.evaluate(to_feel(context))
        except (TableError, FeelError) as exc:
            result = None
            self.stdout.write(f"无法计算：{exc}")
        if result is not None:
            self.stdout.write("输入值：")
            for column, value in zip(table.inputs, result.inputs, strict=True):
                self.stdout.write(f"  {column.label} = {json.dumps(to_python(value), ensure_ascii=False)}")
            rules = {rule.number: rule for rule in table.rules}
            self.stdout.write(f"命中的规则：{len(result.fired)} 行" + ("" if result.fired else "（无）"))
            for number, row in zip(result.fired, result.rows, strict=True):
                rule = rules[number]
                outputs = json.dumps(to_python(row), ensure_ascii=False)
                self.stdout.write(f"  第 {number} 行（id={rule.id}）{rule.description}：{outputs}")
            for line in result.undecided:
                self.stdout.write(f"  {line}")
            self.stdout.write(f"决策结果：{json.dumps(to_python(result.output), ensure_ascii=False)}")
        outcome = evaluate_rules(("check_rules", id(table)), data, context)
        if outcome.passed:
            self.stdout.write("秒批：通过（没有规则不予通过）")
        else:
            reasons = "；".join(outcome.failed_rules)
            self.stdout.write(f"秒批：不通过，转人工。{reasons}{('；' if reasons and outcome.error else '')}{outcome.error}")

    def _json(self, text: str | None, flag: str) -> dict[str, Any]:
        if text is None:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            self._exit(2, f"{flag} 不是有效的 JSON：{exc}")
        if not isinstance(value, dict):
            self._exit(2, f"{flag} 须是 JSON 对象，例如 {{\"age\": 85}}。")
        return value

    def _exit(self, status: int, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(status)
