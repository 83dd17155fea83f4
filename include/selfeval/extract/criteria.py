"""Criteria tables whose cells were run together, row by row.

The 部门整体支出绩效评价指标表 of many provinces prints, for each indicator, its levels with their
maxima, its name and 分值, a long 评价标准 and 指标说明, and last the 得分:
`投入12预算配置12在职人员控制率5实有人数不突破核定编制的得满分,…。` / `…为准。5`.
A document-sharing site's text runs every cell of a row together and wraps the row over lines.
The row is recognised by how it starts (label, number, label, number …, then the criteria's
words) and ends (the 得分 after the criteria's last sentence); the levels are told apart by how
many label-number pairs open the row (a row starting a new 一级 prints its 二级 too).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from selfeval.extract.figures import clip
from selfeval.extract.lexicon import fold_label, lexicon
from selfeval.extract.normalize import normalize_line
from selfeval.extract.statements import dimension_of
from selfeval.record import Direction, Evidence, Indicator, Score

_HEADER_WORDS = ("分值", "得分", "指标")
# one label-number pair: a short label (no punctuation) and its maximum, not a unit's number
_PAIR = re.compile(
    r"([“”\"\u4e00-\u9fff]{2,14}?)(\d{1,3}(?:\.\d)?)(?![\d.%分个年月日项次元万]|人(?!员))"
)
LABEL_END = re.compile(r"[得扣为加达按至于的]$")  # a criterion's words before its number
_SCORE_AT_END = re.compile(r"(?<=[。.；;)）\u4e00-\u9fff])(\d{1,3}(?:\.\d{1,2})?)$")
_MAX_CONTINUATION = 2


@dataclass(frozen=True, slots=True)
class RowsRead:
    """What a reader of whole lines took before the cell reader (criteria tables run together,
    score rows interleaved with their criteria): the rows, their groups, and the lines used."""

    indicators: tuple[Indicator, ...]
    scores: tuple[Score, ...]  # the groups' maxima, as subtotals (their 得分 not printed)
    lines: frozenset[int]  # lines read as this table's rows


def _is_header(folded: str) -> bool:
    criteria = [w for w, role in lexicon().roles if role == "note" and ("标准" in w or "说明" in w)]
    return all(w in folded for w in _HEADER_WORDS) and any(w in folded for w in criteria)


def _row_start(text: str) -> list[tuple[str, Decimal]] | None:
    """The label-number pairs that open a row (two or three), or None."""
    pairs: list[tuple[str, Decimal]] = []
    at = 0
    while len(pairs) < 3:
        m = _PAIR.match(text, at)
        if m is None or LABEL_END.search(m.group(1)):
            break
        value = Decimal(m.group(2))
        if not 0 < value <= 100:
            break
        pairs.append((m.group(1), value))
        at = m.end()
    rest = text[at:]
    if not pairs or not re.match(r"[“”\"\u4e00-\u9fff]", rest):
        return None
    if len(pairs) == 1 and len(rest) < 6:
        return None  # a label and a number alone: not a criteria row
    return pairs


def read_criteria_rows(lines: Sequence[tuple[int, str]], taken: set[int]) -> RowsRead:
    """Every run-together criteria table in `lines` (line number, raw text) not in `taken`."""
    indicators: list[Indicator] = []
    scores: list[Score] = []
    read: set[int] = set()
    k = 0
    while k < len(lines):
        no, raw = lines[k]
        k += 1
        if no in taken or not _is_header(fold_label(normalize_line(raw))):
            continue
        header = no
        level1: str | None = None
        level2: str | None = None
        while k < len(lines):
            no, raw = lines[k]
            text = normalize_line(raw).strip()
            pairs = _row_start(text) if no not in taken else None
            if pairs is None:
                break
            row = [(no, text)]
            k += 1
            while (
                k < len(lines)
                and len(row) <= _MAX_CONTINUATION
                and lines[k][0] not in taken
                and (cont := normalize_line(lines[k][1]).strip())
                and re.match(r"[“”\"(（\u4e00-\u9fff]", cont)
                and _row_start(cont) is None
            ):
                row.append((lines[k][0], cont))
                k += 1
            *levels, (name, weight) = pairs
            if len(levels) == 2:
                level1, level2 = levels[0][0], levels[1][0]
            elif len(levels) == 1:
                level2 = levels[0][0]
            evidence = Evidence(line=no, text=clip(text))
            if len(levels) == 2:  # a new 一级 group: its maximum is a subtotal (得分 not printed)
                label, mx = levels[0]
                scores.append(
                    Score(label, None, "subtotal", dimension_of(label), mx, None, evidence)
                )
            target = _stated_target(name, "".join(t for _, t in row))
            end = _SCORE_AT_END.search(row[-1][1])
            score = Decimal(end.group(1)) if end else None
            if score is not None and score > weight:
                score = None
            indicators.append(
                Indicator(
                    level1=level1,
                    level2=level2,
                    name=name,
                    target=target[0] if target else None,
                    actual=None,
                    completion=None,
                    target_op=target[1] if target else None,
                    target_num=target[2] if target else None,
                    actual_op=None,
                    actual_num=None,
                    completion_pct=None,
                    evidence=evidence,
                    weight=weight,
                    score=score,
                    target_value=target[2] if target else None,
                    unit=(target[3] or None) if target else None,
                    direction=_DIRECTION[target[1]] if target else None,
                )
            )
            read.update(n for n, _ in row)
            read.add(header)
    return RowsRead(tuple(indicators), tuple(scores), frozenset(read))


_DIRECTION: dict[str, Direction] = {
    "≥": "higher",
    ">": "higher",
    "≤": "lower",
    "<": "lower",
    "=": "equal",
}


def _stated_target(name: str, text: str) -> tuple[str, str, Decimal, str] | None:
    """`…即在职人员控制率≤100%` in the criteria: the indicator's own name with an operator and a
    value is its target (printed words, operator, value, unit)."""
    bare = re.sub(r"[“”\"]", "", name)
    m = re.search(
        re.escape(bare) + r"\s*([≥≤=<>])\s*(\d+(?:\.\d+)?)\s*(%?)", re.sub(r"[“”\"]", "", text)
    )
    if m is None:
        return None
    return m.group(0)[len(bare) :].strip(), m.group(1), Decimal(m.group(2)), m.group(3)
