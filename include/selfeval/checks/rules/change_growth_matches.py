"""change.growth_matches: the stated growth = change ÷ prior × 100.

The prior-year figure is the printed one, else current − change: a growth computed on the wrong
base (change ÷ current) shows up here.
"""

from __future__ import annotations

from selfeval.checks.precision import half_unit, percent, ratio_moved, shown_as, unit
from selfeval.checks.rule import (
    Bilingual,
    Case,
    Derived,
    Row,
    Rule,
    Scope,
    agree,
    amount,
    amount_en,
    num,
    tol_en,
    tol_zh,
    where_en,
    where_zh,
)
from selfeval.checks.rules._changes import prior_of
from selfeval.record import Change


def derive(row: Row, scope: Scope) -> Derived | None:
    c: Change = row.source
    found = prior_of(c)
    growth = c.growth_pct
    if growth is None or found is None or c.change is None:
        return None
    prior, _, printed = found
    if prior <= 0:
        return None
    change = c.change.wan
    expected = percent(change, prior)
    moved = ratio_moved(change, prior)
    if not printed:
        moved += (
            ratio_moved(change, prior)
            if c.current is None
            else percent(abs(change) * half_unit(c.current.wan), prior * prior)
        )
    return Derived(
        values={
            "growth_from_amounts": expected,
            "growth_below": unit(growth) + moved,
            "growth_above": half_unit(growth) + moved,
        },
        facts={"prior": prior, "prior_printed": printed, "change_wan": change},
        shown={"growth_from_amounts": shown_as(expected, growth)},
    )


def message(c: Case) -> Bilingual:
    v, f = c.row.values, c.row.facts
    base_zh = "上年数" if f["prior_printed"] else "上年数（本年数−增减额）"
    base_en = "last year" if f["prior_printed"] else "last year (current − change)"
    return (
        f"{where_zh(c)}中，{v['label']}增长率写为{num(c.observed)}%，但按增减额"
        f"{amount(c, f['change_wan'])}÷{base_zh}{amount(c, f['prior'])}计算应为{num(c.expected)}%"
        f"{tol_zh(c, '个百分点')}。增长率应以上年数为基数，请核对增长率或金额。",
        f"{where_en(c)}: the growth of {v['label']} is stated as {num(c.observed)}%, but change "
        f"{amount_en(c, f['change_wan'])} / {base_en} {amount_en(c, f['prior'])} gives "
        f"{num(c.expected)}%{tol_en(c, ' points')}. Growth is measured on last year's figure.",
    )


RULE = Rule(
    id="change.growth_matches",
    name_zh="增长率与增减额、上年数一致",
    table="changes",
    description="the stated growth equals change ÷ prior × 100, prior printed or current − change",
    columns={
        "growth_from_amounts": "change ÷ prior × 100",
        "growth_below": "a unit of the growth + what rounding the amounts can move it",
        "growth_above": "half a unit of the growth + the same",
    },
    derive=derive,
    expectations=(agree("growth_pct", "growth_from_amounts", "growth_below", "growth_above"),),
    message=message,
)
