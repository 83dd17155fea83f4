"""score.total_matches_table: the total score stated in the text equals the table's 总分."""

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
)
from selfeval.checks.scoring import totals


def derive(row: Row, scope: Scope) -> Derived | None:
    stated = scope.record.total_score
    found = totals(scope.record)
    if stated is None or len(found) != 1 or found[0].score is None:
        return None
    table = found[0]
    if table.evidence.line == stated.evidence.line:
        return None  # the same cell read twice
    assert table.score is not None
    below, above = coarser(stated.score, (table.score,))
    return Derived(
        values={"table_total": table.score, "table_total_below": below, "table_total_above": above},
        facts={"table_line": table.evidence.line},
    )


def message(c: Case) -> Bilingual:
    line = c.row.facts["table_line"]
    return (
        f"{where_zh(c)}写明自评总分为{num(c.observed)}分，但第{line}行评分表总分为"
        f"{num(c.expected)}分{tol_zh(c, '分')}。请核对正文或评分表，使两者一致。",
        f"{where_en(c)} states a total score of {num(c.observed)}, but the score table's total "
        f"(line {line}) is {num(c.expected)}{tol_en(c, ' points')}. Make them agree.",
    )


RULE = Rule(
    id="score.total_matches_table",
    name_zh="正文总分与评分表总分一致",
    table="submissions",
    description="the total score stated in a sentence equals the score table's 总分",
    columns={
        "table_total": "the score table's 总分 (one total row only)",
        "table_total_below": "a unit of the sentence's figure when printed more coarsely, else 0",
        "table_total_above": "half a unit of the same, else 0",
    },
    derive=derive,
    expectations=(agree("total_score", "table_total", "table_total_below", "table_total_above"),),
    message=message,
)
