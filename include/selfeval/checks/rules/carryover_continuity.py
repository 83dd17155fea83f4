"""carryover.continuity: this year's opening carry-over equals last year's closing one."""

from __future__ import annotations

from selfeval.checks.rule import (
    Bilingual,
    Case,
    Derived,
    Row,
    Rule,
    Scope,
    agree,
    amount,
    amount_diff,
    amount_diff_en,
    amount_en,
    where_en,
    where_zh,
)
from selfeval.checks.rules._carry import same_figure_allowance
from selfeval.record import Carryover


def derive(row: Row, scope: Scope) -> Derived | None:
    opening: Carryover = row.source
    year = row.values["year"]
    if opening.position != "opening" or not isinstance(year, int):
        return None
    r = scope.record
    closing = next(
        (
            c
            for c in reversed(r.carryovers)
            if c.position == "closing"
            and (c.year if c.year is not None else r.fiscal_year) == year - 1
        ),
        None,
    )
    if closing is None:
        return None
    a, b = opening.amount.wan, closing.amount.wan
    return Derived(
        values={"previous_closing": b, "continuity_allowance": same_figure_allowance(a, b)},
        facts={"closing_line": closing.evidence.line},
    )


def message(c: Case) -> Bilingual:
    year = int(c.row.values["year"])  # type: ignore[arg-type]
    line = c.row.facts["closing_line"]
    same_line = c.row.evidence is not None and c.row.evidence.line == line
    elsewhere_zh = "" if same_line else f"（第{line}行）"
    elsewhere_en = "" if same_line else f" (line {line})"
    return (
        f"{where_zh(c)}中，{year}年年初结转和结余为{amount(c, c.observed)}，但{year - 1}年"
        f"年末结转和结余为{amount(c, c.expected)}{elsewhere_zh}，两者应当相等，"
        f"相差{amount_diff(c)}。请核对本年年初结转和结余或上年年末结转和结余。",
        f"{where_en(c)}: the opening carry-over of {year} is {amount_en(c, c.observed)} but the "
        f"closing carry-over of {year - 1} is {amount_en(c, c.expected)}{elsewhere_en}; "
        f"they should be equal ({amount_diff_en(c)} apart). Correct one of them.",
    )


RULE = Rule(
    id="carryover.continuity",
    name_zh="年初结转和结余与上年年末一致（本报告内）",
    table="carryovers",
    description="the opening carry-over of year Y equals the closing one of Y−1 stated in the "
    "same report",
    columns={
        "previous_closing": "Y−1's closing carry-over in the same report",
        "continuity_allowance": "0 when both are printed alike, else both half-units",
    },
    derive=derive,
    expectations=(
        agree("amount", "previous_closing", "continuity_allowance", "continuity_allowance"),
    ),
    message=message,
)
