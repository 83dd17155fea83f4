"""PDFs: the text layer's lines in reading order, ruled tables as grids, scans through OCR.

pdfplumber (pdfminer.six) gives characters with positions and finds ruled tables; a line that
runs to the right edge of the text continues on the next line (a label or number broken at the
line end joins up again), also across a page break. A page with under
`settings.PDF_SCAN_MIN_CHARS` characters of text is a scan: it is read by OCR when OCR is
installed, else the file is refused. Nothing in a PDF is ever run: no JavaScript, no actions.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from selfeval import settings
from selfeval.document import Document, Grid, Paragraph, Place
from selfeval.errors import UnreadableReport

_WRAP_SLACK_CHARS = 1.0  # room left at a line's end beyond its next word: then it is a break


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    char_width: float


def read_pdf(data: bytes, *, path: str, ocr: bool) -> Document:
    """The PDF's pages as paragraphs (joined lines) and grids; scans by OCR when `ocr`."""
    import pdfplumber
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
    try:
        opened = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableReport(path, f"is a PDF that cannot be read ({exc})") from exc
    with opened as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            visible = sum(1 for ch in page.chars if not str(ch.get("text", "")).isspace())
            if visible < settings.PDF_SCAN_MIN_CHARS:
                scans.append(number)
                if pending:
                    blocks.append(Paragraph(*pending[:2]))
                    pending = None
                if ocr:
                    from selfeval.formats.ocr import ocr_page_lines

                    blocks.extend(
                        Paragraph(text, Place(page=number, line=i))
                        for i, text in enumerate(ocr_page_lines(rendered[number - 1]), start=1)
                    )
                continue
            found = page.find_tables() if page.edges else []
            boxes = [t.bbox for t in found]
            items: list[tuple[float, _Line | list[list[str | None]]]] = [
                (t.bbox[1], t.extract()) for t in found
            ]
            text_page = page.filter(partial(_outside, boxes=boxes)) if boxes else page
            lines = [_line(raw) for raw in text_page.extract_text_lines(return_chars=True)]
            right = max((ln.x1 for ln in lines), default=0.0)
            items.extend((ln.top, ln) for ln in lines)
            items.sort(key=lambda item: item[0])
            line_no = 0
            for _, item in items:
                if not isinstance(item, _Line):
                    grid = _grid(item, number, tables + 1)
                    if grid is None:
                        continue
                    tables += 1
                    if pending:
                        blocks.append(Paragraph(*pending[:2]))
                        pending = None
                    blocks.append(grid)
                    continue
                line_no += 1
                if pending and _wraps(pending[2], pending[3], item):
                    pending = (_join(pending[0], item.text), pending[1], item, right)
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
    if len(scans) > settings.OCR_MAX_PAGES:
        raise UnreadableReport(
            path, f"is a scanned PDF of {len(scans)} pages (OCR limit {settings.OCR_MAX_PAGES})"
        )
    return Document(blocks=tuple(blocks), format="pdf", ocr=bool(scans))


def _wraps(line: _Line, right: float, following: _Line) -> bool:
    """Whether `following` continues `line`: its first word would not have fitted on `line`."""
    word = re.match(r"[A-Za-z0-9.,%()（）\-+/]+|\S", following.text.lstrip())
    if word is None:
        return False
    width = sum(line.char_width * (0.55 if ch.isascii() else 1.0) for ch in word.group(0))
    return right - line.x1 < width + _WRAP_SLACK_CHARS * line.char_width


def _grid(cells: list[list[str | None]], page: int, number: int) -> Grid | None:
    rows = [[_cell(c) for c in row] for row in cells]
    rows = [r for r in rows if any(r)]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    grid = tuple(tuple(r + [""] * (width - len(r))) for r in rows)
    return Grid(
        rows=grid,
        row_places=tuple(Place(page=page, table=number, row=i) for i in range(1, len(grid) + 1)),
        place=Place(page=page, table=number),
    )


def _cell(value: str | None) -> str:
    """A cell's text with the lines it wrapped into joined again."""
    if not value:
        return ""
    out = ""
    for part in value.split("\n"):
        out = _join(out, part) if out else part
    return out


def _join(left: str, right: str) -> str:
    """Join a line broken at the line end: Latin words keep a space, everything else none."""
    if (
        left
        and right
        and left[-1].isascii()
        and left[-1].isalpha()
        and right[0].isascii()
        and right[0].isalpha()
    ):
        return f"{left} {right}"
    return left + right


def _line(raw: dict[str, Any]) -> _Line:
    chars = raw.get("chars") or []
    widths = [float(c["x1"]) - float(c["x0"]) for c in chars if not str(c["text"]).isspace()]
    widths.sort()
    width = widths[len(widths) // 2] if widths else 10.0
    return _Line(str(raw["text"]), float(raw["x0"]), float(raw["x1"]), float(raw["top"]), width)


def _outside(obj: dict[str, Any], *, boxes: list[tuple[float, float, float, float]]) -> bool:
    """Whether a page object is kept for the text lines: chars inside a table are not."""
    if obj.get("object_type") != "char":
        return True
    x = (float(obj["x0"]) + float(obj["x1"])) / 2
    y = (float(obj["top"]) + float(obj["bottom"])) / 2
    return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)


def _ranges(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")
