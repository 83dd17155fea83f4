"""How far a printed figure may honestly be from the exact one: rounding *or* truncation.

A figure printed with k decimals is the exact value rounded (within half a unit of the last
place either way) or truncated (up to one unit below the exact value, never above). So a stated
figure may sit *below* the exact one by up to one unit and *above* it by up to half a unit; the
checks compare with that asymmetric allowance (`below`, `above`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context, Decimal

# Ratios do not terminate; 28 significant digits are far below any printed precision.
RATIO = Context(prec=28)
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def unit(value: Decimal) -> Decimal:
    """One unit in the last printed place: 99.94 -> 0.01, 100 -> 1."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite Decimals only; records never hold NaN
    return Decimal((0, (1,), exponent))


def half_unit(value: Decimal) -> Decimal:
    """Half a unit in the last printed place: 99.94 -> 0.005, 100 -> 0.5."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal((0, (5,), exponent - 1))


def decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def score_step(score: Decimal) -> Decimal:
    """The step a score is awarded in: whole or half points when printed so, else its last place."""
    if score == score.to_integral_value():
        return Decimal(1)
    if (score * 2) == (score * 2).to_integral_value():
        return Decimal("0.5")
    return unit(score)


def shown_as(value: Decimal, like: Decimal) -> Decimal:
    """`value` rounded to the precision of `like`, and never coarser than two decimals."""
    exponent = like.as_tuple().exponent
    assert isinstance(exponent, int)
    return value.quantize(Decimal((0, (1,), min(exponent, -2))))


def coarser(stated: Decimal, parts: Iterable[Decimal]) -> tuple[Decimal, Decimal]:
    """(below, above) for a stated sum printed more coarsely than the figures it adds up."""
    finest = max((decimals(p) for p in parts), default=0)
    if decimals(stated) < finest:
        return unit(stated), half_unit(stated)
    return ZERO, ZERO


def ratio_moved(numerator: Decimal, denominator: Decimal) -> Decimal:
    """How far rounding the two printed amounts can move numerator / denominator x 100."""
    return RATIO.multiply(
        RATIO.add(
            RATIO.divide(half_unit(numerator), denominator),
            RATIO.divide(abs(numerator) * half_unit(denominator), denominator * denominator),
        ),
        HUNDRED,
    )


def percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    return RATIO.multiply(RATIO.divide(numerator, denominator), HUNDRED)
