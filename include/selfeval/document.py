"""The document model: what every format reader produces and the reader of figures consumes.

A submitted report, whatever its format, becomes an ordered sequence of blocks: paragraphs (text
as submitted) and grids (a table as rows of cell texts). Each block, and each row of a grid,
carries a `Place` saying where it sits in the submitted file, so evidence can say
"第3页 表2 第5行" for a PDF and "第12行" for a text file.

Conventions every format reader follows:
- A text format gives one `Paragraph` per line of the decoded file (`place.line` = 1-based line);
  the reader of figures finds tables flattened into text lines itself, so the same happens for
  the text lines of a PDF page.
- A `Grid` is rectangular (every row has `width` cells). A merged cell's text stands in its
  top-left cell; the other cells it covers are empty strings (the reader fills labels down).
- Cell and paragraph texts are as submitted: no folding of characters; the reader normalises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DocumentFormat = Literal["txt", "md", "docx", "pdf", "xlsx", "xls", "doc", "wps", "et", "image"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a block, row or cell sits in the submitted file; unknown parts are None."""

    line: int | None = None  # 1-based line of the decoded text (text formats)
    page: int | None = None  # 1-based page (PDF, scans)
    sheet: str | None = None  # worksheet name (spreadsheets)
    table: int | None = None  # 1-based table number in the document (or on the sheet)
    row: int | None = None  # 1-based row within the table
    col: int | None = None  # 1-based column within the table

    def describe(self) -> str:
        """The place in the words a submitter uses: 第3页 表2 第5行, or 第12行 for text."""
        parts: list[str] = []
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table}")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        elif self.line is not None:
            parts.append(f"第{self.line}行")
        if self.col is not None:
            parts.append(f"第{self.col}列")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A run of text as submitted (one line of a text file; one paragraph of a Word file)."""

    text: str
    place: Place


@dataclass(frozen=True, slots=True)
class Grid:
    """A table as a rectangle of cell texts; `row_places[i]` locates row i."""

    rows: tuple[tuple[str, ...], ...]
    row_places: tuple[Place, ...]
    place: Place

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


Block = Paragraph | Grid


@dataclass(frozen=True, slots=True)
class Document:
    """One submitted report as ordered blocks, and how it was read."""

    blocks: tuple[Block, ...]
    format: DocumentFormat
    ocr: bool = False  # figures were read by OCR from images and may be misread
    encoding: str | None = None  # the text encoding, for text formats


def document_from_text(text: str, *, format: DocumentFormat = "txt") -> Document:
    """A decoded text file as one paragraph per line (line numbers from 1)."""
    lines = text.split("\n")
    return Document(
        blocks=tuple(Paragraph(line, Place(line=no)) for no, line in enumerate(lines, start=1)),
        format=format,
    )
