"""Turn Records into one table per kind of figure, with the derived columns the suites compare.

GX compares rows, so every cross-row figure a check needs (the sum of a composition's shares, the
items of a score group, the table score a heading refers to, last year's closing carry-over) is
derived here, exactly, with `Decimal`. Each derived figure comes with an *allowance*: how far it
may honestly differ from the stated one because the report rounded what it printed. The suites
decide how much of that allowance to grant (`allowance_factor`) and the severity.

Every row keeps the figures, names and evidence a message needs, so findings are written from the
exact Decimals of the record, never from what GX echoes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any

from selfeval.record import (
    Composition,
    Evidence,
    Execution,
    Indicator,
    Money,
    Record,
    Score,
    SectionScore,
)

# Ratios (share = part / total) do not terminate; 28 significant digits are far below any
# printed precision, and the comparison stays exact decimal arithmetic.
_RATIO = Context(prec=28)
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)

Value = Decimal | int | str | None


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a flattened table: what GX sees (`values`) and what a message needs."""

    report_id: int
    row: int
    subject: str
    evidence: Evidence | None
    values: Mapping[str, Value]
    # Figures a derived value was added up from, e.g. (3, 3.5, 4, ...) for "3+3.5+4+...".
    terms: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)
    # Names and wording for messages (labels, units, the year, what a figure is called).
    facts: Mapping[str, Any] = field(default_factory=dict)
    # How a derived value is shown in a finding when the exact one has too many digits.
    shown: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def frame(self) -> Any:
        """The rows as a pandas DataFrame: `report_id`, `row` and the value columns (objects)."""
        import pandas as pd

        data: dict[str, Any] = {
            "report_id": pd.Series([r.report_id for r in self.rows], dtype="int64"),
            "row": pd.Series([r.row for r in self.rows], dtype="int64"),
        }
        for column in self.columns:
            # object dtype keeps Decimals exact and None as missing for every expectation
            data[column] = pd.Series([r.values.get(column) for r in self.rows], dtype=object)
        return pd.DataFrame(data)


# --- the tables and their columns (a public contract with expectations/*.json) ----------------

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "compositions": (
        "label",
        "total",
        "parts_sum",
        "parts_allowance",
        "shares_sum",
        "shares_expected",
        "shares_allowance",
    ),
    "composition_parts": ("label", "part", "share_pct", "share_from_amounts", "share_allowance"),
    "executions": ("label", "rate_pct", "rate_from_amounts", "rate_allowance"),
    "scores": (
        "kind",
        "name",
        "score",
        "max",
        "group_items_score",
        "group_items_score_allowance",
        "group_items_max",
        "group_items_max_allowance",
        "total_items_score",
        "total_items_score_allowance",
        "total_items_max",
        "total_items_max_allowance",
    ),
    "section_scores": (
        "dimension",
        "score",
        "table_score",
        "table_score_allowance",
        "max",
        "table_max",
        "table_max_allowance",
    ),
    "indicators": ("name", "completion_pct", "completion_expected", "completion_allowance"),
    "carryovers": ("year", "opening", "previous_closing", "allowance"),
    "submissions": ("unit_name", "fiscal_year", "total_score"),
}


def flatten(records: Sequence[Record]) -> dict[str, Table]:
    """All tables for `records`; `report_id` is the record's index in `records`."""
    rows: dict[str, list[Row]] = {name: [] for name in TABLE_COLUMNS}
    for report_id, record in enumerate(records):
        rows["compositions"].extend(_compositions(report_id, record))
        rows["composition_parts"].extend(_composition_parts(report_id, record))
        rows["executions"].extend(_executions(report_id, record))
        rows["scores"].extend(_scores(report_id, record))
        rows["section_scores"].extend(_section_scores(report_id, record))
        rows["indicators"].extend(_indicators(report_id, record))
        rows["carryovers"].extend(_carryovers(report_id, record))
        rows["submissions"].append(_submission(report_id, record))
    return {
        name: Table(name=name, columns=TABLE_COLUMNS[name], rows=tuple(rows[name]))
        for name in TABLE_COLUMNS
    }


# --- precision ---------------------------------------------------------------------------------


def half_unit(value: Decimal) -> Decimal:
    """Half a unit in the last printed place: 99.94 -> 0.005, 100 -> 0.5, 1.5E+4 -> 500."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite Decimals only; records never hold NaN
    return Decimal((0, (5,), exponent - 1))


def decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def shown_as(value: Decimal, like: Decimal) -> Decimal:
    """`value` rounded to the precision of `like`, and never coarser than two decimals."""
    exponent = like.as_tuple().exponent
    assert isinstance(exponent, int)
    return value.quantize(Decimal((0, (1,), min(exponent, -2))))


def _coarser_allowance(stated: Decimal, parts: Iterable[Decimal]) -> Decimal:
    """A stated figure printed more coarsely than the figures it sums may be their rounding."""
    finest = max((decimals(p) for p in parts), default=0)
    return half_unit(stated) if decimals(stated) < finest else _ZERO


def _wan(money: Money | None) -> Decimal | None:
    return None if money is None else money.wan


# --- compositions ------------------------------------------------------------------------------


def _compositions(report_id: int, record: Record) -> Iterable[Row]:
    for index, comp in enumerate(record.compositions):
        amounts = [_wan(p.amount) for p in comp.parts]
        total = _wan(comp.total)
        parts_sum = parts_allowance = None
        known_amounts = [a for a in amounts if a is not None]
        # A breakdown of a single part is an "of which" sentence, not a complete breakdown.
        if total is not None and len(comp.parts) >= 2 and len(known_amounts) == len(amounts):
            parts_sum = sum(known_amounts, _ZERO)
            parts_allowance = half_unit(total) + sum((half_unit(a) for a in known_amounts), _ZERO)
        shares = [p.share_pct for p in comp.parts]
        known_shares = [s for s in shares if s is not None]
        shares_sum = shares_allowance = shares_expected = None
        # An unprinted share makes the sum meaningless: skip rather than report a false error.
        if len(comp.parts) >= 2 and len(known_shares) == len(shares):
            shares_sum = sum(known_shares, _ZERO)
            shares_expected = _HUNDRED
            shares_allowance = sum((half_unit(s) for s in known_shares), _ZERO)
        yield Row(
            report_id=report_id,
            row=index,
            subject=comp.label,
            evidence=comp.evidence,
            values={
                "label": comp.label,
                "total": total,
                "parts_sum": parts_sum,
                "parts_allowance": parts_allowance,
                "shares_sum": shares_sum,
                "shares_expected": shares_expected,
                "shares_allowance": shares_allowance,
            },
            terms={"parts_sum": tuple(known_amounts), "shares_sum": tuple(known_shares)},
            facts={"label": comp.label, "part_names": tuple(p.name for p in comp.parts)},
        )


def _composition_parts(report_id: int, record: Record) -> Iterable[Row]:
    row = 0
    for comp in record.compositions:
        total = _wan(comp.total)
        for part in comp.parts:
            amount = _wan(part.amount)
            share = part.share_pct
            expected = allowance = None
            if share is not None and amount is not None and total is not None and total > 0:
                expected = _RATIO.multiply(_RATIO.divide(amount, total), _HUNDRED)
                # rounding of the share itself, plus what rounding the two amounts can move it
                moved = _RATIO.multiply(
                    _RATIO.add(
                        _RATIO.divide(half_unit(amount), total),
                        _RATIO.divide(amount * half_unit(total), total * total),
                    ),
                    _HUNDRED,
                )
                allowance = half_unit(share) + moved
            yield Row(
                report_id=report_id,
                row=row,
                subject=f"{comp.label}/{part.name}",
                evidence=comp.evidence,
                values={
                    "label": comp.label,
                    "part": part.name,
                    "share_pct": share,
                    "share_from_amounts": expected,
                    "share_allowance": allowance,
                },
                facts={"label": comp.label, "part": part.name, "amount": amount, "total": total},
                shown={}
                if expected is None or share is None
                else {"share_from_amounts": shown_as(expected, share)},
            )
            row += 1


# --- executions --------------------------------------------------------------------------------

# A 支出/收入 execution may state only the budget; the executed amount is then the total of the
# 决算支出/决算收入 composition (docs/architecture.md).
_EXECUTED_FROM = {"支出": "决算支出", "收入": "决算收入"}


def _executed(execution: Execution, compositions: Sequence[Composition]) -> Decimal | None:
    if execution.executed is not None:
        return execution.executed.wan
    label = _EXECUTED_FROM.get(execution.label)
    for comp in compositions:
        if label is not None and comp.label == label and comp.total is not None:
            return comp.total.wan
    return None


def _executions(report_id: int, record: Record) -> Iterable[Row]:
    for index, ex in enumerate(record.executions):
        budget = _wan(ex.budget)
        executed = _executed(ex, record.compositions)
        rate = ex.rate_pct
        expected = allowance = None
        if rate is not None and budget is not None and executed is not None and budget > 0:
            expected = _RATIO.multiply(_RATIO.divide(executed, budget), _HUNDRED)
            moved = _RATIO.multiply(
                _RATIO.add(
                    _RATIO.divide(half_unit(executed), budget),
                    _RATIO.divide(executed * half_unit(budget), budget * budget),
                ),
                _HUNDRED,
            )
            allowance = half_unit(rate) + moved
        yield Row(
            report_id=report_id,
            row=index,
            subject=ex.label,
            evidence=ex.evidence,
            values={
                "label": ex.label,
                "rate_pct": rate,
                "rate_from_amounts": expected,
                "rate_allowance": allowance,
            },
            facts={"label": ex.label, "budget": budget, "executed": executed},
            shown={}
            if expected is None or rate is None
            else {"rate_from_amounts": shown_as(expected, rate)},
        )


# --- scores ------------------------------------------------------------------------------------


def _sum_if_all(values: Sequence[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), _ZERO)


def _items_of(scores: Sequence[Score], group: str | None) -> list[Score]:
    return [s for s in scores if s.kind == "item" and s.group == group]


def _groups(scores: Sequence[Score]) -> list[str | None]:
    seen: list[str | None] = []
    for s in scores:
        if s.kind in ("item", "subtotal") and s.group not in seen:
            seen.append(s.group)
    return seen


def _group_figures(scores: Sequence[Score], group: str | None, attr: str) -> list[Decimal | None]:
    """The figures a group contributes to the total: its items, or its subtotal when no items."""
    items = _items_of(scores, group)
    if items:
        return [getattr(s, attr) for s in items]
    subtotals = [s for s in scores if s.kind == "subtotal" and s.group == group]
    return [getattr(s, attr) for s in subtotals[:1]]


def _scores(report_id: int, record: Record) -> Iterable[Row]:
    scores = record.scores
    for index, s in enumerate(scores):
        values: dict[str, Value] = {
            "kind": s.kind,
            "name": s.name or s.group,
            "score": s.score,
            "max": s.max,
        }
        terms: dict[str, tuple[Decimal, ...]] = {}
        if s.kind in ("subtotal", "total"):
            prefix = "group_items" if s.kind == "subtotal" else "total_items"
            if s.kind == "subtotal":
                items = _items_of(scores, s.group)
                score_terms: list[Decimal | None] = [i.score for i in items]
                max_terms: list[Decimal | None] = [i.max for i in items]
            else:
                score_terms, max_terms = [], []
                for group in _groups(scores):
                    score_terms.extend(_group_figures(scores, group, "score"))
                    max_terms.extend(_group_figures(scores, group, "max"))
            for measure, stated, figures in (
                ("score", s.score, score_terms),
                ("max", s.max, max_terms),
            ):
                summed = _sum_if_all(figures)
                if stated is None or summed is None:
                    continue
                known = tuple(f for f in figures if f is not None)
                values[f"{prefix}_{measure}"] = summed
                values[f"{prefix}_{measure}_allowance"] = _coarser_allowance(stated, known)
                terms[f"{prefix}_{measure}"] = known
        yield Row(
            report_id=report_id,
            row=index,
            subject=s.name or s.group or ("总分" if s.kind == "total" else ""),
            evidence=s.evidence,
            values=values,
            terms=terms,
            facts={"kind": s.kind, "group": s.group, "name": s.name},
        )


@dataclass(frozen=True, slots=True)
class _TableFigure:
    score: Decimal | None
    max: Decimal | None
    score_terms: tuple[Decimal, ...]
    max_terms: tuple[Decimal, ...]
    label: str


def _table_figure(scores: Sequence[Score], dimension: str) -> _TableFigure | None:
    """The table's figure a heading of `dimension` refers to: a group first, then an item."""
    for sub in scores:
        if sub.kind == "subtotal" and dimension in (sub.dimension, sub.group):
            items = _items_of(scores, sub.group)
            item_scores = [i.score for i in items]
            item_maxes = [i.max for i in items]
            score, max_ = sub.score, sub.max
            score_terms: tuple[Decimal, ...] = ()
            max_terms: tuple[Decimal, ...] = ()
            if score is None:
                score = _sum_if_all(item_scores)
                score_terms = tuple(x for x in item_scores if x is not None)
            if max_ is None:
                max_ = _sum_if_all(item_maxes)
                max_terms = tuple(x for x in item_maxes if x is not None)
            return _TableFigure(score, max_, score_terms, max_terms, "group")
    groups = {s.group for s in scores if s.kind == "subtotal"}
    item_groups = {s.group for s in scores if s.kind == "item"}
    for group in item_groups - groups:
        # a group printed without a subtotal row: its items still add up to the group
        if group == dimension:
            items = _items_of(scores, group)
            item_scores = [i.score for i in items]
            item_maxes = [i.max for i in items]
            return _TableFigure(
                _sum_if_all(item_scores),
                _sum_if_all(item_maxes),
                tuple(x for x in item_scores if x is not None),
                tuple(x for x in item_maxes if x is not None),
                "group",
            )
    for item in scores:
        if item.kind == "item" and dimension in (item.dimension, item.name):
            return _TableFigure(item.score, item.max, (), (), "item")
    return None


def _total_figure(scores: Sequence[Score]) -> _TableFigure | None:
    for s in scores:
        if s.kind == "total":
            return _TableFigure(s.score, s.max, (), (), "total")
    return None


def _section_row(
    report_id: int,
    index: int,
    stated: SectionScore,
    figure: _TableFigure,
    dimension: str,
) -> Row:
    values: dict[str, Value] = {
        "dimension": dimension,
        "score": stated.score,
        "max": stated.max,
        "table_score": figure.score,
        "table_score_allowance": None,
        "table_max": figure.max,
        "table_max_allowance": None,
    }
    if figure.score is not None:
        values["table_score_allowance"] = _coarser_allowance(
            stated.score, figure.score_terms or (figure.score,)
        )
    if figure.max is not None and stated.max is not None:
        values["table_max_allowance"] = _coarser_allowance(
            stated.max, figure.max_terms or (figure.max,)
        )
    return Row(
        report_id=report_id,
        row=index,
        subject=dimension,
        evidence=stated.evidence,
        values=values,
        terms={"table_score": figure.score_terms, "table_max": figure.max_terms},
        facts={"name": stated.name, "dimension": dimension, "figure": figure.label},
    )


def _section_scores(report_id: int, record: Record) -> Iterable[Row]:
    index = 0
    for stated in record.section_scores:
        dimension = stated.dimension or stated.name
        figure = _table_figure(record.scores, dimension)
        if figure is None:
            continue  # the table does not score this dimension: nothing to compare
        yield _section_row(report_id, index, stated, figure, dimension)
        index += 1
    # The total stated in a sentence (自评结果为97.38分) is a heading score too.
    total = _total_figure(record.scores)
    if record.total_score is not None and total is not None:
        stated = SectionScore(
            name="总分",
            dimension="总分",
            max=record.total_score.max,
            score=record.total_score.score,
            evidence=record.total_score.evidence,
        )
        yield _section_row(report_id, index, stated, total, "总分")


# --- indicators --------------------------------------------------------------------------------

# Targets where less is better (投诉率≤5%); every other target is "reach at least".
_AT_MOST_OPS = frozenset({"≤", "<=", "<", "＜", "不超过", "不高于", "不多于", "低于", "小于"})


def _indicator_expectation(ind: Indicator) -> tuple[Decimal, Decimal] | None:
    """(expected completion, allowance) when target and actual are both numeric."""
    completion, target, actual = ind.completion_pct, ind.target_num, ind.actual_num
    if completion is None or target is None or actual is None:
        return None
    at_most = (ind.target_op or "").strip() in _AT_MOST_OPS
    met = actual <= target if at_most else actual >= target
    if met:
        # A met target is complete: any stated completion of 100 % or more is consistent.
        return max(completion, _HUNDRED), half_unit(completion)
    numerator, denominator = (target, actual) if at_most else (actual, target)
    if denominator <= 0:
        return None
    expected = _RATIO.multiply(_RATIO.divide(numerator, denominator), _HUNDRED)
    # the actual value is a measurement and may be rounded; the target is a set figure
    moved = _RATIO.multiply(_RATIO.divide(half_unit(actual), denominator), _HUNDRED)
    if at_most:
        moved = _RATIO.multiply(
            _RATIO.divide(target * half_unit(actual), actual * actual), _HUNDRED
        )
    return expected, half_unit(completion) + moved


def _shown_completion(expected: Decimal, ind: Indicator) -> Decimal:
    if expected == _HUNDRED or ind.completion_pct is None:
        return _HUNDRED  # a met target: "100", not "100.00"
    return shown_as(expected, ind.completion_pct)


def _indicators(report_id: int, record: Record) -> Iterable[Row]:
    for index, ind in enumerate(record.indicators):
        if ind.completion_pct is None:
            continue
        derived = _indicator_expectation(ind)
        expected, allowance = derived if derived is not None else (None, None)
        yield Row(
            report_id=report_id,
            row=index,
            subject=ind.name,
            evidence=ind.evidence,
            values={
                "name": ind.name,
                "completion_pct": ind.completion_pct,
                "completion_expected": expected,
                "completion_allowance": allowance,
            },
            facts={"name": ind.name, "target": ind.target, "actual": ind.actual},
            shown={}
            if expected is None
            else {"completion_expected": _shown_completion(expected, ind)},
        )


# --- carry-over --------------------------------------------------------------------------------


def _same_figure_allowance(a: Decimal, b: Decimal) -> Decimal:
    """One quantity printed twice: equal precision must print equal figures; else both round."""
    return _ZERO if decimals(a) == decimals(b) else half_unit(a) + half_unit(b)


def _carryovers(report_id: int, record: Record) -> Iterable[Row]:
    def year_of(year: int | None) -> int | None:
        # "年末结转和结余" without a year in a report on year Y is Y's own closing figure
        return year if year is not None else record.fiscal_year

    closings = {year_of(c.year): c for c in reversed(record.carryovers) if c.position == "closing"}
    for index, opening in enumerate(record.carryovers):
        year = year_of(opening.year)
        if opening.position != "opening" or year is None:
            continue
        closing = closings.get(year - 1)
        if closing is None:
            continue  # the report does not state last year's closing figure
        yield Row(
            report_id=report_id,
            row=index,
            subject=f"{year}年年初结转和结余",
            evidence=opening.evidence,
            values={
                "year": year,
                "opening": opening.amount.wan,
                "previous_closing": closing.amount.wan,
                "allowance": _same_figure_allowance(opening.amount.wan, closing.amount.wan),
            },
            facts={
                "year": year,
                "closing_line": closing.evidence.line,
                "closing_text": closing.evidence.text,
            },
        )


# --- the submission itself ---------------------------------------------------------------------


def _submission(report_id: int, record: Record) -> Row:
    total: Decimal | None = None
    evidence: Evidence | None = None
    if record.total_score is not None:
        total, evidence = record.total_score.score, record.total_score.evidence
    else:
        for s in record.scores:
            if s.kind == "total" and s.score is not None:
                total, evidence = s.score, s.evidence
                break
    return Row(
        report_id=report_id,
        row=0,
        # the total score is the row's one figure; required_fields names the missing field itself
        subject="总分",
        evidence=evidence,
        values={
            "unit_name": record.unit.name,
            "fiscal_year": record.fiscal_year,
            "total_score": total,
        },
        facts={"path": record.source.path},
    )
