"""What a figure in an accepted record may be: one policy, applied where a record is accepted.

Every `Decimal` in a `Record` is an amount (万元, and the numbers of indicators), points (scores)
or a percentage; each kind has a range and a precision (`settings.AMOUNT_LIMITS`, …) that both
warehouses store exactly, and no figure may have more than
`settings.FIGURE_MAX_SIGNIFICANT_DIGITS` significant digits. Text may not hold NUL characters or
unpaired surrogates (PostgreSQL and UTF-8 refuse them). `check_record` returns the first
violation as a reason a submitter can act on, or None; the intake rejects the report with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

from selfeval import settings

FigureKind = Literal["amount", "points", "percent"]

_LIMITS: dict[FigureKind, tuple[int, int]] = {
    "amount": settings.AMOUNT_LIMITS,
    "points": settings.POINTS_LIMITS,
    "percent": settings.PERCENT_LIMITS,
}
_KIND_NAMES: dict[FigureKind, str] = {
    "amount": "amount (万元)",
    "points": "score",
    "percent": "percentage",
}
_SHOWN_MAX_CHARS = 40


def figure_kind(field_name: str) -> FigureKind:
    """The kind of a record field holding a Decimal, by the record's naming convention."""
    if field_name.endswith("_pct"):
        return "percent"
    if field_name in ("score", "max"):
        return "points"
    return "amount"  # Money.wan, Indicator.target_num / actual_num


def _shown(value: Decimal) -> str:
    # 1E+999999999 in positional form would be a gigabyte: show such values as they came.
    small = value.is_finite() and abs(value.adjusted()) <= _SHOWN_MAX_CHARS
    text = format(value, "f") if small else str(value)
    if len(text) > _SHOWN_MAX_CHARS:
        return f"{text[:_SHOWN_MAX_CHARS]}… ({len(text)} characters)"
    return text


def check_figure(value: Decimal, kind: FigureKind = "amount") -> str | None:
    """None when `value` may stand in an accepted record as a figure of `kind`, else why not."""
    integer_max, decimals_max = _LIMITS[kind]
    name = _KIND_NAMES[kind]
    if not value.is_finite():
        return f"{name} {_shown(value)} is not a number"
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    # Trailing zeros carry no value: 1.500 has 2 significant digits and 1 decimal place.
    significant = list(digits)
    while len(significant) > 1 and significant[-1] == 0:
        significant.pop()
        exponent += 1
    if significant == [0]:
        return None
    integer_digits = max(len(significant) + exponent, 0)
    decimals = max(-exponent, 0)
    if integer_digits > integer_max:
        return (
            f"{name} {_shown(value)} is out of range: at most {integer_max} digits before "
            "the decimal point"
        )
    if decimals > decimals_max:
        return f"{name} {_shown(value)} is too precise: at most {decimals_max} decimal places"
    if len(significant) > settings.FIGURE_MAX_SIGNIFICANT_DIGITS:
        return (
            f"{name} {_shown(value)} is too precise: at most "
            f"{settings.FIGURE_MAX_SIGNIFICANT_DIGITS} significant digits"
        )
    return None


def check_text(value: str) -> str | None:
    """None when `value` can be stored as text in both warehouses, else why not."""
    if "\x00" in value:
        return "contains a NUL character (\\x00): the file is not plain text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains characters that are not valid text (unpaired surrogates)"
    return None


def _values(node: Any, line: int | None) -> Iterator[tuple[str, Any, int | None]]:
    """(field name, value, evidence line) for every leaf of a record, depth first."""
    if isinstance(node, tuple | list):
        for item in node:
            yield from _values(item, line)
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    evidence = getattr(node, "evidence", None)
    here = getattr(evidence, "line", line) if evidence is not None else line
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if dataclasses.is_dataclass(value) or isinstance(value, tuple | list):
            yield from _values(value, here)
        else:
            yield f.name, value, here


def check_record(record: Any) -> str | None:
    """The first figure or text of `record` the policy refuses, as a reason; None when all pass."""
    for name, value, line in _values(record, None):
        reason: str | None = None
        if isinstance(value, Decimal):
            reason = check_figure(value, figure_kind(name))
        elif isinstance(value, str):
            reason = check_text(value)
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and abs(value) > settings.RECORD_INT_MAX
        ):
            reason = f"number {value} is out of range"
        if reason is not None:
            return reason if line is None else f"line {line}: {reason}"
    return None
