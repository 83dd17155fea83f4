"""execution.score_within_max: a funds row's 得分 lies within 0 and its 分值."""

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
    return None  # compares the row's own max and score


def message(c: Case) -> Bilingual:
    label = c.row.values["label"]
    if c.measure == "min_bound":
        return (
            f"{where_zh(c)}中，{label}得分为{num(c.observed)}分，不能为负数。请核对得分。",
            f"{where_en(c)}: {label} is scored {num(c.observed)}, below 0. Correct the score.",
        )
    return (
        f"{where_zh(c)}中，{label}得分为{num(c.observed)}分，超过该项分值{num(c.expected)}分。"
        "得分不能超过分值，请核对得分或分值。",
        f"{where_en(c)}: {label} is scored {num(c.observed)}, more than its 分值 of "
        f"{num(c.expected)}. Correct the score or the 分值.",
    )


RULE = Rule(
    id="execution.score_within_max",
    name_zh="资金得分不超过分值",
    table="executions",
    description="a funds row's 得分 is ≥ 0 and ≤ its 分值 (exact)",
    columns={},
    derive=derive,
    expectations=within_max("score", "max"),
    message=message,
    params={},
)
