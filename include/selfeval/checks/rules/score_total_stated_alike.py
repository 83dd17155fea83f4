"""score.total_stated_alike: the total score stated twice (a heading and a sentence) agrees.

A section score is the whole report's when its dimension is `总分`, or when its maximum is the
total's (100 when not printed).
"""

from __future__ import annotations

from decimal import Decimal

from selfeval.checks.precision import coarser
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
)
from selfeval.record import SectionScore


def derive(row: Row, scope: Scope) -> Derived | None:
    stated: SectionScore = row.source
    total = scope.record.total_score
    if total is None or total.evidence.line == stated.evidence.line:
        return None
    whole = stated.dimension == "总分" or (
        stated.max is not None and stated.max == (total.max or Decimal(100))
    )
    if not whole:
        return None
    below, above = coarser(stated.score, (total.score,))
    return Derived(
        values={
            "stated_total": total.score,
            "stated_total_below": below,
            "stated_total_above": above,
        },
        facts={"total_line": total.evidence.line, "total_text": total.evidence.text},
    )


def message(c: Case) -> Bilingual:
    f = c.row.facts
    return (
        f"{where_zh(c)}写明自评总分为{num(c.observed)}分，但第{f['total_line']}行“{f['total_text']}”"
        f"写明自评总分为{num(c.expected)}分{tol_zh(c, '分')}。同一总分前后不一致，请核对并统一。",
        f"{where_en(c)} states a total score of {num(c.observed)}, but line {f['total_line']} "
        f"states {num(c.expected)}{tol_en(c, ' points')}. Make them agree.",
    )


RULE = Rule(
    id="score.total_stated_alike",
    name_zh="标题与正文总分一致",
    table="section_scores",
    description="a total score stated in a heading equals the one stated in a sentence",
    columns={
        "stated_total": "the report's total score (sentence) when the row is the whole report's",
        "stated_total_below": "a unit of the heading's figure when printed more coarsely, else 0",
        "stated_total_above": "half a unit of the same, else 0",
    },
    derive=derive,
    expectations=(agree("score", "stated_total", "stated_total_below", "stated_total_above"),),
    message=message,
)
