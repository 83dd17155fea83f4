"""Every built-in check on a hand-built record: the exact finding table, and its tolerance edges.

One case per check id (see selfeval/checks/rules/): a record holding just the figures the check
compares, the findings it must produce as (check, severity, observed, expected), and records on
either side of the tolerance.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from records import (
    D,
    carryover,
    change,
    composition,
    ev,
    execution,
    funds,
    indicator,
    record,
    score,
    scored,
    section,
)

from selfeval.checks import check_across_years, check_record
from selfeval.checks.rules import RULES
from selfeval.record import Record, TotalScore

pytestmark = pytest.mark.unit

Row = tuple[str, str, Decimal | str | None, Decimal | str | None]


def findings(rec: Record) -> list[Row]:
    return [(f.check, f.severity, f.observed, f.expected) for f in check_record(rec)]


def no_total(**kwargs: object) -> Record:
    return record(total_score=None, **kwargs)


def form(*rows: object) -> Record:
    """A 自评表: a 预算执行 funds row, indicators, and the 总分 row."""
    from selfeval.record import Execution, Indicator, Score

    executions = tuple(r for r in rows if isinstance(r, Execution))
    indicators = tuple(r for r in rows if isinstance(r, Indicator))
    scores = tuple(r for r in rows if isinstance(r, Score))
    return no_total(executions=executions, indicators=indicators, scores=scores)


# (record, exact findings)
CASES: dict[str, tuple[Record, list[Row]]] = {
    "composition.shares_sum": (
        no_total(
            compositions=(
                composition("决算收入", None, [("a", None, "72.9"), ("b", None, "27.6")]),
            )
        ),
        [("composition.shares_sum", "error", D("100.5"), D("100"))],
    ),
    "composition.parts_sum": (
        no_total(
            compositions=(
                composition(
                    "基本支出",
                    "1021.38",
                    [("人员经费", "903.76", None), ("公用经费", "124.53", None)],
                ),
            )
        ),
        [("composition.parts_sum", "error", D("1021.38"), D("1028.29"))],
    ),
    "composition.share_matches_amount": (
        no_total(
            compositions=(
                composition(
                    "支出",
                    "2967.45",
                    [("基本支出", "2148.30", "72.9"), ("项目支出", "819.15", None)],
                ),
            )
        ),
        [("composition.share_matches_amount", "error", D("72.9"), D("72.40"))],
    ),
    "execution.rate_matches": (
        no_total(executions=(execution("年度资金总额", "5120", "4771.8", "96.50"),)),
        [("execution.rate_matches", "error", D("96.50"), D("93.20"))],
    ),
    "execution.score_within_max": (
        no_total(
            executions=(funds("年度资金总额", "1528.4", "1565.2", "102.4", "20", "20.48"),),
            # the reader's 预算执行 subtotal on the same line: reported once, on the funds row
            scores=(score("subtotal", "预算执行", "预算执行", "20", "20.48", line=9),),
        ),
        [
            ("execution.score_follows_rate", "error", D("20.48"), D("20.00")),
            ("execution.score_within_max", "error", D("20.48"), D("20")),
        ],
    ),
    "execution.score_follows_rate": (
        no_total(executions=(funds("年度资金总额", "5120", "4771.8", None, "10", "9.65"),)),
        [("execution.score_follows_rate", "error", D("9.65"), D("9.32"))],
    ),
    "execution.same_figures_same_score": (
        no_total(
            executions=(
                funds("年度资金总额", "150", "133.18", "88.8", "10", "9", line=23),
                funds("其中:当年财政拨款", "150", "133.18", "88.8", "10", "8", line=30),
            )
        ),
        [("execution.same_figures_same_score", "error", D("8"), D("9"))],
    ),
    "score.within_max": (
        no_total(scores=(score("subtotal", "产出指标", None, "35", "36"),)),
        [("score.within_max", "error", D("36"), D("35"))],
    ),
    "score.items_sum_group": (
        form(
            score("subtotal", "产出指标", None, "50", "49", line=16),
            scored("a", "20", "20"),
            scored("b", "30", "28"),
            score("total", None, "总分", "50", "49", line=27),
        ),
        [("score.items_sum_group", "error", D("49"), D("48"))],
    ),
    "score.items_sum_total": (
        form(
            funds("年度资金总额", "100", "96.3", "96.30", "10", "9.63"),
            score("subtotal", "预算执行", None, "10", "9.63", line=9),
            score("subtotal", "产出指标", None, "50", "49", line=16),
            score("subtotal", "效益指标", None, "40", "38", line=24),
            score("total", None, "总分", "100", "98.63", line=27),
        ),
        [("score.items_sum_total", "error", D("98.63"), D("96.63"))],
    ),
    "score.total_matches_table": (
        record(scores=(score("total", None, "合计", "100", "96", line=40),)),
        [("score.total_matches_table", "error", D("97"), D("96"))],
    ),
    "score.dimensions_sum_total": (
        replace(
            record(
                section_scores=(
                    section("投入", "投入", "20", "18", 10),
                    section("过程", "过程", "30", "27.5", 11),
                    section("产出", "产出", "30", "28", 12),
                    section("效益", "效益", "20", "19", 13),
                )
            ),
            total_score=TotalScore(D("93.5"), None, ev(9)),
        ),
        [("score.dimensions_sum_total", "error", D("93.5"), D("92.5"))],
    ),
    "score.total_stated_alike": (
        record(section_scores=(section("部门整体支出绩效评价情况", "总分", "100", "95.5", 15),)),
        [("score.total_stated_alike", "error", D("95.5"), D("97"))],
    ),
    "score.total_range": (
        replace(record(), total_score=TotalScore(D("100.48"), None, ev(15))),
        [("score.total_range", "error", D("100.48"), D("100"))],
    ),
    "section_score.matches_table": (
        no_total(
            scores=(
                score("subtotal", "管理效能", None, "50", "47.5"),
                score("total", None, "合计", "100", "97.5", line=40),
            ),
            section_scores=(section("管理效率", "管理效能", "50", "46.5", 86),),
        ),
        [("section_score.matches_table", "error", D("46.5"), D("47.5"))],
    ),
    "submission.required_fields": (
        replace(no_total(), fiscal_year=None),
        [
            ("submission.required_fields", "warning", None, None),
            ("submission.required_fields", "warning", None, None),
        ],
    ),
    "indicator.completion_bounds": (
        no_total(indicators=(indicator("完成率", "≥", "90", "100", "300"),)),
        [("indicator.completion_bounds", "error", D("300"), D("200"))],
    ),
    "indicator.completion_consistent": (
        no_total(indicators=(indicator("完成率", "≥", "90", "80", "100"),)),
        [("indicator.completion_consistent", "error", D("100"), D("88.89"))],
    ),
    "indicator.score_within_weight": (
        no_total(indicators=(scored("满意度", "10", "10.7"),)),
        [("indicator.score_within_weight", "error", D("10.7"), D("10"))],
    ),
    "indicator.full_marks_far_from_target": (
        no_total(indicators=(scored("农房抗震改造户数", "10", "10", target="12", actual="0"),)),
        [("indicator.full_marks_far_from_target", "error", D("0.00"), D("50"))],
    ),
    "change.amounts_agree": (
        no_total(changes=(change("支出", "3572.64", "3374.28", "198.63", None),)),
        [("change.amounts_agree", "error", D("198.63"), D("198.36"))],
    ),
    "change.growth_matches": (
        no_total(changes=(change("收入", "2876.55", None, "412.18", "14.33"),)),
        [("change.growth_matches", "error", D("14.33"), D("16.73"))],
    ),
    "change.closing_balance_base": (
        record(
            changes=(change("年末结转和结余", "121.47", None, "-61.28", None),),
            carryovers=(carryover("opening", 2024, "174.44", line=17),),
        ),
        [("change.closing_balance_base", "error", D("182.75"), D("174.44"))],
    ),
    "carryover.continuity": (
        record(
            carryovers=(carryover("opening", 2024, "25.04"), carryover("closing", 2023, "5.76"))
        ),
        [("carryover.continuity", "error", D("25.04"), D("5.76"))],
    ),
}


def test_every_check_has_a_case() -> None:
    assert set(CASES) | {"carryover.cross_year"} == set(RULES)


@pytest.mark.parametrize("check", sorted(CASES))
def test_a_hand_built_record_yields_exactly_these_findings(check: str) -> None:
    rec, expected = CASES[check]
    # a record without a total score also gets the missing-total warning; it has its own case
    found = [
        f for f in check_record(rec) if f.check == check or f.check != "submission.required_fields"
    ]
    assert [(f.check, f.severity, f.observed, f.expected) for f in found] == expected
    for f in found:  # actionable: the quoted line, which figure, in Chinese
        assert f.message_zh.endswith("。") and f.message_en, f.message_zh
        if f.evidence is not None:
            assert f"第{f.evidence.line}行" in f.message_zh
        if isinstance(f.observed, Decimal):
            assert format(f.observed, "f") in f.message_zh
        assert "请" in f.message_zh


def test_cross_year_compares_with_last_years_report() -> None:
    this = record(carryovers=(carryover("opening", 2024, "150.00", line=12),))
    last = replace(record(carryovers=(carryover("closing", 2023, "152.56"),)), fiscal_year=2023)
    (f,) = check_across_years(this, last)
    assert (f.check, f.severity, f.observed, f.expected, f.tolerance) == (
        "carryover.cross_year",
        "error",
        D("150.00"),
        D("152.56"),
        D("0.01"),
    )
    same = replace(last, carryovers=(carryover("closing", 2023, "150.00"),))
    assert check_across_years(this, same) == ()
    assert check_record(this) == ()  # without last year's report the check does not run


# --- tolerance edges: printed precision, rounding or truncation, blank cells -----------------------


def _funds_score(budget: str, executed: str, max_: str, score_: str | None) -> list[str]:
    rec = no_total(executions=(funds("年度资金总额", budget, executed, None, max_, score_),))
    return [f.check for f in check_record(rec) if f.severity == "error"]


@pytest.mark.parametrize(
    ("budget", "executed", "score_", "ok"),
    [
        ("100", "99.97", "10", True),  # 99.97 % scored 10 of 10
        ("150", "133.18", "8", True),  # 8.88 floored to a whole point
        ("150", "133.18", "9", True),  # 8.88 rounded
        ("150", "133.18", "7", False),  # more than a step below
        ("174.4", "168.73", "9.5", True),  # 9.675 floored to half points
        ("174.4", "168.73", "9.2", False),  # 9.675 cannot print as 9.2
        ("100.00", "96.28", "9.63", True),  # 9.628 rounded to the cent
        ("100.00", "96.28", "9.64", False),
        ("412.56", "425.08", None, True),  # blank 得分 beside a rate above 100 %: not a zero
        ("412.56", "425.08", "10", True),  # capped at the 分值
        ("412.56", "425.08", "10.3", False),
    ],
)
def test_funds_score_follows_the_rate_within_its_printed_step(
    budget: str, executed: str, score_: str | None, ok: bool
) -> None:
    assert (_funds_score(budget, executed, "10", score_) == []) is ok


@pytest.mark.parametrize(
    ("growth", "ok"),
    [
        ("16.73", True),
        ("16.72", True),  # truncated: a unit below
        ("16.71", False),
        ("16.74", False),  # beyond half a unit above (+ amount rounding ~0.0002)
        ("14.33", False),  # change / current: the wrong base
    ],
)
def test_growth_tolerance(growth: str, ok: bool) -> None:
    rec = no_total(changes=(change("收入", "2876.55", None, "412.18", growth),))
    assert ([f.check for f in check_record(rec) if f.severity == "error"] == []) is ok


@pytest.mark.parametrize(
    ("actual", "score_", "ok"),
    [
        ("0", "10", False),
        ("5.9", "10", False),
        ("6", "10", True),
        ("0", "0", True),
        ("0", None, True),
    ],
)
def test_full_marks_far_from_target_edge(actual: str, score_: str | None, ok: bool) -> None:
    rec = no_total(indicators=(scored("户数", "10", score_, target="12", actual=actual),))
    assert ([f.check for f in check_record(rec) if f.severity == "error"] == []) is ok


@pytest.mark.parametrize(
    ("total", "ok"),
    [("96.38", True), ("96", True), ("97", False), ("96.4", True), ("96.3", True), ("96.2", False)],
)
def test_a_total_may_round_or_floor_its_parts(total: str, ok: bool) -> None:
    rec = form(
        score("subtotal", "履职效能", None, "50", "49.88", line=16),
        score("subtotal", "管理效能", None, "50", "46.5", line=20),
        score("total", None, "总分", "100", total, line=27),
    )
    assert ([f.check for f in check_record(rec) if f.severity == "error"] == []) is ok


def test_a_blank_item_score_makes_the_sum_unknowable() -> None:
    rec = form(
        score("subtotal", "产出指标", None, "50", "49", line=16),
        scored("a", "20", None),
        scored("b", "30", "28"),
        score("total", None, "总分", "50", "49", line=27),
    )
    assert [f for f in check_record(rec) if f.severity == "error"] == []


def test_an_excerpt_without_its_total_is_not_summed() -> None:
    rec = form(
        score("subtotal", "过程", None, "30", None, line=16), scored("a", "8", "8", level1="过程")
    )
    assert [f for f in check_record(rec) if f.severity == "error"] == []


def test_two_forms_in_one_file_are_summed_each_up_to_its_own_total() -> None:
    rec = form(
        funds("年度资金总额", "25", "25", "100", "10", "10", line=5),
        scored("a", "20", "20", line=9),
        scored("b", "80", "68", line=10),
        score("total", None, "总分", "100", "98", line=14),  # 10 + 88 = 98 of 110
        funds("年度资金总额", "36", "36", "100", "10", "10", line=17),
        scored("c", "20", "20", line=21),
        scored("d", "70", "66", line=22),
        score("total", None, "总分", "100", "96", line=26),  # 10 + 86 = 96 of 100
    )
    assert findings(rec) == [("score.items_sum_total", "error", D("100"), D("110"))]
    (f,) = check_record(rec)
    assert f.evidence is not None and f.evidence.line == 14


def test_an_indicator_table_after_the_score_table_details_a_dimension() -> None:
    rec = form(
        score("item", "履职效能", "整体效能", "50", "47", line=35),
        score("item", "管理效能", "预算编制", "50", "47.5", line=36),
        score("total", None, "总分", "100", "94.5", line=43),
        scored("群众满意度", "10", "9", line=55),  # the 履职效能 indicator table, after the 总分
    )
    assert findings(rec) == []
