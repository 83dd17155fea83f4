"""How a score table's figures hang together, shared by the score rules.

A form (自评表) scores a funds block (the `预算执行` subtotal the reader emits for it) and
indicator rows grouped under level-1 groups (产出 / 效益 / 满意度 …), each group possibly with a
小计 row, and a 总分. When any indicator carries a 分值 or 得分, the indicators are the items (the
reader's score rows duplicate them); otherwise the score table's item rows are, except those on
a funds row's line. An item with a blank 得分 makes its group's sum unknowable: a blank cell is not
a zero.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from selfeval.record import Record, Score

_POINTS = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
FUNDS = "预算执行"


def group_key(name: str | None) -> str:
    """产出指标 (50分) -> 产出; '' when the name holds no word (a garbled cell)."""
    text = _POINTS.sub("", name or "").strip(" :：")
    text = re.sub(r"(?:类)?指标$", "", text)
    return text if _CJK.search(text) else ""


@dataclass(frozen=True, slots=True)
class Item:
    group: str
    name: str
    max: Decimal | None
    score: Decimal | None


_PARENT = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_CHILD = re.compile(r"^\s*[0-9]+\s*[、.．)）]")


def items(record: Record) -> list[Item]:
    if any(i.weight is not None or i.score is not None for i in record.indicators):
        found = [Item(group_key(i.level1), i.name, i.weight, i.score) for i in record.indicators]
    else:
        funds_lines = {e.evidence.line for e in record.executions}
        found = [
            Item(group_key(s.group), s.name or "", s.max, s.score)
            for s in record.scores
            if s.kind == "item" and s.evidence.line not in funds_lines
        ]
    return _without_sub_items(found)


def _without_sub_items(found: list[Item]) -> list[Item]:
    """一、X (15分) followed by 1、… 2、… : the numbered rows break X down and are not added again."""
    kept: list[Item] = []
    parent: Item | None = None
    for item in found:
        if _PARENT.match(item.name):
            parent = item
        elif parent is not None and item.group == parent.group and _CHILD.match(item.name):
            continue
        else:
            parent = None
        kept.append(item)
    return kept


def in_use(record: Record, score: Score) -> bool:
    """Whether a score-table row counts: items only where the items are the score rows.

    The funds block's subtotal on a funds row's own line is that row's 得分 and 分值, which
    execution.score_within_max checks: it is not checked twice.
    """
    funds_rows = {
        e.evidence.line for e in record.executions if e.max is not None or e.score is not None
    }
    if score.kind == "subtotal":
        return score.evidence.line not in funds_rows
    if score.kind != "item":
        return True
    form = form_of(record, score.evidence.line)
    if any(i.weight is not None or i.score is not None for i in form.indicators):
        return False
    return score.evidence.line not in {e.evidence.line for e in record.executions}


def subtotals(record: Record) -> dict[str, Score]:
    """One subtotal per level-1 group (the first with a stated score, else the first)."""
    chosen: dict[str, Score] = {}
    for s in record.scores:
        if s.kind != "subtotal":
            continue
        key = group_key(s.group or s.name)
        if not key:
            continue
        if key not in chosen or (chosen[key].score is None and s.score is not None):
            chosen[key] = s
    if FUNDS not in chosen:
        funds = next((e for e in record.executions if e.max is not None), None)
        if funds is not None:
            chosen[FUNDS] = Score(
                FUNDS, FUNDS, "subtotal", FUNDS, funds.max, funds.score, funds.evidence
            )
    return chosen


def totals(record: Record) -> list[Score]:
    """The 总分 rows, one per line (the fullest reading of a row read twice), in line order."""
    by_line: dict[int, Score] = {}
    for s in record.scores:
        if s.kind != "total":
            continue
        known = by_line.get(s.evidence.line)
        if known is None or _filled(s) > _filled(known):
            by_line[s.evidence.line] = s
    return [by_line[line] for line in sorted(by_line)]


def _filled(s: Score) -> int:
    return (s.score is not None) + (s.max is not None)


def form_of(record: Record, line: int) -> Record:
    """The part of `record` that forms the table holding `line`.

    A 总分 row closes its form: the score rows, indicators and funds rows after the previous
    总分 up to its own. A file may hold several forms (two projects), and an indicator table
    printed after the score table details a dimension rather than adding to the 总分. Rows
    after the last 总分 form a table of their own, without a total.
    """
    closing = totals(record)
    if not closing:
        return record
    lines = [t.evidence.line for t in closing]
    later = [t for t in lines if line <= t]
    if later:
        end = later[0]
        start = max((t for t in lines if t < end), default=0)
    else:
        start, end = lines[-1], 10**9

    def inside(evidence_line: int) -> bool:
        return start < evidence_line <= end

    return replace(
        record,
        scores=tuple(s for s in record.scores if inside(s.evidence.line)),
        indicators=tuple(i for i in record.indicators if inside(i.evidence.line)),
        executions=tuple(e for e in record.executions if inside(e.evidence.line)),
        total_score=record.total_score if len(closing) == 1 and later else None,
    )


def score_form(record: Record) -> Record:
    """The form of the report's one 总分 (the whole record when there is none or several)."""
    closing = totals(record)
    return form_of(record, closing[0].evidence.line) if len(closing) == 1 else record


def complete(form: Record) -> bool:
    """A table is summed only when it is whole: it has its 总分 (an excerpt may be cut short)."""
    return bool(totals(form))


def sum_known(values: Sequence[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


@dataclass(frozen=True, slots=True)
class GroupFigures:
    score: Decimal | None
    max: Decimal | None
    score_terms: tuple[Decimal, ...]
    max_terms: tuple[Decimal, ...]


def group_items(record: Record, key: str) -> list[Item]:
    return [i for i in items(record) if i.group == key]


def total_figures(record: Record) -> GroupFigures:
    """Σ over level-1 groups of the subtotal where stated, else the sum of the group's items."""
    subs = subtotals(record)
    all_items = items(record)
    keys = list(subs)
    for i in all_items:
        if i.group not in keys:
            keys.append(i.group)
    score_terms: list[Decimal | None] = []
    max_terms: list[Decimal | None] = []
    for key in keys:
        sub = subs.get(key)
        members = [i for i in all_items if i.group == key]
        if key == "":  # items without a readable group count one by one
            score_terms += [i.score for i in members]
            max_terms += [i.max for i in members]
            continue
        for attr, terms in (("score", score_terms), ("max", max_terms)):
            stated = None if sub is None else getattr(sub, attr)
            if stated is not None:
                terms.append(stated)
            else:
                terms.append(sum_known([getattr(i, attr) for i in members]))
    s, m = sum_known(score_terms), sum_known(max_terms)
    return GroupFigures(
        s,
        m,
        tuple(t for t in score_terms if t is not None),
        tuple(t for t in max_terms if t is not None),
    )
