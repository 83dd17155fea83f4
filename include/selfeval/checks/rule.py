"""What a check is: one `Rule` holds the columns it derives, the expectations it runs and its words.

A rule adds derived columns to one of the tables in `tables.py` (`derive`), names the GX
expectations that compare them (`expectations`, with the suite parameters each one takes), and
renders a finding in Chinese and English (`message`). The suites in expectations/*.json decide
per rule id whether it runs, its severity, its tolerance or bounds and its wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from selfeval.record import Evidence, Money, Record
from selfeval.settings import UNIT_TO_WAN_EXPONENT

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
    name_zh: str  # what people read for this check in summaries and pages (数据质量 …)
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
    """Where, in the submitter's words: the place in the file and the words as submitted."""
    ev = c.row.evidence
    if ev is None:
        return "报告中"
    return f"{ev.place or f'第{ev.line}行'}“{ev.printed or ev.text}”"


def where_en(c: Case) -> str:
    ev = c.row.evidence
    return "In the report" if ev is None else f"Line {ev.line} (“{ev.printed or ev.text}”)"


def tol_zh(c: Case, unit: str) -> str:
    """The tolerance in a finance clerk's words (a rounding difference is not an error)."""
    if not c.tolerance:
        return ""
    shown = amount(c, c.tolerance, exact=True) if unit == "万元" else f"{num(c.tolerance)}{unit}"
    return f"（相差不超过{shown}的，视为四舍五入，不算错误）"


def tol_en(c: Case, unit: str) -> str:
    if not c.tolerance:
        return ""
    shown = (
        amount_en(c, c.tolerance, exact=True)
        if unit.strip() == "万元"
        else f"{num(c.tolerance)}{unit}"
    )
    return f" (a difference up to {shown} is rounding, not an error)"


def _difference(c: Case) -> Decimal | None:
    if isinstance(c.observed, Decimal) and isinstance(c.expected, Decimal):
        return abs(c.observed - c.expected)
    return None


def diff(c: Case) -> str:
    d = _difference(c)
    return "—" if d is None else num(d)


# --- amounts in the unit the report printed them in ------------------------------------------------


def _moneys(item: Any, depth: int = 0) -> list[Money]:
    if isinstance(item, Money):
        return [item]
    if depth > 2:
        return []
    if isinstance(item, tuple | list):
        return [m for x in item for m in _moneys(x, depth + 1)]
    if hasattr(item, "__dataclass_fields__"):
        return [
            m for name in item.__dataclass_fields__ for m in _moneys(getattr(item, name), depth + 1)
        ]
    return []


def printed_unit(c: Case) -> tuple[str, int]:
    """The unit the row's amounts were printed in (元, 万元, 亿元) and the most decimals printed."""
    found = _moneys(c.row.source)
    if not found:
        return "万元", 2
    unit = str(found[0].unit)
    places = 0
    for m in found:
        digits = re.search(r"\d+(?:\.(\d+))?", str(m.raw))
        places = max(places, len(digits.group(1) or "") if digits else 0)
    return unit, places


def _in_unit(c: Case, value: Decimal | str | int | None, exact: bool) -> tuple[str, str]:
    unit, places = printed_unit(c)
    if not isinstance(value, Decimal):
        return num(value), unit
    shown = value.scaleb(-UNIT_TO_WAN_EXPONENT[unit])
    if not exact and shown == shown.quantize(Decimal(1).scaleb(-places)):
        shown = shown.quantize(Decimal(1).scaleb(-places))  # as many decimals as printed
    return num(shown.normalize() if exact else shown), unit


def amount(c: Case, value: Decimal | str | int | None, *, exact: bool = False) -> str:
    """An amount held in 万元, shown in the report's unit with the decimals the report printed
    (`86020480.60元`, not `8602.048060万元`); a value that needs more digits keeps them."""
    text, unit = _in_unit(c, value, exact)
    return f"{text}{unit}"


def amount_en(c: Case, value: Decimal | str | int | None, *, exact: bool = False) -> str:
    text, unit = _in_unit(c, value, exact)
    return f"{text} {unit}"


def amount_terms_zh(c: Case) -> str:
    """The terms of a sum of amounts, in the report's unit: （1200.00+300.00）."""
    shown = [_in_unit(c, t, False)[0] for t in c.terms]
    return f"（{'+'.join(shown)}）" if len(shown) > 1 else ""


def amount_terms_en(c: Case) -> str:
    shown = [_in_unit(c, t, False)[0] for t in c.terms]
    return f" ({' + '.join(shown)})" if len(shown) > 1 else ""


def amount_diff(c: Case) -> str:
    return amount(c, _difference(c))


def amount_diff_en(c: Case) -> str:
    return amount_en(c, _difference(c))


def wan(money: Any) -> Decimal | None:
    return None if money is None else money.wan
