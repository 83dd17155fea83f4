"""Tolerances follow the printed precision; unprinted figures are skipped, never false errors.

Small hand-built Records isolate one figure each (see records.py).
"""

from __future__ import annotations

import pytest
from check_support import table
from records import (
    MANAGEMENT_ITEMS,
    D,
    carryover,
    composition,
    execution,
    indicator,
    record,
    score,
    section,
    seed_001_scores,
)

from selfeval.checks import check_record, check_records
from selfeval.record import Unit

pytestmark = pytest.mark.unit


def shares(*printed: str | None) -> list[tuple[str, str | None, str | None]]:
    return [(f"part{i}", None, s) for i, s in enumerate(printed)]


@pytest.mark.parametrize(
    ("printed", "ok"),
    [
        (("99.94", "0.06"), True),
        (("99.94", "0.60"), False),
        (("99.94", "0.07"), True),  # 100.01: at the 0.005 + 0.005 allowance
        (("99.94", "0.08"), False),
        (("99.9", "0.1"), True),
        (("33.3", "33.3", "33.3"), True),  # 99.9 within 3 x 0.05
        (("33.3", "33.3", "33.1"), True),  # 99.7: three truncated shares, at 3 x 0.1 below
        (("33.3", "33.3", "33.0"), False),  # 99.6: beyond truncation
        (("33.4", "33.4", "33.3"), True),  # 100.1: within 3 x 0.05 above (rounding)
        (("33.4", "33.4", "33.4"), False),  # 100.2: above 100 only rounding can explain
        (("33", "33", "33"), True),  # whole percentages: 99 within 3 x 1 below
        (("60", "38"), True),  # 98: two truncated whole percentages, at 2 x 1 below
        (("60", "37"), False),
        (("60", "41"), True),  # 101: at 2 x 0.5 above
        (("60", "42"), False),
        (("99.94", None), True),  # an unprinted share: nothing to sum
        ((None, None), True),
    ],
)
def test_shares_sum_tolerance_follows_printed_decimals(
    printed: tuple[str | None, ...], ok: bool
) -> None:
    rec = record(compositions=(composition("决算收入", None, shares(*printed)),))
    found = [f for f in check_record(rec) if f.check == "composition.shares_sum"]
    assert (found == []) is ok, found


def test_shares_sum_finding_names_the_shares_and_the_tolerance() -> None:
    rec = record(compositions=(composition("决算收入", None, shares("99.94", "0.60")),))
    (f,) = check_record(rec)
    assert (f.check, f.observed, f.expected, f.tolerance) == (
        "composition.shares_sum",
        D("100.54"),
        D("100"),
        D("0.01"),
    )
    assert f.message_zh == (
        "第114行“第114行的句子”中，决算收入各部分占比合计为100.54%（99.94+0.60），"
        "应为100%（相差不超过0.01个百分点的，视为四舍五入，不算错误）。请核对各部分占比，使合计为100%。"
    )


def test_parts_sum_compares_exact_decimals_not_floats() -> None:
    # 96.85 + 0.52 + 2.63 != 100.0 in floating point; exactly 100.00 here
    parts = [("a", "96.85", None), ("b", "0.52", None), ("c", "2.63", None)]
    assert check_record(record(compositions=(composition("决算支出", "100.00", parts),))) == ()
    parts[2] = ("c", "2.64", None)  # 100.01: within the rounding of four printed figures
    assert check_record(record(compositions=(composition("决算支出", "100.00", parts),))) == ()
    parts[2] = ("c", "2.66", None)
    (f,) = check_record(record(compositions=(composition("决算支出", "100.00", parts),)))
    assert table([f]) == [("composition.parts_sum", "error", "决算支出", D("100"), D("100.03"))]


def test_parts_sum_allows_a_coarsely_printed_total() -> None:
    parts = [("a", "27872.79", None), ("b", "15.58", None)]  # 27888.37
    assert check_record(record(compositions=(composition("决算收入", "27888.4", parts),))) == ()
    (f,) = check_record(record(compositions=(composition("决算收入", "27888.5", parts),)))
    assert (f.check, f.observed, f.expected) == (
        "composition.parts_sum",
        D("27888.5"),
        D("27888.37"),
    )


def test_a_single_part_is_an_of_which_sentence_not_a_breakdown() -> None:
    comp = composition("决算收入", "27888.37", [("财政拨款收入", "27872.79", "99.94")])
    assert check_record(record(compositions=(comp,))) == ()


def test_share_of_a_tiny_part_printed_with_two_decimals_passes() -> None:
    comp = composition(
        "决算支出",
        "27907.66",
        [("财政拨款支出", "27872.79", "99.88"), ("其他支出", "34.87", "0.12")],
    )
    assert check_record(record(compositions=(comp,))) == ()


def test_rate_uses_the_expenditure_composition_when_only_the_budget_is_stated() -> None:
    comp = composition("决算支出", "27907.66", [])
    ok = execution("支出", "30172.04", None, "92.50")  # 92.4951…
    bad = execution("支出", "30172.04", None, "100")
    assert check_record(record(compositions=(comp,), executions=(ok,))) == ()
    (f,) = check_record(record(compositions=(comp,), executions=(bad,)))
    assert table([f]) == [("execution.rate_matches", "error", "支出", D("100"), D("92.50"))]
    assert f.message_zh == (
        "第15行“第15行的句子”中，支出执行率写为100%，但按执行数27907.66万元÷预算数30172.04万元"
        "计算应为92.50%（相差不超过0.51个百分点的，视为四舍五入，不算错误）。请核对执行率或金额。"
    )


def test_a_rate_without_amounts_is_not_checked() -> None:
    assert check_record(record(executions=(execution("财政拨款", None, None, "100"),))) == ()


def test_group_subtotal_and_total_scores_and_maxima() -> None:
    rows = [score("subtotal", "管理效能", None, "50", "46.5")]
    rows += [score("item", "管理效能", n, m, s) for n, m, s in MANAGEMENT_ITEMS]
    rows += [score("item", "履职效能", "整体效能", "50", "49.88")]
    rows += [score("total", None, "合计", "90", "97.38")]
    found = check_record(record(scores=tuple(rows), total_score=None))
    assert table(found) == [
        ("score.items_sum_group", "error", "管理效能", D("46.5"), D("47.5")),
        ("score.items_sum_total", "error", "合计", D("90"), D("100")),
        # the group counts with its stated 小计 (46.5); its items are checked against it above
        ("score.items_sum_total", "error", "合计", D("97.38"), D("96.38")),
        ("score.within_max", "error", "合计", D("97.38"), D("90")),
    ]
    group = next(f for f in found if f.check == "score.items_sum_group")
    assert group.message_zh == (
        "第34行“第34行的句子”中，评分表管理效能小计得分为46.5分，但其各项得分合计为47.5分"
        "（3+3.5+4+14+10+9+4）。请核对管理效能小计或各项得分，使两者一致。"
    )


def test_a_subtotal_without_a_score_is_not_compared() -> None:
    assert check_record(record(scores=seed_001_scores(), total_score=None)) == ()


def test_a_total_printed_as_a_whole_number_may_round_its_items() -> None:
    rows = [score("item", "g", "a", "50", "49.88"), score("item", "g", "b", "50", "47.5")]
    total_97, total_98 = (score("total", None, "合计", "100", t) for t in ("97", "98"))
    assert check_record(record(scores=(*rows, total_97), total_score=None)) == ()
    found = check_record(record(scores=(*rows, total_98), total_score=None))
    assert table(found) == [("score.items_sum_total", "error", "合计", D("98"), D("97.38"))]


def test_negative_score_is_reported_against_zero() -> None:
    found = check_record(record(scores=(score("item", "g", "预算编制", "3", "-1"),)))
    assert table(found) == [("score.within_max", "error", "预算编制", D("-1"), D("0"))]


def test_heading_matches_a_stated_subtotal_an_item_and_the_total() -> None:
    rows = (
        score("subtotal", "管理效能", None, "50", "47.5"),
        *[score("item", "管理效能", n, m, s) for n, m, s in MANAGEMENT_ITEMS],
    )
    headings = (
        section("管理效率分析", "管理效能", "50", "46", 86),
        section("预算执行", "预算执行", "5", "3.5", 92),
        section("无此维度", "不存在", "5", "3.5", 93),  # not in the table: nothing to compare
    )
    found = check_record(record(scores=rows, section_scores=headings))
    assert table(found) == [
        ("section_score.matches_table", "error", "管理效能", D("46"), D("47.5")),
        ("section_score.matches_table", "error", "预算执行", D("5"), D("4")),
    ]
    heading = next(f for f in found if f.subject == "管理效能")
    assert "评分表中管理效能得分为47.5分" in heading.message_zh


def test_required_fields_are_warnings() -> None:
    found = check_record(record(unit=Unit(), fiscal_year=None, total_score=None))
    assert table(found) == [
        ("submission.required_fields", "warning", "fiscal_year", None, None),
        ("submission.required_fields", "warning", "total_score", None, None),
        ("submission.required_fields", "warning", "unit_name", None, None),
    ]
    assert {f.message_zh for f in found} >= {
        "报告中未能识别出单位名称。请在报告中写明单位全称（如“广州市××区××街道办事处”），以便汇总。"
    }


@pytest.mark.parametrize(
    ("op", "target", "actual", "completion", "expected"),
    [
        ("≥", "90", "100", "100", None),  # met: complete
        ("≥", "90", "100", "111.11", None),  # met: over-completion stated, consistent
        ("≥", "90", "95", "95", D("100")),  # met but stated below 100
        ("≥", "90", "80", "88.89", None),
        ("≥", "90", "80", "88.9", None),
        ("≥", "90", "80", "80", D("88.89")),
        ("≤", "5", "4", "100", None),  # at-most target met
        ("≤", "5", "10", "50", None),  # 5 / 10
        ("≤", "5", "10", "100", D("50.00")),
        ("=", "100", None, "100", None),  # actual not numeric: not compared
    ],
)
def test_completion_consistency(
    op: str, target: str, actual: str | None, completion: str, expected: object
) -> None:
    rec = record(indicators=(indicator("指标", op, target, actual, completion),))
    found = check_record(rec)
    assert table(found) == (
        []
        if expected is None
        else [("indicator.completion_consistent", "error", "指标", D(completion), expected)]
    )


def test_carry_over_without_years_uses_the_fiscal_year() -> None:
    ok = (carryover("opening", None, "25.04"), carryover("closing", 2023, "25.04"))
    assert check_record(record(carryovers=ok)) == ()
    only_closing = (carryover("closing", None, "152.56"),)
    assert check_record(record(carryovers=only_closing)) == ()
    coarse = (carryover("opening", 2024, "25.0"), carryover("closing", 2023, "25.04"))
    assert check_record(record(carryovers=coarse)) == ()


def test_five_hundred_varied_records_map_back() -> None:
    bad = record(compositions=(composition("决算收入", None, shares("99.94", "0.60")),))
    good = record()
    records = [bad if i % 7 == 0 else good for i in range(500)]
    found = check_records(records)
    assert [i for i, fs in enumerate(found) if fs] == list(range(0, 500, 7))
