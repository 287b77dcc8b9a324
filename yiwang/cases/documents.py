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
import hashlib
import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from yiwang.cases.models import Case, CaseDocument, CorrectionNotice, DocumentKind
from yiwang.cases.rating import RECEIPT, rating_link
from yiwang.core.calendar import local_date
from yiwang.core.ids import mask_id_number
from yiwang.core.models import Department
from yiwang.core.services import queue_audit
from yiwang.core.statements import insert_if
from yiwang.crypto.primitives import sm3_hex
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
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


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

from yiwang.core.pdf import FONT  # noqa: E402,F401 - kept importable from here
from yiwang.core.pdf import picture_flowable as _picture  # noqa: E402
from yiwang.core.pdf import qr_flowable as _qr  # noqa: E402
from yiwang.core.pdf import register_font as _register_font  # noqa: E402
from yiwang.core.pdf import text_flowable as _text  # noqa: E402


def render_pdf(case: Case, kind: str, *, title: str, department: Department, issued_at: dt.datetime,
               correction: CorrectionNotice | None = None, seal_png: bytes | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK", firstLineIndent=23)
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    small = ParagraphStyle("small", parent=plain, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555"))
    heading = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1, spaceAfter=4)
    issuer = ParagraphStyle("issuer", parent=plain, alignment=2)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=18 * mm, title=f"{title} {case.number}", author=department.name,
                            subject=title, creator="Yiwang 一网")
    story: list[Any] = [
        _text(department.name, ParagraphStyle("dept", parent=heading, fontSize=13, leading=18)),
        _text(title, heading),
        _text(f"编号：{case.number}", ParagraphStyle("no", parent=plain, alignment=1, fontSize=10)),
        Spacer(1, 6 * mm),
    ]
    rows = [[_text(k, plain), _text(v, plain)] for k, v in document_facts(case, kind)]
    facts = Table(rows, colWidths=[28 * mm, None])
    facts.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f4f7")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [facts, Spacer(1, 6 * mm)]
    story += [_text(p, body) for p in document_paragraphs(case, kind, correction=correction)]
    story += [Spacer(1, 10 * mm), _text(department.name, issuer),
              _text(_day(issued_at), issuer)]
    if seal_png:  # the department's seal picture over its name (the signature itself is the SES_Signature)
        picture = _picture(seal_png, width=34 * mm, height=34 * mm)
        picture.hAlign = "RIGHT"
        story += [Spacer(1, -24 * mm), picture]
    story.append(Spacer(1, 8 * mm))
    url = progress_url(case)
    qr = _qr(url, size=28 * mm)
    note = _text(f"扫码或访问 {url} 查询办理进度（仅显示办理状态，不显示个人信息）。"
                 + ("本文书由出具部门以电子印章（SM2 数字签名，GB/T 38540 结构）签章，可在办件页面下载并核验。"
                    if seal_png else "本文书由出具部门以 SM2 数字签名，可在办件页面下载并核验。"), small)
    footer_rows = [[qr, note]]
    link = rating_link(case, RECEIPT) if kind == DocumentKind.ACCEPTANCE_RECEIPT else None
    if link is not None:  # 好差评 (一次一评): where to rate this service, from the app that takes ratings
        footer_rows.append([_qr(link.url, size=28 * mm),
                            _text(f"好差评：扫码或访问 {link.url} 对本次服务评价（匿名；办结后可对办件评价）。", small)])
    footer = Table(footer_rows, colWidths=[32 * mm, None])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(footer)
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
    else:  # the seal changed under each of three attempts
        raise RuntimeError(f"the seal of {department.code} kept changing while {case.number} {kind} was issued")
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
    sm3 = sm3_hex(pdf)
    statement = signed_statement(number=case.number or "", kind=kind, department_code=department.code,
                                 signed_at=signed_at, sm3=sm3)
    if seal is not None:  # the department's electronic seal (电子签章)
        signature = seals.sign(seal_der=bytes(seal.seal), signer_cert=bytes(seal.certificate), key_pem=seal.private_key,
                               data=pdf, metadata=statement, at=signed_at,
                               property_info=f"case-document:{case.number}:{kind}")
        algorithm, key_id = SES_ALGORITHM, seal.key_id
    else:  # a department without a seal yet: the platform's SM2 signing key, as before
        signer = get_signer()
        signature, algorithm, key_id = signer.sign(statement), signer.algorithm, signer.key_id
    document = CaseDocument(
        case=case, kind=kind, title=title, correction=correction, size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(), sm3=sm3, signature=base64.b64encode(signature).decode("ascii"),
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
    from django.utils.translation import gettext as _

    from yiwang.cases import selectors
    from yiwang.cases.errors import CaseErrorCode
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
