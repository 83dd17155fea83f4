"""carryover.cross_year: year Y's opening carry-over equals the Y−1 report's closing one.

Runs when the caller passes last year's record (the warehouse does, on loading either year).
"""

from __future__ import annotations

from selfeval.checks.precision import half_unit
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
from selfeval.record import Carryover


def derive(row: Row, scope: Scope) -> Derived | None:
    opening: Carryover = row.source
    year = row.values["year"]
    previous = scope.previous
    if previous is None or opening.position != "opening" or not isinstance(year, int):
        return None
    if previous.fiscal_year is not None and previous.fiscal_year != year - 1:
        return None
    closing = next(
        (
            c
            for c in previous.carryovers
            if c.position == "closing" and (c.year == year - 1 or c.year is None)
        ),
        None,
    )
    if closing is None:
        return None
    a, b = opening.amount.wan, closing.amount.wan
    return Derived(
        values={"last_report_closing": b, "cross_year_allowance": half_unit(a) + half_unit(b)},
        facts={"closing_line": closing.evidence.line},
    )


def message(c: Case) -> Bilingual:
    year = int(c.row.values["year"])  # type: ignore[arg-type]
    return (
        f"{where_zh(c)}中，{year}年年初结转和结余为{amount(c, c.observed)}，但{year - 1}年度报告"
        f"（第{c.row.facts['closing_line']}行）的年末结转和结余为{amount(c, c.expected)}，相差"
        f"{amount_diff(c)}。请核对两年的结转结余数。",
        f"{where_en(c)}: the opening carry-over of {year} ({amount_en(c, c.observed)}) differs from "
        f"the closing carry-over in the {year - 1} report ({amount_en(c, c.expected)}) by "
        f"{amount_diff_en(c)}.",
    )


RULE = Rule(
    id="carryover.cross_year",
    name_zh="年初结转和结余与上年报告年末一致",
    table="carryovers",
    description="the opening carry-over of year Y equals the closing one in the unit's Y−1 report",
    columns={
        "last_report_closing": "the closing carry-over of Y−1 in last year's report",
        "cross_year_allowance": "half a unit of each (two reports, two printings)",
    },
    derive=derive,
    expectations=(
        agree("amount", "last_report_closing", "cross_year_allowance", "cross_year_allowance"),
    ),
    message=message,
)
