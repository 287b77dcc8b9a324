"""``python manage.py check_process FILE.bpmn [--lanes JSON]``: say what an upload of this file
would say, without publishing anything.

Exit status: 0 accepted (the step summary is printed, with any parts of the file Yiwang ignores),
1 refused (every reason, one per line, naming the element), 2 the command itself was used wrongly
(no such file, ``--lanes`` not a JSON object). For CI: run it on every process file before it is
uploaded. It reads the departments of the configured database, like an upload."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiwang.catalog.services import check_process_file
from yiwang.core.errors import DomainError


class Command(BaseCommand):
    help = "Check a BPMN file as an upload would (exit 0 accepted, 1 refused, 2 usage error)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="BPMN 2.0 file")
        parser.add_argument("--lanes", default="", help='lane → department map as JSON, e.g. {"审批科": "SCJG"}')

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            self._usage(f"无法读取文件 {path}：{exc.strerror or exc}")
        except UnicodeDecodeError:
            self._usage(f"{path} 不是 UTF-8 编码的文本：请提供 BPMN（XML）文件。")
        lanes: dict[str, str] = {}
        if options["lanes"]:
            try:
                lanes = json.loads(options["lanes"])
            except json.JSONDecodeError as exc:
                self._usage(f"--lanes 不是有效的 JSON（{exc.msg}）：例如 {{\"审批科\": \"SCJG\"}}")
            if not isinstance(lanes, dict) or not all(isinstance(v, str) for v in lanes.values()):
                self._usage('--lanes 须为 JSON 对象，键为泳道名称，值为部门代码：例如 {"审批科": "SCJG"}')
        try:
            parsed = check_process_file(text, lanes)
        except DomainError as exc:
            problems = exc.details.get("problems") or [exc.message]
            self.stderr.write(f"拒绝 / refused: {path}")
            for problem in problems:
                self.stderr.write(f"  - {problem}")
            sys.exit(1)
        self.stdout.write(f"接受 / accepted: {path} (process {parsed.process_id})")
        for index, step in enumerate(parsed.steps, start=1):
            extra = "，".join(x for x in (step.role, f"{step.days} 个工作日" if step.days else "") if x)
            self.stdout.write(f"  {index}. {step.name}（{step.department_code}{'，' + extra if extra else ''}） [{step.task_id}]")
        for warning in parsed.warnings:
            self.stdout.write(f"  注意 / note: {warning}")

    def _usage(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)
