"""Workbooks a supervisor downloads (the red list), built with openpyxl."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from yiwang.cases.selectors import RedListRow


def red_list_workbook(rows: list[RedListRow]) -> bytes:
    """One sheet, one row per overdue case, most overdue first, headers in the reader's language."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("超期办件"))
    headers = [_("办件编号"), _("事项"), _("责任部门"), _("当前环节"), _("承诺办结时限"), _("超期（工作日）"), _("申请人")]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C5221F")
    for r in rows:
        sheet.append([r.number, r.item, r.department, r.step, r.deadline, r.days_overdue, r.applicant])
        sheet.cell(row=sheet.max_row, column=5).number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEFG", (22, 36, 24, 20, 14, 14, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def red_list_response(rows: list[RedListRow]) -> HttpResponse:
    response = HttpResponse(red_list_workbook(rows), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="red-list-{stamp}.xlsx"'
    return response
