"""The HTML report in headless Chromium: no network request, four charts, nothing overlaps;
printed with the browser's own print, no table is cut and header rows repeat."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from publish_browser import (
    OVERLAP_PROBE,
    find_browser,
    fold,
    open_page,
    pdf_page_sizes,
    pdf_pages,
    pdf_right_edges,
    pdf_to_png,
    print_page,
)
from publish_views import YEAR, finance_row, scorecard_row, view_engine
from test_publish import HOSTILE_NAME, SCRIPT, SVG_CLOSE, hostile_views
from test_publish_warehouse import loaded  # noqa: F401  (fixture)

from selfeval.publish import file_names, publish_district_summary

pytestmark = pytest.mark.browser

BROWSER = find_browser()
needs_browser = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless Chromium on PATH (install Debian's `chromium` package; .ci/run does)",
)

PROBES = {
    "svgs": "document.querySelectorAll('svg.chart').length",
    "bars": "[...document.querySelectorAll('svg.chart')].map(s => s.querySelectorAll('g.bar').length)",
    "scripts": "document.scripts.length",
    "bold": "document.querySelectorAll('b').length",
    "names": "[...document.querySelectorAll('#chart-score g.bar')].map(g => g.dataset.label)",
    "title": "document.title",
    "overlaps": OVERLAP_PROBE,
    "styled": "getComputedStyle(document.querySelector('th')).backgroundColor",
}


@needs_browser
def test_report_opens_offline_with_charts_and_no_overlap(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    engine = view_engine(tmp_path / "views.db", hostile_views())
    now = datetime(2025, 4, 15, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    result = publish_district_summary(engine, share, YEAR, now=now)
    page = result.folder / file_names(YEAR)["html"]

    visit = open_page(BROWSER, page, tmp_path / "chromium", PROBES)  # type: ignore[arg-type]

    assert visit.requests == [page.resolve().as_uri()]  # the page itself, nothing else
    assert [m for m in visit.messages if "Content Security Policy" in m or "Refused" in m] == []
    assert visit.probes["svgs"] == 4
    assert visit.probes["bars"] == [4, 4, 5, 4]  # 4 units; the fund chart adds 全区合计
    assert visit.probes["scripts"] == 0 and visit.probes["bold"] == 0
    assert visit.probes["names"] == [
        "1. 白鹤洞街道",
        "2. 钟村街道",
        f"3. {HOSTILE_NAME}",
        f"4. {SCRIPT}{SVG_CLOSE}",
    ]
    assert visit.probes["title"] == "2024年度部门整体支出绩效自评汇总（暂定）"
    assert visit.probes["overlaps"] == []
    assert visit.probes["styled"] == "rgb(221, 235, 247)"  # the hashed stylesheet applied
    assert visit.screenshot is not None and visit.screenshot.stat().st_size > 10_000
    print(f"screenshot: {visit.screenshot}")


@needs_browser
def test_the_probe_sees_a_page_that_does_fetch(tmp_path: Path) -> None:
    # The check above must be able to fail: a page with an external image and script is caught.
    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png">'
        '<script src="http://127.0.0.1:9/x.js"></script><svg></svg></body></html>',
        encoding="utf-8",
    )
    visit = open_page(BROWSER, page, tmp_path / "chromium", {"scripts": "document.scripts.length"})  # type: ignore[arg-type]
    assert page.resolve().as_uri() in visit.requests
    assert "http://127.0.0.1:9/x.png" in visit.requests
    assert "http://127.0.0.1:9/x.js" in visit.requests
    assert visit.probes["scripts"] == 1


@needs_browser
@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_report_from_the_seeded_warehouse_renders(loaded: Any, tmp_path: Path) -> None:  # noqa: F811
    share = tmp_path / "share"
    share.mkdir()
    now = datetime(2025, 4, 15, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    result = publish_district_summary(loaded, share, 2024, now=now)
    page = result.folder / file_names(2024)["html"]

    visit = open_page(BROWSER, page, tmp_path / "chromium", PROBES)  # type: ignore[arg-type]

    assert visit.requests == [page.resolve().as_uri()]
    assert visit.probes["svgs"] == 4
    assert visit.probes["bars"] == [4, 4, 5, 4]
    assert visit.probes["scripts"] == 0
    assert visit.probes["overlaps"] == []
    print(f"screenshot: {visit.screenshot}")


# --- printing ----------------------------------------------------------------------------------

LONG = "（二）管理效率分析（总分为 50 分，自评分为 46.5 分）" * 4


def widest_views() -> dict[str, Any]:
    """The widest and longest tables a year can publish: hostile names, last year beside this
    one, long sentences in every text column, a rate over 100 %, a finance table of many pages."""
    views = hostile_views()
    views["v_unit_scorecard"].append(
        scorecard_row("U01", "钟村街道", 1, "95.5", fiscal_year=YEAR - 1, submission_id=31)
    )
    views["v_district_year_summary"].append(
        dict(views["v_district_year_summary"][0], fiscal_year=YEAR - 1)
    )
    views["v_unit_scorecard"][1]["execution_rate_pct"] = Decimal("103.26")
    views["v_unit_finance"] += [
        finance_row(
            "U01",
            "钟村街道",
            "composition",
            f"决算支出{k}",
            100 + k,
            item="财政拨款支出（一般公共预算财政拨款、政府性基金预算财政拨款）",
            category="财政拨款",
            amount_wan=Decimal("1234567.89"),
            share_pct=Decimal("99.88"),
            change_wan=Decimal("-12345.67"),
            growth_pct=Decimal("-16.5"),
        )
        for k in range(80)
    ]
    finding = views["v_open_findings"][0]
    views["v_open_findings"].append(
        {**finding, "finding_id": 9, "subject": LONG, "message_zh": LONG, "evidence_text": LONG}
    )
    return views


def _headers(workbook: Path) -> dict[str, list[str]]:
    wb = load_workbook(workbook)
    return {ws.title: [str(c.value) for c in ws[1]] for ws in wb.worksheets}


@needs_browser
@pytest.mark.parametrize("views", [widest_views], ids=["widest"])
def test_printed_report_cuts_no_table(tmp_path: Path, views: Any) -> None:
    share = tmp_path / "share"
    share.mkdir()
    engine = view_engine(tmp_path / "views.db", views())
    now = datetime(2025, 4, 15, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    result = publish_district_summary(engine, share, YEAR, now=now)
    names = file_names(YEAR)

    pdf = print_page(BROWSER, result.folder / names["html"], tmp_path / "chromium")  # type: ignore[arg-type]
    pages = pdf_pages(pdf)
    printed = "".join(pages)

    # Every column header of every table is on paper (a cut table loses its right-hand ones),
    # and so is each table's last column on every row: the unit code of the last finance row.
    headers = _headers(result.folder / names["xlsx"])
    missing = [
        f"{sheet}: {h}" for sheet, hs in headers.items() for h in hs if fold(h) not in printed
    ]
    assert missing == []
    # Nothing reaches into the right margin: 12 mm on portrait pages, 10 mm on landscape ones
    # (a collapsed table border half a point over it is clipped on paper).
    mm = 72 / 25.4
    overflowing = [
        (page, right, width)
        for page, (width, right) in enumerate(pdf_right_edges(pdf), start=1)
        if right > width - (10 if width > 700 else 12) * mm + 0.1
    ]
    assert overflowing == []
    # The summary and charts print portrait, the wide tables landscape.
    sizes = pdf_page_sizes(pdf)
    assert sizes[0][0] < sizes[0][1]
    table_pages = [i for i, text in enumerate(pages) if "所属区小计" in text or "收支构成" in text]
    assert table_pages and all(sizes[i][0] > sizes[i][1] for i in table_pages)
    # The finance table runs over several pages, each starting with its header row.
    finance_pages = [text for text in pages if "收支构成" in text]
    assert len(finance_pages) >= 2
    assert all(fold("比上年增减(万元)") in text for text in finance_pages)
    # The collapsed sections print open, and the marks and status print too.
    assert fold("绩效指标（2 行）") in printed and "+SUM(A1:A2)" in printed
    assert fold("暂定：") in pages[0] and fold("▲ 比率超过 100%") in printed
    for png in pdf_to_png(pdf, tmp_path):
        print(f"page: {png}")


@needs_browser
def test_the_print_check_sees_a_cut_table(tmp_path: Path) -> None:
    # The check above must be able to fail: a wide table in a scrolling box (as the report was
    # before it had print rules) loses its right-hand columns on paper.
    heads = "".join(f'<th style="white-space:nowrap">第{k}列标题</th>' for k in range(1, 41))
    page = tmp_path / "cut.html"
    page.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><body>'
        f'<div style="overflow-x:auto"><table><tr>{heads}</tr></table></div></body></html>',
        encoding="utf-8",
    )
    printed = "".join(pdf_pages(print_page(BROWSER, page, tmp_path / "chromium")))  # type: ignore[arg-type]
    assert "第1列标题" in printed
    assert "第40列标题" not in printed
