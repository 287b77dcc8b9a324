"""Documents a case gives the applicant: 受理回执, 一次性告知书, 不予受理决定书, and the decision letter
(准予 / 不予). Each is a PDF (ReportLab, with a CJK TrueType font embedded), stored as a file with its
SHA-256 and SM3, and signed by the issuing department: an SM2-with-SM3 signature over a statement
that binds the case number, the kind, the department, the signing time and the file's SM3.

Why in the event's transaction, not in a task after it: a receipt or a decision letter is part of
the act itself (the applicant's proof of acceptance; the decision as served). Written together,
the case can never be 已受理 without its receipt nor decided without its letter, and nothing needs a
repair job. Rendering costs tens of milliseconds (the font is parsed once per process). If the
transaction rolls back, the file already written stays on disk unreferenced: harmless, and found by
comparing ``documents/`` with the table.

Until the licence work brings an electronic seal (电子签章, GB/T 38540), the signature is the
platform's SM2 signing key (``yiwang.crypto.signing``) on behalf of the department named in
``signer_department``; ``verify_document`` checks file, hashes and signature against the trusted keys.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseDocument, CorrectionNotice, DocumentKind
from yiwang.cases.rating import RECEIPT, rating_link
from yiwang.core.calendar import local_date
from yiwang.core.errors import Conflict
from yiwang.core.ids import mask_id_number
from yiwang.core.models import Department
from yiwang.core.services import queue_audit
from yiwang.core.statements import insert_if
from yiwang.crypto.primitives import sm3, sm3_hex
from yiwang.crypto.signing import get_signer, verify_signature
from yiwang.licenses import seals
from yiwang.licenses.models import DepartmentSeal
from yiwang.licenses.selectors import current_seal_or_none, remembered_seal, seal_unchanged
from yiwang.licenses.verification import anchors as trust_anchors

STATEMENT_VERSION = "yiwang-case-document-v1"
# A document sealed with its department's electronic seal (电子签章, ``licenses``): the signature is a
# GB/T 38540 SES_Signature over the PDF, carrying the statement below as its metadata extension.
SES_ALGORITHM = "SES_Signature/SM2-SM3"
MAX_ID = 2**63 - 1
QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from paper
QUERY_CODE_LENGTH = 8  # 31^8 ≈ 8.5e11 codes per case number


def new_query_code() -> str:
    """A fresh random query code; ``ensure_query_code`` stores it, or a service that holds the
    case's lock writes it with its own update of the case (acceptance: one UPDATE, not two)."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _position in range(QUERY_CODE_LENGTH))


def ensure_query_code(case: Case) -> str:
    """The case's query code (查询码), created on first need. Case numbers are sequential and so
    guessable; the random code is what keeps the public progress page from being enumerated."""
    if not case.query_code:
        code = new_query_code()
        # set only if still empty: whoever set it first wins, and the loser reads the winner's code
        won = Case.objects.filter(pk=case.pk, query_code="").update(query_code=code)
        case.query_code = code if won else Case.objects.values_list("query_code", flat=True).get(pk=case.pk)
    return case.query_code


def progress_url(case: Case) -> str:
    """The public progress page of the case, absolute (printed as a QR code)."""
    return f"{settings.YIWANG_PUBLIC_BASE_URL}{reverse('cases:progress')}?n={case.number}&c={ensure_query_code(case)}"


def document_title(case: Case, kind: str) -> str:
    """The document's Chinese title; decision letters are named by the item's type of power."""
    licensing = case.item.item_type == "licensing"
    if kind == DocumentKind.APPROVAL_DECISION:
        return "准予行政许可决定书" if licensing else "办结通知书"
    if kind == DocumentKind.DENIAL_DECISION:
        return "不予行政许可决定书" if licensing else "不予办理决定书"
    titles: dict[str, str] = {
        DocumentKind.ACCEPTANCE_RECEIPT: "受理回执",
        DocumentKind.CORRECTION_NOTICE: "一次性告知书",
        DocumentKind.REJECTION_NOTICE: "不予受理决定书",
    }
    return titles[kind]


def _day(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return f"{local_date(value):%Y年%m月%d日}"


def _deadline_day(value: dt.datetime) -> str:
    # a deadline at local midnight ends the previous day (as the site shows it)
    return _day(value - dt.timedelta(microseconds=1))


REMEDIES = ("如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
            "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。")


def document_paragraphs(case: Case, kind: str, *, correction: CorrectionNotice | None = None) -> list[str]:
    """The body of the document, paragraph by paragraph (plain text, Chinese)."""
    item = case.item.name
    submitted = _day(case.submitted_at)
    if kind == DocumentKind.ACCEPTANCE_RECEIPT:
        paragraphs = [f"您于{submitted}提交的「{item}」申请，已于{_day(case.accepted_at)}受理。"]
        if case.decided_by_rules:
            paragraphs.append("本申请经秒批规则自动核验，即时受理。")
        paragraphs.append(f"承诺办结时限：{case.promised_days}个工作日，至{_deadline_day(case.due_at)}"
                          "（补正期间暂停计时）。")
        paragraphs.append("请凭办件编号和查询码（或扫描二维码）查询办理进度。")
        return paragraphs
    if kind == DocumentKind.CORRECTION_NOTICE:
        if correction is None:
            raise ValueError("a correction notice is drawn from its correction request")
        names = "、".join(m.name for m in correction.materials.all())
        paragraphs = [f"您于{submitted}提交的「{item}」申请，材料需要补正。现一次性告知需补正的全部内容："]
        if names:
            paragraphs.append(f"需补交或更换的材料：{names}。")
        if correction.note:
            paragraphs.append(f"补正说明：{correction.note}")
        paragraphs.append("补正期间暂停计时。请登录一网通办提交补正材料，或携带材料到综合窗口办理。")
        return paragraphs
    if kind == DocumentKind.REJECTION_NOTICE:
        return [f"您于{submitted}提交的「{item}」申请，经审查，决定不予受理。",
                f"理由：{case.reject_reason}", REMEDIES]
    decided = _day(case.decided_at)
    how = "经秒批规则自动核验" if case.decided_by_rules else "经审查"
    if kind == DocumentKind.APPROVAL_DECISION:
        paragraphs = [f"您于{submitted}提交的「{item}」申请，{how}，符合法定条件，于{decided}决定准予。"]
        if case.outcome_note:
            paragraphs.append(f"审批意见：{case.outcome_note}")
        paragraphs.append("办理结果由综合窗口统一出件（窗口领取、邮寄送达或电子送达）。")
        return paragraphs
    reasons = case.outcome_note or "不符合法定条件。"
    return [f"您于{submitted}提交的「{item}」申请，{how}，于{decided}决定不予准予。",
            f"理由：{reasons}", REMEDIES]


def document_facts(case: Case, kind: str) -> list[tuple[str, str]]:
    applicant = case.applicant
    facts = [("办件编号", case.number or ""), ("查询码", ensure_query_code(case)), ("事项", case.item.name),
             ("实施部门", case.department.name), ("申请人", applicant.name),
             ("证件号码", mask_id_number(applicant.id_number)), ("申请时间", _day(case.submitted_at))]
    if case.accepted_at:
        facts.append(("受理时间", _day(case.accepted_at)))
    return facts


# -- rendering -------------------------------------------------------------------------------------------

from yiwang.core import pdfwriter  # noqa: E402
from yiwang.core.pdf import FONT  # noqa: E402,F401 - kept importable from here
from yiwang.core.pdf import paragraph_lines as _paragraph_lines  # noqa: E402
from yiwang.core.pdf import picture_flowable as _picture  # noqa: E402
from yiwang.core.pdf import qr_flowable as _qr  # noqa: E402
from yiwang.core.pdf import qr_path as _qr_path  # noqa: E402
from yiwang.core.pdf import register_font as _register_font  # noqa: E402
from yiwang.core.pdf import text_flowable as _text  # noqa: E402

MM = 72.0 / 2.54 * 0.1  # a millimetre in points, computed as reportlab.lib.units.mm is
LEFT_MARGIN = RIGHT_MARGIN = 22 * MM
TOP_MARGIN, BOTTOM_MARGIN = 20 * MM, 18 * MM
FACTS_LABEL_WIDTH, QR_COLUMN_WIDTH, QR_SIZE, SEAL_SIZE = 28 * MM, 32 * MM, 28 * MM, 34 * MM
FRAME_PADDING = 6  # ReportLab's Frame, on each side
CELL_PADDING_X, CELL_PADDING_Y = 6, 3  # ReportLab's Table cells: left and right, top and bottom


@functools.lru_cache(maxsize=1)
def _styles() -> dict[str, Any]:
    """The documents' paragraph styles, made once per process (they hold no case's data)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    font = _register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK", firstLineIndent=23)
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    heading = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1, spaceAfter=4)
    return {
        "body": body, "plain": plain, "heading": heading,
        "small": ParagraphStyle("small", parent=plain, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555")),
        "issuer": ParagraphStyle("issuer", parent=plain, alignment=2),
        "dept": ParagraphStyle("dept", parent=heading, fontSize=13, leading=18),
        "no": ParagraphStyle("no", parent=plain, alignment=1, fontSize=10),
        "grid": colors.HexColor("#999999"), "label_background": colors.HexColor("#f2f4f7"),
    }


def _footer_texts(case: Case, kind: str, seal_png: bytes | None) -> list[tuple[str, str]]:
    """The footer's rows: (the text a QR code holds, the note beside it)."""
    url = progress_url(case)
    rows = [(url, f"扫码或访问 {url} 查询办理进度（仅显示办理状态，不显示个人信息）。"
             + ("本文书由出具部门以电子印章（SM2 数字签名，GB/T 38540 结构）签章，可在办件页面下载并核验。"
                if seal_png else "本文书由出具部门以 SM2 数字签名，可在办件页面下载并核验。"))]
    link = rating_link(case, RECEIPT) if kind == DocumentKind.ACCEPTANCE_RECEIPT else None
    if link is not None:  # 好差评 (一次一评): where to rate this service, from the app that takes ratings
        rows.append((link.url, f"好差评：扫码或访问 {link.url} 对本次服务评价（匿名；办结后可对办件评价）。"))
    return rows


def render_pdf(case: Case, kind: str, *, title: str, department: Department, issued_at: dt.datetime,
               correction: CorrectionNotice | None = None, seal_png: bytes | None = None) -> bytes:
    """The document as a PDF: the department, the title and number, the table of facts, the body,
    the issuer and date (under the seal's picture when the department has a seal), and the QR codes
    with their notes.

    A document that fits on one page (every one so far) is drawn by ``_render_page``: the positions
    ReportLab's platypus (``SimpleDocTemplate``, ``Table``, ``Paragraph``) gives each line, rule and
    picture, computed directly, and the page written straight to PDF bytes by ``core.pdfwriter``
    (ReportLab's canvas and document objects were most of the render once the layout was computed);
    the lines are ReportLab's own line breaking (``core.pdf.paragraph_lines``) and the embedded
    glyphs ReportLab's own subset. A document too long for one page is laid out by platypus
    (``_render_flowing``), which breaks it across pages. ``cases/tests/test_document_rendering.py``
    checks that both draw the same pages (text and pixels, PDFium)."""
    contents = _contents(case, kind, title=title, department=department, issued_at=issued_at, correction=correction,
                         seal_png=seal_png)
    pdf = _render_page(**contents)
    return pdf if pdf is not None else _render_flowing(**contents)


def _contents(case: Case, kind: str, *, title: str, department: Department, issued_at: dt.datetime,
              correction: CorrectionNotice | None, seal_png: bytes | None) -> dict[str, Any]:
    """What the document prints, for either renderer."""
    return {"case": case, "title": title, "department": department, "issued_at": issued_at,
            "facts": document_facts(case, kind), "paragraphs": document_paragraphs(case, kind, correction=correction),
            "footer": _footer_texts(case, kind, seal_png), "seal_png": seal_png}


def _lines(text: str, style: Any, width: float) -> tuple[tuple[float, str], ...]:
    """``core.pdf.paragraph_lines`` for a case's own text (its number, facts, sentences, notes): broken
    anew each time, never kept — a worker keeps no applicant's name or access code after the document."""
    return tuple(_paragraph_lines(text, style, width))


@functools.lru_cache(maxsize=256)
def _fixed_lines(text: str, style: Any, width: float) -> tuple[tuple[float, str], ...]:
    """``_lines`` remembered per process, for what every document of a department and kind repeats
    (the department's name, the title, the facts' labels): broken into lines once."""
    return _lines(text, style, width)


def _render_page(case: Case, *, title: str, department: Department, issued_at: dt.datetime,
                 facts: list[tuple[str, str]], paragraphs: list[str], footer: list[tuple[str, str]],
                 seal_png: bytes | None) -> bytes | None:
    """The one-page document drawn at the positions platypus gives it (``_render_flowing``'s story in
    ``SimpleDocTemplate``'s one frame), or None if it would not fit on one page. The frame's rules
    followed: a flowable's space before is dropped at the top of the frame and overlaps the previous
    one's space after; a flowable that would end below the frame's bottom goes to the next page
    (``core.pdfwriter.Frame``)."""
    from reportlab.lib.pagesizes import A4

    styles = _styles()
    page_width, page_height = A4
    x0 = LEFT_MARGIN + FRAME_PADDING
    width = page_width - LEFT_MARGIN - RIGHT_MARGIN - 2 * FRAME_PADDING
    bottom = BOTTOM_MARGIN + FRAME_PADDING
    place = pdfwriter.Frame(top=page_height - TOP_MARGIN - FRAME_PADDING, bottom=bottom).place
    texts: list[tuple[Any, float, float, str]] = []  # style, x, baseline, line
    tables: list[tuple[float, list[float], list[float]]] = []  # the facts: x positions, row tops and bottoms
    pictures: list[tuple[bytes, float, float]] = []
    codes: list[tuple[str, float, float]] = []

    def lines(style: Any, left: float, low: float, height: float, broken: tuple[tuple[float, str], ...]) -> None:
        pdfwriter.place_lines(texts, style, left, low, height, broken)

    def paragraph(text: str, style: Any, *, fixed: bool = False) -> None:
        broken = (_fixed_lines if fixed else _lines)(text, style, width)
        height = len(broken) * style.leading
        lines(style, x0, place(height, style.spaceBefore, style.spaceAfter), height, broken)

    def cell_middle(row_low: float, row_height: float, height: float) -> float:
        # Table._drawCell, VALIGN MIDDLE
        return row_low + (row_height + CELL_PADDING_Y - CELL_PADDING_Y + height) / 2.0 - height

    try:
        paragraph(department.name, styles["dept"], fixed=True)
        paragraph(title, styles["heading"], fixed=True)
        paragraph(f"编号：{case.number}", styles["no"])
        place(6 * MM)
        plain = styles["plain"]
        columns = [FACTS_LABEL_WIDTH, width - FACTS_LABEL_WIDTH]
        cells = [[_fixed_lines(label, plain, columns[0] - 2 * CELL_PADDING_X),
                  _lines(value, plain, columns[1] - 2 * CELL_PADDING_X)] for label, value in facts]
        heights = [max(len(c) for c in row) * plain.leading + 2 * CELL_PADDING_Y for row in cells]
        low = place(sum(heights))
        top = low + sum(heights)
        tops = [top - sum(heights[:i]) for i in range(len(heights) + 1)]
        tables.append((x0, [x0, x0 + columns[0], x0 + width], tops))
        for row, row_height, row_top in zip(cells, heights, tops, strict=False):
            row_low = row_top - row_height
            left = x0
            for broken, column in zip(row, columns, strict=True):
                height = len(broken) * plain.leading
                lines(plain, left + CELL_PADDING_X, cell_middle(row_low, row_height, height), height, broken)
                left += column
        place(6 * MM)
        for text in paragraphs:
            paragraph(text, styles["body"])
        place(10 * MM)
        paragraph(department.name, styles["issuer"], fixed=True)
        paragraph(_day(issued_at), styles["issuer"])
        if seal_png:  # the department's seal picture over its name (the signature itself is the SES_Signature)
            place(-24 * MM)
            pictures.append((seal_png, x0 + width - SEAL_SIZE, place(SEAL_SIZE)))
        place(8 * MM)
        small = styles["small"]
        columns = [QR_COLUMN_WIDTH, width - QR_COLUMN_WIDTH]
        rows = [(code, _lines(note, small, columns[1] - 2 * CELL_PADDING_X)) for code, note in footer]
        heights = [max(QR_SIZE, len(broken) * small.leading) + 2 * CELL_PADDING_Y for _code, broken in rows]
        row_top = place(sum(heights)) + sum(heights)
        for (code, broken), row_height in zip(rows, heights, strict=True):
            row_low = row_top - row_height
            codes.append((code, x0 + CELL_PADDING_X, cell_middle(row_low, row_height, QR_SIZE)))
            height = len(broken) * small.leading
            lines(small, x0 + columns[0] + CELL_PADDING_X, cell_middle(row_low, row_height, height), height, broken)
            row_top = row_low
    except pdfwriter.PageFull:
        return None

    page = pdfwriter.Page(page_width, page_height)
    background, grid = _rgb(styles["label_background"]), _rgb(styles["grid"])
    for _x, xs, tops in tables:  # the labels' background, under their text
        page.fill_rect(xs[0], tops[0], xs[1] - xs[0], tops[-1] - tops[0], color=background)
    for style, x, baseline, line in texts:
        page.text(x, baseline, line, size=style.fontSize, color=_rgb(style.textColor))
    for _x, xs, tops in tables:  # Table's GRID: the box, then the inner lines
        segments = [(xs[0], row_y, xs[-1], row_y) for row_y in (tops[0], tops[-1])]
        segments += [(col_x, tops[-1], col_x, tops[0]) for col_x in (xs[0], xs[-1])]
        segments += [(xs[0], row_y, xs[-1], row_y) for row_y in tops[1:-1]]
        segments += [(col_x, tops[-1], col_x, tops[0]) for col_x in xs[1:-1]]
        page.lines(segments, color=grid, width=0.5)
    for picture, x, low in pictures:
        page.picture(picture, x, low, SEAL_SIZE, SEAL_SIZE)
    for code, x, low in codes:
        unit, path = _qr_path(code, size=QR_SIZE)
        page.path(x, low, unit, path)
    return page.pdf(title=f"{title} {case.number}", author=department.name, subject=title, creator="Yiwang 一网",
                    created=issued_at)


def _rgb(color: Any) -> tuple[float, float, float]:
    """A ReportLab colour's red, green and blue."""
    return color.red, color.green, color.blue


def _render_flowing(case: Case, *, title: str, department: Department, issued_at: dt.datetime,
                    facts: list[tuple[str, str]], paragraphs: list[str], footer: list[tuple[str, str]],
                    seal_png: bytes | None) -> bytes:
    """The document laid out by ReportLab's platypus, over as many pages as it takes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    styles = _styles()
    plain, small, issuer = styles["plain"], styles["small"], styles["issuer"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=LEFT_MARGIN, rightMargin=RIGHT_MARGIN, topMargin=TOP_MARGIN,
                            bottomMargin=BOTTOM_MARGIN, title=f"{title} {case.number}", author=department.name,
                            subject=title, creator="Yiwang 一网")
    story: list[Any] = [
        _text(department.name, styles["dept"]),
        _text(title, styles["heading"]),
        _text(f"编号：{case.number}", styles["no"]),
        Spacer(1, 6 * MM),
    ]
    table = Table([[_text(k, plain), _text(v, plain)] for k, v in facts], colWidths=[FACTS_LABEL_WIDTH, None])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, styles["grid"]),
                               ("BACKGROUND", (0, 0), (0, -1), styles["label_background"]),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [table, Spacer(1, 6 * MM)]
    story += [_text(p, styles["body"]) for p in paragraphs]
    story += [Spacer(1, 10 * MM), _text(department.name, issuer), _text(_day(issued_at), issuer)]
    if seal_png:  # the department's seal picture over its name (the signature itself is the SES_Signature)
        picture = _picture(seal_png, width=SEAL_SIZE, height=SEAL_SIZE)
        picture.hAlign = "RIGHT"
        story += [Spacer(1, -24 * MM), picture]
    story.append(Spacer(1, 8 * MM))
    footer_table = Table([[_qr(code, size=QR_SIZE), _text(note, small)] for code, note in footer],
                         colWidths=[QR_COLUMN_WIDTH, None])
    footer_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(footer_table)
    doc.build(story)
    return buffer.getvalue()


# -- signing and issuing ---------------------------------------------------------------------------------


def signed_statement(*, number: str, kind: str, department_code: str, signed_at: dt.datetime, sm3: str) -> bytes:
    """What the signature covers: the file's SM3 bound to its case, kind, issuer and time, so that a
    genuine document cannot be passed off as another case's or another kind."""
    at = signed_at.astimezone(dt.UTC).isoformat()
    return "\n".join([STATEMENT_VERSION, number, kind, department_code, at, sm3]).encode("utf-8")


def issue_document(*, case: Case, kind: str, department: Department, now: dt.datetime,
                   correction: CorrectionNotice | None = None) -> CaseDocument:
    """Render, hash, sign and store one document of the case (inside the event's transaction).
    Issuing the same receipt or decision twice returns the first.

    One statement (issue #14): the department's seal is the one this process last read
    (``licenses.selectors.remembered_seal``), and the insert itself checks that it is still the
    current one and that the case has no such document yet (``core.statements.insert_if``). When
    either check fails, nothing is written: the file just stored is removed, and the first document
    is returned, or the seal is read again and the document made anew with it. The case is locked by
    the event's service, so a second document of a kind only comes from a caller issuing it twice
    (none of the lifecycle services does: each checks the case's state first); that rare call renders
    the PDF for nothing, which costs tens of milliseconds, where a read before every document cost a
    statement on every acceptance and decision."""
    seal = remembered_seal(department)
    for _attempt in range(3):
        document = _signed_document(case=case, kind=kind, department=department, now=now, correction=correction,
                                    seal=seal)
        present, absent = seal_unchanged(department, seal)
        if insert_if(document, present=present, absent=absent):
            break
        document.file.delete(save=False)  # never referenced: the row was not written
        existing = CaseDocument.objects.filter(case=case, kind=kind, correction=correction).first()
        if existing is not None:
            return existing
        seal = current_seal_or_none(department)  # rotated or withdrawn since this process read it
    else:  # the seal changed under each of three attempts: the event's transaction is undone, to be tried again
        # (no case number in it: a 秒批 submission rolled back has none)
        raise Conflict(CaseErrorCode.SEAL_CHANGING,
                       _("%(department)s的电子印章正在更换，文书未能出具，本次操作没有生效。请稍后重试。")
                       % {"department": department.name},
                       {"kind": kind, "department": department.code})
    # the digests go onto the audit stream, and from there onto the tamper-evident ledger: a stored
    # document can later be checked against a record that cannot be rewritten (in the event's
    # audit batch, when its service opened one: one INSERT with the event's own record)
    queue_audit(actor=None, at=now, event_type="case_document_issued", subject_type="case_document",
                 subject_id=document.pk, actor_department=department,
                 details={"number": case.number, "kind": kind, "sha256": document.sha256, "sm3": document.sm3,
                          "key_id": document.key_id, "algorithm": document.algorithm,
                          "signed_at": document.signed_at.isoformat()})
    return document


def _signed_document(*, case: Case, kind: str, department: Department, now: dt.datetime,
                     correction: CorrectionNotice | None, seal: DepartmentSeal | None) -> CaseDocument:
    """The document rendered and signed with ``seal`` (None: the platform's key), its file stored,
    its row not yet written."""
    with translation.override("zh-hans"):
        title = document_title(case, kind)
        pdf = render_pdf(case, kind, title=title, department=department, issued_at=now, correction=correction,
                         seal_png=bytes(seal.picture) if seal is not None else None)
    signed_at = now.astimezone(dt.UTC).replace(microsecond=0)
    digest = sm3(pdf)
    statement = signed_statement(number=case.number or "", kind=kind, department_code=department.code,
                                 signed_at=signed_at, sm3=digest.hex())
    if seal is not None:  # the department's electronic seal (电子签章)
        signature = seals.sign(seal_der=bytes(seal.seal), signer_cert=bytes(seal.certificate), key_pem=seal.private_key,
                               data=pdf, metadata=statement, at=signed_at,
                               property_info=f"case-document:{case.number}:{kind}", data_sm3=digest)
        algorithm, key_id = SES_ALGORITHM, seal.key_id
    else:  # a department without a seal yet: the platform's SM2 signing key, as before
        signer = get_signer()
        signature, algorithm, key_id = signer.sign(statement), signer.algorithm, signer.key_id
    document = CaseDocument(
        case=case, kind=kind, title=title, correction=correction, size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(), sm3=digest.hex(), signature=base64.b64encode(signature).decode("ascii"),
        algorithm=algorithm, key_id=key_id, signer_department=department, signed_at=signed_at,
    )
    suffix = f"-{correction.pk}" if correction is not None else ""
    document.file.save(f"{case.number}-{kind}{suffix}.pdf", ContentFile(pdf), save=False)
    return document


@dataclass(frozen=True)
class Verification:
    valid: bool
    problem: str = ""


def verify_document(document: CaseDocument) -> Verification:
    """Check the stored file against its SHA-256 and SM3, and the department's signature over the
    statement. Any changed byte, swapped field or untrusted key fails."""
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError) as exc:
        return Verification(False, f"file unreadable: {exc}")
    if hashlib.sha256(data).hexdigest() != document.sha256:
        return Verification(False, "SHA-256 does not match the file")
    sm3 = sm3_hex(data)
    if sm3 != document.sm3:
        return Verification(False, "SM3 does not match the file")
    statement = signed_statement(number=document.case.number or "", kind=document.kind,
                                 department_code=document.signer_department.code,
                                 signed_at=document.signed_at.astimezone(dt.UTC),
                                 sm3=sm3)
    try:
        signature = base64.b64decode(document.signature, validate=True)
    except ValueError:
        return Verification(False, "signature is not base64")
    if document.algorithm == SES_ALGORITHM:
        check = seals.verify_signature(signature, data, anchors=trust_anchors())
        if not check.ok:
            return Verification(False, f"electronic seal does not verify: {check.problem}")
        if check.key_id != document.key_id or not secrets.compare_digest(check.metadata, statement):
            return Verification(False, "the seal signed another document's statement")
        return Verification(True)
    if not verify_signature(key_id=document.key_id, data=statement, signature=signature):
        return Verification(False, "signature does not verify with a trusted key")
    return Verification(True)


# -- reading ---------------------------------------------------------------------------------------------


def document_for_viewer(user: Any, document_id: int) -> CaseDocument:
    """A document the user may download: whoever may view its case (the applicant, the window,
    staff of the departments handling it). Anyone else is told it does not exist (no probing)."""
    from yiwang.cases import selectors
    from yiwang.core.errors import NotFound

    # an id past the database's integer range is simply not found (PostgreSQL would raise)
    document = (CaseDocument.objects.select_related("case", "case__applicant", "signer_department")
                .filter(pk=document_id).first()) if 0 < document_id <= MAX_ID else None
    if document is None or not selectors.may_view(user, document.case):
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("文书不存在。"))
    return document


def case_documents(case: Case) -> list[CaseDocument]:
    return list(CaseDocument.objects.filter(case=case).order_by("signed_at", "id"))


def public_case(number: str, code: str) -> Case | None:
    """The case for the public progress page: both the number and its query code must match."""
    import hmac

    number, code = (number or "").strip()[:32], (code or "").strip().upper()[:16]
    if not number or not code:
        return None
    case = Case.objects.select_related("item", "department").filter(number=number).exclude(query_code="").first()
    if case is None or not hmac.compare_digest(case.query_code.encode(), code.encode()):
        return None
    return case
