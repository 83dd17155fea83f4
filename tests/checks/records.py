"""Small hand-built Records for the check tests: each helper builds one clean figure of a report."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from selfeval.record import (
    Carryover,
    Change,
    Composition,
    Evidence,
    Execution,
    Indicator,
    Money,
    Part,
    Record,
    Score,
    SectionScore,
    Source,
    TotalScore,
    Unit,
)

D = Decimal


def ev(line: int, text: str = "") -> Evidence:
    return Evidence(line=line, text=text or f"第{line}行的句子")


def wan(text: str) -> Money:
    return Money(wan=D(text), unit="万元", raw=f"{text}万元")


def record(**kwargs: object) -> Record:
    base: dict[str, object] = {
        "source": Source(path="hand.txt", sha256="0" * 64, format="txt", encoding="utf-8"),
        "unit": Unit(name="测试街道办事处", district="番禺区", city="广州市"),
        "fiscal_year": 2024,
        "total_score": TotalScore(score=D("97"), max=D("100"), evidence=ev(21)),
    }
    base.update(kwargs)
    return Record(**base)  # type: ignore[arg-type]


def composition(
    label: str,
    total: str | None,
    parts: list[tuple[str, str | None, str | None]],
    line: int = 114,
) -> Composition:
    """parts: (name, amount in 万元 or None, share % or None)."""
    return Composition(
        label=label,
        total=None if total is None else wan(total),
        parts=tuple(
            Part(
                name=name,
                category=None,
                amount=None if amount is None else wan(amount),
                share_pct=None if share is None else D(share),
            )
            for name, amount, share in parts
        ),
        evidence=ev(line),
    )


def execution(
    label: str, budget: str | None, executed: str | None, rate: str | None, line: int = 15
) -> Execution:
    return Execution(
        label=label,
        budget=None if budget is None else wan(budget),
        executed=None if executed is None else wan(executed),
        rate_pct=None if rate is None else D(rate),
        evidence=ev(line),
    )


def score(
    kind: str,
    group: str | None,
    name: str | None,
    max_: str | None,
    score_: str | None,
    line: int = 34,
    dimension: str | None = None,
) -> Score:
    return Score(
        group=group,
        name=name,
        kind=kind,  # type: ignore[arg-type]
        dimension=dimension or name or group,
        max=None if max_ is None else D(max_),
        score=None if score_ is None else D(score_),
        evidence=ev(line),
    )


# The score table of seed 001 (白鹤洞街道): 履职效能 49.88 + 管理效能 items 47.5 = 97.38.
MANAGEMENT_ITEMS = [
    ("预算编制", "3", "3"),
    ("预算执行", "4", "3.5"),
    ("信息公开", "4", "4"),
    ("绩效管理", "15", "14"),
    ("采购管理", "10", "10"),
    ("资产管理", "10", "9"),
    ("运行成本", "4", "4"),
]


def seed_001_scores() -> tuple[Score, ...]:
    rows = [
        score("subtotal", "履职效能", None, "50", None),
        score("item", "履职效能", "整体效能", "50", "49.88"),
        score("subtotal", "管理效能", None, "50", None),
    ]
    rows += [score("item", "管理效能", n, m, s) for n, m, s in MANAGEMENT_ITEMS]
    rows.append(score("total", None, "合计", "100", "97.38"))
    return tuple(rows)


def section(
    name: str, dimension: str, max_: str, score_: str, line: int, text: str = ""
) -> SectionScore:
    return SectionScore(
        name=name, dimension=dimension, max=D(max_), score=D(score_), evidence=ev(line, text)
    )


def indicator(
    name: str,
    target_op: str | None,
    target: str | None,
    actual: str | None,
    completion: str | None,
    line: int = 24,
) -> Indicator:
    return Indicator(
        level1="产出指标",
        level2="数量指标",
        name=name,
        target=None if target is None else f"{target_op or ''}{target}%",
        actual=None if actual is None else f"{actual}%",
        completion=None if completion is None else f"{completion}%",
        target_op=target_op,
        target_num=None if target is None else D(target),
        actual_op="=",
        actual_num=None if actual is None else D(actual),
        completion_pct=None if completion is None else D(completion),
        evidence=ev(line),
    )


def carryover(position: str, year: int | None, amount: str, line: int = 118) -> Carryover:
    label = "年初结转和结余" if position == "opening" else "年末结转和结余"
    return Carryover(
        label=label,
        year=year,
        position=position,  # type: ignore[arg-type]
        amount=wan(amount),
        evidence=ev(line),
    )


def funds(
    label: str,
    budget: str | None,
    executed: str | None,
    rate: str | None,
    max_: str | None,
    score_: str | None,
    line: int = 9,
) -> Execution:
    """A funds row of a 自评表: 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分."""
    return replace(
        execution(label, budget, executed, rate, line),
        max=None if max_ is None else D(max_),
        score=None if score_ is None else D(score_),
    )


def scored(
    name: str,
    weight: str | None,
    score_: str | None,
    level1: str = "产出指标",
    target: str | None = None,
    actual: str | None = None,
    direction: str = "higher",
    line: int = 20,
) -> Indicator:
    """An indicator row of a 自评表 with its 分值 and 得分 (target/actual as plain numbers)."""
    return Indicator(
        level1=level1,
        level2=None,
        name=name,
        target=None if target is None else f"≥{target}",
        actual=actual,
        completion=None,
        target_op=None if target is None else "≥",
        target_num=None,
        actual_op=None,
        actual_num=None,
        completion_pct=None,
        evidence=ev(line),
        weight=None if weight is None else D(weight),
        score=None if score_ is None else D(score_),
        target_value=None if target is None else D(target),
        actual_value=None if actual is None else D(actual),
        direction=direction,  # type: ignore[arg-type]
    )


def change(
    label: str,
    current: str | None,
    prior: str | None,
    delta: str | None,
    growth: str | None,
    line: int = 19,
) -> Change:
    return Change(
        label=label,
        current=None if current is None else wan(current),
        prior=None if prior is None else wan(prior),
        change=None if delta is None else wan(delta),
        growth_pct=None if growth is None else D(growth),
        evidence=ev(line),
    )
