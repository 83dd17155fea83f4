"""The .xlsx workbook: one sheet per published table, Chinese headers, formats, fitted widths.

Every sheet prints on landscape A4, scaled to the page width (as many pages down as it needs),
with its header row repeated on each page; the print header names the publication, its status
(暂定 / 正式) and its time, the footer the page number.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from selfeval.dates import human_time
from selfeval.publish.safety import clean_text, set_text_cell
from selfeval.publish.sheets import NUMBER_FORMATS, OVER_100_LEGEND, Sheet, Status, format_value

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MIN_WIDTH = 6
MAX_WIDTH = 40  # evidence sentences wrap instead of making a page-wide column
OVER_100_FILL = "FFF1DC"
OVER_100_COLOR = "8A4500"


def display_width(text: str) -> int:
    """Columns a string takes in a spreadsheet: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_widths(sheet: Sheet) -> list[int]:
    widths = [display_width(c.header) for c in sheet.columns]
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            widths[c] = max(widths[c], display_width(format_value(value, sheet.kind(r, c))))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def _page_setup(ws: Worksheet, sheet: Sheet, *, title: str, now: datetime, status: Status) -> None:
    """Landscape A4, one page wide, header row on every page, title/status/time/page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    # Header and footer text is Excel markup: '&' starts a code, so a literal one is doubled.
    ws.oddHeader.left.text = f"{title}（{status.label}）：{sheet.name}".replace("&", "&&")
    ws.oddHeader.right.text = f"发布时间：{human_time(now)}"
    ws.oddFooter.left.text = clean_text(status.text())
    if sheet.has_over_100():
        ws.oddFooter.center.text = OVER_100_LEGEND
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"


def write_workbook(
    sheets: tuple[Sheet, ...], path: Path, *, title: str, now: datetime, status: Status
) -> None:
    """Write `sheets` to `path` as one workbook; every text cell goes through `set_text_cell`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = "selfeval"
    # Excel stores naive timestamps; keep the wall-clock time the publication was made.
    stamp = now.replace(tzinfo=None)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    over_fill = PatternFill("solid", fgColor=OVER_100_FILL)
    over_font = Font(bold=True, color=OVER_100_COLOR)

    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for c, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=c)
            set_text_cell(cell, column.header)
            cell.font = header_font
            cell.fill = header_fill
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                cell = ws.cell(row=r + 2, column=c + 1)
                kind = sheet.kind(r, c)
                if value is None:
                    continue
                if (
                    kind == "text"
                    or not isinstance(value, int | Decimal)
                    or isinstance(value, bool)
                ):
                    set_text_cell(cell, format_value(value, "text"))
                else:
                    cell.value = value
                    cell.number_format = NUMBER_FORMATS[kind]
                    if sheet.over_100(r, c):
                        cell.fill = over_fill
                        cell.font = over_font
        widths = column_widths(sheet)
        for c, width in enumerate(widths, start=1):
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = width
            if width == MAX_WIDTH:
                for (cell,) in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                    cell.alignment = wrap
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
        _page_setup(ws, sheet, title=title, now=now, status=status)
    wb.save(path)
