"""Our custom GX expectation: a stated figure agrees with a derived one within rounding.

Importing this module imports Great Expectations and registers the expectation and its metric
under `expect_multicolumn_values_to_agree_within_rounding` / `selfeval.agree_within_rounding`, so
the rules and the suites can name it. Only `selfeval.checks` imports it, lazily (when it first
builds the suites or words a finding).

GX's own `expect_multicolumn_sum_to_equal` compares floats exactly (96.85 + 0.52 + 2.63 != 100).
Here the sums are made beforehand with `Decimal` (by the rules in rules/), and this expectation
compares row-wise in exact decimal arithmetic. `column_list` is [observed, expected, below, above]
(or [observed, expected, allowance] for a symmetric one):

    -(factor * below + absolute) <= observed - expected <= factor * above + absolute

where `below`/`above` are the per-row allowances derived from the precision the report printed
(a truncated figure sits up to a unit below the exact one, a rounded one half a unit either
way) and `allowance_factor` / `absolute_tolerance` come from the suite.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any, ClassVar, Literal

# GX reads its analytics switch when it is first imported, so set it before the imports below.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from great_expectations.execution_engine.pandas_execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_map_metric_provider import (
    MulticolumnMapMetricProvider,
)

METRIC_NAME = "selfeval.agree_within_rounding"
EXPECTATION_TYPE = "expect_multicolumn_values_to_agree_within_rounding"


def as_decimal(value: Any) -> Decimal:
    """A kwarg or cell as an exact Decimal (JSON floats go through their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def tolerance(allowance: Decimal, factor: Any, absolute: Any) -> Decimal:
    return as_decimal(factor) * allowance + as_decimal(absolute)


def agrees(
    observed: Any, expected: Any, below: Any, above: Any, factor: Any, absolute: Any
) -> bool:
    difference = as_decimal(observed) - as_decimal(expected)
    allowance = as_decimal(below) if difference < 0 else as_decimal(above)
    return abs(difference) <= tolerance(allowance, factor, absolute)


class MulticolumnValuesAgreeWithinRounding(MulticolumnMapMetricProvider):
    condition_metric_name = METRIC_NAME
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_list",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("allowance_factor", "absolute_tolerance")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(cls, column_list: Any, **kwargs: Any) -> Any:
        import pandas as pd

        factor = kwargs.get("allowance_factor", 1)
        absolute = kwargs.get("absolute_tolerance", 0)
        observed, expected, below = (column_list.iloc[:, i] for i in range(3))
        above = column_list.iloc[:, 3] if column_list.shape[1] > 3 else below
        return pd.Series(
            [
                agrees(o, e, b, a, factor, absolute)
                for o, e, b, a in zip(observed, expected, below, above, strict=True)
            ],
            index=column_list.index,
            dtype=bool,
        )


class ExpectMulticolumnValuesToAgreeWithinRounding(MulticolumnMapExpectation):
    """Expect column_list = [observed, expected, below(, above)] to agree within the allowance.

    Rows where any column is missing are skipped (the report did not state the figure).
    """

    allowance_factor: float = 1.0
    absolute_tolerance: float = 0.0
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = (
        "any_value_is_missing"
    )

    map_metric = METRIC_NAME
    success_keys = ("mostly", "allowance_factor", "absolute_tolerance")
    args_keys = ("column_list",)
    library_metadata: ClassVar[dict[str, Any]] = {
        "maturity": "experimental",
        "tags": ["selfeval", "tolerance"],
        "contributors": ["selfeval"],
    }
