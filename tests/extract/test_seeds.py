"""Exact figures from the two founding reports (tests/fixtures/seeds)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from selfeval.extract import extract_file
from selfeval.record import Record

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def r000(seed_000: Path) -> Record:
    return extract_file(seed_000)


@pytest.fixture(scope="module")
def r001(seed_001: Path) -> Record:
    return extract_file(seed_001)


def test_000_unit_year_total(r000: Record) -> None:
    assert (r000.unit.name, r000.unit.district, r000.unit.city) == (
        "钟村街道办事处",
        "番禺区",
        "广州市",
    )
    assert r000.fiscal_year == 2024
    assert r000.total_score is not None
    assert (r000.total_score.score, r000.total_score.max) == (D("97"), None)
    assert r000.total_score.evidence.line == 21
    assert "整体自评得分97分" in r000.total_score.evidence.text
    assert r000.source.encoding == "utf-8"
    assert r000.source.sha256 == "160099b62a86c9fece7610546d055499cb70a00ef579a5454170536d63c220c4"


def _composition_rows(record: Record) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for c in record.compositions:
        rows.append((c.label, None, c.total.wan if c.total else None, None, c.evidence.line))
        for p in c.parts:
            rows.append(
                (c.label, p.name, p.amount.wan if p.amount else None, p.share_pct, p.category)
            )
    return rows


def test_000_compositions(r000: Record) -> None:
    assert _composition_rows(r000) == [
        ("决算收入", None, D("27888.37"), None, 114),
        ("决算收入", "财政拨款收入", D("27872.79"), D("99.94"), "财政拨款"),
        ("决算收入", "其他收入", D("15.58"), D("0.06"), "其他"),
        ("决算支出", None, D("27907.66"), None, 116),
        ("决算支出", "财政拨款支出", D("27872.79"), D("99.88"), "财政拨款"),
        ("决算支出", "其他支出", D("34.87"), D("0.12"), "其他"),
    ]
    # the amount split across a line break and a blank line ("15. 58 万" / "元") is one amount
    other = r000.compositions[0].parts[1].amount
    assert other is not None and (other.unit, other.raw) == ("万元", "15.58万元")
    # precision as printed survives: 0.06 has two decimals
    share = r000.compositions[0].parts[1].share_pct
    assert share is not None and share.as_tuple().exponent == -2


def test_000_budgets_and_executions(r000: Record) -> None:
    rows = [
        (
            e.label,
            e.budget.wan if e.budget else None,
            e.executed.wan if e.executed else None,
            e.rate_pct,
            e.evidence.line,
        )
        for e in r000.executions
    ]
    assert rows == [
        ("收入", D("30172.04"), None, None, 112),
        ("支出", D("30172.04"), None, None, 112),
        ("财政拨款", None, None, D("100"), 120),
    ]


def test_000_carryovers(r000: Record) -> None:
    rows = [(c.label, c.year, c.position, c.amount.wan, c.evidence.line) for c in r000.carryovers]
    assert rows == [
        ("年初结转和结余", 2024, "opening", D("25.04"), 118),
        ("年末结转结余", 2023, "closing", D("5.76"), 118),
    ]


EXPECTED_000_INDICATORS = [
    ("产出指标", "数量指标", "财政资金预算完成率(%)", "完成率≥90%", "完成率=100%", "100%"),
    ("产出指标", "数量指标", "展党指标完成率(%)", "完成率=100%", "完成率=100%", "100%"),
    ("产出指标", "数量指标", "征兵指标完成率(%)", "完成率=100%", "完成率=100%", "100%"),
    ("产出指标", "数量指标", "辖区食品生产企业抽检覆盖率(%)", "完成率=100%", "完成率=100%", "100%"),
    (
        "产出指标",
        "数量指标",
        "订购党报党刊数量",
        "符合上级有关规定",
        "符合上级有关规定",
        "达标完成",
    ),
    ("产出指标", "数量指标", "开展各类活动", "不少于8场", "完成目标值", "100%"),
    ("产出指标", "质量指标", "部分工程实际完工率(%)", "完工率=100%", "完工率=100%", "100%"),
    ("产出指标", "质量指标", "服务验收合格率(%)", "合格率=100%", "合格率=100%", "100%"),
    ("产出指标", "质量指标", "工程验收合格率(%)", "合格率=100%", "合格率=100%", "100%"),
    ("产出指标", "质量指标", "采购合规率(%)", "合规率=100%", "合规率=100%", "100%"),
    ("产出指标", "时效指标", "市政设施投诉办结率(%)", "办结率≥90%", "办结率≥90%", "100%"),
    ("产出指标", "时效指标", "救济金发放及时性(%)", "及时性=100%", "及时性=100%", "100%"),
    ("产出指标", "时效指标", "各类补贴发放及时性(%)", "及时性=100%", "及时性=100%", "100%"),
    ("产出指标", "时效指标", "信访案件办结率(%)", "办结率≥90%", "办结率≥90%", "100%"),
    ("产出指标", "时效指标", "公开及时性(%)", "及时性=100%", "及时性=100%", "100%"),
    ("产出指标", "成本指标", "财政资金依存率(%)", "依存率=100%", "依存率=100%", "100%"),
    ("产出指标", "成本指标", "单位成本", "符合上级有关规定", "符合上级有关规定", "达标完成"),
    ("效益指标", "经济效益", "税收缴纳率", "符合上级有关规定", "符合上级有关规定", "达标完成"),
    (
        "效益指标",
        "经济效益",
        "行政许可事项审批提速率(%)",
        "符合上级有关规定",
        "符合上级有关规定",
        "达标完成",
    ),
    ("效益指标", "社会效益", "促进社会公平", "符合上级有关规定", "符合上级有关规定", "达标完成"),
    ("效益指标", "社会效益", "目标对象保障面(%)", "保障面=100%", "保障面=100%", "100%"),
    (
        "效益指标",
        "生态效益",
        "基本农田保护率(%)",
        "符合上级有关规定",
        "符合上级有关规定",
        "达标完成",
    ),
    (
        "效益指标",
        "生态效益",
        "环保宣传覆盖面(个)",
        "符合上级有关规定",
        "符合上级有关规定",
        "达标完成",
    ),
    ("效益指标", "可持续发展", "项目可持续性", "项目可持续", "项目可持续", "达标完成"),
    (
        "效益指标",
        "可持续发展",
        "促进街道工作开展有序常态化",
        "促进街道工作开展有序,形成常态化",
        "促进街道工作开展有序常态化",
        "达标完成",
    ),
    (
        "效益指标",
        "服务对象满意度",
        "对政务服务、城市环境、社区公共设施满意度(%)",
        "满意度≥80%",
        "满意度≥80%",
        "100%",
    ),
]


def test_000_all_26_indicator_rows(r000: Record) -> None:
    rows = [(i.level1, i.level2, i.name, i.target, i.actual, i.completion) for i in r000.indicators]
    assert rows == EXPECTED_000_INDICATORS
    lines = [i.evidence.line for i in r000.indicators]
    assert lines == [*range(24, 45), *range(46, 51)]
    first = r000.indicators[0]
    assert (first.target_op, first.target_num, first.actual_op, first.actual_num) == (
        "≥",
        D("90"),
        "=",
        D("100"),
    )
    assert first.completion_pct == D("100")


def test_000_stray_ocr_prefix_is_reported_not_kept(r000: Record) -> None:
    assert r000.warnings == ("line 43: ignored stray '77.' before 符合上级有关规定",)


def test_001_unit_year_total(r001: Record) -> None:
    assert (r001.unit.name, r001.unit.district, r001.unit.city) == (
        "白鹤洞街道办事处",
        "荔湾区",
        "广州市",
    )
    assert r001.fiscal_year == 2024
    assert r001.total_score is not None
    assert (r001.total_score.score, r001.total_score.max) == (D("97.38"), D("100"))
    assert r001.total_score.evidence.line == 29
    assert r001.warnings == ()


def test_001_execution_statement(r001: Record) -> None:
    e = r001.executions[0]
    assert e.label == "支出"
    assert e.budget is not None and e.executed is not None
    assert (e.budget.wan, e.budget.raw, e.executed.wan, e.rate_pct) == (
        D("11661.19"),
        "11661.19万元",
        D("11516.76"),
        D("98.76"),
    )
    assert e.evidence.line == 15
    rest = [
        (
            x.label,
            x.budget.wan if x.budget else None,
            x.executed.wan if x.executed else None,
            x.rate_pct,
        )
        for x in r001.executions[1:]
    ]
    assert rest == [
        ("预算资金支出率", None, None, D("98.76")),
        ("公用经费", D("133.58"), D("133.58"), None),
        ("三公经费", D("3.07"), D("3.07"), None),
    ]


def test_001_both_breakdowns(r001: Record) -> None:
    assert _composition_rows(r001) == [
        ("支出按资金来源", None, D("11516.76"), None, 15),
        ("支出按资金来源", "一般公共预算财政拨款支出", D("6577.52"), None, "财政拨款"),
        ("支出按资金来源", "政府性基金预算财政拨款支出", D("4877.08"), None, "财政拨款"),
        ("支出按资金来源", "其他资金支出", D("62.16"), None, "其他"),
        ("支出按支出性质", None, D("11516.76"), None, 15),
        ("支出按支出性质", "基本支出", D("2695.46"), None, "基本支出"),
        ("支出按支出性质", "项目支出", D("8821.3"), None, "项目支出"),
    ]


def test_001_whole_score_table(r001: Record) -> None:
    rows = [(s.kind, s.group, s.name, s.max, s.score) for s in r001.scores]
    assert rows == [
        ("subtotal", "履职效能", None, D("50"), None),
        ("item", "履职效能", "整体效能", D("50"), D("49.88")),
        ("subtotal", "管理效能", None, D("50"), None),
        ("item", "管理效能", "预算编制", D("3"), D("3")),
        ("item", "管理效能", "预算执行", D("4"), D("3.5")),
        ("item", "管理效能", "信息公开", D("4"), D("4")),
        ("item", "管理效能", "绩效管理", D("15"), D("14")),
        ("item", "管理效能", "采购管理", D("10"), D("10")),
        ("item", "管理效能", "资产管理", D("10"), D("9")),
        ("item", "管理效能", "运行成本", D("4"), D("4")),
        ("total", None, "合计", D("100"), D("97.38")),
    ]
    assert {s.evidence.line for s in r001.scores if s.kind != "subtotal"} == {34}


def test_001_section_scores_from_headings(r001: Record) -> None:
    rows = [(s.name, s.dimension, s.max, s.score, s.evidence.line) for s in r001.section_scores]
    assert rows == [
        ("履职效能分析", "履职效能", D("50"), D("49.88"), 36),
        ("管理效率分析", "管理效能", D("50"), D("46.5"), 86),
        ("预算编制", "预算编制", D("3"), D("3"), 88),
        ("预算执行", "预算执行", D("4"), D("3.5"), 92),
        ("信息公开", "信息公开", D("4"), D("4"), 96),
        ("绩效管理", "绩效管理", D("15"), D("14"), 100),
        ("采购管理", "采购管理", D("10"), D("10"), 104),
        ("资产管理", "资产管理", D("10"), D("9"), 110),
        ("运行成本", "运行成本", D("4"), D("4"), 116),
    ]
    assert "自评分为46.5分" in r001.section_scores[1].evidence.text


def test_001_narrative_indicators(r001: Record) -> None:
    rows = [
        (i.level1, i.level2, i.name, i.target, i.actual, i.evidence.line) for i in r001.indicators
    ]
    assert rows == [
        ("产出指标", "数量指标", "党员培训工作完成率", "100%", "100%", 42),
        ("产出指标", "数量指标", "防灾减灾救灾宣传活动场次", "2次", "3场", 44),
        ("产出指标", "数量指标", "社区服务覆盖率", "100%", None, 46),
        ("产出指标", "质量指标", "应急突发事件处置率", "100%", "100%", 52),
        ("产出指标", "时效指标", "复退军人信访及时处理率", "100%", "100%", 56),
        ("效益指标", "社会效益指标", "失业人员再就业率", "再就业率≥70%", "79.1%", 62),
        ("效益指标", "社会效益指标", "加强廉政教育和廉洁文化宣传", "有效加强", None, 64),
        ("效益指标", "社会效益指标", "严重精神障碍患者服务覆盖率", "100%", "100%", 68),
        ("效益指标", "可持续影响指标", "普查宣传覆盖率", "100%", "100%", 72),
        ("满意度指标", "服务对象满意度指标", "基层党建工作满意度", "≥95%", "95%以上", 78),
    ]
    reemployment = r001.indicators[5]
    assert (reemployment.target_op, reemployment.target_num, reemployment.actual_num) == (
        "≥",
        D("70"),
        D("79.1"),
    )


def test_001_carryover(r001: Record) -> None:
    rows = [(c.label, c.year, c.position, c.amount.wan) for c in r001.carryovers]
    assert rows == [("年末累计结转和结余", 2024, "closing", D("152.56"))]
