"""indicator.score_within_weight: an indicator's 得分 lies within 0 and its 分值."""

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


def derive(row: Row, scope: Scope) -> Derived | None:
    return None


def message(c: Case) -> Bilingual:
    name = c.row.subject
    if c.measure == "min_bound":
        return (
            f"{where_zh(c)}中，指标“{name}”得分为{num(c.observed)}分，不能为负数。请核对得分。",
            f"{where_en(c)}: indicator “{name}” is scored {num(c.observed)}, below 0.",
        )
    return (
        f"{where_zh(c)}中，指标“{name}”得分为{num(c.observed)}分，超过其分值{num(c.expected)}分。"
        "得分最高不超过该指标分值，请核对得分或分值。",
        f"{where_en(c)}: indicator “{name}” is scored {num(c.observed)}, more than its 分值 of "
        f"{num(c.expected)}. A score may not exceed the weight: correct the score or the weight.",
    )


RULE = Rule(
    id="indicator.score_within_weight",
    name_zh="指标得分不超过分值",
    table="indicators",
    description="an indicator's 得分 is ≥ 0 and ≤ its 分值 (exact)",
    columns={},
    derive=derive,
    expectations=within_max("score", "weight"),
    message=message,
    params={},
)
