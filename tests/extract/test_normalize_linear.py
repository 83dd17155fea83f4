"""Normalisation is linear in the line: 1 MB adversarial lines take well under a second each."""

from __future__ import annotations

import time

import pytest

from selfeval.extract.normalize import normalize_line

MB = 1_000_000

# Lines built to make a backtracking pattern try every group from every start (issue 12).
ADVERSARIAL = {
    "space thousands, no decimal tail": "1" + " 234" * (MB // 4),
    "space thousands, decimal tail": "1" + " 234" * (MB // 4) + ".5",
    "wide-comma thousands, no unit": "1" + "，234" * (MB // 4),
    "comma thousands, digit tail": "1" + ",234" * (MB // 4) + "5",
    "spaced decimals": "1. 2 " * (MB // 5),
    "latex openers": "$\\text{1" * (MB // 8),
    "digits and spaces": ("9" * 50 + " ") * (MB // 51),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_line_normalises_in_under_a_second(name: str) -> None:
    line = ADVERSARIAL[name]
    started = time.process_time()
    normalize_line(line)
    assert time.process_time() - started < 1.0


def test_thousands_are_still_joined_only_before_a_decimal_or_unit() -> None:
    cases = {
        "12 345 678.90 万元": "12345678.90万元",
        "1 234.5": "1234.5",
        "12 1 234.56": "12 1234.56",
        "1 234 5678.9": "1 234 5678.9",
        "共 1 234 人": "共1 234人",
        "1，234，567.8元": "1234567.8元",
        "1，234 万元": "1234万元",
        "1，234，人": "1，234，人",
    }
    assert {text: normalize_line(text) for text in cases} == cases
