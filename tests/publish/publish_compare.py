"""Read a published year back (openpyxl, pandas, the HTML text) and compare it with the views.

The expected values come from a plain SELECT on each view, independent of selfeval.publish's own
query code; only the column-to-header mapping (the published shape) is shared.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.engine import Engine

from selfeval.checks.rules import check_name_zh
from selfeval.publish import file_names
from selfeval.publish.safety import csv_text, html_text, xlsx_line_breaks
from selfeval.publish.sheets import (
    DISTRICT_TOTAL,
    FINANCE_COLUMNS,
    FINDING_COLUMNS,
    INDICATOR_COLUMNS,
    KIND_LABELS,
    MISSING_COLUMNS,
    NUMBER_FORMATS,
    SCORECARD_COLUMNS,
    SEVERITY_LABELS,
    SHEET_SLUGS,
    SUBTOTAL_COLUMNS,
    SUMMARY_ITEMS,
    Column,
    format_value,
    rate_basis_text,
)

SHEET_VIEWS = {
    "所属区": ("v_district_subtotals", SUBTOTAL_COLUMNS),
    "单位得分": ("v_unit_scorecard", SCORECARD_COLUMNS),
    "收支": ("v_unit_finance", FINANCE_COLUMNS),
    "绩效指标": ("v_unit_indicators", INDICATOR_COLUMNS),
    "数据质量": ("v_open_findings", FINDING_COLUMNS),
    "未提交": ("v_missing_units", MISSING_COLUMNS),
}


def view_rows(engine: Engine, view: str, year: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        result = conn.execute(text(f"SELECT * FROM {view} WHERE fiscal_year = :y"), {"y": year})
        return [dict(r._mapping) for r in result]


def num(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def txt(key: str, row: dict[str, Any]) -> str | None:
    """A text cell as published: code values in Chinese, the rest as the view holds it."""
    value = row.get(key)
    if key == "execution_rate_basis":
        return rate_basis_text(value, row.get("execution_rate_line"))
    if value is None or value == "":
        return None
    if key == "kind":
        return KIND_LABELS.get(value, value)
    if key == "severity":
        return SEVERITY_LABELS.get(value, value)
    if key == "check_id":
        return check_name_zh(value)
    return repr(value) if isinstance(value, float) else str(value)


def expected(column: Column, row: dict[str, Any]) -> Decimal | str | None:
    return txt(column.key, row) if column.kind == "text" else num(row.get(column.key))


def _multiset(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=lambda r: tuple((x is None, str(x)) for x in r))


def assert_matches_views(engine: Engine, folder: Path, year: int) -> dict[str, int]:
    """Assert every figure of the workbook, the CSVs and the HTML equals the views; row counts."""
    names = file_names(year)
    wb = load_workbook(folder / names["xlsx"])
    assert wb.sheetnames == list(SHEET_SLUGS)
    counts: dict[str, int] = {}

    # 汇总: one row per summary item, value compared with v_district_year_summary.
    summary = view_rows(engine, "v_district_year_summary", year)
    assert len(summary) == 1
    ws = wb["汇总"]
    assert ws.freeze_panes == "A2"
    # The publication's status and time come first; then one row per figure.
    got = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]
    assert [g[0] for g in got[:2]] == ["发布状态", "发布时间"]
    got = got[2:]
    assert [g[0] for g in got] == [label for _, label, _, _ in SUMMARY_ITEMS]
    for (key, label, unit, _), (_, g_value, g_unit) in zip(SUMMARY_ITEMS, got, strict=True):
        assert num(g_value) == num(summary[0][key]), (label, g_value, summary[0][key])
        assert (g_unit or "") == unit
    csv = pd.read_csv(folder / names["csv:summary"], dtype=str, keep_default_na=False)
    assert list(csv.columns) == ["项目", "数值", "单位"]
    for (key, label, _, _), (_, row) in zip(SUMMARY_ITEMS, csv.iloc[2:].iterrows(), strict=True):
        assert row["项目"] == label
        assert num(row["数值"]) == num(summary[0][key]), (label, row["数值"])
    counts["汇总"] = len(got) + 2

    for sheet_name, (view, columns) in SHEET_VIEWS.items():
        rows = view_rows(engine, view, year)
        if view == "v_district_subtotals":  # the district-wide row closes the subtotals
            rows.append({**summary[0], "district": DISTRICT_TOTAL})
        want = [
            tuple(
                xlsx_line_breaks(v) if isinstance(v := expected(c, r), str) else v for c in columns
            )
            for r in rows
        ]
        ws = wb[sheet_name]
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == [c.header for c in columns]
        wb_rows = []
        for row in ws.iter_rows(min_row=2):
            cells = []
            for column, cell in zip(columns, row, strict=True):
                if column.kind == "text":
                    assert cell.data_type in ("s", "n"), (sheet_name, cell.coordinate)
                    assert cell.data_type == "s" or cell.value is None
                    cells.append(None if cell.value in (None, "") else str(cell.value))
                else:
                    assert cell.value is None or cell.number_format == NUMBER_FORMATS[column.kind]
                    cells.append(num(cell.value))
            wb_rows.append(tuple(cells))
        assert _multiset(wb_rows) == _multiset(want), sheet_name

        slug = SHEET_SLUGS[sheet_name]
        raw = (folder / names[f"csv:{slug}"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
        csv = pd.read_csv(folder / names[f"csv:{slug}"], dtype=str, keep_default_na=False)
        assert list(csv.columns) == [c.header for c in columns]
        csv_rows = [
            tuple(
                (csv_text(v) if (v := txt(c.key, r)) is not None else None)
                if c.kind == "text"
                else num(r[c.key])
                for c in columns
            )
            for r in rows
        ]
        got_csv = [
            tuple(
                (value or None) if c.kind == "text" else num(value)
                for c, value in zip(columns, line, strict=True)
            )
            for line in csv.itertuples(index=False)
        ]
        assert _multiset(got_csv) == _multiset(csv_rows), sheet_name
        counts[sheet_name] = len(rows)

    # The ranking is in rank order in every file.
    ranks = [c.value for c in wb["单位得分"]["A"][1:] if c.value is not None]
    assert ranks == sorted(ranks)

    # HTML: the score chart and the execution chart show the views' numbers.
    html = (folder / names["html"]).read_text(encoding="utf-8")
    for r in view_rows(engine, "v_unit_scorecard", year):
        if r["total_score"] is not None:
            label = f"{format_value(num(r['score_rank']), 'int')}. {r['unit_name']}"
            value = format_value(num(r["total_score"]), "score")
            assert f'data-label="{html_text(label)}"' in html
            assert f"{html_text(label)}：{value}</title>" in html, label
        if r["execution_rate_pct"] is not None:
            value = format_value(num(r["execution_rate_pct"]), "rate") + "%"
            value += " ▲" if num(r["execution_rate_pct"]) > 100 else ""  # type: ignore[operator]
            assert f"{html_text(r['unit_name'])}：{value}</title>" in html, r["unit_name"]
        errors = format_value(num(r["open_errors"]) or 0, "int")
        warnings = format_value(num(r["open_warnings"]) or 0, "int")
        assert f"{html_text(r['unit_name'])}：错误 {errors} · 提示 {warnings}</title>" in html
    assert len(re.findall(r"<svg\b", html)) == 4
    return counts
