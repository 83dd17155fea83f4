"""Validate records with the suites, batched: one GX validation per table for all records.

A GX validation costs a roughly constant overhead however few rows it has, so the records of a
call become one DataFrame per table (its base columns plus the columns its enabled rules derive)
and are validated together; GX reports the failing rows by their `report_id`/`row` keys, and each
is turned back into a `Finding` from the exact figures kept in the row, worded by its rule.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

from selfeval import settings
from selfeval.checks.policy import (
    INDEX_META_KEY,
    KEY_COLUMNS,
    Planned,
    SuiteSpec,
    load_suites,
    resolve_suites_dir,
)
from selfeval.checks.rule import (
    AGREE,
    Bilingual,
    Case,
    Row,
    Scope,
    num,
    terms_text,
    where_en,
    where_zh,
)
from selfeval.checks.rules import CROSS_REPORT
from selfeval.checks.tables import CHECK_TABLES
from selfeval.errors import SuiteError
from selfeval.findings import Finding
from selfeval.record import Record


def check_records(
    records: Sequence[Record],
    suites_dir: Path | None = None,
    *,
    previous: Sequence[Record | None] | None = None,
    only: Collection[str] | None = None,
) -> list[tuple[Finding, ...]]:
    """The findings of each record, one tuple per record in the same order.

    `suites_dir` defaults to $SELFEVAL_EXPECTATIONS_DIR, else the repository's expectations/.
    `previous[i]` is the same unit's record of the year before (for carryover.cross_year);
    `only` restricts the run to those check ids.
    """
    suites = load_suites(resolve_suites_dir(suites_dir))
    scopes = [Scope(r, None if previous is None else previous[i]) for i, r in enumerate(records)]
    found: list[list[Finding]] = [[] for _ in records]
    for spec, suite in suites.values():
        planned = [
            p
            for p in spec.planned
            if (only is None or p.check in only)
            and (previous is not None or p.check not in CROSS_REPORT)
        ]
        if not planned:
            continue
        table = build_table(spec, scopes)
        if not table.rows:
            continue
        for report_id, finding in _validate(table, spec, suite, {p.index for p in planned}):
            found[report_id].append(finding)
    return [tuple(sorted(fs, key=_order)) for fs in found]


def check_record(
    record: Record, *, suites_dir: Path | None = None, previous: Record | None = None
) -> tuple[Finding, ...]:
    """The findings of one record (one GX validation per table: prefer `check_records`)."""
    return check_records([record], suites_dir, previous=None if previous is None else [previous])[0]


def check_across_years(
    record: Record, previous: Record, *, suites_dir: Path | None = None
) -> tuple[Finding, ...]:
    """Only the checks that compare a report with the unit's report of the year before."""
    return check_records([record], suites_dir, previous=[previous], only=CROSS_REPORT)[0]


def _order(f: Finding) -> tuple[int, int, str, str]:
    line = f.evidence.line if f.evidence is not None else 0
    return (0 if f.severity == "error" else 1, line, f.check, f.subject)


# --- the tables --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckTable:
    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def frame(self) -> Any:
        """The rows as a pandas DataFrame: `report_id`, `row` and the value columns (objects)."""
        import pandas as pd

        data: dict[str, Any] = {
            "report_id": pd.Series([r.report_id for r in self.rows], dtype="int64"),
            "row": pd.Series([r.row for r in self.rows], dtype="int64"),
        }
        for column in self.columns:
            # object dtype keeps Decimals exact and None as missing for every expectation
            data[column] = pd.Series([r.values.get(column) for r in self.rows], dtype=object)
        return pd.DataFrame(data)


def build_table(spec: SuiteSpec, scopes: Sequence[Scope]) -> CheckTable:
    """The table of `spec` for all records, with the columns of its enabled rules."""
    maker = CHECK_TABLES[spec.table]
    columns = list(maker.columns)
    for rule in spec.rules:
        columns += [c for c in rule.columns if c not in columns]
    rows: list[Row] = []
    for report_id, scope in enumerate(scopes):
        for base in maker.rows(report_id, scope.record):
            values = dict(base.values)
            terms: dict[str, tuple[Decimal, ...]] = {}
            facts: dict[str, Any] = {}
            shown: dict[str, Decimal] = {}
            for rule in spec.rules:
                derived = rule.derive(base, scope)
                if derived is None:
                    continue
                values.update(derived.values)
                terms.update(derived.terms)
                facts.update(derived.facts)
                shown.update(derived.shown)
            rows.append(
                Row(
                    report_id=base.report_id,
                    row=base.row,
                    subject=base.subject,
                    evidence=base.evidence,
                    values=values,
                    terms=terms,
                    facts={**base.facts, **facts},
                    shown=shown,
                    source=base.source,
                )
            )
    return CheckTable(spec.table, tuple(columns), tuple(rows))


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


def _validate(
    table: CheckTable, spec: SuiteSpec, suite: Any, wanted: set[int]
) -> list[tuple[int, Finding]]:
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
        planned = spec.planned[int(outcome.expectation_config.meta[INDEX_META_KEY])]
        _raise_if_crashed(spec, planned, outcome)
        if outcome.success or planned.index not in wanted:
            continue
        for key in outcome.result.get("unexpected_index_list") or ():
            row = rows[(int(key["report_id"]), int(key["row"]))]
            findings.append((row.report_id, finding_for(planned, row)))
    return findings


def _raise_if_crashed(spec: SuiteSpec, planned: Planned, outcome: Any) -> None:
    info = outcome.exception_info or {}
    infos = [info] if "raised_exception" in info else list(info.values())
    for item in infos:
        if isinstance(item, Mapping) and item.get("raised_exception"):
            raise SuiteError(
                f"{spec.path}: {planned.check} failed to run: {item.get('exception_message')}"
            )


# --- from a failing row to a Finding ------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def finding_for(planned: Planned, row: Row) -> Finding:
    kwargs, values = planned.kwargs, row.values
    observed: Decimal | str | None = None
    expected: Decimal | str | None = None
    tolerance: Decimal | None = None
    terms: tuple[Decimal, ...] = ()
    measure = planned.measure
    subject = row.subject
    if planned.type == AGREE:
        from selfeval.checks.expectations import tolerance as _tolerance

        columns = list(kwargs["column_list"])
        obs_col, exp_col, below_col = columns[:3]
        above_col = columns[3] if len(columns) > 3 else below_col
        observed = _as_figure(values.get(obs_col))
        exact = _dec(values.get(exp_col))
        below = isinstance(observed, Decimal) and exact is not None and observed < exact
        allowance = _dec(values.get(below_col if below else above_col)) or Decimal(0)
        expected = row.shown.get(exp_col, _as_figure(values.get(exp_col)))
        tolerance = _tolerance(
            allowance, kwargs.get("allowance_factor", 1), kwargs.get("absolute_tolerance", 0)
        )
        terms = tuple(row.terms.get(exp_col, ())) or tuple(row.terms.get(obs_col, ()))
        tolerance = _tidy(tolerance, observed)
    elif planned.type == "expect_column_values_to_be_between":
        observed = _as_figure(values.get(kwargs["column"]))
        low, high = _dec(kwargs.get("min_value")), _dec(kwargs.get("max_value"))
        under = isinstance(observed, Decimal) and low is not None and observed < low
        expected = low if under else high
        measure = measure or ("min_bound" if under else "max_bound")
    elif planned.type == "expect_column_pair_values_a_to_be_greater_than_b":
        observed = _as_figure(values.get(kwargs["column_B"]))
        expected = _as_figure(values.get(kwargs["column_A"]))
    elif planned.type == "expect_column_values_to_not_be_null":
        measure = measure or str(kwargs["column"])
        subject = measure
    elif "column" in kwargs:
        observed = _as_figure(values.get(kwargs["column"]))
    case = Case(
        check=planned.check,
        measure=measure,
        row=row,
        observed=observed,
        expected=expected,
        tolerance=tolerance,
        terms=terms,
        meta={**kwargs, **planned.meta},
    )
    zh, en = planned.rule.message(case) if planned.rule is not None else _generic(case)
    zh, en = _override(case, zh, en)
    return Finding(
        check=planned.check,
        severity=planned.severity,
        subject=subject,
        observed=observed,
        expected=expected,
        tolerance=tolerance,
        message_zh=zh,
        message_en=en,
        evidence=row.evidence,
    )


def _generic(c: Case) -> Bilingual:
    description = str(c.meta.get("description") or c.check)
    return (
        f"{where_zh(c)}：{description}（{c.row.subject}：{num(c.observed)}，"
        f"应为{num(c.expected)}）。请核对。",
        f"{where_en(c)}: {description} ({c.row.subject}: {num(c.observed)}, expected "
        f"{num(c.expected)}).",
    )


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _override(c: Case, zh: str, en: str) -> Bilingual:
    """Suite wording wins: str.format templates over the row's columns, facts and figures."""
    if not isinstance(c.meta.get("message_zh"), str) and not isinstance(
        c.meta.get("message_en"), str
    ):
        return zh, en
    ev = c.row.evidence
    fields = _Fields(
        {
            k: num(v) if isinstance(v, Decimal) else ("—" if v is None else v)
            for k, v in {**c.row.values, **c.row.facts}.items()
        }
    )
    fields.update(
        line="?" if ev is None else ev.line,
        text="" if ev is None else ev.text,
        subject=c.row.subject,
        observed=num(c.observed),
        expected=num(c.expected),
        tolerance=num(c.tolerance),
        terms=terms_text(c.terms),
    )
    if isinstance(c.meta.get("message_zh"), str):
        zh = c.meta["message_zh"].format_map(fields)
    if isinstance(c.meta.get("message_en"), str):
        en = c.meta["message_en"].format_map(fields)
    return zh, en


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
