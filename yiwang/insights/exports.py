"""The KPI workbook (openpyxl) and the weekly KPI report (ReportLab, the platform's CJK font from
``yiwang.core.pdf``); both built from ``selectors.kpi_summary``, headers in the reader's language."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from yiwang.insights.selectors import Kpi

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _met_label(k: Kpi) -> str:
    return "—" if k.met is None else str(_("达标")) if k.met else str(_("未达标"))


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def kpi_workbook(*, kpis: list[Kpi], start: dt.date, end: dt.date, scope_label: str,
                 by_department: list[tuple[str, list[Kpi]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("试点指标"))
    sheet.append([str(_("统计区间")), f"{start:%Y-%m-%d} — {end:%Y-%m-%d}", str(_("范围")), scope_label])
    headers = [_("指标"), _("代码"), _("数值"), _("单位"), _("目标"), _("基线"), _("是否达标"), _("分子"), _("分母"),
               _("口径（计算公式）"), _("数据来源")]
    sheet.append([str(h) for h in headers])
    for cell in sheet[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1A5FB4")
    for k in kpis:
        sheet.append([k.name, k.code, k.value, k.unit, k.target, k.baseline, _met_label(k), k.numerator,
                      k.denominator, k.definition, k.sources])
    for column, width in zip("ABCDEFGHIJK", (24, 20, 10, 8, 10, 10, 10, 14, 12, 60, 50), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    if by_department:
        per = book.create_sheet(str(_("分部门")))
        per.append([str(_("部门")), *[k.name for k in kpis]])
        for cell in per[1]:
            cell.font = Font(bold=True)
        for name, values in by_department:
            per.append([name, *[k.value for k in values]])
        per.column_dimensions["A"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def weekly_report_pdf(*, kpis: list[Kpi], previous: list[Kpi], start: dt.date, end: dt.date, scope_label: str,
                      generated: dt.datetime) -> bytes:
    """周 KPI 报告: each KPI this week beside last week, its target and baseline, and whether it is met."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from yiwang.core.pdf import escape, register_font

    font = register_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, wordWrap="CJK")
    plain = ParagraphStyle("plain", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", fontName=font, fontSize=7.5, leading=10, wordWrap="CJK")
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=str(_("试点指标周报")))
    before = {k.code: k for k in previous}
    rows = [[Paragraph(escape(str(h)), plain) for h in
             (_("指标"), _("本周"), _("上周"), _("目标"), _("基线"), _("是否达标"), _("口径（计算公式）"))]]
    for k in kpis:
        unit = "" if k.unit == "%" else f" {k.unit}"
        prev = before.get(k.code)
        rows.append([Paragraph(escape(k.name), plain), f"{_num(k.value)}{'%' if k.unit == '%' else unit}",
                     f"{_num(prev.value if prev else None)}", _num(k.target), _num(k.baseline), _met_label(k),
                     Paragraph(escape(k.definition), small)])
    table = Table(rows, colWidths=[38 * mm, 22 * mm, 18 * mm, 16 * mm, 16 * mm, 18 * mm, 140 * mm], repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), font, 9), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for i, k in enumerate(kpis, start=1):
        if k.met is False:
            style.append(("TEXTCOLOR", (5, i), (5, i), colors.HexColor("#B3261E")))
    table.setStyle(TableStyle(style))
    story = [Paragraph(escape(str(_("试点指标周报"))), title),
             Paragraph(escape(f"{_('统计区间')}：{start:%Y-%m-%d} — {end:%Y-%m-%d}　{_('范围')}：{scope_label}　"
                              f"{_('生成时间')}：{generated:%Y-%m-%d %H:%M}"), plain),
             Spacer(1, 4 * mm), table]
    doc.build(story)
    return out.getvalue()
