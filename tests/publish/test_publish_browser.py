"""The HTML report in headless Chromium: no network request, four charts, nothing overlaps."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from publish_browser import OVERLAP_PROBE, find_browser, open_page
from publish_views import YEAR, view_engine
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
    assert visit.probes["title"] == "2024年度部门整体支出绩效自评汇总"
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
