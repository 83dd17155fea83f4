"""A SQLite database holding tables shaped exactly like the warehouse views.

The renderers read only the views; these tables let tests put any value a view could hold
(hostile names, nulls, negative numbers) in front of them without going through extraction.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from selfeval.publish.queries import VIEW_COLUMNS

YEAR = 2024
D = Decimal


def scorecard_row(unit_id: str, name: str, rank: int | None, total: str | None, **kw: Any) -> dict:
    row = {
        "unit_id": unit_id,
        "unit_name": name,
        "district": kw.get("district", "番禺区"),
        "submission_id": kw.get("submission_id", int(unit_id[-2:])),
        "version": kw.get("version", 1),
        "total_score": None if total is None else D(total),
        "score_rank": rank,
        "duty_score": kw.get("duty_score"),
        "management_score": kw.get("management_score"),
        "budget_wan": kw.get("budget_wan"),
        "executed_wan": kw.get("executed_wan"),
        "execution_rate_pct": kw.get("execution_rate_pct"),
        "fiscal_share_pct": kw.get("fiscal_share_pct"),
        "open_errors": kw.get("open_errors", 0),
        "open_warnings": kw.get("open_warnings", 0),
        "execution_rate_basis": kw.get(
            "execution_rate_basis", None if kw.get("execution_rate_pct") is None else "computed"
        ),
        "execution_rate_line": kw.get("execution_rate_line"),
        "fiscal_year": kw.get("fiscal_year", YEAR),
    }
    return row


def finance_row(unit_id: str, name: str, kind: str, label: str, line: int, **kw: Any) -> dict:
    """A v_unit_finance row: every column NULL unless given."""
    return {
        "fiscal_year": YEAR,
        "unit_id": unit_id,
        "unit_name": name,
        "submission_id": int(unit_id[-2:]),
        "kind": kind,
        "label": label,
        "evidence_line": line,
        **{
            c: kw.get(c)
            for c in (
                "item",
                "category",
                "amount_wan",
                "share_pct",
                "budget_wan",
                "executed_wan",
                "rate_pct",
                "change_wan",
                "growth_pct",
            )
        },
    }


def subtotal_row(
    district: str,
    expected: int,
    submitted: int,
    budget: Decimal | None,
    executed: Decimal | None,
    rate: Decimal | None,
    score: Decimal | None,
) -> dict:
    return {
        "fiscal_year": YEAR,
        "district": district,
        "units_expected": expected,
        "units_submitted": submitted,
        "units_with_open_errors": submitted,
        "budget_wan": budget,
        "executed_wan": executed,
        "execution_rate_pct": rate,
        "score_avg": score,
        "score_min": score,
        "score_max": score,
        "open_error_findings": submitted,
        "open_warning_findings": 0,
    }


def sample_views() -> dict[str, list[dict[str, Any]]]:
    """Two submitted units, one missing unit: the seeds' real figures, by hand."""
    return {
        "v_district_year_summary": [
            {
                "fiscal_year": YEAR,
                "units_expected": 3,
                "units_submitted": 2,
                "units_on_time": 2,
                "units_with_open_errors": 2,
                "budget_wan": D("41833.23"),
                "executed_wan": D("39424.42"),
                "execution_rate_pct": D("94.24"),
                "fiscal_share_pct": D("99.76"),
                "other_share_pct": D("0.24"),
                "score_avg": D("97.19"),
                "score_min": D("97"),
                "score_max": D("97.38"),
                "open_error_findings": 2,
                "open_warning_findings": 1,
            }
        ],
        "v_unit_scorecard": [
            scorecard_row(
                "U02",
                "白鹤洞街道",
                1,
                "97.38",
                district="荔湾区",
                duty_score=D("49.88"),
                management_score=D("47.5"),
                budget_wan=D("11661.19"),
                executed_wan=D("11516.76"),
                execution_rate_pct=D("98.76"),
                execution_rate_basis="stated",
                execution_rate_line=15,
                fiscal_share_pct=D("99.46"),
                open_errors=1,
            ),
            scorecard_row(
                "U01",
                "钟村街道",
                2,
                "97",
                budget_wan=D("30172.04"),
                executed_wan=D("27907.66"),
                execution_rate_pct=D("92.50"),
                fiscal_share_pct=D("99.88"),
                open_errors=1,
                open_warnings=1,
            ),
        ],
        "v_unit_finance": [
            finance_row(
                "U01",
                "钟村街道",
                "composition",
                "决算支出",
                93,
                item="财政拨款支出",
                category="财政拨款",
                amount_wan=D("27872.79"),
                share_pct=D("99.88"),
            ),
            finance_row(
                "U01",
                "钟村街道",
                "execution",
                "支出",
                89,
                budget_wan=D("30172.04"),
                executed_wan=D("27907.66"),
            ),
        ],
        "v_district_subtotals": [
            subtotal_row("番禺区", 2, 1, D("30172.04"), D("27907.66"), None, D("97")),
            subtotal_row("荔湾区", 1, 1, D("11661.19"), D("11516.76"), D("98.76"), D("97.38")),
        ],
        "v_unit_indicators": [
            {
                "fiscal_year": YEAR,
                "unit_id": "U02",
                "unit_name": "白鹤洞街道",
                "submission_id": 2,
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "防灾减灾救灾宣传活动场次",
                "target": "2 次",
                "actual": "3 场",
                "completion": "150%",
                "completion_pct": D("150"),
                "evidence_line": 48,
            },
        ],
        "v_open_findings": [
            {
                "finding_id": 7,
                "submission_id": 1,
                "fiscal_year": YEAR,
                "unit_id": "U01",
                "unit_name": "钟村街道",
                "check_id": "carryover.continuity",
                "severity": "error",
                "subject": "年初结转和结余",
                "observed": "25.04",
                "expected": "5.76",
                "tolerance": D("0.01"),
                "message_zh": "年初结转和结余与上年年末不一致",
                "message_en": "opening carry-over differs",
                "evidence_line": 97,
                "evidence_text": "2024年年初结转和结余25.04万元,2023年年末结转结余5.76万元",
            },
        ],
        "v_missing_units": [
            {
                "fiscal_year": YEAR,
                "unit_id": "U03",
                "unit_name": "沙湾街道",
                "district": "番禺区",
                "contact_emails": "shawan@example.org",
            }
        ],
        "v_latest_submission": [
            {
                "submission_id": 1,
                "unit_id": "U01",
                "unit_name": "钟村街道",
                "district": "番禺区",
                "fiscal_year": YEAR,
                "version": 1,
                "sha256": "a" * 64,
                "file_name": "000.txt",
                "received_at": "2025-03-01 10:00:00",
                "on_time": 1,
                "total_score": D("97"),
            },
            {
                "submission_id": 2,
                "unit_id": "U02",
                "unit_name": "白鹤洞街道",
                "district": "荔湾区",
                "fiscal_year": YEAR,
                "version": 1,
                "sha256": "b" * 64,
                "file_name": "001.txt",
                "received_at": "2025-03-02 10:00:00",
                "on_time": 1,
                "total_score": D("97.38"),
            },
        ],
    }


_TEXT = {
    "unit_id",
    "unit_name",
    "district",
    "kind",
    "label",
    "item",
    "category",
    "level1",
    "level2",
    "name",
    "target",
    "actual",
    "completion",
    "check_id",
    "severity",
    "subject",
    "observed",
    "expected",
    "message_zh",
    "message_en",
    "evidence_text",
    "contact_emails",
    "execution_rate_basis",
    "sha256",
    "file_name",
    "received_at",
}


def view_engine(path: Path, views: dict[str, list[dict[str, Any]]]) -> Engine:
    """A SQLite file with one table per view, holding `views`' rows (Decimals stored as text)."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for view, columns in VIEW_COLUMNS.items():
            decl = ", ".join(f"{c} {'TEXT' if c in _TEXT else 'NUMERIC'}" for c in columns)
            conn.execute(text(f"CREATE TABLE {view} ({decl})"))
            for row in views.get(view, []):
                values = {c: (str(v) if isinstance(v, Decimal) else v) for c, v in row.items()}
                missing = set(columns) - set(values)
                assert not missing, f"{view} row lacks {missing}"
                conn.execute(
                    text(
                        f"INSERT INTO {view} ({', '.join(columns)}) VALUES "
                        f"({', '.join(':' + c for c in columns)})"
                    ),
                    values,
                )
    return engine
