"""The credit report (信用报告): issued for a subject, signed with SM2 like a case document, with a
verification link.

What is signed (``statement``): ``yiwang-credit-report/1``, the report number, the subject's public
code, the issue time (UTC ISO 8601) and the SM3 of the report body as canonical JSON — one per line,
UTF-8. The PDF carries the same number, body and link; its own SM3 is signed too (``pdf_statement``),
so the file a person holds can be checked as it is."""

from __future__ import annotations

import base64
import datetime as dt
import io
from html import escape as _html_escape
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yiwang.core import calendar
from yiwang.core.pdf import register_font
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.credit.models import CreditReport, CreditSubject
from yiwang.credit.selectors import SubjectView, report_body, subject_view
from yiwang.crypto.primitives import sm3_hex
from yiwang.crypto.signing import get_signer, verify_signature
from yiwang.ledger.models import canonical_json

VERSION = "yiwang-credit-report/1"


def statement(*, number: str, code: str, issued_at: dt.datetime, sm3: str, kind: str = "json") -> bytes:
    at = issued_at.astimezone(dt.UTC).isoformat()
    return "\n".join([VERSION, kind, number, code, at, sm3]).encode("utf-8")


def verify_url(number: str) -> str:
    return f"{settings.YIWANG_PUBLIC_BASE_URL}{reverse('api-v1:credit_verify_report', args=[number])}"


def issue_report(*, actor: User | None, subject: CreditSubject,
                 now: dt.datetime | None = None) -> tuple[CreditReport, SubjectView]:
    """Sign and keep one report of the subject's credit as of now (audited)."""
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    view = subject_view(subject, now)
    body = report_body(view, show_id_number=False)  # the kept, verifiable body never holds an ID number
    with transaction.atomic():
        report = CreditReport.objects.create(subject=subject, number="", body=body, sm3="", signature="", key_id="",
                                             issued_at=now, issued_to=actor if actor is not None and actor.is_authenticated else None)
        report.number = f"XYBG{calendar.local_date(now):%Y%m%d}{report.pk:08d}"
        body["number"] = report.number
        body["issued_at"] = now.isoformat()
        body["verify_url"] = verify_url(report.number)
        report.body = body
        report.sm3 = sm3_hex(canonical_json(body).encode("utf-8"))
        signer = get_signer()
        report.signature = base64.b64encode(signer.sign(statement(number=report.number, code=subject.public_code,
                                                                  issued_at=now, sm3=report.sm3))).decode("ascii")
        report.key_id = signer.key_id
        report.save()
        record_audit(actor=actor, at=now, event_type="credit_report_issued", subject_type="credit_report",
                     subject_id=report.number, details={"subject": subject.public_code, "sm3": report.sm3,
                                                        "key_id": report.key_id})
    return report, view


def verify_report(report: CreditReport) -> bool:
    """The stored body still hashes to the signed SM3 and the signature verifies with a trusted key."""
    if sm3_hex(canonical_json(report.body).encode("utf-8")) != report.sm3:
        return False
    try:
        signature = base64.b64decode(report.signature)
    except ValueError:
        return False
    return verify_signature(key_id=report.key_id, signature=signature,
                            data=statement(number=report.number, code=report.subject.public_code,
                                           issued_at=report.issued_at, sm3=report.sm3))


def render_pdf(report: CreditReport) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    def esc(text: Any) -> str:
        return _html_escape("" if text is None else str(text), quote=False)

    font = register_font()  # the documents' font, registered once for every PDF (core.pdf)
    plain = ParagraphStyle("plain", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    small = ParagraphStyle("small", parent=plain, fontSize=8, leading=11, textColor=colors.HexColor("#555555"))
    heading = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1, spaceAfter=4)
    body = report.body
    subject = body["subject"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=16 * mm, title=f"信用报告 {report.number}", creator="Yiwang 一网")
    story: list[Any] = [Paragraph("信用报告", heading),
                        Paragraph(esc(f"编号：{report.number}　出具时间：{body['issued_at']}"), plain), Spacer(1, 4 * mm)]
    facts = [["主体名称", subject["name"]], ["统一代码", subject["code"]],
             ["信用等级", f"{body['level'] or '未建档'}（规则 {body['level_rules_version']}）"],
             ["等级依据", "；".join(body["level_reasons"])]]
    table = Table([[Paragraph(esc(k), plain), Paragraph(esc(v), plain)] for k, v in facts], colWidths=[28 * mm, None])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999"))]))
    story += [table, Spacer(1, 4 * mm), Paragraph("红黑名单", plain)]
    for entry in body["lists"] or [{"kind_label": "无", "reason": "", "starts_on": "", "ends_on": ""}]:
        story.append(Paragraph(esc(f"· {entry['kind_label']} {entry['reason']} {entry['starts_on']}–{entry['ends_on'] or ''}"), plain))
    story += [Spacer(1, 3 * mm), Paragraph("信用记录", plain)]
    for record in body["records"] or [{"kind_label": "无", "title": "", "source_department": "", "decided_on": "",
                                       "status": ""}]:
        story.append(Paragraph(esc(f"· {record['kind_label']}：{record['title']}（{record['source_department']}，"
                                   f"{record['decided_on']}，{record['status']}）"), plain))
    story += [Spacer(1, 6 * mm),
              Paragraph(esc(f"本报告由 SM2 数字签名（密钥 {report.key_id}），报告内容 SM3：{report.sm3}。"
                            f"核验：{body['verify_url']}"), small)]
    doc.build(story)
    return buffer.getvalue()


def signed_pdf(report: CreditReport) -> tuple[bytes, str, str]:
    """The report as a PDF with the SM2 signature over its SM3 (base64 DER) and that SM3."""
    pdf = render_pdf(report)
    digest = sm3_hex(pdf)
    signer = get_signer()
    signature = signer.sign(statement(number=report.number, code=report.subject.public_code,
                                      issued_at=report.issued_at, sm3=digest, kind="pdf"))
    return pdf, digest, base64.b64encode(signature).decode("ascii")
