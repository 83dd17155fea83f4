"""execution.score_follows_rate: a funds row's 得分 = 分值 × 执行率, capped at 分值.

The rate is executed ÷ budget where the row gives both amounts (a mistyped printed rate must not
excuse the score), else the printed rate. A score may be rounded or floored to the step it is
printed in (whole or half points, else its last decimal): it may sit below the formula by one
step and above it by half a step. A blank 得分 is not checked.
"""

from __future__ import annotations

from decimal import Decimal

from selfeval.checks.precision import HUNDRED, RATIO, score_step, shown_as
from selfeval.checks.rule import (
    Bilingual,
    Case,
    Derived,
    Row,
    Rule,
    Scope,
    agree,
    num,
    tol_en,
    tol_zh,
    where_en,
    where_zh,
)
from selfeval.checks.rules.execution_rate_matches import rate_of
from selfeval.record import Execution


def derive(row: Row, scope: Scope) -> Derived | None:
    e: Execution = row.source
    if e.score is None or e.max is None or e.max <= 0:
        return None
    computed = rate_of(e, scope.record.compositions)
    if computed is not None:
        rate, moved = computed
    elif e.rate_pct is not None:
        rate = e.rate_pct * HUNDRED if e.rate_pct < 2 else e.rate_pct
        moved = Decimal(0)
    else:
        return None
    expected = min(RATIO.divide(RATIO.multiply(e.max, rate), HUNDRED), e.max)
    spread = RATIO.divide(RATIO.multiply(e.max, moved), HUNDRED)
    step = score_step(e.score)
    return Derived(
        values={
            "score_from_rate": expected,
            "score_below": step + spread,
            "score_above": step / 2 + spread,
        },
        facts={"rate": shown_as(rate, Decimal("0.01"))},
        shown={"score_from_rate": shown_as(expected, e.score)},
    )


def message(c: Case) -> Bilingual:
    v, f = c.row.values, c.row.facts
    return (
        f"{where_zh(c)}中，{v['label']}得分为{num(c.observed)}分，但按分值{num(v['max'])}分×"
        f"执行率{num(f['rate'])}%计算应为{num(c.expected)}分{tol_zh(c, '分')}。"
        "请核对得分（得分=分值×执行率，最高不超过分值）或执行率。",
        f"{where_en(c)}: {v['label']} is scored {num(c.observed)}, but 分值 {num(v['max'])} × "
        f"rate {num(f['rate'])}% gives {num(c.expected)}{tol_en(c, ' points')}. Correct the "
        "score (score = 分值 × rate, at most 分值) or the rate.",
    )


RULE = Rule(
    id="execution.score_follows_rate",
    name_zh="资金得分与执行率一致",
    table="executions",
    description="a funds row's 得分 equals 分值 × 执行率 capped at 分值, within the step it is "
    "printed in (rounded or floored)",
    columns={
        "score_from_rate": "min(分值 × executed ÷ budget, 分值) (the printed rate without amounts)",
        "score_below": "one printed step of the score + what amount rounding moves it",
        "score_above": "half a step + the same",
    },
    derive=derive,
    expectations=(agree("score", "score_from_rate", "score_below", "score_above"),),
    message=message,
)
