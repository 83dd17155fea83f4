"""composition.shares_sum: the printed shares of a breakdown add up to 100 %."""

from __future__ import annotations

from selfeval.checks.precision import HUNDRED, ZERO, half_unit, unit
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
    with_terms_en,
    with_terms_zh,
)
from selfeval.record import Composition


def derive(row: Row, scope: Scope) -> Derived | None:
    comp: Composition = row.source
    shares = [p.share_pct for p in comp.parts]
    known = [s for s in shares if s is not None]
    # one part is an "of which" sentence; an unprinted share makes the sum unknowable
    if len(comp.parts) < 2 or len(known) != len(shares):
        return None
    return Derived(
        values={
            "shares_sum": sum(known, ZERO),
            "shares_expected": HUNDRED,
            # every share rounded (half a unit either way) or truncated (a unit below)
            "shares_below": sum((unit(s) for s in known), ZERO),
            "shares_above": sum((half_unit(s) for s in known), ZERO),
        },
        terms={"shares_sum": tuple(known)},
    )


def message(c: Case) -> Bilingual:
    label = c.row.values["label"]
    return (
        f"{where_zh(c)}中，{label}各部分占比合计为{num(c.observed)}%{with_terms_zh(c)}，"
        f"应为100%{tol_zh(c, '个百分点')}。请核对各部分占比，使合计为100%。",
        f"{where_en(c)}: the shares of {label} add up to {num(c.observed)}%{with_terms_en(c)}, "
        f"not 100%{tol_en(c, ' points')}. Correct the shares so that they add up to 100%.",
    )


RULE = Rule(
    id="composition.shares_sum",
    name_zh="各部分占比之和为100%",
    table="compositions",
    description="the printed shares of a breakdown (≥ 2 parts, all printed) add up to 100 %",
    columns={
        "shares_sum": "exact sum of the printed shares",
        "shares_expected": "100",
        "shares_below": "Σ one unit of each share (truncation)",
        "shares_above": "Σ half a unit of each share (rounding)",
    },
    derive=derive,
    expectations=(agree("shares_sum", "shares_expected", "shares_below", "shares_above"),),
    message=message,
)
