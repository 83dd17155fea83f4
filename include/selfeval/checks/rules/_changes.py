"""A year-over-year statement's prior-year figure: printed, else current − change (shared)."""

from __future__ import annotations

from decimal import Decimal

from selfeval.checks.precision import half_unit
from selfeval.record import Change


def prior_of(c: Change) -> tuple[Decimal, Decimal, bool] | None:
    """(prior, its rounding allowance, printed?)."""
    if c.prior is not None:
        return c.prior.wan, half_unit(c.prior.wan), True
    if c.current is not None and c.change is not None:
        return (
            c.current.wan - c.change.wan,
            half_unit(c.current.wan) + half_unit(c.change.wan),
            False,
        )
    return None
