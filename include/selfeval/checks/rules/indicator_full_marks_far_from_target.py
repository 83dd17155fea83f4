"""indicator.full_marks_far_from_target: an indicator far short of its target is not full marks.

Scoring rules give full marks for a met target and deduct in proportion to the shortfall. A
score a little generous on a near miss (99.97 % scored 10 of 10) is a judgement the scorer may
make, so nothing is reported above `min_value` (default 50 % of the target). Below it, full marks
cannot come from any proportional deduction, rounding or lenient reading: the report contradicts
itself, hence an error.
"""

from __future__ import annotations

from decimal import Decimal

from selfeval.checks.precision import percent
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
from selfeval.checks.rules._targets import figures
from selfeval.record import Indicator

_CENT = Decimal("0.01")


def derive(row: Row, scope: Scope) -> Derived | None:
    ind: Indicator = row.source
    found = figures(ind)
    if found is None or ind.score is None or ind.weight is None or ind.score < ind.weight:
        return None
    target, actual, at_most = found
    if target <= 0:
        return None
    if at_most:
        achieved = percent(target, actual) if actual > 0 else None
    else:
        achieved = percent(actual, target)
    if achieved is None:
        return None
    return Derived(values={"full_marks_achieved_pct": achieved.quantize(_CENT)})


def message(c: Case) -> Bilingual:
    ind: Indicator = c.row.source
    return (
        f"{where_zh(c)}中，指标“{ind.name}”目标值为“{ind.target}”，实际完成“{ind.actual}”，"
        f"仅达到目标的{num(c.observed)}%，却得满分{num(ind.score)}分（分值{num(ind.weight)}分）。"
        "请按完成情况扣分，或核对实际完成值。",
        f"{where_en(c)}: indicator “{ind.name}” reached only {num(c.observed)}% of its target "
        f"(“{ind.target}” vs “{ind.actual}”) yet is scored the full {num(ind.score)} of "
        f"{num(ind.weight)}. Deduct for the shortfall or correct the actual value.",
    )


RULE = Rule(
    id="indicator.full_marks_far_from_target",
    name_zh="未达目标的指标不应得满分",
    table="indicators",
    description="an indicator scored its full 分值 reached at least min_value % of its numeric "
    "target (target ÷ actual where lower is better)",
    columns={
        "full_marks_achieved_pct": "actual ÷ target × 100 of an indicator scored full marks, else null",
    },
    derive=derive,
    expectations=(
        Expect(
            "expect_column_values_to_be_between",
            {"column": "full_marks_achieved_pct"},
            ("min_value",),
        ),
    ),
    message=message,
    params={"min_value": 50},
)
