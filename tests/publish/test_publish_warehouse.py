"""Publishing from a real warehouse (SQLite and PostgreSQL) loaded with the seeds and generated
units; every published figure is compared with the views."""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from openpyxl import load_workbook
from publish_compare import assert_matches_views, view_rows

from selfeval.extract import extract_file
from selfeval.findings import Finding
from selfeval.publish import file_names, publish_district_summary
from selfeval.record import Record
from selfeval.warehouse import load_submission, load_units

pytestmark = pytest.mark.unit

SEEDS = Path(__file__).parent.parent / "fixtures" / "seeds"
SEED_000 = SEEDS / "000_1783cb38f1062c04.txt"
SEED_001 = SEEDS / "001_909bae87fb1bd3ad.txt"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 4, 15, 6, 0, tzinfo=TZ)
HOSTILE = '=HYPERLINK("http://x","y")'
SCRIPT = "<script>alert(1)</script></svg>"
FORMULA = "=SUM(1+1)党员培训工作完成率"  # an indicator name that a spreadsheet would compute

UNITS_CSV = f"""name,aliases,district,emails
钟村街道,钟村街;钟村街道办事处,番禺区,zhongcun@example.org
白鹤洞街道,白鹤洞街;白鹤洞街道办事处,荔湾区,baihedong@example.org
沙头街道,沙头街;沙头街道办事处,番禺区,shatou@example.org
冲口街道,冲口街;冲口街道办事处,荔湾区,chongkou@example.org
大石街道,大石街;大石街道办事处,番禺区,dashi@example.org
石围塘街道,石围塘街;石围塘街道办事处,荔湾区,shiweitang@example.org
"{HOSTILE.replace('"', '""')}",,荔湾区,hostile@example.org
"""


def generated(tmp: Path, seed: Path, name: str, swaps: dict[str, str]) -> Path:
    """A further unit's report: the seed's text with its names and some figures changed."""
    text = seed.read_text(encoding="utf-8")
    for old, new in swaps.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def finding(check: str, severity: str, subject: str, ev: Any, zh: str) -> Finding:
    return Finding(
        check,
        severity,
        subject,
        Decimal("25.04"),
        Decimal("5.76"),
        Decimal("0.01"),
        zh,
        "see message_zh",
        ev,
    )  # type: ignore[arg-type]


def load(
    engine: Any, path: Path, received: datetime, findings: list[Finding] | None = None
) -> Record:
    record = extract_file(path)
    load_submission(engine, record, findings or [], received_at=received, file_name=path.name)
    return record


@pytest.fixture
def loaded(warehouse_engine: Any, tmp_path: Path) -> Any:
    units = tmp_path / "units.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    load_units(warehouse_engine, units)
    on_time = datetime(2025, 3, 20, 9, 30, tzinfo=TZ)
    late = datetime(2025, 4, 10, 9, 30, tzinfo=TZ)

    zhongcun = extract_file(SEED_000)
    carry = next(c for c in zhongcun.carryovers if c.position == "opening")
    load(
        warehouse_engine,
        SEED_000,
        on_time,
        [
            finding(
                "carryover.continuity",
                "error",
                "年初结转和结余",
                carry.evidence,
                "2024年年初结转和结余25.04万元与2023年年末结转结余5.76万元不一致",
            ),
        ],
    )
    baihedong = extract_file(SEED_001)
    heading = baihedong.section_scores[-1]
    load(
        warehouse_engine,
        SEED_001,
        on_time,
        [
            finding(
                "section_score.matches_table",
                "warning",
                "管理效能",
                heading.evidence,
                "标题自评分46.5分与评分表合计47.5分不一致",
            ),
        ],
    )
    load(
        warehouse_engine,
        generated(
            tmp_path,
            SEED_000,
            "shatou",
            {
                "钟村": "沙头",
                "27907.66": "25118.42",
                "财政拨款支出 27872.79": "财政拨款支出 25083.55",
            },
        ),
        late,
    )
    chongkou = generated(
        tmp_path,
        SEED_001,
        "chongkou",
        {
            "白鹤洞": "冲口",
            "6,577.52": "6,010.96",
            "8,821.3 万元": "8,254.74 万元",
            "11,516.76": "10,950.20",
            "98.76%": "93.90%",
            "社区服务覆盖率。": f"社区服务覆盖率{SCRIPT}。",
            "党员培训工作完成率。": f"{FORMULA}。",
        },
    )
    record = extract_file(chongkou)
    hostile_ev = next(i.evidence for i in record.indicators if SCRIPT in i.name)
    load(
        warehouse_engine,
        chongkou,
        on_time,
        [
            finding("indicator_text", "error", SCRIPT, hostile_ev, f"指标名称含有{SCRIPT}"),
        ],
    )
    return warehouse_engine


def test_every_published_figure_equals_the_views(loaded: Any, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    result = publish_district_summary(loaded, share, 2024, now=NOW)
    counts = assert_matches_views(loaded, result.folder, 2024)

    assert counts["单位得分"] == 4
    assert counts["未提交"] == 3
    assert counts["数据质量"] >= 3
    assert counts["绩效指标"] == 26 * 2 + 10 * 2
    scores = {
        r["unit_name"]: (r["total_score"], r["executed_wan"], r["execution_rate_pct"])
        for r in view_rows(loaded, "v_unit_scorecard", 2024)
    }
    wb = load_workbook(result.folder / file_names(2024)["xlsx"])
    published = {
        row[1].value: (row[3].value, row[7].value, row[8].value)
        for row in wb["单位得分"].iter_rows(min_row=2)
    }
    assert published["白鹤洞街道"] == (97.38, 11516.76, 98.76)
    assert published["冲口街道"][1] == 10950.2
    assert set(published) == set(scores) == {"钟村街道", "白鹤洞街道", "沙头街道", "冲口街道"}
    missing = [r[1].value for r in wb["未提交"].iter_rows(min_row=2)]
    assert sorted(missing) == sorted(["大石街道", "石围塘街道", HOSTILE])

    summary = {r[0].value: r[1].value for r in wb["汇总"].iter_rows(min_row=2)}
    assert (summary["应提交单位数"], summary["已提交单位数"], summary["按时提交单位数"]) == (
        7,
        4,
        3,
    )


def test_submitter_text_from_the_warehouse_is_inert(loaded: Any, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    result = publish_district_summary(loaded, share, 2024, now=NOW)
    names = file_names(2024)

    wb = load_workbook(result.folder / names["xlsx"])
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert cells, "the hostile registry name and indicator must be published"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)

    missing = pd.read_csv(result.folder / names["csv:missing_units"], dtype=str)
    assert "'" + HOSTILE in set(missing["单位"])
    indicators = pd.read_csv(result.folder / names["csv:indicators"], dtype=str)
    assert "'" + FORMULA in set(indicators["指标名称"])
    assert any(SCRIPT in n for n in indicators["指标名称"])

    html = (result.folder / names["html"]).read_text(encoding="utf-8")
    assert "<script" not in html
    assert html.count("<svg") == html.count("</svg>") == 4
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;" in html


def test_republishing_after_a_new_version_names_it_in_the_manifest(
    loaded: Any, tmp_path: Path
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    first = publish_district_summary(loaded, share, 2024, now=NOW)
    before = json.loads(first.manifest.read_text(encoding="utf-8"))
    v2 = generated(tmp_path, SEED_000, "zhongcun_v2", {"整体自评得分97分": "整体自评得分95分"})
    load(loaded, v2, datetime(2025, 3, 25, tzinfo=TZ))

    second = publish_district_summary(loaded, share, 2024, now=datetime(2025, 4, 16, tzinfo=TZ))
    after = json.loads(second.manifest.read_text(encoding="utf-8"))

    def zhongcun(manifest: dict[str, Any]) -> tuple[Any, ...]:
        s = next(s for s in manifest["submissions"] if s["unit_name"] == "钟村街道")
        return s["version"], s["sha256"], s["file_name"]

    assert zhongcun(before)[0] == 1
    assert zhongcun(after)[0] == 2
    assert zhongcun(after)[2] == "zhongcun_v2.txt"
    assert re.fullmatch(r"[0-9a-f]{64}", zhongcun(after)[1])
    assert after["published_at"] == "2025-04-16T00:00:00+08:00"
    assert_matches_views(loaded, second.folder, 2024)
    wb = load_workbook(second.folder / file_names(2024)["xlsx"])
    totals = {r[1].value: r[3].value for r in wb["单位得分"].iter_rows(min_row=2)}
    assert totals["钟村街道"] == 95


def test_the_publish_command_writes_the_year_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from selfeval.cli import main
    from selfeval.warehouse import connect, upgrade

    share = tmp_path / "share"
    share.mkdir()
    engine = connect(share=share)  # the default warehouse: <share>/warehouse.db
    upgrade(engine)
    units = tmp_path / "units.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    load_units(engine, units)
    load(engine, SEED_001, datetime(2025, 3, 20, tzinfo=TZ))
    engine.dispose()
    monkeypatch.delenv("SELFEVAL_WAREHOUSE_URL", raising=False)

    assert main(["publish", "--year", "2024", "--share", str(share)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        f"published 2024: 1 submissions, 6 units missing -> {share / 'published' / '2024'}"
    )
    assert sorted(p.name for p in (share / "published" / "2024").iterdir()) == sorted(
        [*file_names(2024).values(), "manifest.json"]
    )

    assert main(["publish", "--year", "2019", "--share", str(share)]) == 2
    assert "no registered unit and no submission for fiscal year 2019" in capsys.readouterr().err
    monkeypatch.setenv("SELFEVAL_SHARE", str(share))  # the share from the environment only
    assert main(["publish", "--year", "2024"]) == 0
    assert capsys.readouterr().out.startswith("published 2024: 1 submissions")
    monkeypatch.delenv("SELFEVAL_SHARE")
    assert main(["publish", "--year", "2024"]) == 2
    err = capsys.readouterr().err  # resolve_share's message, as for every command
    assert "no shared folder configured" in err and "SELFEVAL_SHARE" in err


def test_a_unit_s_rate_is_the_one_its_report_states(loaded: Any, tmp_path: Path) -> None:
    # 钟村 prints 预算完成率100% (line 120) and a 年初预算 budget beside a 决算 total that gives
    # 92.50 %: the printed rate is published, with where it stands; rates over several units add
    # up only what one 支出 statement gives both of.
    share = tmp_path / "share"
    share.mkdir()
    result = publish_district_summary(loaded, share, 2024, now=NOW)
    wb = load_workbook(result.folder / file_names(2024)["xlsx"])
    header = [c.value for c in wb["单位得分"][1]]
    rate, basis = header.index("执行率(%)"), header.index("执行率来源")
    published = {
        row[1].value: (row[rate].value, row[basis].value)
        for row in wb["单位得分"].iter_rows(min_row=2)
    }
    assert published["钟村街道"] == (100, "报告所列（第120行）")
    assert published["白鹤洞街道"] == (98.76, "报告所列（第15行）")

    subtotals = {
        row[0].value: tuple(c.value for c in row[1:7]) for row in wb["所属区"].iter_rows(min_row=2)
    }
    # 所属区, 应提交, 已提交, 有错误, 预算数, 执行数, 执行率: 番禺区's two units state no
    # executed amount on their 支出 statement, so the district has no rate to add up.
    assert subtotals["番禺区"] == (3, 2, 1, 60344.08, 53026.08, None)
    assert subtotals["荔湾区"][:2] == (4, 2)
    assert subtotals["全区合计"][:2] == (7, 4)
