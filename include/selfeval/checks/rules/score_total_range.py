"""score.total_range: the total score lies within the scale (0–100 by default)."""

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
    low, high = c.meta.get("min_value"), c.meta.get("max_value")
    return (
        f"{where_zh(c)}中自评总分为{num(c.observed)}分，超出{num(low)}至{num(high)}分的范围。"
        "请核对总分及各项得分（得分不能超过分值）。",
        f"{where_en(c)}: the total score {num(c.observed)} is outside {num(low)}–{num(high)}. "
        "Correct the total score.",
    )


RULE = Rule(
    id="score.total_range",
    name_zh="自评总分在有效范围内",
    table="submissions",
    description="the total score lies within min_value–max_value",
    columns={},
    derive=derive,
    expectations=(
        Expect(
            "expect_column_values_to_be_between",
            {"column": "total_score"},
            ("min_value", "max_value"),
        ),
    ),
    message=message,
    params={"min_value": 0, "max_value": 100},
)
