"""Tables printed as HTML inside text (MinerU and web pages): rows of cells with spans resolved.

`html_rows` turns a `<table>…</table>` fragment into rectangular rows: a cell spanning columns
or rows stands in its top-left position and the positions it covers are empty strings, as in the
document model's `Grid`.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_MAX_SPAN = 50


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int, int]]] = []
        self.row_offsets: list[int] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
            self.row_offsets.append(self.getpos()[0])
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
                self.row_offsets.append(self.getpos()[0])
            found = dict(attrs)
            self._span = (_span(found.get("rowspan")), _span(found.get("colspan")))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
            self.rows[-1].append((text, *self._span))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(value or "1")))
    except ValueError:
        return 1


def html_rows(fragment: str) -> list[tuple[int, list[str]]]:
    """(0-based line offset of the row within `fragment`, cells) for every row of the table."""
    parser = _TableParser()
    parser.feed(fragment)
    parser.close()
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(parser.rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
            c += colspan
            width = max(width, c)
    out: list[tuple[int, list[str]]] = []
    for r, offset in enumerate(parser.row_offsets):
        cells = [html.unescape(grid.get((r, c), "")) for c in range(width)]
        out.append((offset - 1, cells))
    return out
