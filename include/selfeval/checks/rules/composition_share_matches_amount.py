"""composition.share_matches_amount: a stated share equals amount ÷ total × 100."""

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
    num,
    tol_en,
    where_en,
    where_zh,
)


def derive(row: Row, scope: Scope) -> Derived | None:
    comp, part = row.source
    share = part.share_pct
    if share is None or part.amount is None or comp.total is None or comp.total.wan <= 0:
        return None
    amount, total = part.amount.wan, comp.total.wan
    expected = percent(amount, total)
    moved = ratio_moved(amount, total)
    return Derived(
        values={
            "share_from_amounts": expected,
            "share_below": unit(share) + moved,
            "share_above": half_unit(share) + moved,
        },
        facts={"amount": amount, "total": total},
        shown={"share_from_amounts": shown_as(expected, share)},
    )


def message(c: Case) -> Bilingual:
    v, f = c.row.values, c.row.facts
    tol = f"，允许误差{num(c.tolerance)}个百分点" if c.tolerance else ""
    return (
        f"{where_zh(c)}中，{v['part']}占{v['label']}的比例写为{num(c.observed)}%，"
        f"但按金额计算应为{num(c.expected)}%（{num(f['amount'])}÷{num(f['total'])}{tol}）。"
        "请核对占比或金额。",
        f"{where_en(c)}: the share of {v['part']} in {v['label']} is stated as "
        f"{num(c.observed)}%, but the amounts give {num(c.expected)}% "
        f"({num(f['amount'])} / {num(f['total'])}){tol_en(c, ' points')}. "
        "Correct the share or the amounts.",
    )


RULE = Rule(
    id="composition.share_matches_amount",
    name_zh="占比与金额一致",
    table="composition_parts",
    description="each stated share equals amount ÷ total × 100",
    columns={
        "share_from_amounts": "amount ÷ total × 100, exact",
        "share_below": "a unit of the share + what rounding the amounts can move it",
        "share_above": "half a unit of the share + the same",
    },
    derive=derive,
    expectations=(agree("share_pct", "share_from_amounts", "share_below", "share_above"),),
    message=message,
)
