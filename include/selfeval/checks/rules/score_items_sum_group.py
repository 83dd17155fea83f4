"""score.items_sum_group: the weights and scores of a level-1 group add up to its 小计."""

from __future__ import annotations

from selfeval.checks.precision import coarser
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
from selfeval.checks.scoring import complete, form_of, group_items, group_key, subtotals, sum_known
from selfeval.record import Score


def derive(row: Row, scope: Scope) -> Derived | None:
    s: Score = row.source
    key = group_key(s.group or s.name)
    if s.kind != "subtotal" or not key:
        return None
    form = form_of(scope.record, s.evidence.line)
    if not complete(form) or subtotals(form).get(key) is not s:
        return None
    members = group_items(form, key)
    if not members:
        return None
    values: dict[str, object] = {}
    terms = {}
    for attr in ("score", "max"):
        stated = getattr(s, attr)
        summed = sum_known([getattr(i, attr) for i in members])
        if stated is None or summed is None:
            continue
        figures = tuple(getattr(i, attr) for i in members)
        below, above = coarser(stated, figures)
        values[f"group_items_{attr}"] = summed
        values[f"group_items_{attr}_below"] = below
        values[f"group_items_{attr}_above"] = above
        terms[f"group_items_{attr}"] = figures
    if not values:
        return None
    return Derived(values=values, terms=terms, facts={"group": key})  # type: ignore[arg-type]


def message(c: Case) -> Bilingual:
    group = c.row.facts.get("group") or c.row.subject
    what_zh, what_en = ("分值", "maximum") if c.measure == "max" else ("得分", "score")
    return (
        f"{where_zh(c)}中，评分表{group}小计{what_zh}为{num(c.observed)}分，但其各项{what_zh}合计为"
        f"{num(c.expected)}分{with_terms_zh(c)}{tol_zh(c, '分')}。"
        f"请核对{group}小计或各项{what_zh}，使两者一致。",
        f"{where_en(c)}: the score table states a {what_en} of {num(c.observed)} for the "
        f"{group} subtotal, but its items add up to {num(c.expected)}{with_terms_en(c)}"
        f"{tol_en(c, ' points')}. Make them agree.",
    )


RULE = Rule(
    id="score.items_sum_group",
    name_zh="评分表各项得分之和等于小计",
    table="scores",
    description="the items of a level-1 group (indicator rows, else score-table items) add up "
    "to its 小计: 得分 and 分值; only for a whole table (with its 总分)",
    columns={
        "group_items_score": "Σ 得分 of the group's items (null when one is blank)",
        "group_items_score_below": "a unit of the 小计 when printed more coarsely than the items, else 0",
        "group_items_score_above": "half a unit of the same, else 0",
        "group_items_max": "Σ 分值 of the group's items",
        "group_items_max_below": "as for the score",
        "group_items_max_above": "as for the score",
    },
    derive=derive,
    expectations=(
        agree(
            "score",
            "group_items_score",
            "group_items_score_below",
            "group_items_score_above",
            "score",
        ),
        agree("max", "group_items_max", "group_items_max_below", "group_items_max_above", "max"),
    ),
    message=message,
)
