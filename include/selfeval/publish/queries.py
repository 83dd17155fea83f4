"""Read one fiscal year from the warehouse views: the only place publishing touches SQL.

Only the views named in docs/architecture.md are read, never tables, so SQL consumers and the
published files see the same numbers. Values are normalised to exact Python types: SQLite hands
back floats for NUMERIC columns, PostgreSQL Decimals; both become `Decimal` here (a float goes
through its shortest repr, which is the literal the warehouse stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from selfeval.errors import PublishError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

Value = str | int | Decimal | bool | date | datetime | None
ViewRow = Mapping[str, Value]

VIEW_COLUMNS: dict[str, tuple[str, ...]] = {
    "v_district_year_summary": (
        "fiscal_year",
        "units_expected",
        "units_submitted",
        "units_on_time",
        "units_with_open_errors",
        "budget_wan",
        "executed_wan",
        "execution_rate_pct",
        "fiscal_share_pct",
        "other_share_pct",
        "score_avg",
        "score_min",
        "score_max",
        "open_error_findings",
        "open_warning_findings",
    ),
    "v_unit_scorecard": (
        "fiscal_year",
        "unit_id",
        "unit_name",
        "district",
        "submission_id",
        "version",
        "total_score",
        "score_rank",
        "duty_score",
        "management_score",
        "budget_wan",
        "executed_wan",
        "execution_rate_pct",
        "fiscal_share_pct",
        "open_errors",
        "open_warnings",
        "execution_rate_basis",
        "execution_rate_line",
    ),
    "v_district_subtotals": (
        "fiscal_year",
        "district",
        "units_expected",
        "units_submitted",
        "units_with_open_errors",
        "budget_wan",
        "executed_wan",
        "execution_rate_pct",
        "score_avg",
        "score_min",
        "score_max",
        "open_error_findings",
        "open_warning_findings",
    ),
    "v_unit_finance": (
        "fiscal_year",
        "unit_id",
        "unit_name",
        "submission_id",
        "kind",
        "label",
        "item",
        "category",
        "amount_wan",
        "share_pct",
        "budget_wan",
        "executed_wan",
        "rate_pct",
        "evidence_line",
        "change_wan",
        "growth_pct",
    ),
    "v_unit_indicators": (
        "fiscal_year",
        "unit_id",
        "unit_name",
        "submission_id",
        "level1",
        "level2",
        "name",
        "target",
        "actual",
        "completion",
        "completion_pct",
        "evidence_line",
    ),
    "v_open_findings": (
        "finding_id",
        "submission_id",
        "fiscal_year",
        "unit_id",
        "unit_name",
        "check_id",
        "severity",
        "subject",
        "observed",
        "expected",
        "tolerance",
        "message_zh",
        "message_en",
        "evidence_line",
        "evidence_text",
    ),
    "v_missing_units": ("fiscal_year", "unit_id", "unit_name", "district", "contact_emails"),
    "v_latest_submission": (
        "submission_id",
        "unit_id",
        "unit_name",
        "district",
        "fiscal_year",
        "version",
        "sha256",
        "file_name",
        "received_at",
        "on_time",
        "total_score",
    ),
}

# Columns holding free text: a float-looking value there must stay a string.
_TEXT_COLUMNS = frozenset(
    {
        "observed",
        "expected",
        "target",
        "actual",
        "completion",
        "unit_id",
        "contact_emails",
        "execution_rate_basis",
    }
)


@dataclass(frozen=True, slots=True)
class DistrictData:
    """Every view row of one fiscal year, in a stable order independent of the database; the
    prior year's summary and scorecard when the warehouse holds that year."""

    fiscal_year: int
    summary: ViewRow | None
    scorecard: tuple[ViewRow, ...]
    subtotals: tuple[ViewRow, ...]
    finance: tuple[ViewRow, ...]
    indicators: tuple[ViewRow, ...]
    findings: tuple[ViewRow, ...]
    missing: tuple[ViewRow, ...]
    submissions: tuple[ViewRow, ...]
    prior_summary: ViewRow | None = None
    prior_scorecard: tuple[ViewRow, ...] = ()


def normalise(column: str, value: Any) -> Value:
    """One view value as an exact Python value (floats become Decimals, text stays text)."""
    if value is None or isinstance(value, bool | str | date | datetime):
        return value
    if column in _TEXT_COLUMNS:
        return str(value)
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return str(value)


def _key(*values: Value) -> tuple[tuple[int, int, Decimal, str], ...]:
    # None sorts last, numbers by value, text by code point: the same on SQLite and PostgreSQL.
    out = []
    for v in values:
        if v is None:
            out.append((1, 0, Decimal(0), ""))
        elif isinstance(v, int | Decimal) and not isinstance(v, bool):
            out.append((0, 0, Decimal(v), ""))
        else:
            out.append((0, 1, Decimal(0), str(v)))
    return tuple(out)


def read_view(engine: Engine, view: str, year: int) -> list[dict[str, Value]]:
    """All rows of one view for `year`, as dicts keyed by the contract's column names. A report
    held for review (its unit not in the registry: `unit_id` NULL) is never published; the
    district views leave it out of their totals themselves (migration 0007)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    columns = VIEW_COLUMNS[view]
    held_out = " AND unit_id IS NOT NULL" if "unit_id" in columns else ""
    sql = text(f"SELECT {', '.join(columns)} FROM {view} WHERE fiscal_year = :year{held_out}")
    try:
        with engine.connect() as conn:
            result = conn.execute(sql, {"year": year}).all()
    except SQLAlchemyError as exc:
        raise PublishError(
            f"cannot read warehouse view {view} ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0]}); is the warehouse upgraded (selfeval db upgrade)?"
        ) from exc
    return [{c: normalise(c, v) for c, v in zip(columns, row, strict=True)} for row in result]


def _summary(engine: Engine, year: int) -> dict[str, Value] | None:
    summary = read_view(engine, "v_district_year_summary", year)
    if len(summary) > 1:
        raise PublishError(
            f"v_district_year_summary has {len(summary)} rows for {year}, expected 1"
        )
    return summary[0] if summary else None


def _scorecard(engine: Engine, year: int) -> tuple[dict[str, Value], ...]:
    scorecard = read_view(engine, "v_unit_scorecard", year)
    scorecard.sort(key=lambda r: (*_key(r["score_rank"]), *_key(r["unit_name"], r["unit_id"])))
    return tuple(scorecard)


def read_district(engine: Engine, year: int) -> DistrictData:
    """Read every view publishing needs for `year` (and for `year - 1`, to show beside it)."""
    summary = _summary(engine, year)
    subtotals = read_view(engine, "v_district_subtotals", year)
    subtotals.sort(key=lambda r: _key(r["district"]))
    finance = read_view(engine, "v_unit_finance", year)
    finance.sort(
        key=lambda r: _key(
            r["unit_name"],
            r["unit_id"],
            r["submission_id"],
            r["kind"],
            r["evidence_line"],
            r["label"],
            r["item"],
        )
    )
    indicators = read_view(engine, "v_unit_indicators", year)
    indicators.sort(key=lambda r: _key(r["unit_name"], r["unit_id"], r["evidence_line"], r["name"]))
    findings = read_view(engine, "v_open_findings", year)
    severity_order = {"error": 0, "warning": 1}
    findings.sort(
        key=lambda r: (
            *_key(r["unit_name"], r["unit_id"]),
            severity_order.get(str(r["severity"]), 2),
            *_key(r["check_id"], r["finding_id"]),
        )
    )
    missing = read_view(engine, "v_missing_units", year)
    missing.sort(key=lambda r: _key(r["district"], r["unit_name"], r["unit_id"]))
    submissions = read_view(engine, "v_latest_submission", year)
    submissions.sort(key=lambda r: _key(r["unit_name"], r["unit_id"]))
    return DistrictData(
        fiscal_year=year,
        summary=summary,
        scorecard=_scorecard(engine, year),
        subtotals=tuple(subtotals),
        finance=tuple(finance),
        indicators=tuple(indicators),
        findings=tuple(findings),
        missing=tuple(missing),
        submissions=tuple(submissions),
        prior_summary=_summary(engine, year - 1),
        prior_scorecard=_scorecard(engine, year - 1),
    )
