"""The licence as a PDF people read and print: Chinese text (the CJK font embedded), the issuing
department's seal picture, and the QR code; then sealed.

Sealing: the PDF as rendered (bytes ``B``) is signed (``SES_Signature``, ``dataHash = SM3(B)``) and
the signature is appended after ``B`` as a PDF comment line, followed by a fresh ``%%EOF``:

    B  \\n%YIWANG-SES-SIGNATURE <base64 of the DER SES_Signature>\\n%%EOF\\n

PDF readers ignore comments after the last ``%%EOF`` section, so the file still opens everywhere;
a verifier takes everything before the marker as the signed bytes. Any byte changed in ``B`` breaks
``dataHash``; a changed signature line breaks the signature. (Why not a PDF ``/Sig`` dictionary:
see docs/licences.md.)
"""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from yiwang.core.pdf import picture_flowable, qr_flowable, register_font, text_flowable

MARKER = b"\n%YIWANG-SES-SIGNATURE "
TRAILER_END = b"\n%%EOF\n"
MAX_SIGNATURE_B64 = 200_000


def render(*, title: str, issuer: str, number: str, rows: list[tuple[str, str]], body_lines: list[str],
           issue_date: str, seal_png: bytes, qr_text: str, footnote: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_font()
    plain = ParagraphStyle("plain", fontName=font, fontSize=11.5, leading=18, wordWrap="CJK")
    small = ParagraphStyle("small", parent=plain, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555"))
    heading = ParagraphStyle("title", fontName=font, fontSize=24, leading=32, alignment=1, spaceAfter=4,
                             textColor=colors.HexColor("#8b0000"))
    right = ParagraphStyle("right", parent=plain, alignment=2)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=18 * mm,
                            bottomMargin=16 * mm, title=f"{title} {number}", author=issuer, subject=title,
                            creator="Yiwang 一网")
    story: list[Any] = [
        text_flowable(title, heading),
        text_flowable(f"编号：{number}", ParagraphStyle("no", parent=plain, alignment=1, fontSize=10)),
        Spacer(1, 6 * mm),
    ]
    table = Table([[text_flowable(k, plain), text_flowable(v, plain)] for k, v in rows], colWidths=[34 * mm, None])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#fbf3e6")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [table, Spacer(1, 5 * mm)]
    story += [text_flowable(line, plain) for line in body_lines if line.strip()]
    seal = picture_flowable(seal_png, width=40 * mm, height=40 * mm)  # decoded once per process and seal
    signature_block = Table([[text_flowable(issuer, right)], [text_flowable(issue_date, right)]])
    closing = Table([[signature_block, seal]], colWidths=[None, 44 * mm])
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    qr = qr_flowable(qr_text, error="m", size=34 * mm)  # vectors: no PNG written and decoded again
    footer = Table([[qr, text_flowable(footnote, small)]], colWidths=[38 * mm, None])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [Spacer(1, 8 * mm), closing, Spacer(1, 6 * mm), footer]
    doc.build(story)
    return buffer.getvalue()


def seal_file(pdf: bytes, signature_der: bytes) -> bytes:
    return pdf + MARKER + base64.b64encode(signature_der) + TRAILER_END


class NotSealed(ValueError):
    pass


def split_sealed(data: bytes) -> tuple[bytes, bytes]:
    """``(signed bytes, SES_Signature DER)`` of a sealed file; ``NotSealed`` if it is not one."""
    at = data.rfind(MARKER)
    if at < 0 or not data.endswith(TRAILER_END):
        raise NotSealed("no Yiwang seal signature at the end of the file")
    encoded = data[at + len(MARKER): len(data) - len(TRAILER_END)]
    if len(encoded) > MAX_SIGNATURE_B64:
        raise NotSealed("seal signature too long")
    try:
        return data[:at], base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NotSealed("seal signature is not base64") from exc
