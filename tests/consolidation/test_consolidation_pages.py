"""The consolidation view built from a real warehouse loaded with the seeds: the units × years
matrix, a unit's findings with their quotes and what to fix, rejected files with the reasons,
links to the runs, and report text shown as text, never as markup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from consolidation_support import (
    BINARY_REASON,
    HOSTILE,
    MATRIX,
    SHATOU_REASON,
    YEARS,
    matrix_from_html,
)

from selfeval.consolidation import (
    Run,
    UnitKey,
    consolidation_page,
    read_matrix,
    read_unit,
    unit_detail_page,
)

pytestmark = pytest.mark.unit


def _row(engine: Any, name: str) -> Any:
    return next(r for r in read_matrix(engine).rows if r.unit_name == name)


def test_the_matrix_shows_every_unit_and_year(scenario: Any) -> None:
    matrix = read_matrix(scenario)
    assert matrix.years == YEARS
    assert matrix.table() == MATRIX
    assert [(r.unit_name, r.registered) for r in matrix.rows][-2:] == [
        ("钟村街道", True),
        ("新造镇", False),
    ]
    assert [(j.file_name, j.unit_name, j.fiscal_year, j.reason) for j in matrix.unplaced] == [
        ("scan.txt", None, None, BINARY_REASON)
    ]


def test_the_matrix_page_shows_the_same_table(scenario: Any) -> None:
    page = consolidation_page(scenario)
    assert matrix_from_html(page) == MATRIX
    assert "<th>2024年度</th><th>2023年度</th>" in page
    assert "未在单位名录中，待核实" in page
    assert "无法确定单位或年度的被拒文件" in page and BINARY_REASON in page
    assert '<a href="reported/%E6%96%B0%E9%80%A0%E9%95%87">新造镇</a>' in page


def test_a_late_unit_and_its_finding_with_quote_and_what_to_fix(scenario: Any) -> None:
    detail = read_unit(scenario, _row(scenario, "白鹤洞街道").key)
    assert detail is not None
    assert [(y.fiscal_year, y.cell.labels()) for y in detail.years] == [
        (2024, ("已提交", "逾期", "错误1项")),
        (2023, ("未提交",)),
    ]
    [finding] = detail.years[0].findings
    assert (finding.check_id, finding.severity, finding.observed, finding.expected) == (
        "section_score.matches_table",
        "error",
        "46.5",
        "47.5",
    )
    page = unit_detail_page(scenario, detail.row.key)
    assert page is not None
    assert f"<blockquote>{finding.evidence_text}</blockquote>" in page
    assert "如何修改：标题或正文中的分数应与《自评指标评分表》一致" in page
    assert "2025年4月10日 09:00（北京时间）（逾期）" in page


def test_a_unit_with_a_rejected_file_and_no_report_is_missing(scenario: Any) -> None:
    row = _row(scenario, "沙头街道")
    page = unit_detail_page(scenario, row.key)
    assert page is not None
    assert "<h3>被拒的文件（1份）</h3>" in page
    assert (
        f"<tr><td>shatou_2024.txt</td><td>2024年度</td><td>2025年3月20日 10:00（北京时间）</td>"
        "<td>报告第112行的金额“9999999999999.5”超出了可以接受的范围或位数，请核对这个数字"
        "（是否多打了数字或小数位）后再上传。"
        f'<br><span lang="en">{SHATOU_REASON}</span></td><td>—</td></tr>'
    ) in page
    assert '<span class="tag missing">未提交</span>' in page


def test_a_unit_only_reports_name_has_its_page(scenario: Any) -> None:
    detail = read_unit(scenario, UnitKey(None, "新造镇"))
    assert detail is not None and not detail.row.registered
    assert [
        (y.fiscal_year, [(f.check_id, f.severity) for f in y.findings]) for y in detail.years
    ] == [(2024, [("carryover.continuity", "error"), ("unit.unknown", "warning")])]
    page = unit_detail_page(scenario, UnitKey(None, "新造镇"))
    assert page is not None and "报告所写的单位在单位名录中找不到" in page
    assert "如何修改：报告中的单位名称未能与单位名录对应" in page
    assert unit_detail_page(scenario, UnitKey(None, "没有这个单位")) is None
    assert unit_detail_page(scenario, UnitKey(10**6)) is None


def test_the_run_that_loaded_a_report_is_linked(scenario: Any) -> None:
    row = _row(scenario, "钟村街道")
    loaded = row.cells[2024].current.loaded_at
    runs = [
        Run("selfeval_intake", "later", "success", loaded + timedelta(hours=1), None, "/x/later"),
        Run(
            "selfeval_intake",
            "manual__2025-03-20",
            "success",
            loaded - timedelta(seconds=30),
            loaded + timedelta(seconds=30),
            "/dags/selfeval_intake/runs/manual__2025-03-20",
        ),
    ]
    page = unit_detail_page(scenario, row.key, runs)
    assert page is not None
    assert (
        '<a href="/dags/selfeval_intake/runs/manual__2025-03-20" target="_top">'
        "selfeval_intake · manual__2025-03-20</a>（成功）"
    ) in page
    matrix = consolidation_page(scenario, runs)
    # Listed among the latest runs, and beside the unreadable file it rejected meanwhile.
    assert matrix.count('href="/dags/selfeval_intake/runs/manual__2025-03-20"') == 2
    assert matrix.count('href="/x/later"') == 1


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def test_report_text_is_shown_as_text(scenario: Any) -> None:
    page = unit_detail_page(scenario, _row(scenario, "钟村街道").key)
    assert page is not None
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;2024年年初结转和结余25.04万元" in page
    assert HOSTILE not in page
    parsed = _Elements()
    parsed.feed(page)
    assert "script" not in parsed.tags and parsed.handlers == []


def test_names_reasons_and_run_ids_from_outside_are_escaped() -> None:
    from selfeval.consolidation.pages import matrix_page, unit_page
    from selfeval.consolidation.queries import (
        Cell,
        Current,
        Matrix,
        MatrixRow,
        OpenFinding,
        Rejection,
        UnitDetail,
        UnitYear,
    )

    bad = '"><img src=x onerror=alert(1)>'
    at = datetime(2025, 3, 20, 2, tzinfo=UTC)
    key = UnitKey(None, bad)
    rejected = Rejection(7, f"{bad}.docx", key, bad, 2024, at, at, f"reason {bad}")
    current = Current(8, 1, f"{bad}.txt", at, at, True, 1, 0)
    cell = Cell(False, current, (rejected,))
    row = MatrixRow(key, bad, bad, False, {2024: cell})
    finding = OpenFinding("x.y", "error", bad, bad, bad, 3, bad)
    runs = [Run("selfeval_intake", bad, bad, at, at, f"javascript:{bad}")]
    pages = [
        matrix_page(Matrix((2024,), (row,), (rejected,)), runs),
        unit_page(UnitDetail(row, (UnitYear(2024, cell, (finding,)),)), runs),
    ]
    for page in pages:
        parsed = _Elements()
        parsed.feed(page)
        assert "img" not in parsed.tags and parsed.handlers == []
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
