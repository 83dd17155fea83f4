"""The reader's newer figures reach the warehouse: funds rows of a 自评表 (年初预算数, 分值, 得分),
indicator 分值/得分 with their values, and year-over-year changes — on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from warehouse_support import RECEIVED, rows

from selfeval.extract import extract_text
from selfeval.record import Source
from selfeval.warehouse import load_submission

pytestmark = pytest.mark.unit

REPORT = """某某镇2023年度项目支出绩效自评表
评价年度：2023
2023年收入2000万元，比上年增加200万元，增长11.11%；支出1900万元，比上年减少100万元，下降5.00%。
项目资金(万元)\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
年度资金总额\t100\t120\t114\t10\t95%\t9.5
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分
产出指标\t数量指标\t改造户厕数量\t≥1800户\t2064户\t20\t20
满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t95%\t10\t
总分\t\t\t\t\t100\t57.5
"""


def _n(value: Any) -> D | None:
    return None if value is None else D(str(value)).normalize()


def test_funds_rows_indicator_scores_and_changes_are_queryable(warehouse_engine: Any) -> None:
    record = extract_text(
        REPORT, source=Source(path="t.txt", sha256="a" * 64, format="txt", encoding="utf-8")
    )
    load_submission(warehouse_engine, record, [], received_at=RECEIVED, file_name="t.txt")

    finance = rows(
        warehouse_engine,
        "SELECT kind, label, budget_wan, executed_wan, initial_budget_wan, max_score, score,"
        " amount_wan, change_wan, growth_pct FROM v_unit_finance"
        " WHERE kind IN ('execution', 'change') ORDER BY kind, label",
    )
    assert [tuple(_n(v) if not isinstance(v, str) else v for v in r) for r in finance] == [
        ("change", "支出", None, None, None, None, None, D("1900"), D("-100"), D("-5")),
        ("change", "收入", None, None, None, None, None, D("2000"), D("200"), D("11.11")),
        (
            "execution",
            "年度资金总额",
            D("120"),
            D("114"),
            D("100"),
            D("10"),
            D("9.5"),
            None,
            None,
            None,
        ),
    ]
    indicators = rows(
        warehouse_engine,
        "SELECT name, weight, score, target_value, actual_value, unit, direction"
        " FROM v_unit_indicators ORDER BY name",
    )
    assert [tuple(_n(v) if not isinstance(v, str) else v for v in r) for r in indicators] == [
        ("改造户厕数量", D("20"), D("20"), D("1800"), D("2064"), "户", "higher"),
        ("群众满意度", D("10"), None, D("90"), D("95"), "%", "higher"),
    ]
