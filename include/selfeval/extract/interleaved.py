"""Score rows interleaved with their criteria: PDF text whose columns came out line by line.

A 项目支出 form's score table (评价内容 | 分值 | 自评分 | 复核分 | 评价标准及依据) loses its
columns when a PDF's text is taken out without layout: each printed line holds pieces of several
cells, and a row's name with its 分值 and 自评分 lands among the sentences of the criteria
(`…能提供制度落实材料得 1 分。 组织机构 项目管理 13 分 2 2`). The row is still recognisable by
its shape: a short name standing apart (spaces or punctuation on both sides), then two numbers
apart by a space, 分值 then 得分 not above it, with no 分 after them (`得 1 分` is a criterion's
number). A level word with its 分值 (`项目管理 13 分`) opens a group; it may stand between a row's
name and its numbers, where the merged cell's text fell. Read from under a header that names
分值 and 得分 and no target or actual columns, up to a page's end or the next header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from selfeval.extract.criteria import LABEL_END, RowsRead
from selfeval.extract.figures import clip
from selfeval.extract.layout import is_page_marker
from selfeval.extract.lexicon import fold_label, lexicon
from selfeval.extract.normalize import fold_characters
from selfeval.extract.statements import dimension_of
from selfeval.record import Evidence, Indicator, Score

_NUM = r"\d{1,2}(?:\.\d{1,2})?"
_ROW = re.compile(
    r"(?:^|(?<=[\s。；;，,:：]))(?P<name>[\u4e00-\u9fff][\u4e00-\u9fff（）()]{1,11})\s+"
    r"(?:(?P<group>[\u4e00-\u9fff]{2,8})\s*(?P<group_max>\d{1,3})\s*分\s+)?"
    rf"(?P<max>{_NUM})\s+(?P<score>{_NUM})(?=\s|$)(?!\s*分)"
)
_GROUP = re.compile(
    r"(?:^|(?<=[\s。；;，,:：]))(?P<group>[\u4e00-\u9fff][\u4e00-\u9fff ]{1,9}?)\s*"
    r"(?P<max>\d{1,3})\s*分(?=\s|$)"
)
_GRID = re.compile(r"[\t|]")  # a row of cells apart: a grid, which the form reader reads
_MEASURED = ("target", "actual", "budget", "executed")
_MAX_QUIET_LINES = 3


def _roles(tokens: Sequence[str]) -> list[str]:
    lex = lexicon()
    return [r for r in (lex.role_of(t) for t in tokens) if r is not None]


def _header_end(text: str) -> int | None:
    """Where the header's words end on a line naming 分值 then 得分 and no measured column."""
    lex = lexicon()
    seen_max = False
    for m in re.finditer(r"\S+", text):
        role = lex.role_of(m.group(0))
        if role in _MEASURED:
            return None
        if role == "max":
            seen_max = True
        elif role == "score" and seen_max:
            rest = text[m.end() :]
            if any(r in _MEASURED for r in _roles(rest.split())):
                return None
            return m.end()
    return None


def _group_of(label: str) -> str | None:
    folded = fold_label(label.replace(" ", ""))
    return folded if folded in lexicon().level1 else None


def read_interleaved_rows(lines: Sequence[tuple[int, str]], taken: set[int]) -> RowsRead:
    """Every interleaved score table in `lines` (line number, raw text) not in `taken`."""
    indicators: list[Indicator] = []
    scores: list[Score] = []
    read: set[int] = set()
    k = 0
    while k < len(lines):
        no, raw = lines[k]
        k += 1
        text = fold_characters(raw)
        start = _header_end(text) if no not in taken and not _GRID.search(text) else None
        if start is None:
            continue
        found: list[Indicator] = []
        groups: list[Score] = []
        region = [no]
        level1: str | None = None
        quiet = 0
        at = start
        while True:
            events: list[tuple[int, str, re.Match[str]]] = [
                (m.start(), "row", m)
                for m in _ROW.finditer(text, at)
                if not LABEL_END.search(m.group("name"))
                and Decimal(m.group("score")) <= Decimal(m.group("max"))
            ]
            events += [
                (m.start(), "group", m)
                for m in _GROUP.finditer(text, at)
                if _group_of(m.group("group")) is not None
            ]
            for _, kind, m in sorted(events, key=lambda e: e[0]):
                evidence = Evidence(line=no, text=clip(text.strip()))
                if kind == "group" or m.group("group_max"):
                    label = m.group("group").replace(" ", "")
                    if kind == "row" and _group_of(label) is None:
                        continue
                    level1 = label
                    mx = Decimal(m.group("group_max") if kind == "row" else m.group("max"))
                    if not any(g.group == label for g in groups):
                        groups.append(
                            Score(label, None, "subtotal", dimension_of(label), mx, None, evidence)
                        )
                if kind == "row":
                    name = m.group("name")
                    if _group_of(name) is not None or lexicon().role_of(name) is not None:
                        continue  # a level or a column's word is no row's name
                    found.append(_row(level1, name, m, evidence))
            if events:
                region.append(no)
                quiet = 0
            else:
                quiet += 1
            if quiet > _MAX_QUIET_LINES or k >= len(lines):
                break
            following, raw = lines[k]
            text = fold_characters(raw)
            if following in taken or is_page_marker(text) or _header_end(text) is not None:
                break
            if _GRID.search(text):
                break
            if any(r in _MEASURED for r in _roles(text.split())):
                break  # the next table's header
            no, at = following, 0
            k += 1
        if len(found) >= 2:
            indicators.extend(_grouped_by_maxima(found, groups))
            scores.extend(groups)
            read.update(range(region[0], max(region) + 1))
    return RowsRead(tuple(indicators), tuple(scores), frozenset(read))


def _grouped_by_maxima(rows: list[Indicator], groups: Sequence[Score]) -> list[Indicator]:
    """The rows in order, each under its group: where a group's label fell after some of its
    rows, the cut that makes every group's 分值 the sum of its rows' 分值 places them. Kept as
    read where no cut, or more than one, adds up."""
    if len(groups) < 2 or any(g.max is None for g in groups):
        return rows
    weights = [r.weight or Decimal(0) for r in rows]
    cuts: list[list[int]] = []

    def place(g: int, start: int, taken: list[int]) -> None:
        if g == len(groups):
            if start == len(rows):
                cuts.append(taken)
            return
        total = Decimal(0)
        for end in range(start + 1, len(rows) + 1):
            total += weights[end - 1]
            if total == groups[g].max:
                place(g + 1, end, [*taken, end])

    place(0, 0, [])
    if len(cuts) != 1:
        return rows
    out: list[Indicator] = []
    start = 0
    for group, end in zip(groups, cuts[0], strict=True):
        out.extend(replace(r, level1=group.group) for r in rows[start:end])
        start = end
    return out


def _row(level1: str | None, name: str, m: re.Match[str], evidence: Evidence) -> Indicator:
    return Indicator(
        level1=level1,
        level2=None,
        name=name,
        target=None,
        actual=None,
        completion=None,
        target_op=None,
        target_num=None,
        actual_op=None,
        actual_num=None,
        completion_pct=None,
        evidence=evidence,
        weight=Decimal(m.group("max")),
        score=Decimal(m.group("score")),
    )
