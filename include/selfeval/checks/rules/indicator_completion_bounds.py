"""indicator.completion_bounds: a stated completion lies within a plausible range."""

from __future__ import annotations

from selfeval.checks.rule import (
    Bilingual,
    Case,
    Derived,
    Expect,
    Row,
    Rule,
    Scope,
    num,
    where_en,
    where_zh,
)


def derive(row: Row, scope: Scope) -> Derived | None:
    return None


def message(c: Case) -> Bilingual:
    name = c.row.subject
    low, high = c.meta.get("min_value"), c.meta.get("max_value")
    return (
        f"{where_zh(c)}中，指标“{name}”的完成率为{num(c.observed)}%，超出{num(low)}%至"
        f"{num(high)}%的合理范围。请核对完成率。",
        f"{where_en(c)}: indicator “{name}” has a completion of {num(c.observed)}%, outside "
        f"{num(low)}%–{num(high)}%. Correct the completion.",
    )


RULE = Rule(
    id="indicator.completion_bounds",
    name_zh="指标完成率在合理范围内",
    table="indicators",
    description="an indicator's stated completion lies within min_value–max_value %",
    columns={},
    derive=derive,
    expectations=(
        Expect(
            "expect_column_values_to_be_between",
            {"column": "completion_pct"},
            ("min_value", "max_value"),
        ),
    ),
    message=message,
    params={"min_value": 0, "max_value": 200},
)
