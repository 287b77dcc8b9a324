#!/usr/bin/env python
"""mypy with django-stubs over yiwang/ and bench/ (configuration: pyproject.toml [tool.mypy]), held
against the recorded list of errors not yet fixed (.ci/mypy-baseline.txt).

Fails on any error that the list does not hold (new code must type-check) and on any entry of the
list that mypy no longer reports (a fixed error leaves the list: run with ``--update``, so the list
is always the true remaining debt, never a hiding place). Entries are ``path: message  [code]``
without line numbers, so that edits elsewhere in a file do not disturb them; the same error twice in
a file is listed twice.

    .venv/bin/python .ci/mypy_check.py            # check (make lint)
    .venv/bin/python .ci/mypy_check.py --update   # rewrite the list after fixing errors
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):(?P<line>\d+): error: (?P<message>.*)$")


def run_mypy() -> tuple[list[tuple[str, str]], str]:
    # the django-stubs plugin imports the settings: demo mode gives them their development defaults
    env = {**os.environ, "DEMO_MODE": "1", "DJANGO_SETTINGS_MODULE": "yiwang.settings"}
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "mypy")], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode not in (0, 1):  # 2: mypy itself failed (a crash, a bad configuration)
        print(out.stdout + out.stderr, file=sys.stderr)
        sys.exit(out.returncode)
    errors = []
    for line in out.stdout.splitlines():
        m = ERROR.match(line)
        if m:
            errors.append((f"{m['path']}: {m['message']}", line))
    return errors, out.stdout.splitlines()[-1] if out.stdout.strip() else ""


def main() -> None:
    errors, summary = run_mypy()
    found = Counter(key for key, _ in errors)
    if "--update" in sys.argv:
        BASELINE.write_text("".join(f"{key}\n" for key in sorted(found.elements())), encoding="utf-8")
        print(f"mypy: {sum(found.values())} errors recorded in {BASELINE.relative_to(ROOT)}")
        return
    recorded = Counter(line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line.strip()) \
        if BASELINE.exists() else Counter()
    new, fixed = found - recorded, recorded - found
    for key, line in errors:
        if new[key] > 0:
            print(line)
            new[key] -= 1
    for key in sorted(fixed.elements()):
        print(f"fixed (take it off the list: --update): {key}")
    status = f"mypy: {sum(found.values())} errors, {sum(recorded.values())} recorded as not yet fixed"
    if (found - recorded) or fixed:
        print(f"{status}: {sum((found - recorded).values())} new, {sum(fixed.values())} fixed. FAILED", file=sys.stderr)
        sys.exit(1)
    print(f"{status}; nothing new ({summary})")


if __name__ == "__main__":
    main()
