"""Publishing from view-shaped tables: files, formats, escaping, manifest, atomic republish."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import zipfile
from datetime import datetime
from decimal import Decimal
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from openpyxl import load_workbook
from publish_compare import assert_matches_views
from publish_views import YEAR, sample_views, scorecard_row, view_engine
from sqlalchemy import create_engine

from selfeval.errors import PublishError
from selfeval.publish import file_names, publish_district_summary
from selfeval.publish.workbook import MAX_WIDTH, display_width

pytestmark = pytest.mark.unit

NOW = datetime(2025, 4, 15, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOSTILE_NAME = '=HYPERLINK("http://x","y")'
SCRIPT = "<script>alert(1)</script>"
SVG_CLOSE = "</svg><b>x</b>"


def hostile_views() -> dict:
    views = sample_views()
    views["v_unit_scorecard"].append(
        scorecard_row(
            "U09",
            HOSTILE_NAME,
            3,
            "80.5",
            execution_rate_pct=Decimal("-3.5"),
            fiscal_share_pct=Decimal("100"),
            open_warnings=2,
        )
    )
    views["v_unit_scorecard"].append(
        scorecard_row("U10", SCRIPT + SVG_CLOSE, 4, "60", execution_rate_pct=Decimal("120"))
    )
    views["v_unit_indicators"].append(
        {
            "fiscal_year": YEAR,
            "unit_id": "U09",
            "unit_name": HOSTILE_NAME,
            "submission_id": 9,
            "level1": "+SUM(A1:A2)",
            "level2": "@cmd",
            "name": SCRIPT,
            "target": "-5%",
            "actual": "\t=1+1",
            "completion": "\r=2",
            "completion_pct": None,
            "evidence_line": 3,
        }
    )
    views["v_missing_units"].append(
        {
            "fiscal_year": YEAR,
            "unit_id": "U11",
            "unit_name": SVG_CLOSE,
            "district": "-1",
            "contact_emails": "@x",
        }
    )
    return views


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


def test_publishes_every_file_with_the_views_figures(tmp_path: Path, share: Path) -> None:
    engine = view_engine(tmp_path / "views.db", sample_views())
    result = publish_district_summary(engine, share, YEAR, now=NOW)

    assert result.folder == share / "published" / "2024"
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(
        [*file_names(YEAR).values(), "manifest.json"]
    )
    assert (result.submissions, result.units_missing) == (2, 1)
    counts = assert_matches_views(engine, result.folder, YEAR)
    assert counts == {
        "汇总": 17,
        "所属区": 3,
        "单位得分": 2,
        "收支": 2,
        "绩效指标": 1,
        "数据质量": 1,
        "未提交": 1,
    }


def test_workbook_formats_widths_and_headers(tmp_path: Path, share: Path) -> None:
    engine = view_engine(tmp_path / "views.db", sample_views())
    result = publish_district_summary(engine, share, YEAR, now=NOW)
    wb = load_workbook(result.folder / file_names(YEAR)["xlsx"])

    ws = wb["单位得分"]
    assert [c.value for c in ws[1]][:6] == [
        "排名",
        "单位",
        "所属区",
        "自评总分",
        "履职效能得分",
        "管理效能得分",
    ]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert (ws["D2"].value, ws["D2"].number_format) == (97.38, "0.00")
    assert (ws["G2"].value, ws["G2"].number_format) == (11661.19, "#,##0.00")
    assert ws["B2"].value == "白鹤洞街道"
    # Every column is at least as wide as its longest header or value (CJK counts double).
    for sheet in wb.worksheets:
        for col in sheet.iter_cols():
            widest = max(display_width(str(c.value)) for c in col if c.value is not None)
            width = sheet.column_dimensions[col[0].column_letter].width
            assert width >= min(widest, MAX_WIDTH), (sheet.title, col[0].column_letter)
    summary = wb["汇总"]
    assert [
        (r[0].value, r[1].value, r[2].value) for r in summary.iter_rows(min_row=10, max_row=12)
    ] == [
        ("执行数", 39424.42, "万元"),
        ("预算执行率", 94.24, "%"),
        ("财政拨款占支出比例", 99.76, "%"),
    ]
    assert summary["B10"].number_format == "#,##0.00"
    assert (summary["A4"].value, summary["B4"].number_format) == ("年度", "0")
    assert wb.properties.created == datetime(2025, 4, 15, 6, 0)


def test_hostile_text_is_inert_in_xlsx_csv_and_html(tmp_path: Path, share: Path) -> None:
    engine = view_engine(tmp_path / "views.db", hostile_views())
    result = publish_district_summary(engine, share, YEAR, now=NOW)
    names = file_names(YEAR)
    assert_matches_views(engine, result.folder, YEAR)

    # xlsx: no formula anywhere in the package; the hostile cells are strings with quotePrefix.
    with zipfile.ZipFile(result.folder / names["xlsx"]) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name
    wb = load_workbook(result.folder / names["xlsx"])
    ws = wb["单位得分"]
    cell = ws["B4"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (HOSTILE_NAME, "s", True)
    ind = wb["绩效指标"]
    hostile_row = next(r for r in ind.iter_rows(min_row=2) if r[0].value == HOSTILE_NAME)
    assert [(c.value, c.data_type, bool(c.quotePrefix)) for c in hostile_row[:7]] == [
        (HOSTILE_NAME, "s", True),
        ("+SUM(A1:A2)", "s", True),
        ("@cmd", "s", True),
        (SCRIPT, "s", False),
        ("-5%", "s", True),
        ("\t=1+1", "s", True),
        ("\n=2", "s", True),  # XML cannot hold a bare CR: written as LF
    ]
    # A negative number stays a number.
    assert (ws["I4"].value, ws["I4"].data_type) == (-3.5, "n")

    # csv: formula-like text gets a leading apostrophe; numbers do not.
    scores = pd.read_csv(result.folder / names["csv:unit_scores"], dtype=str, keep_default_na=False)
    assert scores.loc[2, "单位"] == "'" + HOSTILE_NAME
    assert scores.loc[2, "执行率(%)"] == "-3.5"
    ind_csv = pd.read_csv(result.folder / names["csv:indicators"], dtype=str, keep_default_na=False)
    row = ind_csv[ind_csv["单位编码"] == "U09"].iloc[0]
    assert list(row[["单位", "一级指标", "二级指标", "指标名称", "年度目标值"]]) == [
        "'" + HOSTILE_NAME,
        "'+SUM(A1:A2)",
        "'@cmd",
        SCRIPT,
        "'-5%",
    ]
    missing = pd.read_csv(
        result.folder / names["csv:missing_units"], dtype=str, keep_default_na=False
    )
    assert list(missing[missing["单位编码"] == "U11"].iloc[0]) == ["U11", SVG_CLOSE, "'-1", "'@x"]

    # html: no markup from submitters survives; the four charts are still four whole svgs.
    html = (result.folder / names["html"]).read_text(encoding="utf-8")
    assert "<script" not in html
    assert "<b>x</b>" not in html
    assert html.count("<svg") == html.count("</svg>") == 4
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;&lt;b&gt;x&lt;/b&gt;" in html
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in html


def test_html_is_self_contained(tmp_path: Path, share: Path) -> None:
    engine = view_engine(tmp_path / "views.db", hostile_views())
    result = publish_district_summary(engine, share, YEAR, now=NOW)
    html = (result.folder / file_names(YEAR)["html"]).read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    assert "default-src 'none'" in unescape(html)
    for needle in ("<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import"):
        assert needle not in html.lower(), needle
    # The only URL is the SVG namespace name, which is never fetched; the rest is the hostile
    # unit name shown as escaped text.
    urls = set(re.findall(r"https?://[^\s\"'<]+", html))
    assert "http://www.w3.org/2000/svg" in urls
    assert all(u == "http://www.w3.org/2000/svg" or u.startswith("http://x&quot;,") for u in urls)


def test_manifest_lists_submissions_and_file_checksums(tmp_path: Path, share: Path) -> None:
    engine = view_engine(tmp_path / "views.db", sample_views())
    result = publish_district_summary(engine, share, YEAR, now=NOW)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))

    assert manifest["fiscal_year"] == 2024
    assert manifest["published_at"] == "2025-04-15T06:00:00+08:00"
    assert [
        (s["unit_id"], s["version"], s["sha256"], s["on_time"]) for s in manifest["submissions"]
    ] == [
        ("U02", 1, "b" * 64, True),
        ("U01", 1, "a" * 64, True),
    ]
    files = {f["name"]: f for f in manifest["files"]}
    assert set(files) == set(file_names(YEAR).values())
    for name, entry in files.items():
        data = (result.folder / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
    assert [(s["name"], s["rows"]) for s in manifest["sheets"]] == [
        ("汇总", 17),
        ("所属区", 3),
        ("单位得分", 2),
        ("收支", 2),
        ("绩效指标", 1),
        ("数据质量", 1),
        ("未提交", 1),
    ]


def test_republishing_replaces_the_year_and_leaves_no_temporary_folder(
    tmp_path: Path, share: Path
) -> None:
    first = view_engine(tmp_path / "a.db", sample_views())
    publish_district_summary(first, share, YEAR, now=NOW)
    (share / "published" / "2024" / "stale.txt").write_text("old")
    views = sample_views()
    views["v_missing_units"] = []
    second = view_engine(tmp_path / "b.db", views)
    result = publish_district_summary(second, share, YEAR, now=NOW)

    assert not (result.folder / "stale.txt").exists()
    assert result.units_missing == 0
    missing = pd.read_csv(result.folder / file_names(YEAR)["csv:missing_units"], dtype=str)
    assert len(missing) == 0
    assert sorted(p.name for p in (share / "published").iterdir()) == [".2024.lock", "2024"]


def test_a_failed_build_leaves_the_previous_publication_whole(
    tmp_path: Path, share: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = view_engine(tmp_path / "a.db", sample_views())
    publish_district_summary(good, share, YEAR, now=NOW)
    before = {p.name: p.read_bytes() for p in (share / "published" / "2024").iterdir()}
    import selfeval.publish.csvs as csvs

    written: list[str] = []

    def write_then_fail(sheet, path):  # the disk fills up after three CSV files
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(sheet.slug)
        real_write_csv(sheet, path)

    real_write_csv = csvs.write_csv
    monkeypatch.setattr(csvs, "write_csv", write_then_fail)
    with pytest.raises(OSError, match="No space left"):
        publish_district_summary(good, share, YEAR, now=datetime(2026, 1, 1, tzinfo=NOW.tzinfo))

    after = {p.name: p.read_bytes() for p in (share / "published" / "2024").iterdir()}
    assert after == before
    assert sorted(p.name for p in (share / "published").iterdir()) == [".2024.lock", "2024"]


def test_readers_never_see_a_half_written_workbook(tmp_path: Path, share: Path) -> None:
    engine = view_engine(tmp_path / "a.db", sample_views())
    publish_district_summary(engine, share, YEAR, now=NOW)
    xlsx = share / "published" / "2024" / file_names(YEAR)["xlsx"]
    stop = threading.Event()
    reads: list[int] = []
    failures: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                wb = load_workbook(xlsx, read_only=True)
                reads.append(len(wb.sheetnames))
                wb.close()
            except Exception as exc:  # any failure to open is what this test is about
                failures.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(6):
            publish_district_summary(engine, share, YEAR, now=NOW)
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert reads and set(reads) == {7}


@pytest.mark.parametrize(
    ("share_name", "year", "now", "message"),
    [
        ("missing", 2024, NOW, "the shared folder does not exist"),
        ("share", 24, NOW, "fiscal year must be a four-digit year, got 24"),
        ("share", 2024, datetime(2025, 4, 15), "now must be timezone-aware"),
        ("share", 2019, NOW, "no registered unit and no submission for fiscal year 2019"),
    ],
)
def test_bad_input_is_refused_with_the_reason(
    tmp_path: Path, share: Path, share_name: str, year: int, now: datetime, message: str
) -> None:
    engine = view_engine(tmp_path / "views.db", sample_views())
    with pytest.raises(PublishError, match=message):
        publish_district_summary(engine, tmp_path / share_name, year, now=now)
    assert not (share / "published" / str(year)).exists()


def test_a_warehouse_without_the_views_is_a_clear_error(tmp_path: Path, share: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(PublishError, match="cannot read warehouse view v_district_year_summary"):
        publish_district_summary(engine, share, YEAR, now=NOW)


# --- what leadership reads and prints ------------------------------------------------------------


def _publish(tmp_path: Path, share: Path, views: dict, now: datetime = NOW) -> Path:
    engine = view_engine(tmp_path / "views.db", views)
    return publish_district_summary(engine, share, YEAR, now=now).folder


def _html(folder: Path) -> str:
    return (folder / file_names(YEAR)["html"]).read_text(encoding="utf-8")


def _final_views() -> dict:
    """Every registered unit submitted and nothing is open."""
    views = sample_views()
    views["v_missing_units"] = []
    views["v_open_findings"] = []
    summary = views["v_district_year_summary"][0]
    summary.update(units_expected=2, units_with_open_errors=0, open_error_findings=0)
    return views


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_each_page(
    tmp_path: Path, share: Path
) -> None:
    folder = _publish(tmp_path, share, hostile_views())
    wb = load_workbook(folder / file_names(YEAR)["xlsx"])
    assert len(wb.worksheets) == 7
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), ws.title  # A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.oddHeader.left.text == f"2024年度部门整体支出绩效自评汇总（暂定）：{ws.title}"
        assert ws.oddHeader.right.text == "发布时间：2025年4月15日 06:00（北京时间）"
        assert ws.oddFooter.right.text == "第 &P 页，共 &N 页"
        assert ws.oddFooter.left.text.startswith("暂定：")


def test_provisional_banner_says_how_many_units_are_missing_and_errors_open(
    tmp_path: Path, share: Path
) -> None:
    folder = _publish(tmp_path, share, sample_views())
    banner = "暂定：3 个应提交单位中尚有 1 个未提交；2 个单位的报告有 2 条未解决的错误。数字将随补交和更正而变化。"
    html = _html(folder)
    assert f'<p class="status provisional" id="status">{banner}</p>' in html
    assert "<title>2024年度部门整体支出绩效自评汇总（暂定）</title>" in html
    wb = load_workbook(folder / file_names(YEAR)["xlsx"])
    assert (wb["汇总"]["A2"].value, wb["汇总"]["B2"].value) == ("发布状态", banner)
    summary_csv = pd.read_csv(folder / file_names(YEAR)["csv:summary"], dtype=str)
    assert summary_csv.loc[0, "数值"] == banner


def test_final_when_every_unit_submitted_and_no_error_is_open(tmp_path: Path, share: Path) -> None:
    folder = _publish(tmp_path, share, _final_views())
    html = _html(folder)
    assert (
        '<p class="status final" id="status">正式：2 个应提交单位均已提交，没有未解决的错误。</p>'
        in html
    )
    assert "暂定" not in html
    wb = load_workbook(folder / file_names(YEAR)["xlsx"])
    assert all("（正式）" in ws.oddHeader.left.text for ws in wb.worksheets)


def test_times_read_as_beijing_time_in_chinese(tmp_path: Path, share: Path) -> None:
    # 12:04 UTC is 20:04 in Beijing: people read the local time, the manifest keeps the offset.
    now = datetime(2026, 11, 30, 12, 4, 20, tzinfo=ZoneInfo("UTC"))
    folder = _publish(tmp_path, share, sample_views(), now=now)
    html = _html(folder)
    assert "发布时间：2026年11月30日 20:04（北京时间）" in html
    assert "2026-11-30T" not in html
    wb = load_workbook(folder / file_names(YEAR)["xlsx"])
    assert wb["汇总"]["B3"].value == "2026年11月30日 20:04（北京时间）"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["published_at"] == "2026-11-30T12:04:20+00:00"


def test_check_names_are_chinese_wherever_people_read_them(tmp_path: Path, share: Path) -> None:
    views = sample_views()
    views["v_open_findings"].append(
        {**views["v_open_findings"][0], "finding_id": 8, "check_id": "section_score.matches_table"}
    )
    folder = _publish(tmp_path, share, views)
    names = file_names(YEAR)
    wb = load_workbook(folder / names["xlsx"])
    shown = {r[2].value for r in wb["数据质量"].iter_rows(min_row=2)}
    assert shown == {"年初结转和结余与上年年末一致（本报告内）", "标题中的分数与评分表一致"}
    csv = pd.read_csv(folder / names["csv:data_quality"], dtype=str)
    assert set(csv["检查项"]) == shown
    html = _html(folder)
    assert "section_score.matches_table" not in html and "carryover.continuity" not in html
    assert all(name in html for name in shown)


def test_rates_over_100_are_marked_with_a_legend(tmp_path: Path, share: Path) -> None:
    views = sample_views()
    views["v_unit_scorecard"][1]["execution_rate_pct"] = Decimal("103.26")
    folder = _publish(tmp_path, share, views)
    html = _html(folder)
    assert '<td class="n over">103.26</td>' in html
    assert '<td class="n">98.76</td>' in html
    assert html.count('<p class="legend">▲ 比率超过 100%') == 2  # 单位得分, 绩效指标 (150 %)
    assert "钟村街道：103.26% ▲</title>" in html  # the execution chart
    wb = load_workbook(folder / file_names(YEAR)["xlsx"])
    ws = wb["单位得分"]
    rate = [c.value for c in ws[1]].index("执行率(%)") + 1
    over, normal = ws.cell(row=3, column=rate), ws.cell(row=2, column=rate)
    assert (over.value, over.fill.fgColor.rgb, over.font.bold) == (103.26, "00FFF1DC", True)
    assert normal.fill.fgColor.rgb != "00FFF1DC"
    assert ws.oddFooter.center.text.startswith("▲ 比率超过 100%")
    assert wb["收支"].oddFooter.center.text is None  # nothing over 100 % there


def test_charts_are_scaled_to_their_data(tmp_path: Path, share: Path) -> None:
    # 97 and 97.38 on a 0–100 axis look alike; from 90 the difference shows, and it is said.
    html = _html(_publish(tmp_path, share, sample_views()))
    score = html[
        html.index('id="chart-score"') : html.index("</svg>", html.index('id="chart-score"'))
    ]
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', score)
    assert ticks == ["90分", "92分", "94分", "96分", "98分", "100分"]
    assert "自评得分排名<small>（横轴自 90分 起，不从 0 开始）</small>" in html
    bars = [
        float(w)
        for w in re.findall(
            r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="16" fill="#2f6db5"', score
        )
    ]
    assert bars[0] / bars[1] > 1.05  # 7.38 against 7 of a 10-point axis


def test_last_year_stands_beside_this_year_when_the_warehouse_has_it(
    tmp_path: Path, share: Path
) -> None:
    views = sample_views()
    prior = dict(
        views["v_district_year_summary"][0], fiscal_year=YEAR - 1, score_avg=Decimal("95.5")
    )
    views["v_district_year_summary"].append(prior)
    views["v_unit_scorecard"].append(
        scorecard_row(
            "U01",
            "钟村街道",
            1,
            "95.5",
            fiscal_year=YEAR - 1,
            submission_id=11,
            execution_rate_pct=Decimal("96.1"),
        )
    )
    folder = _publish(tmp_path, share, views)
    wb = load_workbook(folder / file_names(YEAR)["xlsx"])
    summary = wb["汇总"]
    assert [c.value for c in summary[1]] == ["项目", "数值", "2023年", "单位"]
    row = next(r for r in summary.iter_rows(min_row=2) if r[0].value == "自评得分平均值")
    assert [c.value for c in row] == ["自评得分平均值", 97.19, 95.5, "分"]
    scores = wb["单位得分"]
    header = [c.value for c in scores[1]]
    assert header[3:5] == ["自评总分", "2023年自评总分"]
    assert header[header.index("执行率(%)") + 1] == "2023年执行率(%)"
    by_unit = {r[1].value: [c.value for c in r] for r in scores.iter_rows(min_row=2)}
    assert by_unit["钟村街道"][3:5] == [97, 95.5]
    assert by_unit["白鹤洞街道"][3:5] == [97.38, None]  # no report last year
    # This year's ranking only: last year's rows are no units of this year.
    assert len(by_unit) == 2


def test_district_subtotals_close_with_the_district_total(tmp_path: Path, share: Path) -> None:
    folder = _publish(tmp_path, share, sample_views())
    wb = load_workbook(folder / file_names(YEAR)["xlsx"])
    rows = [[c.value for c in r] for r in wb["所属区"].iter_rows(min_row=2)]
    assert [r[:4] for r in rows] == [
        ["番禺区", 2, 1, 1],
        ["荔湾区", 1, 1, 1],
        ["全区合计", 3, 2, 2],
    ]
    assert "<h2>所属区小计</h2>" in _html(folder)
