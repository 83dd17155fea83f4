"""score.items_sum_total: the level-1 groups (funds block included) add up to the 总分."""

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
from selfeval.checks.scoring import form_of, total_figures, totals
from selfeval.record import Score


def derive(row: Row, scope: Scope) -> Derived | None:
    s: Score = row.source
    if s.kind != "total" or s not in totals(scope.record):
        return None  # not a 总分 row, or a second reading of one
    figures = total_figures(form_of(scope.record, s.evidence.line))
    values: dict[str, object] = {}
    terms = {}
    for attr, summed, parts in (
        ("score", figures.score, figures.score_terms),
        ("max", figures.max, figures.max_terms),
    ):
        stated = getattr(s, attr)
        if stated is None or summed is None or len(parts) < 2:
            continue
        below, above = coarser(stated, parts)
        values[f"total_items_{attr}"] = summed
        values[f"total_items_{attr}_below"] = below
        values[f"total_items_{attr}_above"] = above
        terms[f"total_items_{attr}"] = parts
    return Derived(values=values, terms=terms) if values else None  # type: ignore[arg-type]


def message(c: Case) -> Bilingual:
    what_zh, what_en = ("分值", "maximum") if c.measure == "max" else ("得分", "score")
    return (
        f"{where_zh(c)}中，评分表总分{what_zh}为{num(c.observed)}分，但各部分{what_zh}合计为"
        f"{num(c.expected)}分{with_terms_zh(c)}{tol_zh(c, '分')}。"
        f"请核对总分或各部分{what_zh}，使两者一致。",
        f"{where_en(c)}: the score table states a total {what_en} of {num(c.observed)}, but "
        f"its parts add up to {num(c.expected)}{with_terms_en(c)}{tol_en(c, ' points')}. "
        "Make them agree.",
    )


RULE = Rule(
    id="score.items_sum_total",
    name_zh="评分表各部分得分之和等于总分",
    table="scores",
    description="the level-1 groups — each its 小计 where stated, else the sum of its items — "
    "and the funds block add up to the 总分: 得分 and 分值 (per form when a file holds several)",
    columns={
        "total_items_score": "Σ 得分 over the groups (null when one is unknowable)",
        "total_items_score_below": "a unit of the 总分 when printed more coarsely, else 0",
        "total_items_score_above": "half a unit of the same, else 0",
        "total_items_max": "Σ 分值 over the groups",
        "total_items_max_below": "as for the score",
        "total_items_max_above": "as for the score",
    },
    derive=derive,
    expectations=(
        agree(
            "score",
            "total_items_score",
            "total_items_score_below",
            "total_items_score_above",
            "score",
        ),
        agree("max", "total_items_max", "total_items_max_below", "total_items_max_above", "max"),
    ),
    message=message,
)
