"""The extraction record: the typed contract every other capability builds on.

A `Record` holds every figure found in one submitted report, each with the `Evidence` (line and
sentence) it came from. Numbers are `Decimal` so that the precision the report printed survives:
the checks derive their tolerances from it. `to_dict()` / `record_from_dict()` map to and from the
JSON contract documented in docs/record.md (schema: include/selfeval/schema/record.schema.json).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Position = Literal["opening", "closing"]
ScoreKind = Literal["item", "subtotal", "total"]
Direction = Literal["higher", "lower", "equal", "text"]
SourceUnit = Literal["元", "万元", "亿元"]

RECORD_VERSION = 1


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a figure came from: 1-based line in the decoded file and the sentence or row quoted.

    `text` is normalised (what the checks compare); `printed` is the same words as submitted
    (full-width forms, spaces, traditional characters kept), so a submitter can search for it;
    `place` says where they are in the submitted file (第3页 表2 第5行; 第12行 for text)."""

    line: int
    text: str
    printed: str | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in 万元, converted exactly from the unit the report used."""

    wan: Decimal
    unit: SourceUnit
    raw: str


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    sha256: str
    format: str
    encoding: str


@dataclass(frozen=True, slots=True)
class Unit:
    name: str | None = None
    district: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class TotalScore:
    score: Decimal
    max: Decimal | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    category: str | None
    amount: Money | None
    share_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class Composition:
    """A total stated with its parts, e.g. 决算收入 = 财政拨款收入 + 其他收入."""

    label: str
    total: Money | None
    parts: tuple[Part, ...]
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Execution:
    """A budget-execution statement: budget, executed amount and/or the stated rate."""

    label: str
    budget: Money | None
    executed: Money | None
    rate_pct: Decimal | None
    evidence: Evidence
    initial_budget: Money | None = None  # 年初预算数, where the report states it beside the budget
    max: Decimal | None = None  # 分值 of a funds row in a 自评表
    score: Decimal | None = None  # 得分 of a funds row; None when the cell is blank


@dataclass(frozen=True, slots=True)
class Score:
    """One cell pair of the score table: an item, a group subtotal, or the grand total."""

    group: str | None
    name: str | None
    kind: ScoreKind
    dimension: str | None
    max: Decimal | None
    score: Decimal | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class SectionScore:
    """A score stated in a heading or sentence (总分为 50 分，自评分为 46.5 分)."""

    name: str
    dimension: str | None
    max: Decimal | None
    score: Decimal
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Indicator:
    level1: str | None
    level2: str | None
    name: str
    target: str | None
    actual: str | None
    completion: str | None
    target_op: str | None
    target_num: Decimal | None
    actual_op: str | None
    actual_num: Decimal | None
    completion_pct: Decimal | None
    evidence: Evidence
    weight: Decimal | None = None  # 分值
    score: Decimal | None = None  # 得分; None when the cell is blank
    target_value: Decimal | None = None  # the target as a number in the indicator's own unit
    actual_value: Decimal | None = None
    unit: str | None = None  # the indicator's unit as printed (%, 户, 万元, 亩 …)
    direction: Direction | None = None  # higher / lower is better, or a text target


@dataclass(frozen=True, slots=True)
class Change:
    """A year-over-year statement: 比上年增加 X 万元，增长 Y% (signs from the words)."""

    label: str
    current: Money | None
    prior: Money | None
    change: Money | None
    growth_pct: Decimal | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Carryover:
    label: str
    year: int | None
    position: Position
    amount: Money
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Record:
    source: Source
    unit: Unit = field(default_factory=Unit)
    fiscal_year: int | None = None
    total_score: TotalScore | None = None
    compositions: tuple[Composition, ...] = ()
    executions: tuple[Execution, ...] = ()
    scores: tuple[Score, ...] = ()
    section_scores: tuple[SectionScore, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    carryovers: tuple[Carryover, ...] = ()
    changes: tuple[Change, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract as plain Python: Decimals stay Decimals (see `dumps`)."""
        return _plain(self)  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


# --- reading the JSON contract back -------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _req_dec(value: Any) -> Decimal:
    result = _dec(value)
    if result is None:
        raise ValueError("a required number is null")
    return result


def _ev(d: dict[str, Any]) -> Evidence:
    printed, place = d.get("printed"), d.get("place")
    return Evidence(
        line=int(d["line"]),
        text=str(d["text"]),
        printed=None if printed is None else str(printed),
        place=None if place is None else str(place),
    )


def _money(d: dict[str, Any] | None) -> Money | None:
    if d is None:
        return None
    return Money(wan=_req_dec(d["wan"]), unit=d["unit"], raw=str(d["raw"]))


def record_from_dict(d: dict[str, Any]) -> Record:
    """Rebuild a `Record` from its JSON contract (parse JSON with `parse_float=Decimal`)."""
    ts = d.get("total_score")
    return Record(
        source=Source(**d["source"]),
        unit=Unit(**d["unit"]),
        fiscal_year=d.get("fiscal_year"),
        total_score=None
        if ts is None
        else TotalScore(
            score=_req_dec(ts["score"]), max=_dec(ts["max"]), evidence=_ev(ts["evidence"])
        ),
        compositions=tuple(
            Composition(
                label=c["label"],
                total=_money(c["total"]),
                parts=tuple(
                    Part(
                        name=p["name"],
                        category=p.get("category"),
                        amount=_money(p["amount"]),
                        share_pct=_dec(p["share_pct"]),
                    )
                    for p in c["parts"]
                ),
                evidence=_ev(c["evidence"]),
            )
            for c in d.get("compositions", [])
        ),
        executions=tuple(
            Execution(
                label=e["label"],
                budget=_money(e["budget"]),
                executed=_money(e["executed"]),
                rate_pct=_dec(e["rate_pct"]),
                evidence=_ev(e["evidence"]),
                initial_budget=_money(e.get("initial_budget")),
                max=_dec(e.get("max")),
                score=_dec(e.get("score")),
            )
            for e in d.get("executions", [])
        ),
        scores=tuple(
            Score(
                group=s["group"],
                name=s["name"],
                kind=s["kind"],
                dimension=s.get("dimension"),
                max=_dec(s["max"]),
                score=_dec(s["score"]),
                evidence=_ev(s["evidence"]),
            )
            for s in d.get("scores", [])
        ),
        section_scores=tuple(
            SectionScore(
                name=s["name"],
                dimension=s.get("dimension"),
                max=_dec(s["max"]),
                score=_req_dec(s["score"]),
                evidence=_ev(s["evidence"]),
            )
            for s in d.get("section_scores", [])
        ),
        indicators=tuple(
            Indicator(
                level1=i["level1"],
                level2=i["level2"],
                name=i["name"],
                target=i["target"],
                actual=i["actual"],
                completion=i["completion"],
                target_op=i.get("target_op"),
                target_num=_dec(i.get("target_num")),
                actual_op=i.get("actual_op"),
                actual_num=_dec(i.get("actual_num")),
                completion_pct=_dec(i.get("completion_pct")),
                evidence=_ev(i["evidence"]),
                weight=_dec(i.get("weight")),
                score=_dec(i.get("score")),
                target_value=_dec(i.get("target_value")),
                actual_value=_dec(i.get("actual_value")),
                unit=i.get("unit"),
                direction=i.get("direction"),
            )
            for i in d.get("indicators", [])
        ),
        carryovers=tuple(
            Carryover(
                label=c["label"],
                year=c["year"],
                position=c["position"],
                amount=_money(c["amount"]) or Money(Decimal(0), "万元", ""),
                evidence=_ev(c["evidence"]),
            )
            for c in d.get("carryovers", [])
        ),
        changes=tuple(
            Change(
                label=c["label"],
                current=_money(c.get("current")),
                prior=_money(c.get("prior")),
                change=_money(c.get("change")),
                growth_pct=_dec(c.get("growth_pct")),
                evidence=_ev(c["evidence"]),
            )
            for c in d.get("changes", [])
        ),
        warnings=tuple(d.get("warnings", [])),
    )
