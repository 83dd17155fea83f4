"""section_score.matches_table: a score stated in a heading agrees with the score table."""

from __future__ import annotations

from decimal import Decimal

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
from selfeval.checks.scoring import group_items, group_key, score_form, subtotals, sum_known
from selfeval.record import Record, SectionScore


def table_figure(
    record: Record, dimension: str
) -> tuple[Decimal | None, Decimal | None, tuple[Decimal, ...], tuple[Decimal, ...], str] | None:
    """(score, max, score terms, max terms, 'group'|'item') of the table row a heading names."""
    key = group_key(dimension)
    sub = subtotals(record).get(key) if key else None
    members = group_items(record, key) if key else []
    if sub is not None or members:
        score = None if sub is None else sub.score
        max_ = None if sub is None else sub.max
        s_terms: tuple[Decimal, ...] = ()
        m_terms: tuple[Decimal, ...] = ()
        if score is None and members:
            score = sum_known([i.score for i in members])
            s_terms = tuple(i.score for i in members if i.score is not None)
        if max_ is None and members:
            max_ = sum_known([i.max for i in members])
            m_terms = tuple(i.max for i in members if i.max is not None)
        return score, max_, s_terms, m_terms, "group"
    for s in record.scores:
        if s.kind == "item" and dimension in (s.dimension, s.name):
            return s.score, s.max, (), (), "item"
    return None


def derive(row: Row, scope: Scope) -> Derived | None:
    stated: SectionScore = row.source
    dimension = stated.dimension or stated.name
    found = table_figure(score_form(scope.record), dimension)
    if found is None:
        return None
    score, max_, s_terms, m_terms, kind = found
    values: dict[str, object] = {}
    if score is not None:
        below, above = coarser(stated.score, s_terms or (score,))
        values |= {"table_score": score, "table_score_below": below, "table_score_above": above}
    if max_ is not None and stated.max is not None:
        below, above = coarser(stated.max, m_terms or (max_,))
        values |= {"table_max": max_, "table_max_below": below, "table_max_above": above}
    if not values:
        return None
    return Derived(
        values=values,  # type: ignore[arg-type]
        terms={"table_score": s_terms, "table_max": m_terms},
        facts={"dimension": dimension, "figure": kind},
    )


def message(c: Case) -> Bilingual:
    f = c.row.facts
    dim = f["dimension"]  # one name for a dimension: the report's own word stands in the quote
    is_max = c.measure == "max"
    stated_zh = "总分" if is_max else "自评分"
    what_zh, what_en = ("分值", "maximum") if is_max else ("得分", "score")
    if c.terms:
        table_zh = f"评分表中{dim}各项{what_zh}合计为{num(c.expected)}分{with_terms_zh(c)}"
        table_en = (
            f"the {dim} items of the score table add up to {num(c.expected)}{with_terms_en(c)}"
        )
    else:
        table_zh = f"评分表中{dim}{what_zh}为{num(c.expected)}分"
        table_en = f"the score table gives {dim} a {what_en} of {num(c.expected)}"
    return (
        f"{where_zh(c)}写明{dim}{stated_zh}为{num(c.observed)}分，但{table_zh}"
        f"{tol_zh(c, '分')}。请核对标题或评分表，使两者一致。",
        f"{where_en(c)} states a {what_en} of {num(c.observed)} for {dim}, but {table_en}"
        f"{tol_en(c, ' points')}. Make the heading and the score table agree.",
    )


RULE = Rule(
    id="section_score.matches_table",
    name_zh="标题中的分数与评分表一致",
    table="section_scores",
    description="a score/maximum stated in a heading equals the score table: a level-1 group's "
    "小计 (or the sum of its items), else the item of that name",
    columns={
        "table_score": "the table's score for the heading's dimension",
        "table_score_below": "a unit of the heading's figure when printed more coarsely, else 0",
        "table_score_above": "half a unit of the same, else 0",
        "table_max": "the table's 分值 for it",
        "table_max_below": "as for the score",
        "table_max_above": "as for the score",
    },
    derive=derive,
    expectations=(
        agree("score", "table_score", "table_score_below", "table_score_above", "score"),
        agree("max", "table_max", "table_max_below", "table_max_above", "max"),
    ),
    message=message,
)
