"""The numbers policy as a table: what an amount, a score or a percentage may be."""

from __future__ import annotations

from decimal import Decimal

import pytest

from selfeval.numbers_policy import check_figure, check_text, figure_kind

pytestmark = pytest.mark.unit

CASES = {
    ("amount", "0"): None,
    ("amount", "-27907.66"): None,
    ("amount", "999999999999.999"): None,
    ("amount", "1.500000000"): None,  # trailing zeros carry no value
    ("amount", "123456789.123456"): None,
    ("amount", "1234567890123"): "amount (万元) 1234567890123 is out of range: at most 12 digits "
    "before the decimal point",
    ("amount", "1.1234567"): "amount (万元) 1.1234567 is too precise: at most 6 decimal places",
    ("amount", "999999999999.1234"): "amount (万元) 999999999999.1234 is too precise: at most 15 "
    "significant digits",
    ("amount", "NaN"): "amount (万元) NaN is not a number",
    ("amount", "1E+999999999"): "amount (万元) 1E+999999999 is out of range: at most 12 digits "
    "before the decimal point",
    ("percent", "99.94"): None,
    ("percent", "99.123456"): "percentage 99.123456 is too precise: at most 4 decimal places",
    ("percent", "123456789"): "percentage 123456789 is out of range: at most 8 digits before the "
    "decimal point",
    ("points", "46.5"): None,
    ("points", "1234567"): "score 1234567 is out of range: at most 6 digits before the decimal "
    "point",
}


def test_figures() -> None:
    assert {
        (kind, value): check_figure(Decimal(value), kind)  # type: ignore[arg-type]
        for kind, value in CASES
    } == CASES


def test_kinds_by_field_name_and_text() -> None:
    assert [figure_kind(n) for n in ("wan", "share_pct", "score", "max", "target_num")] == [
        "amount", "percent", "points", "points", "amount",
    ]  # fmt: skip
    assert [check_text(t) for t in ("钟村街道", "a\x00b", "bad\udcff")] == [
        None,
        "contains a NUL character (\\x00): the file is not plain text",
        "contains characters that are not valid text (unpaired surrogates)",
    ]
