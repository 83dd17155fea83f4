"""Turn decoded text into lines, paragraphs and tables, remembering which file line each came from.

PDF-to-text output breaks sentences across lines and pages (`其他收入 15. 58 万` / page marker /
`元,占本年收入 0.06%`), marks body text as a heading, and prints tables as tab rows, pipe rows or
one cell per line. Extractors work on the paragraphs and tables built here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from selfeval.extract.lexicon import lexicon
from selfeval.extract.normalize import normalize_line

LineKind = Literal["blank", "page", "rule", "heading", "table", "text"]

_PAGE_MARKER = re.compile(
    r"^(?:[-—–_－=]+\s*\d{1,4}\s*[-—–_－=]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|-?\s*\d{1,3}\s*-?|<!--\s*page.*-->|\f)$",
    re.IGNORECASE,
)
_NUMBERS_APART = re.compile(r"\d\s+\d")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_LIST_MARK = re.compile(r"^\s*(?:[-*•·]\s+)")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
# "1." / "1、" / "1.2 " / "（一）" / "一、" / "a." start a heading; "2023 年度…" or "310.25 元" do not.
_NUMBERED_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、](?!\d)"
    r"|\d{1,2}(?:\.\d{1,2})+\s|[a-zA-Z][.、)])"
)
_TERMINAL = "。！？；;!?:："


@dataclass(frozen=True, slots=True)
class Line:
    no: int
    raw: str
    text: str
    kind: LineKind
    heading_level: int = 0


@dataclass(slots=True)
class Paragraph:
    """Consecutive text lines read as one run of text; `line_at(offset)` maps back to the file."""

    text: str = ""
    starts: list[int] = field(default_factory=list)
    line_nos: list[int] = field(default_factory=list)
    heading: bool = False
    heading_level: int = 0

    def add(self, line: Line) -> None:
        self.starts.append(len(self.text))
        self.line_nos.append(line.no)
        self.text += line.text

    def line_at(self, offset: int) -> int:
        return self.line_nos[max(0, bisect_right(self.starts, offset) - 1)]

    @property
    def first_line(self) -> int:
        return self.line_nos[0]


@dataclass(frozen=True, slots=True)
class TableRow:
    no: int
    cells: tuple[str, ...]

    @property
    def text(self) -> str:
        return " | ".join(c for c in self.cells if c)


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[TableRow, ...]


@dataclass(frozen=True, slots=True)
class Layout:
    lines: tuple[Line, ...]
    blocks: tuple[Paragraph | Table, ...]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


_CHUNK_NUMBER = re.compile(r"^\s*(\d{1,2})、")
_REPORT_TITLE = re.compile(r"自评|评价|绩效")


def without_chunk_numbers(lines: list[str]) -> list[str]:
    """`1、<title>…`, later `2、100%100%10…`, `3、…`: a document-sharing site's page chunks,
    numbered at the start of the line where each chunk begins, often in the middle of a table
    row. Recognised when `1、` opens the report's own title (a numbered list never starts
    with the title); then `2、`, `3、`… in that order are removed from their lines, which keep
    their numbers. Any other text is returned as it is."""
    at = next((n for n, line in enumerate(lines) if _CHUNK_NUMBER.match(line)), None)
    if at is None:
        return lines
    first = _CHUNK_NUMBER.match(lines[at])
    assert first is not None
    title = normalize_line(lines[at][first.end() : first.end() + 40])
    if first.group(1) != "1" or not _REPORT_TITLE.search(title):
        return lines
    out = list(lines)
    out[at] = lines[at][first.end() :]
    expected = 2
    for n in range(at + 1, len(lines)):
        m = _CHUNK_NUMBER.match(lines[n])
        if m is not None and m.group(1) == str(expected):
            out[n] = lines[n][m.end() :]
            expected += 1
            if _word_across(out[n - 1].rstrip(), out[n]):
                # the chunk broke a line inside a word (社会效益 | 3、指标…): the line goes on
                out[n - 1], out[n] = out[n - 1].rstrip() + out[n], ""
    return out


def _word_across(before: str, after: str) -> bool:
    """Whether a table word of the lexicon runs from the end of `before` into `after`."""
    tail, head = normalize_line(before)[-10:], normalize_line(after)[:10]
    joined = tail + head
    return bool(head) and any(
        joined.startswith(word, start)
        for word in lexicon().vocabulary
        for start in range(max(0, len(tail) - len(word) + 1), len(tail))
    )


def is_page_marker(text: str) -> bool:
    """`— 3 —`, `第3页 共6页`, `3/20`: a page's number, not a figure or a cell. Two numbers
    apart by a space (`5 4`, a row's 分值 and 得分 wrapped to their own line) are no page."""
    if _NUMBERS_APART.search(text):
        return False
    bare = text.strip().replace("*", "").replace(" ", "")
    return bool(bare) and _PAGE_MARKER.match(bare) is not None


def classify(no: int, raw: str) -> Line:
    stripped = raw.strip()
    if not stripped:
        return Line(no, raw, "", "blank")
    if is_page_marker(stripped):
        return Line(no, raw, "", "page")
    if "\t" in stripped or stripped.count("|") >= 2:
        if _PIPE_SEPARATOR.match(stripped):
            return Line(no, raw, "", "rule")  # a markdown rule: the row above is a header
        return Line(no, raw, normalize_line(raw.strip("\n")), "table")
    spaced = _SPACED_CELLS.split(stripped)
    if len(spaced) >= 3 and all(
        len(c) <= _CELL_MAX_CHARS and not _SENTENCE_MARKS.search(c) for c in spaced
    ):  # pdftotext -layout prints table columns apart by runs of spaces
        return Line(no, raw, normalize_line("\t".join(spaced)), "table")
    level = 0
    body = stripped
    heading_mark = _MD_HEADING.match(body)
    if heading_mark:
        level = heading_mark.group(0).count("#")
        body = body[heading_mark.end() :]
    body = _LIST_MARK.sub("", body)
    text = normalize_line(body)
    if level and _is_false_heading(text):
        level = 0
    if not level and _looks_like_heading(text):
        level = 7  # numbered heading without markdown marks
    return Line(no, raw, text, "heading" if level else "text", level)


_TRAILING_GROUPS = re.compile(r"\d{1,3}(?: \d{3})+$")
_LEADING_GROUP = re.compile(r"^\d{3}(?:[ .]\d|\D|$)")


def _join_split_number(para: Paragraph, line: Line) -> None:
    """ "…收入 86 102" + "310.25 元…": the number goes on; drop the thousands gaps of its head."""
    tail = _TRAILING_GROUPS.search(para.text)
    if tail and _LEADING_GROUP.match(line.text):
        para.text = para.text[: tail.start()] + tail.group(0).replace(" ", "")


def _open_bracket(text: str) -> bool:
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


def _is_false_heading(text: str) -> bool:
    # PDF-to-text sometimes marks the continuation of a sentence as a heading.
    if text.endswith("。"):
        return True
    return len(text) > 40 and ("。" in text or text.count(",") + text.count("，") >= 2)


def _looks_like_heading(text: str) -> bool:
    if len(text) > 40 or text.endswith("。") or not _NUMBERED_HEADING.match(text):
        return False
    return "。" not in text[:-1]


def split_cells(line: Line) -> tuple[str, ...]:
    text = line.text
    if "\t" in text:
        return tuple(c.strip() for c in text.split("\t"))
    inner = text.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return tuple(c.strip() for c in inner.split("|"))


_CELL_TABLE_START = re.compile(r"^(?:一级指标|二级指标|三级指标|指标名称|绩效指标)$")
_CELL_HEADER_END = re.compile(r"完成率|完成情况|完成比例|完成程度")
_CELL_TARGET = re.compile(r"目标")
_CELL_ACTUAL = re.compile(r"实现|实际|完成值")
_CELL_COMPLETION = re.compile(
    r"^(?:\d+(?:\.\d+)?%|达标完成|已完成|完成|未完成|基本完成|部分完成|达成|未达成)$"
)
_CELL_VALUE = re.compile(r"^[≥≤<>=]?\d|%$")
_CELL_MAX_CHARS = 30
_SPACED_CELLS = re.compile(r"[ \u3000]{2,}")
_SENTENCE_MARKS = re.compile(r"[。，；;,]")
_SCORE_HEADER = re.compile(
    r"^(?:一级指标|二级指标|三级指标|指标名称|分值|指标分值|满分|权重|得分|自评得分|评分)$"
)
_SCORE_MAX = re.compile(r"^(?:分值|指标分值|满分|权重)$")
_SCORE_SCORE = re.compile(r"^(?:得分|自评得分|评分)$")
_NUMBER_CELL = re.compile(r"^\d+(?:\.\d+)?分?$")


def _is_cell(line: Line) -> bool:
    return (
        line.kind in ("text", "heading")
        and len(line.text) <= _CELL_MAX_CHARS
        and "。" not in line.text
    )


def _cell_table(lines: tuple[Line, ...], start: int) -> tuple[int, list[TableRow]] | None:
    """A table printed one cell per line, starting at `lines[start]`: (end index, rows)."""
    cells: list[Line] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.kind == "page" and _NUMBER_CELL.match(line.raw.strip()):
            # inside a table a bare number is a cell, not a page number
            line = Line(line.no, line.raw, line.raw.strip(), "text")
        if line.kind in ("blank", "page"):
            i += 1
            continue
        if not _is_cell(line) or (cells and line.kind == "heading" and line.heading_level):
            break  # a sentence, or a heading after the table's first cell, ends the table
        cells.append(line)
        i += 1
    texts = [c.text for c in cells]
    score_rows = _score_cells(cells)
    if score_rows is not None:
        end = max(j for j in range(start, i) if lines[j].kind not in ("blank", "page"))
        return end, score_rows
    header_end = None
    seen_target = seen_actual = False
    for k, t in enumerate(texts[:10]):
        seen_target = seen_target or bool(_CELL_TARGET.search(t))
        seen_actual = seen_actual or bool(_CELL_ACTUAL.search(t))
        if seen_target and seen_actual and _CELL_HEADER_END.search(t):
            header_end = k
            break
    if header_end is None:
        return None
    width = header_end + 1
    rows = [TableRow(cells[0].no, tuple(texts[:width]))]
    row: list[Line] = []
    for k in range(width, len(cells)):
        row.append(cells[k])
        nxt = texts[k + 1] if k + 1 < len(texts) else ""
        ends = len(row) >= 4 and _CELL_COMPLETION.match(texts[k]) is not None
        if ends and len(row) < width and (_CELL_VALUE.search(nxt) or _CELL_COMPLETION.match(nxt)):
            ends = False  # a target or actual value that looks like a completion; more follows
        if ends or len(row) == width:
            rows.append(TableRow(row[0].no, tuple(c.text for c in row)))
            row = []
    if row:
        rows.append(TableRow(row[0].no, tuple(c.text for c in row)))
    if len(rows) < 2:
        return None
    end = max(j for j in range(start, i) if lines[j].kind not in ("blank", "page"))
    return end, rows


def _score_cells(cells: list[Line]) -> list[TableRow] | None:
    """A vertical score table one cell per line: 一级指标 / 二级指标 / 分值 / 得分 / 履职效能 / …"""
    width = 0
    while width < len(cells) and _SCORE_HEADER.match(cells[width].text):
        width += 1
    header = [c.text for c in cells[:width]]
    if not (
        any(_SCORE_MAX.match(h) for h in header) and any(_SCORE_SCORE.match(h) for h in header)
    ):
        return None
    numbers = sum(1 for h in header if _SCORE_MAX.match(h) or _SCORE_SCORE.match(h))
    rows = [TableRow(cells[0].no, tuple(header))]
    row: list[Line] = []
    seen = 0
    for cell in cells[width:]:
        if _NUMBER_CELL.match(cell.text):
            seen += 1
        elif seen:  # a label after numbers starts a row the previous one did not finish
            return None
        row.append(cell)
        if seen == numbers:
            texts = [c.text for c in row]
            padded = [""] * (width - len(texts)) + texts
            rows.append(TableRow(row[0].no, tuple(padded)))
            row, seen = [], 0
    return rows if len(rows) > 2 and not row else None


def build_layout(text: str) -> Layout:
    lines = tuple(classify(no, raw) for no, raw in enumerate(text.split("\n"), start=1))
    blocks: list[Paragraph | Table] = []
    current: Paragraph | None = None
    rows: list[TableRow] = []
    skip_to = -1

    def flush_table() -> None:
        if rows:
            blocks.append(Table(tuple(rows)))
            rows.clear()

    for index, line in enumerate(lines):
        if index <= skip_to or line.kind in ("blank", "page"):
            continue
        if line.kind == "rule":
            if len(rows) > 1:  # the row above the rule heads a new table
                header = rows.pop()
                flush_table()
                rows.append(header)
            continue
        if line.kind != "table" and _CELL_TABLE_START.match(line.text):
            cell_table = _cell_table(lines, index)
            if cell_table is not None:
                skip_to, cell_rows = cell_table
                flush_table()
                blocks.append(Table(tuple(cell_rows)))
                current = None
                continue
        if line.kind == "table":
            current = None
            rows.append(TableRow(line.no, split_cells(line)))
            continue
        flush_table()
        if line.kind == "heading":
            para = Paragraph(heading=True, heading_level=line.heading_level)
            para.add(line)
            blocks.append(para)
            # a heading broken inside its brackets, "（总分为50分，" / "自评分为47.5分）", goes on
            current = para if _open_bracket(para.text) else None
            continue
        if current is not None and current.heading:
            current.add(line)
            if not _open_bracket(current.text):
                current = None
            continue
        if (
            current is not None
            and current.text
            and current.text[-1] not in _TERMINAL
            and not _NUMBERED_HEADING.match(line.text)
        ):
            _join_split_number(current, line)
            current.add(line)  # a sentence broken across lines or pages
            continue
        current = Paragraph()
        current.add(line)
        blocks.append(current)
    flush_table()
    return Layout(lines=lines, blocks=tuple(blocks))
