"""score.dimensions_sum_total: the dimension scores stated in the text add up to the total.

The dimensions are the section scores whose maxima add up to the total's maximum (100 when not
stated); a section whose maximum is the sum of the sections right after it is their parent, and
only the parent counts. Where the report has a score table with its 总分, the headings are
compared with the table (section_score.matches_table) and this check stands aside, so that one
wrong heading is reported once.
"""

from __future__ import annotations

from decimal import Decimal

from selfeval.checks.precision import ZERO, coarser
from selfeval.checks.rule import (
    Bilingual,
    Case,
    Derived,
    Row,
    Rule,
    Scope,
    agree,
    num,
    tol_en,
    tol_zh,
    where_en,
    where_zh,
    with_terms_en,
    with_terms_zh,
)
from selfeval.record import Record, SectionScore

_TOTAL_NAMES = ("总分", "总得分", "综合得分", "自评得分")


def dimensions(record: Record, total_max: Decimal) -> list[SectionScore] | None:
    sections = [
        s
        for s in record.section_scores
        if s.max is not None
        and s.score <= s.max  # a score above its own maximum is no dimension read right
        and s.max < total_max
        and (s.dimension or "") != "总分"
        and not any(n in s.name for n in _TOTAL_NAMES)
    ]
    top: list[SectionScore] = []
    i = 0
    while i < len(sections):
        s = sections[i]
        top.append(s)
        j, running = i + 1, ZERO
        while j < len(sections) and s.max is not None and running < s.max:
            running += sections[j].max or ZERO
            j += 1
        i = j if j > i + 2 and running == s.max else i + 1
    if len(top) < 2 or sum((s.max or ZERO for s in top), ZERO) != total_max:
        return None
    return top


def derive(row: Row, scope: Scope) -> Derived | None:
    total = scope.record.total_score
    if total is None or any(s.kind == "total" for s in scope.record.scores):
        return None  # a score table is the breakdown: headings are compared with it instead
    found = dimensions(scope.record, total.max or Decimal(100))
    if found is None:
        return None
    parts = tuple(s.score for s in found)
    below, above = coarser(total.score, parts)
    return Derived(
        values={
            "dimensions_score": sum(parts, ZERO),
            "dimensions_below": below,
            "dimensions_above": above,
        },
        terms={"dimensions_score": parts},
        facts={"dimension_names": "、".join(s.name for s in found)},
    )


def message(c: Case) -> Bilingual:
    names = c.row.facts["dimension_names"]
    return (
        f"{where_zh(c)}写明自评总分为{num(c.observed)}分，但报告中各部分得分（{names}）合计为"
        f"{num(c.expected)}分{with_terms_zh(c)}{tol_zh(c, '分')}。请核对总分或各部分得分。",
        f"{where_en(c)} states a total score of {num(c.observed)}, but the dimension scores "
        f"({names}) add up to {num(c.expected)}{with_terms_en(c)}{tol_en(c, ' points')}. "
        "Correct the total or the dimension scores.",
    )


RULE = Rule(
    id="score.dimensions_sum_total",
    name_zh="各部分自评分之和等于总分",
    table="submissions",
    description="the dimension scores stated in headings or sentences (those whose maxima make "
    "up the total's maximum) add up to the total score",
    columns={
        "dimensions_score": "Σ of the stated dimension scores",
        "dimensions_below": "a unit of the total when printed more coarsely, else 0",
        "dimensions_above": "half a unit of the same, else 0",
    },
    derive=derive,
    expectations=(
        agree("total_score", "dimensions_score", "dimensions_below", "dimensions_above"),
    ),
    message=message,
)
