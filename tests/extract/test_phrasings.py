"""Each phrasing the extractor supports, on a fixture of its own (tests/fixtures/phrasings).

docs/record.md lists these; a new phrasing gets a fixture here first.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from selfeval.extract import extract_file
from selfeval.record import Record

pytestmark = pytest.mark.unit

PHRASINGS = Path(__file__).parent.parent / "fixtures" / "phrasings"


def _x(name: str) -> Record:
    return extract_file(PHRASINGS / name)


def _parts(record: Record) -> list[tuple[object, ...]]:
    return [
        (
            c.label,
            c.total.wan if c.total else None,
            c.total.unit if c.total else None,
            *tuple((p.name, p.amount.wan if p.amount else None, p.share_pct) for p in c.parts),
        )
        for c in record.compositions
    ]


def test_yuan_with_thousands_separators_and_zhanbi() -> None:
    r = _x("shares_zhanbi_yuan.txt")
    assert _parts(r) == [
        (
            "决算收入",
            D("1234.567890"),
            "元",
            ("财政拨款收入", D("1200.000000"), D("97.2")),
            ("其他收入", D("34.567890"), D("2.8")),
        )
    ]
    total = r.compositions[0].total
    assert total is not None and total.raw == "12345678.90元"
    assert r.unit.name == "南华西街道办事处" and r.unit.district == "海珠区"


def test_yiyuan_and_wanyuan_mixed_with_bizhong() -> None:
    r = _x("shares_bizhong_yiyuan.txt")
    assert _parts(r) == [
        (
            "决算支出",
            D("12500"),
            "亿元",
            ("基本支出", D("4500"), D("36")),
            ("项目支出", D("8000"), D("64")),
        )
    ]


def test_share_in_parentheses() -> None:
    r = _x("shares_parenthesised.txt")
    assert _parts(r) == [
        (
            "决算收入",
            D("8820.50"),
            "万元",
            ("财政拨款收入", D("8800.00"), D("99.77")),
            ("其他收入", D("20.50"), D("0.23")),
        )
    ]


def test_traditional_characters_and_zhan_de() -> None:
    r = _x("traditional_wan.txt")
    assert r.unit.name == "沙面街道办事处" and r.unit.district == "荔湾区"
    assert _parts(r) == [
        (
            "决算收入",
            D("1000.00"),
            "万元",
            ("财政拨款收入", D("990.00"), D("99.00")),
            ("其他收入", D("10.00"), D("1.00")),
        )
    ]


def test_execution_rate_wordings() -> None:
    r = _x("execution_rate_wording.txt")
    rows = [
        (
            e.label,
            e.budget.wan if e.budget else None,
            e.executed.wan if e.executed else None,
            e.rate_pct,
        )
        for e in r.executions
    ]
    assert rows == [
        ("支出", D("5000.00"), D("4900.00"), D("98")),
        ("财政拨款", D("3000"), D("2970"), D("99.0")),
    ]


def test_pipe_tables_score_and_indicators() -> None:
    r = _x("pipe_tables.md")
    assert [(s.kind, s.group, s.name, s.max, s.score) for s in r.scores] == [
        ("subtotal", "履职效能", None, D("50"), None),
        ("item", "履职效能", "整体效能", D("50"), D("48")),
        ("subtotal", "管理效能", None, D("50"), None),
        ("item", "管理效能", "预算编制", D("10"), D("9.5")),
        ("item", "管理效能", "预算执行", D("40"), D("38")),
        ("total", None, "合计", D("100"), D("95.5")),
    ]
    assert [
        (i.level1, i.level2, i.name, i.target, i.actual, i.completion) for i in r.indicators
    ] == [
        ("产出指标", "数量指标", "培训场次", "≥5场", "6场", "100%"),
        ("产出指标", "数量指标", "宣传覆盖率", "100%", "100%", "100%"),
        ("产出指标", "时效指标", "办结及时率", "≥95%", "97%", "100%"),
    ]
    assert r.total_score is not None and (r.total_score.score, r.total_score.max) == (
        D("95.5"),
        D("100"),
    )


def test_table_one_cell_per_line() -> None:
    r = _x("one_cell_per_line.txt")
    assert [
        (i.level1, i.level2, i.name, i.target, i.actual, i.completion, i.evidence.line)
        for i in r.indicators
    ] == [
        ("产出指标", "数量指标", "培训场次", "≥5场", "6场", "100%", 9),
        ("产出指标", "数量指标", "开展活动数", "100%", "100%", "100%", 15),
        ("产出指标", "质量指标", "验收合格率", "=100%", "=98%", "98%", 20),
        ("效益指标", "社会效益", "群众满意度", "≥90%", "95%", "达标完成", 25),
    ]
    assert r.warnings == ()


def test_scores_and_carryovers_in_sentences() -> None:
    r = _x("sentence_scores_carryovers.txt")
    assert [(s.name, s.dimension, s.max, s.score) for s in r.section_scores] == [
        ("履职效能", "履职效能", D("50"), D("47")),
        ("管理效能", "管理效能", D("50"), D("45")),
    ]
    assert r.total_score is not None and r.total_score.score == D("92")
    assert [(c.label, c.year, c.position, c.amount.wan) for c in r.carryovers] == [
        ("上年结转和结余", 2023, "closing", D("12.30")),
        ("年末结转和结余", 2024, "closing", D("20.00")),
    ]


def test_nothing_recognisable_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\n\n今天讨论了下一步工作安排。\n", encoding="utf-8")
    r = extract_file(path)
    assert r.unit.name is None and r.fiscal_year is None and r.total_score is None
    assert len(r.warnings) == 1 and r.warnings[0].startswith("no figures recognised")
