"""Escaping for where a value goes: spreadsheet cells, CSV fields, HTML and SVG text.

Unit names, indicator names, evidence sentences and finding texts come from submitted reports,
so they are untrusted. Spreadsheet programs run a cell that starts with =, +, -, @ (and, after
a tab or CR, some of them still do) as a formula; browsers run markup. Every text value passes
through one of these functions on its way out, whoever wrote it.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# XML 1.0 forbids these control characters; openpyxl refuses them and browsers show boxes.
_ILLEGAL_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop control characters no XML document (xlsx, HTML, SVG) may hold."""
    return _ILLEGAL_XML_CHARS.sub("", text)


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program could read `text` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def csv_text(text: str) -> str:
    """A CSV field that Excel and LibreOffice show as text: formula-like values get a leading '."""
    text = clean_text(text)
    return "'" + text if is_formula_like(text) else text


def set_text_cell(cell: Cell, text: str) -> None:
    """Write `text` into an openpyxl cell as a string, never as a formula.

    openpyxl turns any value starting with = into a formula, so the type is forced back to
    string; quotePrefix makes Excel keep it as text when the user edits the cell.
    """
    text = clean_text(text)
    cell.value = xlsx_line_breaks(text)
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def xlsx_line_breaks(text: str) -> str:
    """XML readers turn a bare CR into LF, and Excel breaks lines on LF: write LF up front."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_text(text: str) -> str:
    """Text for HTML or SVG element content and attribute values (quotes escaped too)."""
    return html.escape(clean_text(text), quote=True)
