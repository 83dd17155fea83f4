"""execution.rate_matches: a stated execution rate equals executed ÷ budget × 100."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from selfeval.checks.precision import HUNDRED, half_unit, percent, ratio_moved, shown_as, unit
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
from selfeval.record import Composition, Execution

# A 支出/收入 statement may give only the budget; the executed amount is then the total of the
# 决算支出/决算收入 breakdown.
_EXECUTED_FROM = {"支出": "决算支出", "收入": "决算收入"}


def executed_of(e: Execution, compositions: Sequence[Composition]) -> Decimal | None:
    if e.executed is not None:
        return e.executed.wan
    label = _EXECUTED_FROM.get(e.label)
    for comp in compositions:
        if label is not None and comp.label == label and comp.total is not None:
            return comp.total.wan
    return None


def rate_of(e: Execution, compositions: Sequence[Composition]) -> tuple[Decimal, Decimal] | None:
    """(executed ÷ budget × 100, how far rounding the amounts can move it), when both known."""
    executed = executed_of(e, compositions)
    if e.budget is None or executed is None or e.budget.wan <= 0:
        return None
    return percent(executed, e.budget.wan), ratio_moved(executed, e.budget.wan)


def derive(row: Row, scope: Scope) -> Derived | None:
    e: Execution = row.source
    computed = rate_of(e, scope.record.compositions)
    if e.rate_pct is None or computed is None:
        return None
    expected, moved = computed
    rate = e.rate_pct
    scale = Decimal(1)
    if rate < 2 and expected > 10:
        scale = HUNDRED  # printed as a ratio (0.62 = 62 %): compare as a ratio
    return Derived(
        values={
            "rate_from_amounts": expected / scale,
            "rate_below": unit(rate) + moved / scale,
            "rate_above": half_unit(rate) + moved / scale,
        },
        facts={
            "budget": e.budget.wan if e.budget else None,
            "executed": executed_of(e, scope.record.compositions),
        },
        shown={"rate_from_amounts": shown_as(expected / scale, rate)},
    )


def message(c: Case) -> Bilingual:
    v, f = c.row.values, c.row.facts
    return (
        f"{where_zh(c)}中，{v['label']}执行率写为{num(c.observed)}%，但按执行数"
        f"{amount(c, f['executed'])}÷预算数{amount(c, f['budget'])}计算应为{num(c.expected)}%"
        f"{tol_zh(c, '个百分点')}。请核对执行率或金额。",
        f"{where_en(c)}: the execution rate of {v['label']} is stated as {num(c.observed)}%, "
        f"but executed {amount_en(c, f['executed'])} / budget {amount_en(c, f['budget'])} gives "
        f"{num(c.expected)}%{tol_en(c, ' points')}. Correct the rate or the amounts.",
    )


RULE = Rule(
    id="execution.rate_matches",
    name_zh="执行率与执行数、预算数一致",
    table="executions",
    description="the stated 执行率 equals executed ÷ budget × 100 (executed from the 决算 total "
    "when only the budget is stated; a rate printed as a ratio is compared as one)",
    columns={
        "rate_from_amounts": "executed ÷ budget × 100, exact",
        "rate_below": "a unit of the rate + what rounding the amounts can move it",
        "rate_above": "half a unit of the rate + the same",
    },
    derive=derive,
    expectations=(agree("rate_pct", "rate_from_amounts", "rate_below", "rate_above"),),
    message=message,
)
