"""The weekly progress report (周进度报告) as PDF (ReportLab, core's CJK font) and Excel (openpyxl),
and the 三单 as Excel, all rendered from plain values (a report's snapshot, a list's rows).

The archived report is a record: it is rendered in Chinese, the platform's working language,
whoever asked for it; the pages around it follow the reader's language."""

from __future__ import annotations

import io
from typing import Any

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext as _

from yiwang.core.downloads import file_download
from yiwang.core.pdf import escape, register_font
from yiwang.programme.models import WeeklyReport
from yiwang.programme.planning import DONE, GREEN, RED, YELLOW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIGHT_COLOURS = {RED: "C5221F", YELLOW: "C98A00", GREEN: "1E8E3E", DONE: "5F6368"}


def light_label(light: str) -> str:
    return {RED: _("红"), YELLOW: _("黄"), GREEN: _("绿"), DONE: _("已完成")}.get(light, light)


def milestone_label(status: str) -> str:
    return {"reached": _("已达成"), "overdue": _("已逾期"), "due": _("7 天内到期"), "upcoming": _("未到期")}.get(status, status)


def _kpi_value(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value}{unit or ''}"


def _sections(state: dict[str, Any]) -> dict[str, Any]:
    """The report's tables as rows of strings: one definition for the PDF and the workbook."""
    changes = state.get("changes", {})
    tasks = state["tasks"]
    counts = {light: sum(1 for t in tasks if t["light"] == light) for light in (RED, YELLOW, GREEN, DONE)}
    planned = sum(float(b["planned"]) for b in state["budget"])
    spent = sum(float(b["spent"]) for b in state["budget"])
    summary = [
        [_("统计日期"), state["as_of"]],
        [_("任务"), _("共 %(n)d 项：红 %(red)d，黄 %(yellow)d，绿 %(green)d，已完成 %(done)d") % {
            "n": len(tasks), "red": counts[RED], "yellow": counts[YELLOW], "green": counts[GREEN], "done": counts[DONE]}],
        [_("里程碑"), _("共 %(n)d 个，已达成 %(reached)d 个") % {
            "n": len(state["milestones"]), "reached": sum(1 for m in state["milestones"] if m["reached_on"])}],
        [_("预算执行"), _("预算 %(planned).2f 元，已支出 %(spent).2f 元") % {"planned": planned, "spent": spent}],
        [_("关键路径"), " → ".join(t["code"] for t in tasks if t["critical"]) or "—"],
    ]
    change_rows = [[_("进度变化"), f"{c['code']} {c['name']}", f"{c['from']}% → {c['to']}%"] for c in changes.get("progress", [])]
    change_rows += [[_("新增预警"), f"{c['code']} {c['name']}", f"{light_label(c['from'])} → {light_label(c['to'])}"]
                    for c in changes.get("new_warnings", [])]
    change_rows += [[_("里程碑达成"), f"{c['code']} {c['name']}", c["reached_on"]] for c in changes.get("milestones_reached", [])]
    change_rows += [[_("本周支出"), f"{c['code']} {c['name']}", c["delta"]] for c in changes.get("spend", [])]
    change_rows.append([_("支出合计变化"), "", changes.get("spend_total_delta", "0")])
    return {
        "summary": summary,
        "changes_header": [_("类别"), _("对象"), _("变化")],
        "changes": change_rows,
        "tasks_header": [_("编号"), _("任务"), _("责任部门"), _("计划完成"), _("进度"), _("应达"), _("预警"), _("关键路径")],
        "tasks": [[t["code"], t["name"], t["owner"], t["ends_on"], f"{t['progress']}%", f"{t['expected']}%",
                   light_label(t["light"]), "★" if t["critical"] else ""] for t in tasks],
        "milestones_header": [_("编号"), _("里程碑"), _("计划日期"), _("达成日期"), _("状态")],
        "milestones": [[m["code"], m["name"], m["due_on"], m["reached_on"] or "", milestone_label(m["status"])]
                       for m in state["milestones"]],
        "budget_header": [_("科目编码"), _("科目名称"), _("预算（元）"), _("已支出（元）"), _("预警")],
        "budget": [[b["code"], b["name"], b["planned"], b["spent"], light_label(b["light"])] for b in state["budget"]],
        "kpis_header": [_("指标"), _("当前值"), _("目标"), _("基线"), _("达标")],
        "kpis": [[k["name"], _kpi_value(k["value"], k["unit"]), _kpi_value(k["target"], k["unit"]),
                  _kpi_value(k["baseline"], k["unit"]), _("是") if k["met"] else (_("否") if k["met"] is False else "—")]
                 for k in state.get("kpis", [])],
    }


def title_of(state: dict[str, Any]) -> str:
    return _("%(name)s 周进度报告（%(week)s 起一周，第 %(version)d 版）") % {
        "name": state["programme"]["name"], "week": state["week_start"], "version": state["version"]}


def render_pdf(state: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_font()
    with translation.override("zh-hans"):
        parts = _sections(state)
        title = title_of(state)
        headings = [_("一、总体情况"), _("二、本周变化（与上期周报相比）"), _("三、里程碑"), _("四、任务进度"),
                    _("五、预算执行（成本动态监控）"),
                    _("六、试点指标（%(start)s 至 %(end)s 累计）") % dict(zip(("start", "end"), state.get("kpi_period", ["", ""]), strict=True))]
        no_kpis = _("（暂无指标数据）")
    plain = ParagraphStyle("plain", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=font, fontSize=12, leading=18, spaceBefore=6, spaceAfter=3)
    big = ParagraphStyle("title", fontName=font, fontSize=16, leading=24, alignment=1, spaceAfter=6)

    def table(header: list[str] | None, rows: list[list[Any]], widths: list[Any] | None = None) -> Table:
        data = ([header] if header else []) + rows
        t = Table([[Paragraph(escape(str(c)), plain) for c in row] for row in data], colWidths=widths, repeatRows=1 if header else 0)
        style = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")))
        t.setStyle(TableStyle(style))
        return t

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=title)
    story: list[Any] = [Paragraph(escape(title), big), Paragraph(escape(headings[0]), head),
                        table(None, parts["summary"], [40 * mm, None]),
                        Paragraph(escape(headings[1]), head), table(parts["changes_header"], parts["changes"], [40 * mm, None, 60 * mm]),
                        Paragraph(escape(headings[2]), head), table(parts["milestones_header"], parts["milestones"]),
                        Paragraph(escape(headings[3]), head),
                        table(parts["tasks_header"], parts["tasks"], [22 * mm, None, 45 * mm, 25 * mm, 15 * mm, 15 * mm, 15 * mm, 18 * mm]),
                        Paragraph(escape(headings[4]), head), table(parts["budget_header"], parts["budget"]),
                        Paragraph(escape(headings[5]), head)]
    story.append(table(parts["kpis_header"], parts["kpis"]) if parts["kpis"] else Paragraph(escape(no_kpis), plain))
    story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return buffer.getvalue()


def _sheet(book: Any, title: str, header: list[str] | None, rows: list[list[Any]], *, first: bool = False) -> Any:
    from openpyxl.styles import Font, PatternFill

    sheet = book.active if first else book.create_sheet()
    sheet.title = title[:31]
    if header:
        sheet.append([str(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1A4F8B")
        sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # a name typed as "=HYPERLINK(...)" stays text: openpyxl would otherwise write it as a formula
            if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
                cell.data_type = "s"
    for column in sheet.columns:
        width = max((len(str(c.value or "")) for c in column), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width * 1.8), 60)
    return sheet


def render_xlsx(state: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    with translation.override("zh-hans"):
        parts = _sections(state)
        _sheet(book, _("总体情况"), None, [[title_of(state)], *parts["summary"]], first=True)
        _sheet(book, _("本周变化"), parts["changes_header"], parts["changes"])
        _sheet(book, _("里程碑"), parts["milestones_header"], parts["milestones"])
        _sheet(book, _("任务进度"), parts["tasks_header"], parts["tasks"])
        _sheet(book, _("预算执行"), parts["budget_header"], parts["budget"])
        _sheet(book, _("试点指标"), parts["kpis_header"], parts["kpis"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def list_title(kind: str) -> str:
    return {"tasks": _("任务清单"), "responsibility": _("责任清单"), "deadlines": _("时限清单")}[kind]


def list_xlsx(kind: str, rows: list[Any]) -> bytes:
    """One of the 三单 as a workbook, in the reader's language (a working copy, not a record)."""
    from openpyxl import Workbook

    book = Workbook()
    header = [_("编号"), _("任务"), _("阶段"), _("责任部门"), _("计划开始"), _("计划完成"), _("进度"), _("预警"), _("交付成果")]
    if kind == "responsibility":
        header = [header[3], *header[:3], *header[4:]]
    data = []
    for r in rows:
        t = r.task
        row = [t.code, t.name, t.phase.name, t.owner.display_name, t.starts_on.isoformat(), t.ends_on.isoformat(),
               f"{t.progress}%", light_label(r.light), t.deliverable]
        data.append([row[3], *row[:3], *row[4:]] if kind == "responsibility" else row)
    _sheet(book, list_title(kind), header, data, first=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_download(report: WeeklyReport, fmt: str) -> FileResponse:
    """An archived report's file as a download (the API and the archive page both serve it here)."""
    body, content_type = (bytes(report.pdf), "application/pdf") if fmt == "pdf" else (bytes(report.xlsx), XLSX)
    return file_download(io.BytesIO(body), filename=f"weekly-{report.week_start.isoformat()}-v{report.version}.{fmt}",
                         content_type=content_type)
