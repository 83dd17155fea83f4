"""What a check is: one `Rule` holds the columns it derives, the expectations it runs and its words.

A rule adds derived columns to one of the tables in `tables.py` (`derive`), names the GX
expectations that compare them (`expectations`, with the suite parameters each one takes), and
renders a finding in Chinese and English (`message`). The suites in expectations/*.json decide
per rule id whether it runs, its severity, its tolerance or bounds and its wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from selfeval.record import Evidence, Record

Value = Decimal | int | str | None
AGREE = "expect_multicolumn_values_to_agree_within_rounding"
AGREE_PARAMS: Mapping[str, Any] = {"allowance_factor": 1, "absolute_tolerance": 0}


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a table: what GX sees (`values`) and what a message needs."""

    report_id: int
    row: int
    subject: str
    evidence: Evidence | None
    values: Mapping[str, Value]
    # Figures a derived value was added up from, e.g. (3, 3.5, 4) for "3+3.5+4".
    terms: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)
    # Names and wording for messages (labels, the year, what a figure is called).
    facts: Mapping[str, Any] = field(default_factory=dict)
    # How a derived value is shown in a finding when the exact one has too many digits.
    shown: Mapping[str, Decimal] = field(default_factory=dict)
    # The record item the row was made from (an Execution, an Indicator ...).
    source: Any = None


@dataclass(frozen=True, slots=True)
class Derived:
    """The columns a rule adds to one row, with their terms, facts and shown forms."""

    values: Mapping[str, Value]
    terms: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)
    facts: Mapping[str, Any] = field(default_factory=dict)
    shown: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a rule may look at beside the row: the whole record, and last year's when known."""

    record: Record
    previous: Record | None = None


@dataclass(frozen=True, slots=True)
class Expect:
    """One GX expectation a rule runs; `params` are filled in from the suite's policy."""

    type: str
    kwargs: Mapping[str, Any]
    params: tuple[str, ...] = ()
    measure: str = ""


@dataclass(frozen=True, slots=True)
class Case:
    """Everything a message may mention about one failing row."""

    check: str
    measure: str
    row: Row
    observed: Decimal | str | None
    expected: Decimal | str | None
    tolerance: Decimal | None
    terms: tuple[Decimal, ...]
    meta: Mapping[str, Any]  # the policy: bounds, tolerance, description


Bilingual = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    table: str
    description: str
    columns: Mapping[str, str]  # derived column -> what it holds (docs/checks.md)
    derive: Callable[[Row, Scope], Derived | None]
    expectations: tuple[Expect, ...]
    message: Callable[[Case], Bilingual]
    params: Mapping[str, Any] = field(default_factory=lambda: dict(AGREE_PARAMS))
    severity: str = "error"


def agree(observed: str, expected: str, below: str, above: str, measure: str = "") -> Expect:
    """`observed` equals `expected`, allowed `below` under it and `above` over it (scaled)."""
    return Expect(
        AGREE,
        {"column_list": [observed, expected, below] + ([above] if above != below else [])},
        ("allowance_factor", "absolute_tolerance"),
        measure,
    )


def within_max(score: str, maximum: str) -> tuple[Expect, Expect]:
    """`score` is ≥ 0 and ≤ `maximum` (exact; a row missing either is not checked)."""
    return (
        Expect("expect_column_values_to_be_between", {"column": score, "min_value": 0}),
        Expect(
            "expect_column_pair_values_a_to_be_greater_than_b",
            {
                "column_A": maximum,
                "column_B": score,
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
        ),
    )


# --- wording shared by the rules -----------------------------------------------------------------


def num(value: Decimal | str | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return "0" if text in ("-0", "") else text
    return str(value)


def terms_text(terms: tuple[Decimal, ...], sep: str = "+") -> str:
    return sep.join(num(t) for t in terms)


def with_terms_zh(c: Case) -> str:
    return f"（{terms_text(c.terms)}）" if len(c.terms) > 1 else ""


def with_terms_en(c: Case) -> str:
    return f" ({terms_text(c.terms, ' + ')})" if len(c.terms) > 1 else ""


def where_zh(c: Case) -> str:
    ev = c.row.evidence
    return "报告中" if ev is None else f"第{ev.line}行“{ev.text}”"


def where_en(c: Case) -> str:
    ev = c.row.evidence
    return "In the report" if ev is None else f"Line {ev.line} (“{ev.text}”)"


def tol_zh(c: Case, unit: str) -> str:
    return f"（允许误差{num(c.tolerance)}{unit}）" if c.tolerance else ""


def tol_en(c: Case, unit: str) -> str:
    return f" (tolerance {num(c.tolerance)}{unit})" if c.tolerance else ""


def diff(c: Case) -> str:
    if isinstance(c.observed, Decimal) and isinstance(c.expected, Decimal):
        return num(abs(c.observed - c.expected))
    return "—"


def wan(money: Any) -> Decimal | None:
    return None if money is None else money.wan
