"""change.closing_balance_base: a closing balance's change is against last year's closing one.

年末结转和结余 "比上年减少 X" compares with last year's closing balance, which is this year's
opening balance (年初结转和结余) stated in the same report.
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
    amount_en,
    where_en,
    where_zh,
)
from selfeval.checks.rules._changes import prior_of
from selfeval.record import Change


def derive(row: Row, scope: Scope) -> Derived | None:
    c: Change = row.source
    if "年末结转" not in c.label and "年末结余" not in c.label:
        return None
    found = prior_of(c)
    year = scope.record.fiscal_year
    opening = next(
        (
            o
            for o in scope.record.carryovers
            if o.position == "opening" and (o.year is None or o.year == year)
        ),
        None,
    )
    if found is None or opening is None:
        return None
    prior, allowance, printed = found
    return Derived(
        values={
            "prior_closing": prior,
            "opening_balance": opening.amount.wan,
            "balance_allowance": allowance + half_unit(opening.amount.wan),
        },
        facts={
            "opening_line": opening.evidence.line,
            "prior_printed": printed,
            "change_wan": None if c.change is None else c.change.wan,
        },
    )


def message(c: Case) -> Bilingual:
    f = c.row.facts
    how = "" if f["prior_printed"] else f"（按本年数减增减额{amount(c, f['change_wan'])}推算）"
    return (
        f"{where_zh(c)}中，上年年末结转和结余为{amount(c, c.observed)}{how}，但第{f['opening_line']}行"
        f"本年年初结转和结余为{amount(c, c.expected)}，两者应当相等，相差{amount_diff(c)}。"
        "请核对年末结转和结余的增减额或年初结转和结余。",
        f"{where_en(c)}: last year's closing balance is {amount_en(c, c.observed)} (as the change "
        f"implies), but this year's opening balance (line {f['opening_line']}) is "
        f"{amount_en(c, c.expected)}; they should be equal. Correct the change or the opening balance.",
    )


RULE = Rule(
    id="change.closing_balance_base",
    name_zh="年末结转和结余的上年数等于本年年初数",
    table="changes",
    description="for 年末结转和结余, the prior-year figure (printed or current − change) equals "
    "this year's opening 年初结转和结余",
    columns={
        "prior_closing": "last year's closing balance, printed or current − change",
        "opening_balance": "this year's 年初结转和结余",
        "balance_allowance": "half a unit of each amount involved",
    },
    derive=derive,
    expectations=(
        agree("prior_closing", "opening_balance", "balance_allowance", "balance_allowance"),
    ),
    message=message,
)
