"""The tables the checks run on: each record item becomes one row of plain figures.

These base columns are a public contract with expectations/*.json (docs/checks.md lists them):
district rules written as built-in GX expectations name them. Every rule in `rules/` adds its
own derived columns to one of these tables. Amounts are in 万元, shares and rates in percent,
scores in points; a figure the report does not print is null (never zero).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from selfeval.checks.rule import Row, Value, wan
from selfeval.record import Record

RowMaker = Callable[[int, Record], Iterable[Row]]


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    what: str  # one row per ...
    columns: Mapping[str, str]
    rows: RowMaker


def _row(report_id: int, index: int, subject: str, item: object, values: dict[str, Value]) -> Row:
    return Row(
        report_id=report_id,
        row=index,
        subject=subject,
        evidence=getattr(item, "evidence", None),
        values=values,
        source=item,
    )


def _submissions(report_id: int, r: Record) -> Iterable[Row]:
    first = next((e for e in r.executions if e.budget is not None or e.initial_budget), None)
    total = r.total_score
    evidence = None if total is None else total.evidence
    score = None if total is None else total.score
    if total is None:
        row = next((s for s in r.scores if s.kind == "total" and s.score is not None), None)
        if row is not None:
            score, evidence = row.score, row.evidence
    yield Row(
        report_id=report_id,
        row=0,
        subject="总分",
        evidence=evidence,
        values={
            "unit_name": r.unit.name,
            "fiscal_year": r.fiscal_year,
            "total_score": score,
            "total_max": None if total is None else total.max,
            "initial_budget": None if first is None else wan(first.initial_budget),
            "budget": None if first is None else wan(first.budget),
            "executed": None if first is None else wan(first.executed),
            "rate_pct": None if first is None else first.rate_pct,
        },
        facts={"path": r.source.path, "unit": r.unit.name or ""},
        source=r,
    )


def _compositions(report_id: int, r: Record) -> Iterable[Row]:
    for i, c in enumerate(r.compositions):
        yield _row(
            report_id,
            i,
            c.label,
            c,
            {"label": c.label, "total": wan(c.total), "parts": len(c.parts)},
        )


def _composition_parts(report_id: int, r: Record) -> Iterable[Row]:
    index = 0
    for c in r.compositions:
        for p in c.parts:
            yield Row(
                report_id=report_id,
                row=index,
                subject=f"{c.label}/{p.name}",
                evidence=c.evidence,
                values={
                    "label": c.label,
                    "part": p.name,
                    "amount": wan(p.amount),
                    "share_pct": p.share_pct,
                },
                source=(c, p),
            )
            index += 1


def _executions(report_id: int, r: Record) -> Iterable[Row]:
    for i, e in enumerate(r.executions):
        yield _row(
            report_id,
            i,
            e.label,
            e,
            {
                "label": e.label,
                "initial_budget": wan(e.initial_budget),
                "budget": wan(e.budget),
                "executed": wan(e.executed),
                "rate_pct": e.rate_pct,
                "max": e.max,
                "score": e.score,
            },
        )


def _scores(report_id: int, r: Record) -> Iterable[Row]:
    for i, s in enumerate(r.scores):
        subject = s.name or s.group or ("总分" if s.kind == "total" else "")
        yield _row(
            report_id,
            i,
            subject,
            s,
            {
                "kind": s.kind,
                "group": s.group,
                "name": s.name or s.group,
                "dimension": s.dimension,
                "max": s.max,
                "score": s.score,
            },
        )


def _section_scores(report_id: int, r: Record) -> Iterable[Row]:
    for i, s in enumerate(r.section_scores):
        yield _row(
            report_id,
            i,
            s.dimension or s.name,
            s,
            {"name": s.name, "dimension": s.dimension, "max": s.max, "score": s.score},
        )


def _indicators(report_id: int, r: Record) -> Iterable[Row]:
    for i, ind in enumerate(r.indicators):
        yield _row(
            report_id,
            i,
            ind.name,
            ind,
            {
                "level1": ind.level1,
                "level2": ind.level2,
                "name": ind.name,
                "target_value": ind.target_value,
                "actual_value": ind.actual_value,
                "completion_pct": ind.completion_pct,
                "weight": ind.weight,
                "score": ind.score,
                "unit": ind.unit,
                "direction": ind.direction,
            },
        )


def _changes(report_id: int, r: Record) -> Iterable[Row]:
    for i, c in enumerate(r.changes):
        yield _row(
            report_id,
            i,
            c.label,
            c,
            {
                "label": c.label,
                "current": wan(c.current),
                "prior": wan(c.prior),
                "change": wan(c.change),
                "growth_pct": c.growth_pct,
            },
        )


def _carryovers(report_id: int, r: Record) -> Iterable[Row]:
    for i, c in enumerate(r.carryovers):
        year = c.year if c.year is not None else r.fiscal_year
        yield _row(
            report_id,
            i,
            f"{year}年{'年初' if c.position == 'opening' else '年末'}结转和结余",
            c,
            {"label": c.label, "year": year, "position": c.position, "amount": c.amount.wan},
        )


CHECK_TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "submissions",
            "report",
            {
                "unit_name": "the unit as named in the report",
                "fiscal_year": "the year evaluated",
                "total_score": "the total self-evaluation score (sentence, else the table's 总分)",
                "total_max": "its maximum where stated",
                "initial_budget": "年初预算数 of the first budget statement (万元)",
                "budget": "its adjusted / full-year budget (万元)",
                "executed": "its executed amount (万元)",
                "rate_pct": "its stated execution rate (%)",
            },
            _submissions,
        ),
        TableSpec(
            "compositions",
            "total stated with its parts",
            {
                "label": "决算收入, 支出按资金来源 …",
                "total": "the total (万元)",
                "parts": "how many parts",
            },
            _compositions,
        ),
        TableSpec(
            "composition_parts",
            "part of a breakdown",
            {
                "label": "the breakdown",
                "part": "the part's name",
                "amount": "its amount (万元)",
                "share_pct": "its stated share (%)",
            },
            _composition_parts,
        ),
        TableSpec(
            "executions",
            "budget-execution statement or funds row of a 自评表",
            {
                "label": "年度资金总额, 其中:财政拨款, 支出 …",
                "initial_budget": "年初预算数 (万元)",
                "budget": "全年 / 调整后预算数 (万元)",
                "executed": "全年执行数 (万元)",
                "rate_pct": "stated 执行率 (%)",
                "max": "分值 of the funds row",
                "score": "得分 of the funds row (null when blank)",
            },
            _executions,
        ),
        TableSpec(
            "scores",
            "row of a score table (item, level-1 subtotal, total)",
            {
                "kind": "item | subtotal | total",
                "group": "the level-1 group",
                "name": "the row's name",
                "dimension": "the folded dimension (管理效率 -> 管理效能)",
                "max": "分值",
                "score": "得分 (null when blank)",
            },
            _scores,
        ),
        TableSpec(
            "section_scores",
            "score stated in a heading or sentence",
            {"name": "as printed", "dimension": "folded", "max": "总分/满分", "score": "自评分"},
            _section_scores,
        ),
        TableSpec(
            "indicators",
            "performance indicator",
            {
                "level1": "一级指标",
                "level2": "二级指标",
                "name": "三级指标",
                "target_value": "target as a number",
                "actual_value": "actual value as a number",
                "completion_pct": "stated completion (%)",
                "weight": "分值",
                "score": "得分 (null when blank)",
                "unit": "unit as printed",
                "direction": "higher | lower | equal | text",
            },
            _indicators,
        ),
        TableSpec(
            "changes",
            "year-over-year statement",
            {
                "label": "what changed",
                "current": "this year (万元)",
                "prior": "last year as printed (万元)",
                "change": "signed change (万元)",
                "growth_pct": "signed growth (%)",
            },
            _changes,
        ),
        TableSpec(
            "carryovers",
            "结转和结余 statement",
            {
                "label": "as printed",
                "year": "the year it belongs to",
                "position": "opening | closing",
                "amount": "万元",
            },
            _carryovers,
        ),
    )
}
