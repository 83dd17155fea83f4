"""indicator.completion_consistent: a stated completion agrees with the target and actual."""

from __future__ import annotations

from selfeval.checks.precision import HUNDRED, RATIO, half_unit, percent, shown_as, unit
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
from selfeval.checks.rules._targets import figures
from selfeval.record import Indicator


def derive(row: Row, scope: Scope) -> Derived | None:
    ind: Indicator = row.source
    completion = ind.completion_pct
    found = figures(ind)
    if completion is None or found is None:
        return None
    target, actual, at_most = found
    met = actual <= target if at_most else actual >= target
    if met:  # a met target is complete: any stated completion of 100 % or more is consistent
        expected = max(completion, HUNDRED)
        return Derived(
            values={
                "completion_expected": expected,
                "completion_below": unit(completion),
                "completion_above": half_unit(completion),
            },
            shown={"completion_expected": HUNDRED if expected == HUNDRED else expected},
        )
    numerator, denominator = (target, actual) if at_most else (actual, target)
    if denominator <= 0:
        return None
    expected = percent(numerator, denominator)
    # the actual value is a measurement and may be rounded; the target is a set figure
    if at_most:
        moved = RATIO.multiply(RATIO.divide(target * half_unit(actual), actual * actual), HUNDRED)
    else:
        moved = RATIO.multiply(RATIO.divide(half_unit(actual), denominator), HUNDRED)
    return Derived(
        values={
            "completion_expected": expected,
            "completion_below": unit(completion) + moved,
            "completion_above": half_unit(completion) + moved,
        },
        shown={"completion_expected": shown_as(expected, completion)},
    )


def message(c: Case) -> Bilingual:
    ind: Indicator = c.row.source
    met = c.expected == 100
    should_zh = "目标已完成，完成率应为100%" if met else f"完成率应为{num(c.expected)}%"
    should_en = (
        "the target is met, so completion should be 100%"
        if met
        else f"completion should be {num(c.expected)}%"
    )
    return (
        f"{where_zh(c)}中，指标“{ind.name}”年度目标值为“{ind.target}”，实现值为"
        f"“{ind.actual}”，{should_zh}，但填写为{num(c.observed)}%{tol_zh(c, '个百分点')}。"
        "请核对完成率或目标值、实现值。",
        f"{where_en(c)}: indicator “{ind.name}” has target “{ind.target}” and actual "
        f"“{ind.actual}”; {should_en}, but it is stated as {num(c.observed)}%"
        f"{tol_en(c, ' points')}. Correct the completion, target or actual value.",
    )


RULE = Rule(
    id="indicator.completion_consistent",
    name_zh="指标完成率与目标值、实际值一致",
    table="indicators",
    description="where target and actual are numbers: a met target needs completion ≥ 100 %; "
    "an unmet one actual ÷ target × 100 (target ÷ actual where lower is better)",
    columns={
        "completion_expected": "100 (or the stated figure above it) for a met target, else the ratio",
        "completion_below": "a unit of the completion + what rounding the actual can move it",
        "completion_above": "half a unit of the completion + the same",
    },
    derive=derive,
    expectations=(
        agree("completion_pct", "completion_expected", "completion_below", "completion_above"),
    ),
    message=message,
)
