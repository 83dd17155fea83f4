"""score.within_max: every score of the score table lies within 0 and its 分值."""

from __future__ import annotations

from selfeval.checks.rule import (
    Bilingual,
    Case,
    Derived,
    Row,
    Rule,
    Scope,
    num,
    where_en,
    where_zh,
    within_max,
)
from selfeval.checks.scoring import in_use
from selfeval.record import Score


def derive(row: Row, scope: Scope) -> Derived | None:
    s: Score = row.source
    if not in_use(scope.record, s):
        return None  # a duplicate of an indicator or funds row: checked there
    return Derived(values={"counted_score": s.score, "counted_max": s.max})


def message(c: Case) -> Bilingual:
    name = c.row.subject
    if c.measure == "min_bound":
        return (
            f"{where_zh(c)}中，评分表“{name}”得分为{num(c.observed)}分，不能低于"
            f"{num(c.expected)}分。请核对得分。",
            f"{where_en(c)}: the score table gives “{name}” {num(c.observed)} points, "
            f"below {num(c.expected)}. Correct the score.",
        )
    return (
        f"{where_zh(c)}中，评分表“{name}”得分为{num(c.observed)}分，超过该项分值"
        f"{num(c.expected)}分。请核对得分或分值。",
        f"{where_en(c)}: the score table gives “{name}” {num(c.observed)} points, more than "
        f"its maximum of {num(c.expected)}. Correct the score or the maximum.",
    )


RULE = Rule(
    id="score.within_max",
    name_zh="评分表得分不超过分值",
    table="scores",
    description="every score of the score table (subtotals, total, items in use) is ≥ 0 and "
    "≤ its 分值 (exact)",
    columns={
        "counted_score": "得分 of a row that counts (null for a duplicate of an indicator row)",
        "counted_max": "its 分值",
    },
    derive=derive,
    expectations=within_max("counted_score", "counted_max"),
    message=message,
    params={},
)
