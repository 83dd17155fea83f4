"""The .xlsx workbook: one sheet per published table, Chinese headers, formats, fitted widths."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from selfeval.publish.safety import set_text_cell
from selfeval.publish.sheets import NUMBER_FORMATS, Sheet, format_value

MIN_WIDTH = 6
MAX_WIDTH = 60  # evidence sentences wrap instead of making a screen-wide column


def display_width(text: str) -> int:
    """Columns a string takes in a spreadsheet: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_widths(sheet: Sheet) -> list[int]:
    widths = [display_width(c.header) for c in sheet.columns]
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            widths[c] = max(widths[c], display_width(format_value(value, sheet.kind(r, c))))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def write_workbook(sheets: tuple[Sheet, ...], path: Path, *, title: str, now: datetime) -> None:
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
    wb.save(path)
