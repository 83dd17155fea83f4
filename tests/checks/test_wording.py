"""Findings in a finance clerk's words: the report's own unit and decimals, the quote as
submitted, a tolerance said as rounding."""

from __future__ import annotations

import pytest

from selfeval.checks import check_record
from selfeval.extract import extract_text

pytestmark = pytest.mark.unit


def test_a_report_in_yuan_is_answered_in_yuan_with_the_decimals_it_printed() -> None:
    r = extract_text(
        "2024年度收入合计86,020,480.60元，其中：财政拨款收入85,920,480.60元，其他收入1,000.00元。\n"
    )
    (f,) = [f for f in check_record(r) if f.check == "composition.parts_sum"]
    quote = (
        "2024年度收入合计86,020,480.60元，其中：财政拨款收入85,920,480.60元，其他收入1,000.00元。"
    )
    assert f.message_zh == (
        f"第1行“{quote}”中，决算收入为86020480.60元，但各部分金额合计为85921480.60元"
        "（85920480.60+1000.00），相差99000.00元（相差不超过0.015元的，视为四舍五入，不算错误）。"
        "请核对总额或各部分金额。"
    )
    assert f.message_en == (
        f"Line 1 (“{quote}”): 决算收入 is 86020480.60 元 but its parts add up to 85921480.60 元 "
        "(85920480.60 + 1000.00), 99000.00 元 apart (a difference up to 0.015 元 is rounding, "
        "not an error). Correct the total or the parts."
    )
    assert f.evidence is not None and f.evidence.printed == quote


def test_the_quote_is_the_report_as_submitted_not_as_normalised() -> None:
    r = extract_text(
        "2024年度收入合计 １，５００．００ 万元，其中财政拨款收入 １，４００．００ 万元，其他收入 １０．００ 万元。\n"
    )
    (f,) = [f for f in check_record(r) if f.check == "composition.parts_sum"]
    assert f.message_zh.startswith(
        "第1行“2024年度收入合计 １，５００．００ 万元，其中财政拨款收入 １，４００．００ 万元，"
        "其他收入 １０．００ 万元。”中，决算收入为1500.00万元，但各部分金额合计为1410.00万元"
    )
