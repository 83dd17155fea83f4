"""Quantities, found once: every number with its unit and kind, as exact Decimals.

Runs on normalised text (normalize.py has already folded full-width digits, thousands
separators and OCR gaps inside numbers). A kind is money (元 / 万元 / 亿元 / bare 万 or 亿 not
followed by a counter such as 人 or 件), a percentage, a score (分), a count (a number with
another counter), a year (2023年) or a bare number. Numbers of more than 15 integer or 10
decimal digits are not figures a report prints and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Literal

from selfeval.extract.lexicon import lexicon
from selfeval.record import Money, SourceUnit

QuantityKind = Literal["money", "pct", "score", "count", "year", "number"]

_NUMBER = r"(?<![\d.])(?P<num>\d{1,15}(?:\.\d{1,10})?)(?![\d])"
_CANON_UNIT: dict[str, SourceUnit] = {
    "元": "元",
    "万元": "万元",
    "万": "万元",
    "亿元": "亿元",
    "亿": "亿元",
}


# 元/生, 元/亩, 元/平方米: a measure word after the slash, not a label (万元/预算数)
_PER_UNIT = re.compile(
    r"\s*/\s*(?!预算|执行|支出|收入|决算|调整|年初|全年)(?:平方米|立方米|[\u4e00-\u9fff])"
)


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    value: Decimal
    kind: QuantityKind
    unit: str | None
    raw: str

    @property
    def money(self) -> Money | None:
        if self.kind != "money" or self.unit is None:
            return None
        return to_money(self.value, self.unit, self.raw)


def adding_up(amounts: Sequence[Decimal], total: Decimal) -> int | None:
    """Where the longest run of two or more amounts at the end of `amounts` that adds up
    exactly to `total` starts (parts listed before their 合计), or None."""
    for start in range(len(amounts) - 1):
        if sum(amounts[start:], Decimal(0)) == total:
            return start
    return None


def to_money(value: Decimal, unit: str, raw: str) -> Money:
    """Exactly in 万元 by a power-of-ten shift: 1234567.89元 → 123.456789万元."""
    canon = _CANON_UNIT[unit]
    wan = value.scaleb(lexicon().money_units[unit])
    if wan.as_tuple().exponent > 0:  # type: ignore[operator]
        wan = wan.quantize(Decimal(1))
    return Money(wan=wan, unit=canon, raw=raw)


@cache
def _pattern() -> re.Pattern[str]:
    counters = "|".join(
        re.escape(c) for c in sorted(lexicon().counters_after_wan, key=len, reverse=True)
    )
    return re.compile(
        _NUMBER + r"\s*(?P<unit>亿元|万元|元|%|分(?![钟之])|年(?:度)?|"
        rf"(?:万|亿)(?:{counters})|万|亿|[\u4e00-\u9fff])?"
    )


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order."""
    found: list[Quantity] = []
    for m in _pattern().finditer(text):
        num = m.group("num")
        unit = m.group("unit") or ""
        value = Decimal(num)
        kind: QuantityKind
        per = _PER_UNIT.match(text, m.end()) if unit in _CANON_UNIT else None
        if per is not None:
            # 800元/生, 89.2元/亩: a rate per head or per area, a count in its own unit
            unit += per.group(0)
            found.append(
                Quantity(m.start(), per.end(), value, "count", unit, text[m.start() : per.end()])
            )
            continue
        if unit in _CANON_UNIT:
            kind = "money"
        elif unit == "%":
            kind = "pct"
        elif unit == "分":
            kind = "score"
        elif unit.startswith("年") and len(num) == 4 and "." not in num:
            kind = "year"
            if unit == "年" and text[m.end() : m.end() + 1] in ("初", "中", "末", "底"):
                # 2020年初预算: the 年 opens 年初, the label that follows
                found.append(Quantity(m.start(), m.end() - 1, value, kind, None, m.group(0)[:-1]))
                continue
        elif unit:
            kind = "count"
        else:
            kind = "number"
        found.append(Quantity(m.start(), m.end(), value, kind, unit or None, m.group(0)))
    return _units_shared(text, found)


_LIST_SEPARATOR = re.compile(r"^\s*[、,，和及]\s*$")


def is_list_separator(text: str) -> bool:
    """Only what lists one quantity after another (A、B, A,B, A和B) stands in `text`."""
    return _LIST_SEPARATOR.match(text) is not None


def _units_shared(text: str, found: list[Quantity]) -> list[Quantity]:
    """`各是4125.49,4143.91万元`, `分别为12、15%`: numbers listed before the last one's unit
    share it (only a bare number followed by a separator and the unit-bearing one)."""
    for k in range(len(found) - 2, -1, -1):
        q, nxt = found[k], found[k + 1]
        if q.kind != "number" or nxt.kind not in ("money", "pct"):
            continue
        between = text[q.end : nxt.start]
        if not is_list_separator(between):
            continue
        if re.search(r"[,，]", between) and "." not in q.raw and re.match(r"\d{3}(?!\d)", nxt.raw):
            continue  # 1, 234.56万元: a thousands group spaced apart, not a second number
        found[k] = Quantity(q.start, q.end, q.value, nxt.kind, nxt.unit, q.raw)
    return found


@dataclass(frozen=True, slots=True)
class Measure:
    """A table cell or target read as (operator, number, unit): `≥12万人` → (≥, 12, 万人)."""

    op: str | None
    value: Decimal | None
    unit: str | None


_MEASURE_NUM = re.compile(r"(?<![\d.])(\d{1,15}(?:\.\d{1,10})?)(?!\d)")


# A date's parts, as patterns for every reader of dates: 2021年12月, 12月15日
MONTH = r"(?:1[0-2]|0?[1-9])月"
DAY = r"(?:3[01]|[12]\d|0?[1-9])日"
YEAR_MONTH = rf"(?:19|20)\d{{2}}年{MONTH}"
_DATE = re.compile(rf"^(?:{YEAR_MONTH}|{MONTH}{DAY})")  # a date, not a quantity


def is_date(text: str) -> bool:
    return _DATE.match(text.replace(" ", "")) is not None


@lru_cache(maxsize=8192)
def read_measure(cell: str) -> Measure:
    """Read an indicator value; text without a number keeps value None."""
    text = cell.replace(" ", "")
    m = _MEASURE_NUM.search(text)
    if m is None or is_date(text):
        return Measure(None, None, None)
    before, after = text[: m.start()], text[m.end() :]
    op: str | None = None
    lex = lexicon()
    for word, canon in lex.operators:
        if word in before:
            op = canon
            break
    unit_match = re.match(r"[%‰]|[\u4e00-\u9fffA-Za-z²/]{1,5}", after)
    unit = unit_match.group(0) if unit_match else None
    if unit:
        for word, canon in lex.operator_suffixes:
            if after[len(unit) :].startswith(word) or unit.endswith(word):
                op = op or canon
                if unit.endswith(word):
                    unit = unit[: -len(word)] or None
                break
    return Measure(op, Decimal(m.group(1)), unit)


def agrees_as_printed(stated: Decimal, computed: Decimal) -> bool:
    """`stated` agrees with `computed` to the last digit it was printed with, whether the report
    rounded or truncated (97.2 for 97.23, 50 for 49.88): the arithmetic test of a reading."""
    exp = stated.as_tuple().exponent
    places = max(0, -exp) if isinstance(exp, int) else 0
    return abs(stated - computed) <= Decimal(1).scaleb(-places) * Decimal("1.01")
