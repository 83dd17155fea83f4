"""change.amounts_agree: current − prior = the stated change."""

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
    num,
    tol_en,
    tol_zh,
    where_en,
    where_zh,
)
from selfeval.record import Change


def derive(row: Row, scope: Scope) -> Derived | None:
    c: Change = row.source
    if c.current is None or c.prior is None or c.change is None:
        return None
    cur, pri, chg = c.current.wan, c.prior.wan, c.change.wan
    allowance = half_unit(cur) + half_unit(pri) + half_unit(chg)
    return Derived(
        values={"change_from_amounts": cur - pri, "change_allowance": allowance},
        facts={"current": cur, "prior": pri},
    )


def message(c: Case) -> Bilingual:
    v, f = c.row.values, c.row.facts
    return (
        f"{where_zh(c)}中，{v['label']}比上年增减写为{amount(c, c.observed)}，但本年"
        f"{amount(c, f['current'])}−上年{amount(c, f['prior'])}应为{amount(c, c.expected)}，相差"
        f"{amount_diff(c)}{tol_zh(c, '万元')}。请核对增减额或本年、上年金额。",
        f"{where_en(c)}: the change of {v['label']} is stated as {amount_en(c, c.observed)}, but "
        f"{num(f['current'])} − {num(f['prior'])} = {amount_en(c, c.expected)}"
        f"{tol_en(c, ' 万元')}. Correct the change or the amounts.",
    )


RULE = Rule(
    id="change.amounts_agree",
    name_zh="本年数减上年数等于增减额",
    table="changes",
    description="current − prior equals the stated (signed) change, where all three are printed",
    columns={
        "change_from_amounts": "current − prior",
        "change_allowance": "half a unit of each of the three amounts",
    },
    derive=derive,
    expectations=(agree("change", "change_from_amounts", "change_allowance", "change_allowance"),),
    message=message,
)
