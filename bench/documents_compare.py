#!/usr/bin/env python
"""What a person sees, before and after a change to the documents' rendering: the same documents
rendered by two trees with the same data and a frozen clock, rasterised with PDFium, compared pixel
by pixel and by their extracted text.

    .venv/bin/python bench/documents_compare.py render OUTDIR      # in each tree (copy this file
                                                                    # and bench/documents.py into the
                                                                    # other tree's bench/)
    .venv/bin/python bench/documents_compare.py compare BEFORE AFTER PNGDIR [--dpi 100]

``render`` builds a small county in a fresh SQLite database (as ``bench/documents.py`` does), fixes
every field that would vary (case number, query code, dates, the rating link, the licence's QR
text, ReportLab's timestamps) and writes one PDF per sample: the receipt, a receipt with its
department's seal, the decision letter, a denial with a long reason (wrapping, Latin text, markup
characters), and licences: the bench's, one too long for a page (fields that wrap, a long remark),
one whose fields wrap on one page, one with many rows, one whose holder's name needs the fallback
font (each with its department's seal picture). ``compare`` writes
``<name>-before-after.png`` side by side (a third panel marks differing pixels in red) and prints,
per document, the pages, differing pixels, the largest channel difference, whether the extracted
text is the same, and both sizes. Nothing asserts: the figures go into the report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AT = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
LONG_REASON = ("申请材料中《食品经营许可申请书》所填经营场所（青禾路 18 号 A-3 室，面积 36.5m²）与不动产权证书记载不一致；"
               "另据 2026 年 11 月 30 日现场核查记录（编号 XC-2026-1130-007），加工区与就餐区未有效分隔，"
               "不符合《食品经营许可审查通则》第十二条的规定。请核对 <场所信息> & 面积后重新申请。")


def render(out: Path) -> None:
    from bench.exchange_common import VAR_BENCH, env
    from bench.harness import fresh_sqlite, migrate

    path = fresh_sqlite("documents-compare.sqlite3")
    child_env = env(DATABASE_URL=f"sqlite:///{path}", DJANGO_SETTINGS_MODULE="yiwang.settings",
                    MEDIA_ROOT=str(VAR_BENCH / "media-documents-compare"), LOG_LEVEL="ERROR")
    migrate(child_env)
    subprocess.run([sys.executable, __file__, "child", str(out)], cwd=ROOT, env=child_env, check=True)


def samples() -> dict[str, Callable[[], bytes]]:
    """The documents to compare, each a function that renders it (Django set up, database migrated)."""
    from bench.documents import decided_case
    from yiwang.cases import documents, rating
    from yiwang.cases.models import DocumentKind
    from yiwang.core.models import Department
    from yiwang.licenses import rendering, seals

    case, _applicant, department, window = decided_case()
    # everything that would differ from run to run, fixed
    case.number, case.query_code = "YW2026120700001234", "ABCDEFGH"
    case.submitted_at, case.accepted_at = AT - dt.timedelta(days=2), AT - dt.timedelta(days=1)
    case.due_at, case.decided_at = AT + dt.timedelta(days=20), AT
    rating._PROVIDERS[:] = [lambda c, where: rating.RatingLink(
        url="https://yiwang.example.gov.cn/evaluation/rate/?t=eyJuIjoiWVcyMDI2MTIwNzAwMDAxMjM0IiwidyI6InJlY2VpcHQifQ.AbCdEf")]
    seal_png = seals.seal_picture("某县市场监督管理局（许可科）")

    def case_pdf(kind: str, dept: Department, **kw: object) -> bytes:
        return documents.render_pdf(case, kind, title=documents.document_title(case, kind), department=dept,
                                    issued_at=AT, **kw)  # type: ignore[arg-type]

    def long_denial() -> bytes:
        item_name, note = case.item.name, case.outcome_note
        case.item.name = "食品经营许可（含仅销售预包装食品备案、小餐饮登记及其变更、延续、注销等 12 类情形）"
        case.outcome_note = LONG_REASON
        try:
            return case_pdf(DocumentKind.DENIAL_DECISION, department, seal_png=seal_png)
        finally:
            case.item.name, case.outcome_note = item_name, note

    out: dict[str, Callable[[], bytes]] = {
        "receipt": lambda: case_pdf(DocumentKind.ACCEPTANCE_RECEIPT, window),
        "receipt-sealed": lambda: case_pdf(DocumentKind.ACCEPTANCE_RECEIPT, window, seal_png=seal_png),
        "decision": lambda: case_pdf(DocumentKind.APPROVAL_DECISION, department),
        "denial-long": long_denial,
    }
    qr = ("https://yiwang.example.gov.cn/licences/verify/Q0FGRUJBQkVfVE9LRU5fMTIz/#"
          + "eyJkIjoiSllYSyIsImYiOiIyMDI2MTIwNyIsImgiOiLpnZLnpr7lsI_ppoYiLCJpIjoiMS4yLjE1Ni4zMDA1LjIuMTEiLCJr"
          + "IjoiSllYSy0xIiwibSI6ImFiY2RlZiIsIm4iOiJKWTIwMjYwMDAwMDEiLCJ0Ijoi6aOf5ZOB57uP6JCl6K645Y-v6K-BIn0"
          + ".MEUCIQDx" + "a1B2c3D4e5F6g7H8i9J0" * 4)
    face = {"title": "食品经营许可证", "issuer": "某县市场监督管理局（许可科）", "number": "JY2026000001-V1",
            "issue_date": "2026年12月07日", "seal_png": seal_png, "qr_text": qr,
            "footnote": ("本证照由颁发机构以电子印章（SM2 数字签名，GB/T 38540 结构）签章。扫描二维码可在线核验真伪与状态，"
                         "或离线核验签名：python manage.py verify_licence --qr <二维码内容>。")}
    rows = [("证照名称", "食品经营许可证"), ("证照编号", "JY2026000001-V1"), ("持证主体", "王小明"),
            ("证件号码", "110101********1234"), ("店名", "青禾小馆"), ("经营项目", "热食类食品制售；冷食类食品制售"),
            ("有效期", "2026年12月07日 至 2031年12月06日"), ("颁发机构", "某县市场监督管理局（许可科）"),
            ("证照标识", "1.2.156.3005.2.11330000MB0000000X002.11330000MB0000000X.1.001.K")]
    lines = ["经营者：王小明", "店名：青禾小馆", "经营项目：热食类食品制售；冷食类食品制售"]
    wide = [(k, v * 3 if k in ("经营项目", "店名") else v) for k, v in rows] + [("备注", LONG_REASON)]
    out["licence"] = lambda: rendering.render(rows=rows, body_lines=lines, **face)  # type: ignore[arg-type]
    out["licence-long"] = lambda: rendering.render(rows=wide, body_lines=[*lines, "", LONG_REASON], **face)  # type: ignore[arg-type]
    # one page each: values that wrap, many rows, a holder's name drawn from the fallback font (𠮷)
    wrapping = [(k, v * 2 if k in ("经营项目", "店名") else v) for k, v in rows] + [("备注", LONG_REASON)]
    many = rows + [(f"许可项目{i}", f"第{i}项：预包装食品销售（含冷藏冷冻食品）") for i in range(3)]
    rare = [(k, "吉𠮷" if k == "持证主体" else v) for k, v in rows] + [("分店", "𠮷野小馆")]
    out["licence-wrapping"] = lambda: rendering.render(rows=wrapping, body_lines=lines, **face)  # type: ignore[arg-type]
    out["licence-many-rows"] = lambda: rendering.render(rows=many, body_lines=lines, **face)  # type: ignore[arg-type]
    out["licence-rare-name"] = lambda: rendering.render(
        rows=rare, body_lines=["经营者：吉𠮷", *lines[1:]], **face)  # type: ignore[arg-type]
    return out


def child(out: Path) -> None:
    import django

    django.setup()
    from reportlab import rl_config

    rl_config.invariant = 1  # no creation date or random document id: the same bytes from the same input
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, make in samples().items():
        pdf = make()
        (out / f"{name}.pdf").write_bytes(pdf)
        sizes[name] = len(pdf)
    print(json.dumps(sizes))


def compare(before: Path, after: Path, pngs: Path, dpi: int) -> None:
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    pngs.mkdir(parents=True, exist_ok=True)
    print("| document | pages | differing pixels | largest difference (of 255) | same text | size before → after |")
    print("| --- | ---: | ---: | ---: | --- | ---: |")
    for a in sorted(before.glob("*.pdf")):
        b = after / a.name
        docs = pdfium.PdfDocument(str(a)), pdfium.PdfDocument(str(b))
        pages = len(docs[0]), len(docs[1])
        differing, largest, same_text, panels = 0, 0, True, []
        for i in range(max(pages)):
            if i >= min(pages):
                same_text = False
                break
            images = [np.asarray(d[i].render(scale=dpi / 72).to_pil().convert("RGB")) for d in docs]
            texts = [d[i].get_textpage().get_text_range() for d in docs]
            same_text &= texts[0] == texts[1]
            if images[0].shape != images[1].shape:
                differing, largest = -1, 255
                panels.append([*images, images[0]])
                continue
            delta = np.abs(images[0].astype(int) - images[1].astype(int)).max(axis=2)
            differing += int((delta > 0).sum())
            largest = max(largest, int(delta.max()))
            marked = images[1].copy()
            marked[delta > 0] = (255, 0, 0)
            panels.append([*images, marked])
        strip = np.concatenate([np.concatenate(p, axis=1) for p in panels], axis=0)
        Image.fromarray(strip).save(pngs / f"{a.stem}-before-after.png")
        print(f"| {a.stem} | {pages[0]} → {pages[1]} | {differing} | {largest} | {'yes' if same_text else 'NO'} | "
              f"{a.stat().st_size:,} → {b.stat().st_size:,} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("render").add_argument("out", type=Path)
    sub.add_parser("child").add_argument("out", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    cmp.add_argument("pngs", type=Path)
    cmp.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args()
    if args.command == "render":
        render(args.out.resolve())
    elif args.command == "child":
        child(args.out)
    else:
        compare(args.before, args.after, args.pngs, args.dpi)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    main()
