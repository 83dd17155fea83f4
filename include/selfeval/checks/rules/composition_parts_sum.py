"""composition.parts_sum: the parts of a breakdown add up to its total."""

from __future__ import annotations

from selfeval.checks.precision import ZERO, half_unit
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
    amount_terms_en,
    amount_terms_zh,
    tol_en,
    tol_zh,
    where_en,
    where_zh,
)
from selfeval.record import Composition


def derive(row: Row, scope: Scope) -> Derived | None:
    comp: Composition = row.source
    amounts = [None if p.amount is None else p.amount.wan for p in comp.parts]
    known = [a for a in amounts if a is not None]
    if comp.total is None or len(comp.parts) < 2 or len(known) != len(amounts):
        return None
    # amounts are rounded to the cent or the printed place, never truncated by more
    allowance = half_unit(comp.total.wan) + sum((half_unit(a) for a in known), ZERO)
    return Derived(
        values={"parts_sum": sum(known, ZERO), "parts_allowance": allowance},
        terms={"parts_sum": tuple(known)},
    )


def message(c: Case) -> Bilingual:
    label = c.row.values["label"]
    return (
        f"{where_zh(c)}中，{label}为{amount(c, c.observed)}，但各部分金额合计为"
        f"{amount(c, c.expected)}{amount_terms_zh(c)}，相差{amount_diff(c)}{tol_zh(c, '万元')}。"
        "请核对总额或各部分金额。",
        f"{where_en(c)}: {label} is {amount_en(c, c.observed)} but its parts add up to "
        f"{amount_en(c, c.expected)}{amount_terms_en(c)}, {amount_diff_en(c)} apart"
        f"{tol_en(c, ' 万元')}. Correct the total or the parts.",
    )


RULE = Rule(
    id="composition.parts_sum",
    name_zh="各组成部分之和等于合计",
    table="compositions",
    description="the parts of a breakdown (≥ 2, all with amounts) add up to its total",
    columns={
        "parts_sum": "exact sum of the parts' amounts",
        "parts_allowance": "half a unit of the total and of every part",
    },
    derive=derive,
    expectations=(agree("total", "parts_sum", "parts_allowance", "parts_allowance"),),
    message=message,
)
