"""An indicator's numeric target and actual value, and which way is better (shared)."""

from __future__ import annotations

from decimal import Decimal

from selfeval.record import Indicator

_AT_MOST_OPS = frozenset({"≤", "<=", "<", "＜", "不超过", "不高于", "不多于", "低于", "小于"})


def figures(ind: Indicator) -> tuple[Decimal, Decimal, bool] | None:
    """(target, actual, at_most) when both are numbers; at_most for 投诉率≤5%-like targets."""
    target = ind.target_value if ind.target_value is not None else ind.target_num
    actual = ind.actual_value if ind.actual_value is not None else ind.actual_num
    if target is None or actual is None or ind.direction == "text":
        return None
    at_most = ind.direction == "lower" or (ind.target_op or "").strip() in _AT_MOST_OPS
    return target, actual, at_most
