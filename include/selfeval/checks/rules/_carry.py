"""One quantity printed twice (shared by the carry-over rules)."""

from __future__ import annotations

from decimal import Decimal

from selfeval.checks.precision import decimals, half_unit


def same_figure_allowance(a: Decimal, b: Decimal) -> Decimal:
    """Equal precision must print equal figures; else both may be rounded."""
    return Decimal(0) if decimals(a) == decimals(b) else half_unit(a) + half_unit(b)
