"""Spreadsheets: every sheet's used range as one Grid, cells printed as the sheet shows them.

.xlsx/.xlsm with openpyxl (`data_only=True`: a formula gives its cached value; macros are never
loaded), .xls/.et (BIFF) with xlrd. A percentage is stored as a fraction and printed by its
number format (0.9703 with '0.00%' → "97.03%"); a merged range's text stands in its top-left
cell and the cells it covers are empty.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from selfeval import settings
from selfeval.document import Document, DocumentFormat, Grid, Place
from selfeval.errors import UnreadableReport

_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def read_xlsx(data: bytes, *, path: str) -> Document:
    import openpyxl

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception as exc:
        raise UnreadableReport(path, f"is an Excel file that cannot be read ({exc})") from exc
    grids: list[Grid] = []
    for sheet in book.worksheets:
        _bounded(path, sheet.title, sheet.max_row, sheet.max_column)
        rows = [
            [cell_text(c.value, c.number_format) for c in row]
            for row in sheet.iter_rows(
                min_row=1, max_row=sheet.max_row, min_col=1, max_col=sheet.max_column
            )
        ]
        grid = _grid(rows, sheet.title)
        if grid is not None:
            grids.append(grid)
    return Document(blocks=tuple(grids), format="xlsx")


def read_xls(data: bytes, *, path: str, format: DocumentFormat = "xls") -> Document:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise UnreadableReport(
                path, "is a password-protected (encrypted) Excel file: send it without a password"
            ) from exc
        raise UnreadableReport(
            path, f"is an Excel (.xls) file that cannot be read ({exc})"
        ) from exc
    except Exception as exc:
        raise UnreadableReport(
            path, f"is an Excel (.xls) file that cannot be read ({exc})"
        ) from exc
    grids: list[Grid] = []
    for sheet in book.sheets():
        _bounded(path, sheet.name, sheet.nrows, sheet.ncols)
        covered = {
            (r, c)
            for rlo, rhi, clo, chi in sheet.merged_cells
            for r in range(rlo, rhi)
            for c in range(clo, chi)
            if (r, c) != (rlo, clo)
        }
        rows: list[list[str]] = []
        for r in range(sheet.nrows):
            row: list[str] = []
            for c in range(sheet.ncols):
                if (r, c) in covered:
                    row.append("")
                    continue
                cell = sheet.cell(r, c)
                value: Any = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
                fmt = book.format_map[xf.format_key].format_str if xf is not None else "General"
                row.append(cell_text(value, fmt))
            rows.append(row)
        grid = _grid(rows, sheet.name)
        if grid is not None:
            grids.append(grid)
    return Document(blocks=tuple(grids), format=format)


def _bounded(path: str, sheet: str, rows: int, columns: int) -> None:
    if (
        rows > settings.SHEET_MAX_ROWS
        or columns > settings.SHEET_MAX_COLUMNS
        or rows * columns > settings.SHEET_MAX_CELLS
    ):
        raise UnreadableReport(
            path,
            f"has a sheet “{sheet}” of {rows} rows × {columns} columns (limits "
            f"{settings.SHEET_MAX_ROWS} × {settings.SHEET_MAX_COLUMNS}, "
            f"{settings.SHEET_MAX_CELLS} cells): not a report",
        )


def _grid(rows: list[list[str]], sheet: str) -> Grid | None:
    """The rows without empty rows and columns around them, as the sheet's one table."""
    keep_rows = [r for r in rows if any(r)]
    if not keep_rows:
        return None
    used = [i for i in range(max(len(r) for r in keep_rows)) if any(_at(r, i) for r in keep_rows)]
    first, last = used[0], used[-1]
    grid = tuple(tuple(_at(r, i) for i in range(first, last + 1)) for r in keep_rows)
    return Grid(
        rows=grid,
        row_places=tuple(Place(sheet=sheet, table=1, row=i) for i in range(1, len(grid) + 1)),
        place=Place(sheet=sheet, table=1),
    )


def _at(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


def cell_text(value: Any, number_format: str | None) -> str:
    """A cell's value as the sheet shows it (percentages, fixed decimals, thousands)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number(value, number_format or "General")
    return str(value)


def _number(value: float, number_format: str) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    section = _QUOTED.sub("", number_format.split(";")[0])
    if section.lower() in ("general", "@", ""):
        return _plain(number)
    percent = "%" in section
    if percent:
        number = number * 100
    decimals = _decimals(section)
    if decimals is None:
        return _plain(number) + ("%" if percent else "")
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}" if "," in section else f"{rounded:.{decimals}f}"
    return text + ("%" if percent else "")


def _decimals(section: str) -> int | None:
    digits = re.search(r"[0#?,]*[0#?](?:\.([0#?]*))?", section)
    if digits is None:
        return None
    return len(digits.group(1) or "")


def _plain(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    text = format(number.normalize(), "f")
    return text
