#!/usr/bin/env python
"""CPU per document, and where it goes: the documents an action renders in its request (the
acceptance receipt at accept, the decision letter at decide, and a licence where the item yields
one), issued the way the services issue them, timed with ``time.process_time``.

    .venv/bin/python bench/documents.py [--docs 25] [--rounds 2]

A child process migrates a fresh SQLite database (``var/bench/documents.sqlite3``), builds a small
county (the window, a department, a citizen, an item), takes one case to its decision, and then
issues each kind ``--docs`` times per round (inside a transaction rolled back after each document,
so that each issue renders anew; the kinds interleaved round by round). Parts are timed by
wrapping the functions that do them, in the same run:

* ``qr``: making the QR codes' symbols and paths (``yiwang.core.pdf``: the matrix, mask search
  included);
* ``subset``: ReportLab's TrueType subset (``TTFontFile.makeSubset``, once per font per document);
* ``layout``: the rest of the render (ReportLab's layout, line breaking, PDF writing);
* ``sign+store``: what ``issue_document`` / ``issue_licence`` do after the render (SM3/SHA-256,
  SM2 or SES signature, the file, the row, the audit record).

Each document is issued to an applicant of another name (three characters drawn from common name
characters, the same sequence in every run and tree), as a county's documents are: a renderer
that remembered a whole document's glyphs would otherwise look faster here than it is.

The case documents' department has no electronic seal (as in ``bench/run_cases.py``: the platform's
SM2 key signs); the licence is sealed (SES_Signature), as licences always are. Runs on whichever
tree it is in: run it from ``git archive main`` beside the branch to compare. Prints a Markdown
table and the JSON it is made from; nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exchange_common import VAR_BENCH, env  # noqa: E402
from bench.harness import fresh_sqlite, migrate, run_child  # noqa: E402

KINDS = ("receipt", "decision", "licence")


class Clock:
    """CPU seconds spent inside the wrapped functions (outermost call only)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.depth: dict[str, int] = {}

    def wrap(self, owner: object, name: str, part: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            if self.depth.get(part):
                return original(*args, **kwargs)
            self.depth[part] = 1
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[part] = self.spent.get(part, 0.0) + time.process_time() - start
                self.depth[part] = 0

        setattr(owner, name, timed)


def decided_case() -> tuple[Any, Any, Any, Any]:
    """A small county in the migrated database (calendar years, the one window, a clerk, a reviewer
    and a decider, a citizen, a two-step item) and a case of it accepted, reviewed and approved, as
    the services do it: ``(case, applicant, deciding department, window department)``. Also what
    ``bench/documents_compare.py`` renders its samples from."""
    from yiwang.cases import services
    from yiwang.cases.models import CaseStep, StepStatus
    from yiwang.core.models import CalendarYear, Department
    from yiwang.testing import case_factories, factories, item_factories

    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="bench") for y in range(2020, 2041)],
                                     ignore_conflicts=True)
    factories.department("ZWFW", "政务服务管理局", centre=True)
    clerk = factories.user("clerk", ZWFW="clerk")
    reviewer = factories.user("reviewer", SCJG="reviewer")
    decider = factories.user("decider", SCJG="decider")
    citizen, applicant = factories.citizen()
    item = item_factories.item("SCJG-001", dept="SCJG")
    case = case_factories.apply_online(citizen, applicant, item)
    services.accept_application(actor=clerk, case_id=case.pk)
    for actor, name in ((reviewer, "审查"), (decider, "决定")):
        step = CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)
        services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve")
    case.refresh_from_db()
    department = Department.objects.get(code="SCJG")
    window = Department.objects.get(code="ZWFW")
    return case, applicant, department, window


def child(docs: int, rounds: int) -> None:
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from reportlab.pdfbase import ttfonts

    from yiwang.cases import documents
    from yiwang.cases.models import CaseDocument, DocumentKind
    from yiwang.core.models import Department
    from yiwang.licenses import rendering
    from yiwang.licenses import services as licences
    from yiwang.licenses.demo import department_uscc
    from yiwang.licenses.models import LicenceType

    case, applicant, department, window = decided_case()

    anchor = licences.ensure_demo_ca()
    licensing = Department.objects.create(code="JYXK", name="某县市场监督管理局（许可科）")
    licences.create_seal(department=licensing, uscc=department_uscc("JYXK"), anchor=anchor)
    licence_type = LicenceType.objects.create(
        code=f"{department_uscc('JYXK')}002", name="食品经营许可证", department=licensing, holder_kind="both",
        number_prefix="JY", validity_years=5,
        fields=[{"key": "shop_name", "label": "店名"}, {"key": "scope", "label": "经营项目"}],
        template="经营者：{holder_name}\n店名：{shop_name}\n经营项目：{scope}")
    data = {"shop_name": "青禾小馆", "scope": "热食类食品制售；冷食类食品制售"}

    clock = Clock()
    for owner in (documents, rendering):  # whichever QR helpers the tree's renderers call
        for name in ("_qr", "_qr_path", "qr_png", "qr_flowable", "qr_path"):
            if hasattr(owner, name):
                clock.wrap(owner, name, "qr")
    clock.wrap(ttfonts.TTFontFile, "makeSubset", "subset")
    clock.wrap(documents, "render_pdf", "render")
    clock.wrap(rendering, "render", "render")

    class Rollback(Exception):
        pass

    import random

    rng = random.Random(14)
    name_chars = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆"
                  "帅旭宁龙林欢阳建国建华志强志明永刚海燕雪梅春梅晓东晓明丹丹佳怡子涵欣怡梓涵一诺")
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"

    def issue(kind: str) -> None:
        applicant.name = case.applicant.name = rng.choice(surnames) + "".join(rng.choices(name_chars, k=2))
        try:
            with transaction.atomic():
                if kind == "licence":
                    licences.issue_licence(licence_type=licence_type, holder=applicant, data=data)
                else:
                    doc_kind = DocumentKind.ACCEPTANCE_RECEIPT if kind == "receipt" else DocumentKind.APPROVAL_DECISION
                    CaseDocument.objects.filter(case=case, kind=doc_kind).delete()
                    documents.issue_document(case=case, kind=doc_kind, department=window if kind == "receipt" else department,
                                             now=timezone.now())
                raise Rollback
        except Rollback:
            pass

    for kind in KINDS:  # warm: font parsed, seal picture decoded, imports done
        issue(kind)
    samples: dict[str, list[dict[str, float]]] = {k: [] for k in KINDS}
    for _round in range(rounds):
        for kind in KINDS:
            for _ in range(docs):
                clock.spent.clear()
                start = time.process_time()
                issue(kind)
                total = time.process_time() - start
                spent = dict(clock.spent)
                render = spent.get("render", 0.0)
                samples[kind].append({"total": total, "qr": spent.get("qr", 0.0), "subset": spent.get("subset", 0.0),
                                      "layout": render - spent.get("qr", 0.0) - spent.get("subset", 0.0),
                                      "sign+store": total - render})
    import reportlab.lib.rl_accel as rl_accel

    out = {kind: {part: statistics.mean(s[part] for s in rows) for part in rows[0]} | {
        "median_total": statistics.median(s["total"] for s in rows), "n": len(rows)} for kind, rows in samples.items()}
    out["_accelerated"] = rl_accel.fp_str.__module__ == "_rl_accel"
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=25, help="documents of each kind per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.docs, args.rounds)
        return
    path = fresh_sqlite("documents.sqlite3")
    child_env = env(DATABASE_URL=f"sqlite:///{path}", DJANGO_SETTINGS_MODULE="yiwang.settings",
                    MEDIA_ROOT=str(VAR_BENCH / "media-documents"), LOG_LEVEL="ERROR")
    migrate(child_env)
    load = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    result = json.loads(run_child(__file__, "--child", "--docs", str(args.docs), "--rounds", str(args.rounds),
                                  child_env=child_env))
    accelerated = result.pop("_accelerated")
    print(f"{started}, {platform.python_version()}, {os.cpu_count()} cores, load average {load:.1f} → "
          f"{os.getloadavg()[0]:.1f}; ReportLab C accelerators: {'yes' if accelerated else 'no'}")
    print("| document | n | CPU ms (mean) | median | QR codes | font subset | layout and writing | sign and store |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in KINDS:
        r = result[kind]
        print(f"| {kind} | {r['n']} | {r['total'] * 1e3:.1f} | {r['median_total'] * 1e3:.1f} | {r['qr'] * 1e3:.1f} | "
              f"{r['subset'] * 1e3:.1f} | {r['layout'] * 1e3:.1f} | {r['sign+store'] * 1e3:.1f} |")
    print(json.dumps({"started": started, "load": load, "accelerated": accelerated, **result}))


if __name__ == "__main__":
    main()
