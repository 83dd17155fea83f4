"""execution.same_figures_same_score: funds rows with the same figures earn the same 得分."""

from __future__ import annotations

from decimal import Decimal

from selfeval.checks.rule import (
    Bilingual,
    Case,
    Derived,
    Row,
    Rule,
    Scope,
    agree,
    num,
    where_en,
    where_zh,
)
from selfeval.record import Execution


def _figures(e: Execution) -> tuple[object, ...]:
    return (
        None if e.budget is None else e.budget.wan,
        None if e.executed is None else e.executed.wan,
        e.rate_pct,
        e.max,
    )


def derive(row: Row, scope: Scope) -> Derived | None:
    e: Execution = row.source
    if e.score is None or e.max is None or e.budget is None or e.executed is None:
        return None
    for other in scope.record.executions:
        if other is e:
            return None  # only an earlier row is the reference
        if other.score is not None and _figures(other) == _figures(e):
            return Derived(
                values={"twin_score": other.score, "twin_allowance": Decimal(0)},
                facts={"twin_label": other.label, "twin_line": other.evidence.line},
            )
    return None


def message(c: Case) -> Bilingual:
    v, f = c.row.values, c.row.facts
    return (
        f"{where_zh(c)}中，{v['label']}与第{f['twin_line']}行{f['twin_label']}的预算数、执行数和执行率"
        f"相同，但得分为{num(c.observed)}分，而后者为{num(c.expected)}分。相同的数字不能得不同的分，"
        "请核对其中一行的得分。",
        f"{where_en(c)}: {v['label']} has the same budget, executed amount and rate as "
        f"{f['twin_label']} (line {f['twin_line']}) but is scored {num(c.observed)} against "
        f"{num(c.expected)}. Correct one of the scores.",
    )


RULE = Rule(
    id="execution.same_figures_same_score",
    name_zh="相同资金数据得分相同",
    table="executions",
    description="two funds rows with the same budget, executed amount, rate and 分值 have the "
    "same 得分",
    columns={
        "twin_score": "得分 of the first earlier row with the same figures",
        "twin_allowance": "0",
    },
    derive=derive,
    expectations=(agree("score", "twin_score", "twin_allowance", "twin_allowance"),),
    message=message,
)
