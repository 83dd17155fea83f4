"""Validate records with the suites, batched: one GX validation per table for all records.

A GX validation costs a roughly constant overhead however few rows it has, so the records of a
call are flattened into one DataFrame per table and validated together; GX reports the failing
rows by their `report_id`/`row` keys (`unexpected_index_column_names`), and each is turned back
into a `Finding` for its report from the exact figures kept in the flattened row.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

from selfeval import settings
from selfeval.checks.flatten import Row, Table, flatten
from selfeval.checks.messages import Case, render
from selfeval.checks.suites import (
    INDEX_META_KEY,
    KEY_COLUMNS,
    ExpectationSpec,
    SuiteSpec,
    load_suites,
    resolve_suites_dir,
)
from selfeval.errors import SuiteError
from selfeval.findings import Finding
from selfeval.record import Record

CUSTOM_TYPE = "expect_multicolumn_values_to_agree_within_rounding"


def check_records(
    records: Sequence[Record], suites_dir: Path | None = None
) -> list[tuple[Finding, ...]]:
    """The findings of each record, one tuple per record in the same order.

    `suites_dir` defaults to $SELFEVAL_EXPECTATIONS_DIR, else the repository's expectations/.
    (Positional as well as keyword: docs/architecture.md and selfeval.pipeline pass it so.)
    """
    suites = load_suites(resolve_suites_dir(suites_dir))
    tables = flatten(records)
    found: list[list[Finding]] = [[] for _ in records]
    for table_name, (spec, suite) in suites.items():
        table = tables[table_name]
        if not table.rows:
            continue
        for finding_report, finding in _validate(table, spec, suite):
            found[finding_report].append(finding)
    return [tuple(sorted(fs, key=_order)) for fs in found]


def check_record(record: Record, *, suites_dir: Path | None = None) -> tuple[Finding, ...]:
    """The findings of one record (one GX validation per table: prefer `check_records`)."""
    return check_records([record], suites_dir=suites_dir)[0]


def _order(f: Finding) -> tuple[int, int, str, str]:
    line = f.evidence.line if f.evidence is not None else 0
    return (0 if f.severity == "error" else 1, line, f.check, f.subject)


# --- GX, started once per process ---------------------------------------------------------------


@dataclass(slots=True)
class _Runtime:
    context: Any
    datasource: Any
    batch_definitions: dict[str, Any]

    def batch_definition(self, table: str) -> Any:
        if table not in self.batch_definitions:
            asset = self.datasource.add_dataframe_asset(name=table)
            self.batch_definitions[table] = asset.add_batch_definition_whole_dataframe(table)
        return self.batch_definitions[table]


_RUNTIME: list[_Runtime] = []


def _runtime() -> _Runtime:
    if not _RUNTIME:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # after the import: GX configures its loggers when it is imported
        for name in settings.GX_QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        datasource = context.data_sources.add_pandas(name="selfeval")
        _RUNTIME.append(_Runtime(context, datasource, {}))
    return _RUNTIME[0]


def _validate(table: Table, spec: SuiteSpec, suite: Any) -> list[tuple[int, Finding]]:
    batch = (
        _runtime()
        .batch_definition(table.name)
        .get_batch(batch_parameters={"dataframe": table.frame()})
    )
    result = batch.validate(
        suite,
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": list(KEY_COLUMNS),
            "return_unexpected_index_query": False,
        },
    )
    rows = {(r.report_id, r.row): r for r in table.rows}
    findings: list[tuple[int, Finding]] = []
    for outcome in result.results:
        expectation = spec.expectations[int(outcome.expectation_config.meta[INDEX_META_KEY])]
        _raise_if_crashed(spec, expectation, outcome)
        if outcome.success:
            continue
        for key in outcome.result.get("unexpected_index_list") or ():
            row = rows[(int(key["report_id"]), int(key["row"]))]
            findings.append((row.report_id, finding_for(expectation, row)))
    return findings


def _raise_if_crashed(spec: SuiteSpec, expectation: ExpectationSpec, outcome: Any) -> None:
    info = outcome.exception_info or {}
    infos = [info] if "raised_exception" in info else list(info.values())
    for item in infos:
        if isinstance(item, Mapping) and item.get("raised_exception"):
            raise SuiteError(
                f"{spec.path}: expectation {expectation.index} ({expectation.check}) failed to "
                f"run: {item.get('exception_message')}"
            )


# --- from an unexpected row to a Finding ----------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def finding_for(expectation: ExpectationSpec, row: Row) -> Finding:
    kwargs, values = expectation.kwargs, row.values
    observed: Decimal | str | None = None
    expected: Decimal | str | None = None
    tolerance: Decimal | None = None
    terms: tuple[Decimal, ...] = ()
    measure = str(expectation.meta.get("measure", ""))
    if expectation.type == CUSTOM_TYPE:
        from selfeval.checks.expectations import tolerance as _tolerance

        obs_col, exp_col, allow_col = kwargs["column_list"][:3]
        observed = _as_figure(values.get(obs_col))
        expected = row.shown.get(exp_col, _as_figure(values.get(exp_col)))
        allowance = _dec(values.get(allow_col)) or Decimal(0)
        tolerance = _tolerance(
            allowance, kwargs.get("allowance_factor", 1), kwargs.get("absolute_tolerance", 0)
        )
        terms = tuple(row.terms.get(exp_col, ())) or tuple(row.terms.get(obs_col, ()))
        tolerance = _tidy(tolerance, observed)
    elif expectation.type == "expect_column_values_to_be_between":
        observed = _as_figure(values.get(kwargs["column"]))
        low, high = _dec(kwargs.get("min_value")), _dec(kwargs.get("max_value"))
        below = isinstance(observed, Decimal) and low is not None and observed < low
        expected = low if below else high
        measure = measure or ("min_bound" if below else "max_bound")
    elif expectation.type == "expect_column_pair_values_a_to_be_greater_than_b":
        observed = _as_figure(values.get(kwargs["column_B"]))
        expected = _as_figure(values.get(kwargs["column_A"]))
    elif expectation.type == "expect_column_values_to_not_be_null":
        measure = measure or str(kwargs["column"])
    elif "column" in kwargs:
        observed = _as_figure(values.get(kwargs["column"]))
    subject = row.subject
    if expectation.check == "submission.required_fields":
        subject = measure
    case = Case(
        check=expectation.check,
        measure=measure,
        row=row,
        observed=observed,
        expected=expected,
        tolerance=tolerance,
        terms=terms,
        meta={**kwargs, **expectation.meta},
    )
    message_zh, message_en = render(case)
    return Finding(
        check=expectation.check,
        severity=expectation.severity,
        subject=subject,
        observed=observed,
        expected=expected,
        tolerance=tolerance,
        message_zh=message_zh,
        message_en=message_en,
        evidence=row.evidence,
    )


def _tidy(tolerance: Decimal, observed: Decimal | str | None) -> Decimal:
    """The tolerance as a reader wants it: two places finer than the figure, rounded up."""
    if tolerance == 0:
        return Decimal(0)
    exponent = observed.as_tuple().exponent if isinstance(observed, Decimal) else -2
    assert isinstance(exponent, int)
    places = Decimal((0, (1,), min(exponent, 0) - 2))
    rounded = tolerance.quantize(places, rounding=ROUND_CEILING).normalize()
    return rounded.quantize(Decimal(1)) if rounded.as_tuple().exponent > 0 else rounded  # type: ignore[operator]


def _as_figure(value: Any) -> Decimal | str | None:
    if value is None or isinstance(value, Decimal | str):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return str(value)
