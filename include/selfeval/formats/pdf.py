"""PDFs: the text layer's lines in reading order, ruled tables as grids, scans through OCR.

pypdfium2 gives the characters with their boxes (pdfminer would take ~80 ms a page) and the
drawn rules, from which `pdf_tables` finds ruled tables with pdfplumber's geometry. Lines are
ordered top to bottom around the tables; a line continues on the next when the next line's
first word would not have fitted at its end (a label or a number broken at the line end joins
up again), also across a page break. A page with under `settings.PDF_SCAN_MIN_CHARS`
characters of text is a scan: it is read by OCR when OCR is installed, else the file is
refused. Nothing in a PDF is ever run: no JavaScript, no actions, no embedded files.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from selfeval import settings
from selfeval.document import Document, Grid, Paragraph, Place
from selfeval.errors import UnreadableReport
from selfeval.formats.cells import cell_text, grid_of, join_broken
from selfeval.formats.pdf_tables import Box, find_tables

# "— 3 —", "- 3 -", "第 3 页", "第3页 共20页", "3/20", "Page 3 of 20": a header's or footer's page number.
_PAGE_NUMBER = re.compile(
    r"[\s—–\-－·]*(第\s*\d+\s*页(\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
    r"[Pp]age\s*\d+(\s*of\s*\d+)?|\d+)[\s—–\-－·]*"
)
_CELL_GAP_CHARS = 1.5  # a gap this many characters wide inside a line separates two cells
_WRAP_SLACK_CHARS = 1.0  # room left at a line's end beyond its next word: then it is a break


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    char_width: float
    cells: list[tuple[float, str]]  # where each tab-separated part starts, and its text


def read_pdf(data: bytes, *, path: str, ocr: bool) -> Document:
    """The PDF's pages as paragraphs (joined lines) and grids; scans by OCR when `ocr`."""
    import pypdfium2 as pdfium

    try:
        rendered = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableReport(
                path, "is a password-protected (encrypted) PDF: send it without a password"
            ) from exc
        raise UnreadableReport(path, f"is a PDF that cannot be read ({exc})") from exc
    pages = len(rendered)
    if pages > settings.PDF_MAX_PAGES:
        raise UnreadableReport(
            path, f"is a PDF of {pages} pages (limit {settings.PDF_MAX_PAGES}): not a report"
        )
    if pages == 0:
        raise UnreadableReport(path, "is a PDF without pages")
    blocks: list[Paragraph | Grid] = []
    scans: list[int] = []
    # The paragraph being built: its text, place, last line and that page's right text edge.
    pending: tuple[str, Place, _Line, float] | None = None
    tables = 0
    for number in range(1, pages + 1):
        page = rendered[number - 1]
        chars = _chars(page)
        if sum(1 for c in chars if not c.text.isspace()) < settings.PDF_SCAN_MIN_CHARS:
            scans.append(number)
            if ocr and len(scans) > settings.OCR_MAX_PAGES:  # stop before hours of OCR
                raise UnreadableReport(
                    path,
                    f"is a scanned PDF of over {settings.OCR_MAX_PAGES} pages: too many to OCR",
                )
            if pending:
                blocks.append(Paragraph(*pending[:2]))
                pending = None
            if ocr:
                from selfeval.formats.ocr import ocr_pdf_page, page_blocks

                read, tables = page_blocks(ocr_pdf_page(page), page=number, tables=tables)
                blocks.extend(read)
            continue
        height = float(page.get_height())
        found = find_tables(page)
        boxes = [box for box, _ in found]
        items: list[tuple[float, _Line | list[list[str]]]] = [
            (box[1], _cell_texts(matrix, chars)) for box, matrix in found
        ]
        lines = _lines([c for c in chars if not _inside(c, boxes)])
        _align_columns(lines)
        right = max((ln.x1 for ln in lines), default=0.0)
        items.extend((ln.top, ln) for ln in lines)
        items.sort(key=lambda item: item[0])
        line_no = 0
        for _, item in items:
            if not isinstance(item, _Line):
                grid = grid_of(item, number, tables + 1)
                if grid is None:
                    continue
                tables += 1
                if pending:
                    blocks.append(Paragraph(*pending[:2]))
                    pending = None
                blocks.append(grid)
                continue
            line_no += 1
            if _in_margin(item, height) and _PAGE_NUMBER.fullmatch(item.text):
                # A page number sits between the two halves of a paragraph broken by the page:
                # it stays a paragraph of its own and the halves still join.
                blocks.append(Paragraph(item.text, Place(page=number, line=line_no)))
                continue
            if pending and _wraps(pending[2], pending[3], item):
                pending = (join_broken(pending[0], item.text), pending[1], item, right)
                continue
            if pending:
                blocks.append(Paragraph(*pending[:2]))
            pending = (item.text, Place(page=number, line=line_no), item, right)
    if pending:
        blocks.append(Paragraph(*pending[:2]))
    if scans and not ocr:
        which = "every page" if len(scans) == pages else f"pages {_ranges(scans)} of {pages}"
        raise UnreadableReport(
            path,
            f"is a scanned PDF ({which} without a text layer) and OCR is not installed here: "
            "send the Word file, or a PDF saved from it",
        )
    return Document(blocks=tuple(blocks), format="pdf", ocr=bool(scans))


def _in_margin(line: _Line, height: float) -> bool:
    """Whether a line sits in the top or bottom tenth of the page, where headers and footers are."""
    return line.top < 0.1 * height or line.top > 0.9 * height


def _wraps(line: _Line, right: float, following: _Line) -> bool:
    """Whether `following` continues `line`: its first word would not have fitted on `line`."""
    if len(line.cells) > 1 or len(following.cells) > 1:
        return False  # rows of an unruled table: each is a line of its own
    word = re.match(r"[A-Za-z0-9.,%()（）\-+/]+|\S", following.text.lstrip())
    if word is None:
        return False
    width = sum(line.char_width * (0.55 if ch.isascii() else 1.0) for ch in word.group(0))
    return right - line.x1 < width + _WRAP_SLACK_CHARS * line.char_width


def _cell_texts(matrix: list[list[Box | None]], chars: list[_Char]) -> list[list[str]]:
    """Each cell's text: its characters in text-layer order, its lines joined again."""
    texts: dict[tuple[int, int], list[str]] = {}
    line = 0
    last: dict[tuple[int, int], int] = {}
    cells = [(r, c, box) for r, row in enumerate(matrix) for c, box in enumerate(row) if box]
    for ch in chars:
        if ch.text == "\n":
            line += 1
            continue
        x, y = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        for r, c, box in cells:
            if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                parts = texts.setdefault((r, c), [""])
                if (r, c) in last and last[(r, c)] != line:
                    parts.append("")
                parts[-1] += ch.text
                last[(r, c)] = line
                break
    return [
        [cell_text("\n".join(p.strip() for p in texts.get((r, c), [""]))) for c in range(len(row))]
        for r, row in enumerate(matrix)
    ]


@dataclass(frozen=True, slots=True)
class _Char:
    text: str  # "\n" ends a line
    x0: float
    x1: float
    top: float  # from the top of the page, as pdfplumber counts
    bottom: float


def _chars(page: Any) -> list[_Char]:
    """The page's characters in the text layer's order, with their boxes (pypdfium2)."""
    height = float(page.get_height())
    text_page = page.get_textpage()
    count = text_page.count_chars()
    text = text_page.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP: no 1:1 mapping, read them one by one
        text = "".join(text_page.get_text_range(i, 1) or " " for i in range(count))
    chars: list[_Char] = []
    for i, ch in enumerate(text):
        if ch == "\r":
            continue
        if ch == "\n":
            chars.append(_Char("\n", 0, 0, 0, 0))
            continue
        left, bottom, right, top = text_page.get_charbox(i, loose=True)  # advance, not ink
        chars.append(_Char(ch, left, right, height - top, height - bottom))
    return chars


def _lines(chars: list[_Char]) -> list[_Line]:
    lines: list[_Line] = []
    current: list[_Char] = []
    for ch in [*chars, _Char("\n", 0, 0, 0, 0)]:
        if ch.text != "\n":
            current.append(ch)
            continue
        ink = [c for c in current if not c.text.isspace()]
        if ink:
            widths = sorted(c.x1 - c.x0 for c in ink)
            width = max(widths[len(widths) // 2], 1.0)
            cells = _line_cells(current, width)
            lines.append(
                _Line(
                    text="\t".join(text for _, text in cells),
                    x0=min(c.x0 for c in ink),
                    x1=max(c.x1 for c in ink),
                    top=min(c.top for c in ink),
                    char_width=width,
                    cells=cells,
                )
            )
        current = []
    return lines


def _line_cells(chars: list[_Char], width: float) -> list[tuple[float, str]]:
    """A line's text in parts: a gap wider than `_CELL_GAP_CHARS` characters (an unruled
    table's column gap) starts a new part; each part with the x where it starts."""
    cells: list[tuple[float, str]] = []
    spaces = ""
    last: _Char | None = None
    for ch in chars:
        if ch.text.isspace():
            spaces += ch.text
            continue
        if last is None or ch.x0 - last.x1 > _CELL_GAP_CHARS * width:
            cells.append((ch.x0, ch.text))
        else:
            cells[-1] = (cells[-1][0], cells[-1][1] + spaces + ch.text)
        spaces = ""
        last = ch
    return cells


def _align_columns(lines: list[_Line]) -> None:
    """Rows of an unruled table (consecutive lines in parts) get their empty cells back: each
    part goes to the column, taken from the row with the most parts, that it starts under."""
    run: list[_Line] = []
    for line in [*lines, None]:
        if line is not None and len(line.cells) > 1:
            run.append(line)
            continue
        if len(run) > 1:
            columns = sorted(x for x, _ in max(run, key=lambda ln: len(ln.cells)).cells)
            for row in run:
                slots = [""] * len(columns)
                for x, text in row.cells:
                    at = max(0, bisect.bisect_right(columns, x + 2 * row.char_width) - 1)
                    slots[at] = f"{slots[at]} {text}".strip()
                row.text = "\t".join(slots)
        run = []


def _inside(ch: _Char, boxes: list[tuple[float, float, float, float]]) -> bool:
    """Whether a character sits in a table (its text is read from the table's cells)."""
    if ch.text == "\n" or not boxes:
        return False
    x = (ch.x0 + ch.x1) / 2
    y = (ch.top + ch.bottom) / 2
    return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)


def _ranges(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")
