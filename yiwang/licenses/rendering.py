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
import datetime as dt
import functools
import io
from typing import Any

from yiwang.core import pdfwriter
from yiwang.core.pdf import paragraph_lines, picture_flowable, qr_flowable, qr_path, register_font, text_flowable

MARKER = b"\n%YIWANG-SES-SIGNATURE "
TRAILER_END = b"\n%%EOF\n"
MAX_SIGNATURE_B64 = 200_000

MM = 72.0 / 2.54 * 0.1  # a millimetre in points, computed as reportlab.lib.units.mm is
LEFT_MARGIN = RIGHT_MARGIN = 22 * MM
TOP_MARGIN, BOTTOM_MARGIN = 18 * MM, 16 * MM
LABEL_WIDTH, SEAL_COLUMN_WIDTH, SEAL_SIZE, QR_COLUMN_WIDTH, QR_SIZE = 34 * MM, 44 * MM, 40 * MM, 38 * MM, 34 * MM
FRAME_PADDING = 6  # ReportLab's Frame, on each side
CELL_PADDING_X, CELL_PADDING_Y = 6, 3  # ReportLab's Table cells: left and right, top and bottom
SHRINK_FRACTION = 0.02  # ReportLab's ``rl_config.defCWRF``: how far a table shrinks its given columns to fit


@functools.lru_cache(maxsize=1)
def _styles() -> dict[str, Any]:
    """The licence's paragraph styles and colours, made once per process (they hold no licence's data)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    font = register_font()
    plain = ParagraphStyle("plain", fontName=font, fontSize=11.5, leading=18, wordWrap="CJK")
    return {
        "plain": plain,
        "small": ParagraphStyle("small", parent=plain, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555")),
        "heading": ParagraphStyle("title", fontName=font, fontSize=24, leading=32, alignment=1, spaceAfter=4,
                                  textColor=colors.HexColor("#8b0000")),
        "right": ParagraphStyle("right", parent=plain, alignment=2),
        "no": ParagraphStyle("no", parent=plain, alignment=1, fontSize=10),
        "grid": colors.HexColor("#999999"), "label_background": colors.HexColor("#fbf3e6"),
    }


def render(*, title: str, issuer: str, number: str, rows: list[tuple[str, str]], body_lines: list[str],
           issue_date: str, seal_png: bytes, qr_text: str, footnote: str, created: dt.datetime | None = None) -> bytes:
    """The licence as a PDF: its title and number, the table of its rows, the face's lines, the issuer
    and date beside the seal's picture, and the QR code with the footnote.

    A licence that fits on one page (every licence type so far) is drawn by ``_render_page``: the
    positions ReportLab's platypus gives each line, rule and picture (``_render_flowing``'s story in
    ``SimpleDocTemplate``'s frame), computed directly and written straight to PDF bytes by
    ``core.pdfwriter``, as the case documents are (issue #14: platypus's layout and ReportLab's canvas
    were most of a licence's render). A licence too long for one page, or one whose table ReportLab
    would narrow in its own way (``_free_column``), is laid out by platypus, which breaks it across
    pages. ``licenses/tests/test_rendering.py`` checks that both draw the same page (text and pixels,
    PDFium). ``created``: the file's creation date (now if not given)."""
    contents: dict[str, Any] = {"title": title, "issuer": issuer, "number": number, "rows": rows,
                                "body_lines": [line for line in body_lines if line.strip()], "issue_date": issue_date,
                                "seal_png": seal_png, "qr_text": qr_text, "footnote": footnote}
    pdf = _render_page(**contents, created=created or dt.datetime.now(dt.UTC))
    return pdf if pdf is not None else _render_flowing(**contents)


def _lines(text: str, style: Any, width: float) -> tuple[tuple[float, str], ...]:
    """``core.pdf.paragraph_lines`` for a licence's own text (its number, the holder's values, the face's
    lines): broken anew each time, never kept — a worker keeps no holder's data after the licence."""
    return tuple(paragraph_lines(text, style, width))


@functools.lru_cache(maxsize=256)
def _fixed_lines(text: str, style: Any, width: float) -> tuple[tuple[float, str], ...]:
    """``_lines`` remembered per process, for what every licence of a type and department repeats (the
    title, the rows' labels, the issuer, the footnote)."""
    return _lines(text, style, width)


def _min_width(text: str, style: Any) -> float:
    """What ReportLab's ``Table`` takes for the narrowest a cell of this text can be (``Paragraph.minWidth``:
    its widest word between spaces)."""
    return float(text_flowable(text, style).minWidth())


@functools.lru_cache(maxsize=16)
def _fixed_min_width(text: str, style: Any) -> float:
    return _min_width(text, style)


class _NotDirect(Exception):
    """The licence is not drawn directly: platypus lays it out (``_render_flowing``)."""


def _free_column(available: float, given: float, broken: list[tuple[str, Any, int]], *, fixed: bool = False,
                 padding: float = 2 * CELL_PADDING_X) -> float:
    """The width ReportLab's ``Table`` gives its one column of no given width beside ``given`` points of
    given columns (``Table._calcPreliminaryWidths``): the rest of ``available``. Except where a cell's
    minimum width (``_min_width`` and ``padding``) is wider than that rest by at most ``SHRINK_FRACTION``
    of ``given``: then ReportLab narrows the given columns instead (``_NotDirect``). ``broken``: each
    cell's text, style and number of lines at the rest's width; a cell of one line is no wider than
    the rest, and only a cell of several is measured."""
    rest = available - given
    for text, style, count in broken:
        if count > 1:
            minimum = (_fixed_min_width if fixed else _min_width)(text, style) + padding
            if rest < minimum <= rest + given * SHRINK_FRACTION:
                raise _NotDirect
    return rest


def _render_page(*, title: str, issuer: str, number: str, rows: list[tuple[str, str]], body_lines: list[str],
                 issue_date: str, seal_png: bytes, qr_text: str, footnote: str, created: dt.datetime) -> bytes | None:
    """The one-page licence drawn at the positions platypus gives it, or None if platypus would lay it
    out otherwise (more than one page; a table narrowed: ``_free_column``)."""
    from reportlab.lib.pagesizes import A4

    styles = _styles()
    plain, small, right = styles["plain"], styles["small"], styles["right"]
    page_width, page_height = A4
    x0 = LEFT_MARGIN + FRAME_PADDING
    width = page_width - LEFT_MARGIN - RIGHT_MARGIN - 2 * FRAME_PADDING
    frame = pdfwriter.Frame(top=page_height - TOP_MARGIN - FRAME_PADDING, bottom=BOTTOM_MARGIN + FRAME_PADDING)
    texts: list[tuple[Any, float, float, str]] = []  # style, x, baseline, line

    def lines(style: Any, left: float, low: float, height: float, broken: tuple[tuple[float, str], ...]) -> None:
        pdfwriter.place_lines(texts, style, left, low, height, broken)

    def paragraph(text: str, style: Any, *, fixed: bool = False) -> None:
        broken = (_fixed_lines if fixed else _lines)(text, style, width)
        height = len(broken) * style.leading
        lines(style, x0, frame.place(height, style.spaceBefore, style.spaceAfter), height, broken)

    def cell_middle(row_low: float, row_height: float, height: float) -> float:
        # Table._drawCell, VALIGN MIDDLE
        return row_low + (row_height + CELL_PADDING_Y - CELL_PADDING_Y + height) / 2.0 - height

    try:
        paragraph(title, styles["heading"], fixed=True)
        paragraph(f"编号：{number}", styles["no"])
        frame.place(6 * MM)
        # the rows: a label of LABEL_WIDTH and its value in the rest, each cell's lines in its middle
        rest = width - LABEL_WIDTH - 2 * CELL_PADDING_X
        cells = [(_fixed_lines(label, plain, LABEL_WIDTH - 2 * CELL_PADDING_X), _lines(value, plain, rest))
                 for label, value in rows]
        columns = [LABEL_WIDTH, _free_column(width, LABEL_WIDTH, [(value, plain, len(broken)) for (_label, value), (
            _labels, broken) in zip(rows, cells, strict=True)])]
        heights = [max(len(label), len(value)) * plain.leading + 2 * CELL_PADDING_Y for label, value in cells]
        top = frame.place(sum(heights)) + sum(heights)
        tops = [top - sum(heights[:i]) for i in range(len(heights) + 1)]
        table = ([x0, x0 + columns[0], x0 + width], tops)
        for row, row_height, row_top in zip(cells, heights, tops, strict=False):
            row_low = row_top - row_height
            left = x0
            for broken, column in zip(row, columns, strict=True):
                height = len(broken) * plain.leading
                lines(plain, left + CELL_PADDING_X, cell_middle(row_low, row_height, height), height, broken)
                left += column
        frame.place(5 * MM)
        for line in body_lines:
            paragraph(line, plain)
        frame.place(8 * MM)
        # the closing: a table of the issuer and the date (right-aligned) beside the seal's picture
        inner = width - SEAL_COLUMN_WIDTH - 2 * CELL_PADDING_X  # the inner table's one column
        signed = [_fixed_lines(issuer, right, inner - 2 * CELL_PADDING_X), _lines(issue_date, right, inner - 2 * CELL_PADDING_X)]
        _free_column(width, SEAL_COLUMN_WIDTH, [(issuer, right, len(signed[0])), (issue_date, right, len(signed[1]))],
                     padding=4 * CELL_PADDING_X)
        inner_heights = [len(broken) * right.leading + 2 * CELL_PADDING_Y for broken in signed]
        row_height = max(sum(inner_heights), SEAL_SIZE) + 2 * CELL_PADDING_Y
        row_low = frame.place(row_height)
        inner_top = cell_middle(row_low, row_height, sum(inner_heights)) + sum(inner_heights)
        for broken, inner_height in zip(signed, inner_heights, strict=True):
            inner_top -= inner_height  # the cell's bottom; VALIGN BOTTOM, the default
            lines(right, x0 + 2 * CELL_PADDING_X, inner_top + CELL_PADDING_Y, len(broken) * right.leading, broken)
        seal_at = (x0 + width - SEAL_COLUMN_WIDTH + CELL_PADDING_X, cell_middle(row_low, row_height, SEAL_SIZE))
        frame.place(6 * MM)
        # the footer: the QR code beside the footnote
        note_width = width - QR_COLUMN_WIDTH - 2 * CELL_PADDING_X
        note = _fixed_lines(footnote, small, note_width)
        _free_column(width, QR_COLUMN_WIDTH, [(footnote, small, len(note))], fixed=True)
        row_height = max(QR_SIZE, len(note) * small.leading) + 2 * CELL_PADDING_Y
        row_low = frame.place(row_height)
        qr_at = (x0 + CELL_PADDING_X, cell_middle(row_low, row_height, QR_SIZE))
        height = len(note) * small.leading
        lines(small, x0 + QR_COLUMN_WIDTH + CELL_PADDING_X, cell_middle(row_low, row_height, height), height, note)
    except (pdfwriter.PageFull, _NotDirect):
        return None

    page = pdfwriter.Page(page_width, page_height)
    xs, tops = table
    page.fill_rect(xs[0], tops[0], xs[1] - xs[0], tops[-1] - tops[0], color=_rgb(styles["label_background"]))
    for style, x, baseline, line in texts:
        page.text(x, baseline, line, size=style.fontSize, color=_rgb(style.textColor))
    # Table's GRID: the box, then the inner lines
    segments = [(xs[0], row_y, xs[-1], row_y) for row_y in (tops[0], tops[-1])]
    segments += [(col_x, tops[-1], col_x, tops[0]) for col_x in (xs[0], xs[-1])]
    segments += [(xs[0], row_y, xs[-1], row_y) for row_y in tops[1:-1]]
    segments += [(col_x, tops[-1], col_x, tops[0]) for col_x in xs[1:-1]]
    page.lines(segments, color=_rgb(styles["grid"]), width=0.5)
    page.picture(seal_png, *seal_at, SEAL_SIZE, SEAL_SIZE)
    unit, path = qr_path(qr_text, size=QR_SIZE, error="m")
    page.path(*qr_at, unit, path)
    return page.pdf(title=f"{title} {number}", author=issuer, subject=title, creator="Yiwang 一网", created=created)


def _rgb(color: Any) -> tuple[float, float, float]:
    """A ReportLab colour's red, green and blue."""
    return color.red, color.green, color.blue


def _render_flowing(*, title: str, issuer: str, number: str, rows: list[tuple[str, str]], body_lines: list[str],
                    issue_date: str, seal_png: bytes, qr_text: str, footnote: str) -> bytes:
    """The licence laid out by ReportLab's platypus, over as many pages as it takes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    styles = _styles()
    plain, small, right = styles["plain"], styles["small"], styles["right"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=LEFT_MARGIN, rightMargin=RIGHT_MARGIN, topMargin=TOP_MARGIN,
                            bottomMargin=BOTTOM_MARGIN, title=f"{title} {number}", author=issuer, subject=title,
                            creator="Yiwang 一网")
    story: list[Any] = [
        text_flowable(title, styles["heading"]),
        text_flowable(f"编号：{number}", styles["no"]),
        Spacer(1, 6 * MM),
    ]
    table = Table([[text_flowable(k, plain), text_flowable(v, plain)] for k, v in rows], colWidths=[LABEL_WIDTH, None])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, styles["grid"]),
                               ("BACKGROUND", (0, 0), (0, -1), styles["label_background"]),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [table, Spacer(1, 5 * MM)]
    story += [text_flowable(line, plain) for line in body_lines]
    seal = picture_flowable(seal_png, width=SEAL_SIZE, height=SEAL_SIZE)  # decoded once per process and seal
    signature_block = Table([[text_flowable(issuer, right)], [text_flowable(issue_date, right)]])
    closing = Table([[signature_block, seal]], colWidths=[None, SEAL_COLUMN_WIDTH])
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    qr = qr_flowable(qr_text, error="m", size=QR_SIZE)  # vectors: no PNG written and decoded again
    footer = Table([[qr, text_flowable(footnote, small)]], colWidths=[QR_COLUMN_WIDTH, None])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [Spacer(1, 8 * MM), closing, Spacer(1, 6 * MM), footer]
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
