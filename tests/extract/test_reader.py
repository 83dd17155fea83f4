"""The general reader on text the tests make: one test per relation cue, one per table style.

Each table-style test prints the same 自评表 (a funds block and three indicator rows) in another
flattening and asserts the same whole table of figures, so a style that stops being read fails
here by name.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from selfeval.extract import extract_text
from selfeval.extract.layout import is_page_marker, without_chunk_numbers
from selfeval.extract.normalize import normalize_line
from selfeval.record import Money, Record

pytestmark = pytest.mark.unit


def _w(m: Money | None) -> D | None:
    return None if m is None else m.wan


def _compositions(r: Record) -> list[tuple[Any, ...]]:
    return [
        (c.label, _w(c.total), tuple((p.name, _w(p.amount), p.share_pct) for p in c.parts))
        for c in r.compositions
    ]


def _executions(r: Record) -> list[tuple[Any, ...]]:
    return [
        (e.label, _w(e.initial_budget), _w(e.budget), _w(e.executed), e.rate_pct, e.max, e.score)
        for e in r.executions
    ]


def _changes(r: Record) -> list[tuple[Any, ...]]:
    return [(c.label, _w(c.current), _w(c.change), c.growth_pct) for c in r.changes]


def _indicators(r: Record) -> list[tuple[Any, ...]]:
    return [
        (i.name, i.target_value, i.actual_value, i.weight, i.score, i.direction)
        for i in r.indicators
    ]


# --- relation cues ------------------------------------------------------------------------------


def test_qizhong_and_zhan_attach_parts_and_shares_to_a_total() -> None:
    r = extract_text(
        "本年收入合计1000.00万元，其中财政拨款收入900.00万元，占90.00%；其他收入100.00万元，占10.00%。"
    )
    assert _compositions(r) == [
        (
            "决算收入",
            D("1000.00"),
            (("财政拨款收入", D("900.00"), D("90.00")), ("其他收入", D("100.00"), D("10.00"))),
        )
    ]


def test_x_zhong_breaks_down_an_amount_stated_before() -> None:
    r = extract_text(
        "支出合计800万元，其中基本支出600万元，项目支出200万元。基本支出中人员经费500万元，公用经费100万元。"
    )
    assert _compositions(r) == [
        ("决算支出", D("800"), (("基本支出", D("600"), None), ("项目支出", D("200"), None))),
        ("基本支出", D("600"), (("人员经费", D("500"), None), ("公用经费", D("100"), None))),
    ]


def test_an_fen_is_another_breakdown_of_the_same_total() -> None:
    r = extract_text(
        "决算支出800万元，其中基本支出600万元，项目支出200万元。"
        "按经济分类划分，工资福利支出500万元，商品和服务支出300万元。"
    )
    assert _compositions(r)[1] == (
        "支出按经济分类",
        D("800"),
        (("工资福利支出", D("500"), None), ("商品和服务支出", D("300"), None)),
    )


def test_amounts_in_yuan_and_yiyuan_are_converted_exactly() -> None:
    r = extract_text("收入合计12,345,678.90元，其中财政拨款收入1.2亿元，其他收入345,678.90元。")
    assert _compositions(r) == [
        (
            "决算收入",
            D("1234.567890"),
            (("财政拨款收入", D("12000"), None), ("其他收入", D("34.567890"), None)),
        )
    ]


def test_budget_executed_and_rate_in_one_sentence() -> None:
    r = extract_text(
        "我镇年初部门预算1000万元，调整后全年预算1200万元，全年实际支出1140万元，预算执行率95%。"
    )
    assert _executions(r) == [("支出", D("1000"), D("1200"), D("1140"), D("95"), None, None)]


def test_the_rate_says_which_budget_it_was_computed_against() -> None:
    # 1140 / 1000 = 114 %: the printed rate is against the 年初 budget, so that is its budget
    r = extract_text("年初预算1000万元，调整后预算1200万元，实际支出1140万元，完成预算的114%。")
    assert [(e.budget.wan if e.budget else None, e.rate_pct) for e in r.executions] == [
        (D("1000"), D("114"))
    ]


def test_bi_shang_nian_changes_are_signed_from_the_words() -> None:
    r = extract_text(
        "2023年收入2000万元，比上年增加200万元，增长11.11%；支出1900万元，比上年减少100万元，下降5.00%。"
    )
    assert _changes(r) == [
        ("收入", D("2000"), D("200"), D("11.11")),
        ("支出", D("1900"), D("-100"), D("-5.00")),
    ]


def test_zipped_pairs_pair_up_in_order() -> None:
    r = extract_text(
        "本年收入、支出合计分别为3000万元、2900万元。与上年相比，收入、支出合计分别增加300万元、200万元，"
        "分别增长11.11%、7.41%。"
    )
    assert [(c.current, c.change, c.growth) for c in _zip(r)] == [
        (D("3000"), D("300"), D("11.11")),
        (D("2900"), D("200"), D("7.41")),
    ]


class _C:
    def __init__(self, current: D | None, change: D | None, growth: D | None) -> None:
        self.current, self.change, self.growth = current, change, growth


def _zip(r: Record) -> list[_C]:
    return [_C(_w(c.current), _w(c.change), c.growth_pct) for c in r.changes]


def test_max_and_score_pairs_in_a_sentence() -> None:
    r = extract_text(
        "经综合打分，自评得分92.6分。分项看，预算编制得18.5分(满分20分)，预算执行得27分(满分30分)；"
        "其中：投入指标(20分)得18分。"
    )
    assert r.total_score is not None and r.total_score.score == D("92.6")
    assert [(s.name, s.max, s.score) for s in r.section_scores] == [
        ("预算编制", D("20"), D("18.5")),
        ("预算执行", D("30"), D("27")),
        ("投入指标", D("20"), D("18")),
    ]


def test_a_sentence_outranks_a_heading_for_the_total() -> None:
    r = extract_text(
        "一、整体支出绩效评价情况(自评得分95.5分)\n本部门整体支出综合得分为94.5分，等级为优。"
    )
    assert r.total_score is not None and r.total_score.score == D("94.5")


def test_indicators_stated_in_sentences() -> None:
    r = extract_text(
        "群众满意度目标≥90%，抽样调查实际为95.6%；培训人次年度目标≥120人次，已完成68人次。"
    )
    assert _indicators(r) == [
        ("群众满意度", D("90"), D("95.6"), None, None, "higher"),
        ("培训人次", D("120"), D("68"), None, None, "higher"),
    ]


def test_the_fiscal_year_is_the_year_evaluated_not_the_filling_in_date() -> None:
    r = extract_text("龙门镇部门整体支出绩效自评报告\n\n填报日期:2024年3月\n评价年度:2023\n")
    assert r.fiscal_year == 2023


def test_traditional_characters_and_pinyin_glosses_are_folded() -> None:
    r = extract_text("本年收入合計1000萬(wàn)元，其中財(cái)政撥款收入900萬元，佔90%。")
    assert _compositions(r) == [
        ("决算收入", D("1000"), (("财政拨款收入", D("900"), D("90")),)),
    ]


# --- table styles -------------------------------------------------------------------------------

HEADER_FUNDS = [
    "项目资金(万元)",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率",
    "得分",
]
FUNDS = ["年度资金总额", "100", "120", "114", "10", "95%", "9.5"]
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
ROWS = [
    ["产出指标", "数量指标", "改造户厕数量", "≥1800户", "2064户", "20", "20"],
    ["", "质量指标", "验收合格率", "≥95%", "98.6%", "20", "18"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", "10", "10"],
]
TOTAL = ["总分", "", "", "", "", "100", "57.5"]

EXPECTED_EXECUTIONS = [("年度资金总额", D("100"), D("120"), D("114"), D("95"), D("10"), D("9.5"))]
EXPECTED_INDICATORS = [
    ("改造户厕数量", D("1800"), D("2064"), D("20"), D("20"), "higher"),
    ("验收合格率", D("95"), D("98.6"), D("20"), D("18"), "higher"),
    ("群众满意度", D("90"), D("95"), D("10"), D("10"), "higher"),
]


def _all_rows() -> list[list[str]]:
    return [HEADER_FUNDS, FUNDS, HEADER, *ROWS, TOTAL]


def _tab() -> str:
    return "\n".join("\t".join(r) for r in _all_rows())


def _pipe() -> str:
    return "\n".join("| " + " | ".join(r) + " |" for r in _all_rows())


def _markdown() -> str:
    out = []
    for r in _all_rows():
        out.append("| " + " | ".join(r) + " |")
        if r in (HEADER_FUNDS, HEADER):
            out.append("|" + "---|" * len(r))
    return "\n".join(out)


def _html() -> str:
    def row(cells: list[str]) -> str:
        return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"

    body = [row(HEADER_FUNDS), row(FUNDS), row(HEADER)]
    body.append(
        '<tr><td rowspan="2">产出指标</td>'
        + "".join(f"<td>{c}</td>" for c in ROWS[0][1:])
        + "</tr>"
    )
    body.append("<tr>" + "".join(f"<td>{c}</td>" for c in ROWS[1][1:]) + "</tr>")
    body.append(row(ROWS[2]))
    body.append(row(TOTAL))
    return "<table>" + "".join(body) + "</table>"


def _spaced() -> str:
    return "\n".join("    ".join(c for c in r if c) for r in _all_rows())


def _single_spaced() -> str:
    return "\n".join(" ".join(c for c in r if c) for r in _all_rows())


def _one_cell_per_line() -> str:
    return "\n\n".join("\n\n".join(c for c in r if c) for r in _all_rows())


def _run_together() -> str:
    return "\n".join("".join(r) for r in _all_rows())


STYLES = {
    "tab rows": _tab,
    "pipe rows": _pipe,
    "markdown": _markdown,
    "html rowspan": _html,
    "space-aligned": _spaced,
    "single spaces": _single_spaced,
    "one cell per line": _one_cell_per_line,
    "rows run together": _run_together,
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_flattening_gives_the_same_form(style: str) -> None:
    r = extract_text("项目支出绩效自评表\n(2023年度)\n" + STYLES[style]() + "\n")
    assert _executions(r) == EXPECTED_EXECUTIONS
    assert _indicators(r) == EXPECTED_INDICATORS
    assert r.total_score is not None
    assert (r.total_score.max, r.total_score.score) == (D("100"), D("57.5"))
    assert r.fiscal_year == 2023


def test_merged_cell_remnants_keep_the_group() -> None:
    r = extract_text(_pipe())
    assert [(i.level1, i.level2) for i in r.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]


def test_funds_cells_run_together_are_split_by_the_arithmetic() -> None:
    # 310.2 | 154.74 | 10 | 50% | 5: 154.74 / 310.2 = 49.88 % ≈ 50 %, 5 = 10 × 50 %
    r = extract_text(
        "项目资金(万元)全年预算数全年执行数分值执行率得分\n年度资金总额310.2154.741050%5\n"
    )
    assert _executions(r) == [
        ("年度资金总额", None, D("310.2"), D("154.74"), D("50"), D("10"), D("5"))
    ]


def test_of_two_splits_that_agree_the_one_with_a_budget_like_its_start_wins() -> None:
    # 48|48|48|10|100% and 4|84848|10|10|0% both "agree"; a rate of 0 agrees with anything small
    # and a budget is rarely 20 000 times its start. 48|48|48|100% against 4|84|84|100%: the same.
    r = extract_text(
        "项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分\n"
        "年度资金总额48484810100%\n其中:当年财政拨款484848100%\n"
    )
    assert _executions(r) == [
        ("年度资金总额", D("48"), D("48"), D("48"), D("100"), D("10"), None),
        ("其中:当年财政拨款", D("48"), D("48"), D("48"), D("100"), None, None),
    ]


def test_a_blank_score_cell_stays_blank() -> None:
    r = extract_text(
        "| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
        "| 年度资金总额 | 412.56 | 412.56 | 425.08 | 10 | 103.03% | |\n"
    )
    assert _executions(r) == [
        ("年度资金总额", D("412.56"), D("412.56"), D("425.08"), D("103.03"), D("10"), None)
    ]


def test_score_tables_are_score_rows_not_indicators() -> None:
    r = extract_text(
        "一级指标\t二级指标\t分值\t得分\n履职效能(50分)\t整体效能\t50\t48\n"
        "管理效能(50分)\t预算编制\t10\t9.5\n\t预算执行\t40\t38\n合计\t\t100\t95.5\n"
    )
    assert [(s.kind, s.group, s.name, s.max, s.score) for s in r.scores] == [
        ("subtotal", "履职效能", None, D("50"), None),
        ("item", "履职效能", "整体效能", D("50"), D("48")),
        ("subtotal", "管理效能", None, D("50"), None),
        ("item", "管理效能", "预算编制", D("10"), D("9.5")),
        ("item", "管理效能", "预算执行", D("40"), D("38")),
        ("total", None, "合计", D("100"), D("95.5")),
    ]
    assert r.indicators == ()


def test_a_readable_text_with_nothing_recognisable_warns() -> None:
    r = extract_text("会议纪要\n今天天气很好。\n")
    assert r.warnings == (
        "no figures recognised: this does not read like a 部门整体支出绩效自评 report "
        "(no scores, amounts, indicators or carry-overs found)",
    )


def test_a_header_row_then_an_amount_row_nests_by_the_arithmetic() -> None:
    cells = ["年度支出情况(万元)", "机构名称", "支出合计", "基本支出", "人员经费", "公用经费"]
    cells += ["项目支出", "某某镇人民政府", "1000.00", "600.00", "500.00", "100.00", "400.00"]
    r = extract_text("\n".join(cells) + "\n")
    assert _compositions(r) == [
        (
            "支出合计",
            D("1000.00"),
            (("基本支出", D("600.00"), None), ("项目支出", D("400.00"), None)),
        ),
        (
            "基本支出",
            D("600.00"),
            (("人员经费", D("500.00"), None), ("公用经费", D("100.00"), None)),
        ),
    ]


def test_a_header_broken_over_lines_is_joined_to_match_the_amounts() -> None:
    cells = ["年度收入情况(万元)", "收入合计", "其中:", "公共财", "政拨款", "其他"]
    cells += ["120.00", "100.00", "20.00"]
    r = extract_text("\n\n".join(cells) + "\n")
    assert _compositions(r) == [
        (
            "收入合计",
            D("120.00"),
            (("公共财政拨款", D("100.00"), None), ("其他", D("20.00"), None)),
        ),
    ]


def test_zhan_x_de_is_a_share_of_a_total_named_there() -> None:
    r = extract_text(
        "本年支出合计18.41亿元，其中基本支出9.62亿元，项目支出8.79亿元。\n"
        "本部门对46个项目开展了绩效自评，涉及资金7.85亿元，占项目支出总额的89.3%。\n"
        "共17个项目，涉及资金2736.40万元，占项目支出总额3104.52万元的88.14%。"
    )
    assert _compositions(r)[1:] == [
        ("涉及资金占项目支出", D("87900"), (("涉及资金", D("78500"), D("89.3")),)),
        ("涉及资金占项目支出", D("3104.52"), (("涉及资金", D("2736.40"), D("88.14")),)),
    ]


def test_a_total_after_its_parts_is_taken_when_they_add_up() -> None:
    r = extract_text(
        "一批项目总投资2416.8万元(其中建安工程2351.06万元)，二批项目总投资1587.33万元，"
        "三批项目投资634.27万元，合计批复总投资4638.4万元。"
    )
    assert _compositions(r)[-1] == (
        "合计批复总投资",
        D("4638.4"),
        (
            ("一批项目总投资", D("2416.8"), None),
            ("二批项目总投资", D("1587.33"), None),
            ("三批项目投资", D("634.27"), None),
        ),
    )


def test_shares_zipped_onto_the_parts_in_order() -> None:
    r = extract_text(
        "共计174.40万元，其中中央及省级资金130.80万元，县本级资金43.60万元，分别占75%、25%。"
    )
    assert _compositions(r)[0][2] == (
        ("中央及省级资金", D("130.80"), D("75")),
        ("县本级资金", D("43.60"), D("25")),
    )


def test_a_heading_total_that_disagrees_is_kept_for_the_checks() -> None:
    r = extract_text("一、部门整体支出绩效评价情况(自评得分95.5分)\n本部门综合得分为94.5分。")
    assert r.total_score is not None and r.total_score.score == D("94.5")
    assert [(s.name, s.dimension, s.score) for s in r.section_scores] == [
        ("总分", "总分", D("95.5"))
    ]


def test_class_by_class_executions_that_add_up_make_a_breakdown() -> None:
    r = extract_text(
        "一般公共预算财政拨款支出年初预算为1000.00万元，支出决算为1200.00万元，完成年初预算的120.00%。\n"
        "1.一般公共服务支出(类):年初预算为600.00万元，支出决算为700.00万元，完成年初预算的116.67%。\n"
        "2.农林水支出(类):年初预算为400.00万元，支出决算为500.00万元，完成年初预算的125.00%。\n"
    )
    assert [
        (c.label[-3:], _w(c.total), [_w(p.amount) for p in c.parts]) for c in r.compositions
    ] == [
        ("预算数", D("1000.00"), [D("600.00"), D("400.00")]),
        ("执行数", D("1200.00"), [D("700.00"), D("500.00")]),
    ]


def test_a_target_over_three_cells_and_two_header_rows_printed_as_one() -> None:
    r = extract_text(
        "| 年度指标值 | 实际完成值 | 分值 | 得分 | 一级指标 | 二级指标 | 三级指标 | 指标性质 |\n"
        "| 产出指标 | 数量指标 | 受助学生人数 | ≧ | 1146 | 人 | 1146人 | 10 | 10 |\n"
        "| 质量指标 | 营养膳食供应覆盖率 | ≧ | 100 | % | 100% | 10 | 8 |\n"
    )
    assert _indicators(r) == [
        ("受助学生人数", D("1146"), D("1146"), D("10"), D("10"), "higher"),
        ("营养膳食供应覆盖率", D("100"), D("100"), D("10"), D("8"), "higher"),
    ]


def test_rates_of_an_executed_amount_against_budgets_stated_earlier() -> None:
    r = extract_text(
        "调整后项目预算688.35万元，实际到位资金463.92万元。\n"
        "12个项目实际支出451.08万元，占实际到位资金的97.23%，占调整后项目预算的65.53%。\n"
        "全年预算收入1675.86万元。\n实际支出1622.09万元，支出完成全年预算的96.79%。"
    )
    assert [(_w(e.budget), _w(e.executed), e.rate_pct) for e in r.executions if e.rate_pct] == [
        (D("1675.86"), D("1622.09"), D("96.79")),
        (D("463.92"), D("451.08"), D("97.23")),
        (D("688.35"), D("451.08"), D("65.53")),
    ]


def test_indicator_rows_whose_header_was_lost_are_read_by_their_own_arithmetic() -> None:
    # a sheet flattened in cell order: no header survives, the rows are whole
    r = extract_text(
        "国家基本公共卫生服务 年度 总体 目标\n"
        "指标5:学生体质健康达标率 95.00% 93.10% 3 2.8\n"
        "修缮校舍面积 ≥1200 平方米 1260 平方米 6 项目 绩效 85 分\n"
        "受益学生 4200人 4315人 8 12\n"
        "收入 100万元 90万元，支出 80万元。\n"
    )
    assert _indicators(r) == [
        ("指标5:学生体质健康达标率", D("95.00"), D("93.10"), D("3"), D("2.8"), None),
        ("修缮校舍面积", D("1200"), D("1260"), None, D("6"), "higher"),
        # 12 after 8 cannot be the score of a weight of 8: 8 is the score, 12 is not read
        ("受益学生", D("4200"), D("4315"), None, D("8"), None),
    ]


def test_a_bare_number_straight_after_a_total_cue_is_the_total_score() -> None:
    r = extract_text("项目名称 乡村道路养护 自评总分: 94 项目实施单位 某某镇\n")
    assert r.total_score is not None and r.total_score.score == D("94")
    assert extract_text("总分共计94项目中有3项未完成。\n").total_score is None


def test_a_row_run_together_is_taken_apart_at_its_operator_and_level_words() -> None:
    r = extract_text(
        "绩效指标(90分)一级指标二级指标三级指标指标性质指标值度量单位完成值权重得分\n"
        "产出指标数量指标参保人数覆盖率=100% 100% 30 30 服务次数≤6次 2次 30 28\n"
        "效益指标社会效益指标群众满意率≥90% 95% 30 30\n"
    )
    assert [(i.level1, i.level2) for i in r.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "数量指标"),
        ("效益指标", "社会效益指标"),
    ]
    assert _indicators(r) == [
        ("参保人数覆盖率", D("100"), D("100"), D("30"), D("30"), "equal"),
        ("服务次数", D("6"), D("2"), D("30"), D("28"), "lower"),
        ("群众满意率", D("90"), D("95"), D("30"), D("30"), "higher"),
    ]


def test_a_title_word_before_the_header_is_not_a_column() -> None:
    # the title's 评分 (…评分表) reads like the 得分 column, which the header names again later
    r = extract_text(
        "附表2 项目绩效评价评分表 一级指标 二级指标 三级指标 分值 得分\n"
        "项目决策(10分)  决策依据  立项程序规范性\n"
        "5  4  绩效目标合理性\n"
        "5  5  总分  10  9\n"
    )
    assert [(i.level1, i.name, i.weight, i.score) for i in r.indicators] == [
        ("项目决策", "立项程序规范性", D("5"), D("4")),
        ("项目决策", "绩效目标合理性", D("5"), D("5")),
    ]


def test_a_part_in_a_later_paragraph_joins_the_breakdown_its_share_agrees_with() -> None:
    r = extract_text(
        "2022年度部门整体支出2000.00万元。其中基本支出1200.00万元，占总支出的60.00%。\n"
        "\n"
        "2022年度项目支出800.00万元，占总支出的40.00%，主要用于道路养护。\n"
        "\n"
        "另有培训经费90.00万元，占总支出的5.00%。\n"
    )
    assert _compositions(r) == [
        (
            "部门整体支出",
            D("2000.00"),
            (("基本支出", D("1200.00"), D("60.00")), ("项目支出", D("800.00"), D("40.00"))),
        )
    ]


def test_zhixing_alone_names_the_executed_amount() -> None:
    r = extract_text(
        "年初预算800.00万元，年中调整后预算1000.00万元，全年执行950.00万元，执行率95%。\n"
    )
    assert _executions(r) == [("支出", D("800.00"), D("1000.00"), D("950.00"), D("95"), None, None)]


def test_a_year_total_after_its_parts_in_earlier_sentences() -> None:
    # the parts of the 年初 amount (其中…) are not parts of the year's total
    r = extract_text(
        "2021年初预算收入900.00万元，其中：一般公共预算拨款850.00万元，政府性基金拨款50.00万元。"
        "年中追加100.00万元，全年预算收入1000.00万元。\n"
    )
    assert _compositions(r) == [
        (
            "年初预算收入",
            D("900.00"),
            (("一般公共预算拨款", D("850.00"), None), ("政府性基金拨款", D("50.00"), None)),
        ),
        (
            "预算收入",
            D("1000.00"),
            (("年初预算收入", D("900.00"), None), ("年中追加", D("100.00"), None)),
        ),
    ]


def test_a_weight_glued_to_its_target_is_cut_where_the_target_meets_the_actual() -> None:
    r = extract_text(
        "一级指标\t二级指标\t三级指标\t分值\t年度指标值\t全年实际值\t得分\n"
        "产出指标\t数量指标\t维修道路里程\t612公里\t12.5公里\t6\n"
        "产出指标\t成本指标\t单位维修成本\t43.2万元\t3.1万元\t4\n"
        "产出指标\t数量指标\t培训人次\t1500人次\t498人次\t10\n"
    )
    assert _indicators(r) == [
        ("维修道路里程", D("12"), D("12.5"), D("6"), D("6"), None),
        ("单位维修成本", D("3.2"), D("3.1"), D("4"), D("4"), None),
        # no cut leaves a target near 498: 1500 stays as printed
        ("培训人次", D("1500"), D("498"), None, D("10"), None),
    ]


def test_a_row_printed_after_a_notes_sentence_on_the_same_line() -> None:
    r = extract_text(
        "按完成比例计分,结果取整。 道路验收合格率 100% 98% 9\n"
        "按季度考核,逾期扣分。 群众满意度 ≥90% 96% 10\n"
    )
    assert _indicators(r) == [
        ("道路验收合格率", D("100"), D("98"), None, D("9"), None),
        ("群众满意度", D("90"), D("96"), None, D("10"), "higher"),
    ]


def test_a_blocks_maximum_printed_in_its_title() -> None:
    r = extract_text(
        "预算执行情况(万元)(20分)\t预算数(A)\t执行数(B)\t执行率(B/A)\t得分(20分*执行率)\n"
        "年度财政资金总额\t200\t150\t75%\t15\n"
        "年度绩效目标(80分)\t一级指标\t二级指标\t三级指标\t年初目标值(A)\t实际完成值(B)\t得分\n"
        "\t产出指标\t数量指标\t修缮校舍\t10处\t10处\t40\n"
    )
    assert _executions(r) == [
        ("年度财政资金总额", None, D("200"), D("150"), D("75"), D("20"), D("15"))
    ]
    assert [(s.kind, s.group, s.max, s.score) for s in r.scores] == [
        ("subtotal", "预算执行", D("20"), D("15")),
        ("subtotal", "年度绩效目标", D("80"), None),
    ]


def test_a_group_whose_name_was_lost_is_a_group_not_an_indicator() -> None:
    r = extract_text(
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
        "(60分)\n"
        "数量指标 指标1:办理案件数 ≥900件 1036件 30 30\n"
        "质量指标 指标1:结案率 ≥95% 97% 30 28\n"
        "总分 60 58\n"
    )
    assert [i.name for i in r.indicators] == ["指标1:办理案件数", "指标1:结案率"]
    assert [(s.kind, s.max, s.score) for s in r.scores] == [
        ("total", D("60"), D("58")),
        ("subtotal", D("60"), None),
    ]


def test_each_level_with_its_own_fenzhi_column() -> None:
    # 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 评价标准 | 得分, merged cells left blank
    r = extract_text(
        "一级指标\t分值\t二级指标\t分值\t三级指标\t分值\t评价标准\t得分\n"
        "投入\t15\t预算配置\t15\t在职人员控制率\t8\t不突破编制得满分\t8\n"
        "\t\t\t\t三公经费变动率\t7\t不增长得7分\t6\n"
        "过程\t40\t预算执行\t40\t预算完成率\t40\t全部完成得满分\t38\n"
    )
    assert [(i.level1, i.level2, i.name, i.weight, i.score) for i in r.indicators] == [
        ("投入", "预算配置", "在职人员控制率", D("8"), D("8")),
        ("投入", "预算配置", "三公经费变动率", D("7"), D("6")),
        ("过程", "预算执行", "预算完成率", D("40"), D("38")),
    ]
    assert [(s.kind, s.group, s.max) for s in r.scores] == [
        ("subtotal", "投入", D("15")),
        ("subtotal", "过程", D("40")),
    ]


def test_evidence_keeps_the_words_as_submitted_and_where_they_stand() -> None:
    from selfeval.document import Document, Grid, Paragraph, Place
    from selfeval.extract import extract_document
    from selfeval.record import Source

    grid = Grid(
        rows=(
            ("项目资金（万元）", "全年预算数", "全年执行数", "执行率"),
            ("年度资金总额", "1,200.00", "1,140.00", "95%"),
        ),
        row_places=(Place(page=3, table=2, row=1), Place(page=3, table=2, row=2)),
        place=Place(page=3, table=2),
    )
    doc = Document(
        blocks=(
            Paragraph(
                "本年度收入合计 １，５００．００ 万元，其中财政拨款收入 １，５００．００ 万元。",
                Place(page=2),
            ),
            grid,
        ),
        format="pdf",
    )
    r = extract_document(doc, source=Source("x.pdf", "0" * 64, "pdf", None))
    assert [(c.evidence.text, c.evidence.printed, c.evidence.place) for c in r.compositions] == [
        (
            "本年度收入合计1500.00万元，其中财政拨款收入1500.00万元。",
            "本年度收入合计 １，５００．００ 万元，其中财政拨款收入 １，５００．００ 万元。",
            "第2页",
        )
    ]
    assert [(e.evidence.printed, e.evidence.place) for e in r.executions] == [
        ("年度资金总额 | 1,200.00 | 1,140.00 | 95%", "第3页 表2 第2行")
    ]


def test_parts_each_with_one_qizhong_part_make_a_parallel_breakdown() -> None:
    r = extract_text(
        "东片投资300.5万元(其中设备200.25万元)，西片投资199.5万元(其中设备100.75万元)，"
        "合计投资500万元(其中设备301万元)。\n"
    )
    assert _compositions(r) == [
        ("东片投资", D("300.5"), (("设备", D("200.25"), None),)),
        ("西片投资", D("199.5"), (("设备", D("100.75"), None),)),
        ("合计投资", D("500"), (("设备", D("301"), None),)),
        ("合计投资", D("500"), (("东片投资", D("300.5"), None), ("西片投资", D("199.5"), None))),
        (
            "设备(合计投资)",
            D("301"),
            (("东片投资·设备", D("200.25"), None), ("西片投资·设备", D("100.75"), None)),
        ),
    ]


def test_funds_in_place_and_paid_against_an_approved_investment() -> None:
    r = extract_text(
        "项目批复总投资800万元。截至年底，资金到位800万元，到位率100%；"
        "累计支付652.4万元，支付率81.55%。\n"
    )
    assert _executions(r) == [
        # labelled by what was budgeted (项目批复总投资 less the budget words)
        ("项目", None, D("800"), D("800"), D("100"), None, None),
        ("项目", None, D("800"), D("652.4"), D("81.55"), None, None),
    ]


def test_a_sharing_sites_page_chunk_numbers_are_not_part_of_the_rows() -> None:
    # 1、 opens the title; 2、 begins the second chunk in the middle of a row
    r = extract_text(
        "1、某镇2023年度道路养护项目绩效自评表\n"
        "一级指标二级指标三级指标年度指标值实际完成值分值得分\n"
        "产出指标数量指标养护道路里程≥120公里126公里2020质量指标养护合格率100%\n"
        "2、100%2018\n"
    )
    assert _indicators(r) == [
        ("养护道路里程", D("120"), D("126"), D("20"), D("20"), "higher"),
        ("养护合格率", D("100"), D("100"), D("20"), D("18"), None),
    ]


def test_numbered_lines_that_do_not_open_with_the_title_are_kept() -> None:
    lines = ["部门整体支出绩效自评报告", "1、部门概况", "2、收支情况"]
    assert without_chunk_numbers(lines) == lines
    chunked = ["1、某局2023年度部门整体支出绩效自评报告", "正文。", "2、续表", "3、末页"]
    assert without_chunk_numbers(chunked) == [
        "某局2023年度部门整体支出绩效自评报告",
        "正文。",
        "续表",
        "末页",
    ]


def test_a_page_chunk_that_breaks_a_word_joins_its_line_to_the_one_before() -> None:
    # the site cut 社会效益指标 after 社会效益; the row goes on after the chunk's number
    lines = [
        "1、某校2021年度项目支出绩效自评表",
        "项目效益(30分)社会效益",
        "2、指标提升道路通行能力12通行明显改善改善较好11",
        "3、满意度指标(10分)群众满意度10≥85%91%10",
    ]
    assert without_chunk_numbers(lines) == [
        "某校2021年度项目支出绩效自评表",
        "项目效益(30分)社会效益指标提升道路通行能力12通行明显改善改善较好11",
        "",
        "满意度指标(10分)群众满意度10≥85%91%10",
    ]


def test_a_quantity_with_its_unit_opening_a_name_is_part_of_the_name() -> None:
    r = extract_text(
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n"
        "产出指标数量指标300吨储备粮落实率100%100%\n"
        "产出指标数量指标新建示范户100户104户\n"
    )
    assert _indicators(r) == [
        ("300吨储备粮落实率", D("100"), D("100"), None, None, None),
        ("新建示范户", D("100"), D("104"), None, None, None),
    ]


def test_name_amount_pairs_closed_by_heji_are_a_breakdown_where_they_add_up() -> None:
    r = extract_text(
        "收入构成 支出构成 单位:万元 金额 占比\n"
        "财政拨款 520.5 其他资金 10 合计 530.5 100% 基本支出 400.25 75.4% 项目支出 130.25 24.6% "
        "合计 530.5 100%\n"
    )
    assert _compositions(r) == [
        ("合计", D("530.5"), (("财政拨款", D("520.5"), None), ("其他资金", D("10"), None))),
        (
            "合计",
            D("530.5"),
            (("基本支出", D("400.25"), D("75.4")), ("项目支出", D("130.25"), D("24.6"))),
        ),
    ]


def test_a_total_score_cell_after_other_cells_of_its_row() -> None:
    r = extract_text("| 其他需要说明事项 | 无 | 总分 | 100 | 93.5 | 优 |\n")
    assert r.total_score is not None
    assert (r.total_score.max, r.total_score.score) == (D("100"), D("93.5"))


@pytest.mark.parametrize(
    ("scanned", "read"),
    [
        ("保障学生人数1840人1840人IO", "保障学生人数1840人1840人10"),
        ("在职人员控制率W100%", "在职人员控制率≤100%"),
        ("除以上年预算数计算,XlO0%", "除以上年预算数计算,×100%"),
        ("项日资金(万兀)年初预箅数", "项目资金(万元)年初预算数"),
        # letters that are letters stay: a word, a lone I, a year with a letter O
        ("Excel表格 I 型 Ilya 2O23年", "Excel表格I型Ilya 2O23年"),
    ],
)
def test_ocr_misreadings_next_to_numbers_are_read_as_printed(scanned: str, read: str) -> None:
    assert normalize_line(scanned) == read


def test_a_list_of_parts_interrupted_by_an_explanation_goes_on_where_it_adds_up() -> None:
    r = extract_text(
        "基本支出600.00万元，其中：人员经费520.00万元，主要包括基本工资、津贴补贴等；"
        "公用经费80.00万元，主要包括办公费、差旅费等。\n"
    )
    assert _compositions(r) == [
        (
            "基本支出",
            D("600.00"),
            (("人员经费", D("520.00"), None), ("公用经费", D("80.00"), None)),
        ),
    ]


def test_a_share_of_a_total_named_with_or_without_its_year_and_total_words() -> None:
    r = extract_text("本年支出合计2000.00万元。财政拨款支出1800.00万元，占本年支出合计的90%。\n")
    assert _compositions(r) == [
        ("财政拨款支出占本年支出", D("2000.00"), (("财政拨款支出", D("1800.00"), D("90")),)),
    ]


def test_juesuan_alone_is_the_executed_amount() -> None:
    r = extract_text("财政拨款支出年初预算1000.00万元，决算1100.00万元，完成年初预算的110%。\n")
    assert [
        (e.budget and e.budget.wan, e.executed and e.executed.wan, e.rate_pct) for e in r.executions
    ] == [(D("1000.00"), D("1100.00"), D("110"))]


def test_criteria_table_rows_run_together_and_wrapped() -> None:
    r = extract_text(
        "整体支出绩效评价指标表一级指标分值二级指标分值三级指标分值评价标准指标说明得分\n"
        "投入20预算配置20人员控制率10实有人数不超编制的得满分,即人员控制率≤100%;超编扣分。\n"
        "人员控制率=实有人数/编制数×100%。10\n"
        "公用经费控制率10公用经费不超预算得满分;每超1%扣1分。8\n"
        "过程30资金管理30资金使用合规性30支出符合规定,每发现一例扣1分。\n"
        "以财政检查结果为准。28\n"
    )
    assert [
        (i.level1, i.level2, i.name, i.weight, i.score, i.target_op, i.target_value)
        for i in r.indicators
    ] == [
        ("投入", "预算配置", "人员控制率", D("10"), D("10"), "≤", D("100")),
        ("投入", "预算配置", "公用经费控制率", D("10"), D("8"), None, None),
        ("过程", "资金管理", "资金使用合规性", D("30"), D("28"), None, None),
    ]
    assert [(s.group, s.kind, s.max, s.score) for s in r.scores] == [
        ("投入", "subtotal", D("20"), None),
        ("过程", "subtotal", D("30"), None),
    ]


def test_the_same_words_as_target_and_actual_run_together_are_cut_apart() -> None:
    r = extract_text(
        "一级指标二级指标三级指标年度指标值实际完成值分值得分\n"
        "产出指标数量指标更新设备40件40件2020\n"
        "质量指标设备采购验收质量合格合格2018\n"
    )
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in r.indicators] == [
        ("更新设备", "40件", "40件", D("20"), D("20")),
        ("设备采购验收质量", "合格", "合格", D("20"), D("18")),
    ]


def test_a_greater_equal_sign_read_as_2_before_a_rate_target() -> None:
    r = extract_text(
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "满意度指标\t服务对象满意度\t群众满意度\t290%\t93%\t10\t10\n"
        "产出指标\t数量指标\t覆盖率\t100%\t100%\t10\t10\n"
    )
    assert [(i.name, i.target, i.target_op, i.target_value, i.direction) for i in r.indicators] == [
        ("群众满意度", "290%", "≥", D("90"), "higher"),
        ("覆盖率", "100%", None, D("100"), None),
    ]


def test_two_numbered_names_before_their_values_take_them_in_order() -> None:
    # a sheet printed column by column: both names first, then each one's values
    r = extract_text(
        "指标1:签约服务人数 指标2:健康管理人数 2356人 2187人 2 1.8\n"
        "542人 410人 2 1.5\n"
        "指标3:规范管理例数 9例 9例 2 2\n"
    )
    assert _indicators(r) == [
        ("指标1:签约服务人数", D("2356"), D("2187"), D("2"), D("1.8"), None),
        ("指标2:健康管理人数", D("542"), D("410"), D("2"), D("1.5"), None),
        ("指标3:规范管理例数", D("9"), D("9"), D("2"), D("2"), None),
    ]


def test_a_funds_row_run_together_with_the_rate_as_a_ratio() -> None:
    # 执行率(B/A) printed as the ratio 1, the block's 分值 in its title; a target's number after
    # a word is no funds row
    r = extract_text(
        "预算执行情况(万元)(20分)预算数(A)执行数(B)执行率(B/A)得分(20分*执行率)\n"
        "年度财政资金总额2.842.84120\n"
        "年度绩效目标1(80分)一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分\n"
    )
    assert _executions(r) == [
        ("年度财政资金总额", None, D("2.84"), D("2.84"), D("100"), D("20"), D("20")),
    ]


def test_a_blocks_numbered_title_cut_apart_and_three_labels_before_a_name() -> None:
    r = extract_text(
        "年度绩效目标1(40分)一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分\n"
        "效益指标满意度指标服务对象满意度指标用水部门满意度97%97%19.4\n"
    )
    assert [(s.group, s.kind, s.max) for s in r.scores if s.kind == "subtotal"] == [
        ("年度绩效目标1", "subtotal", D("40")),
    ]
    assert [
        (i.level1, i.level2, i.name, i.target_value, i.actual_value, i.score) for i in r.indicators
    ] == [
        # 满意度指标 is a 一级指标 in most forms: the later of two top-level words wins
        ("满意度指标", "服务对象满意度指标", "用水部门满意度", D("97"), D("97"), D("19.4")),
    ]


def test_an_amount_per_head_is_an_indicators_measure_not_money() -> None:
    r = extract_text("生均公用经费拨付标准年初目标≥800元/生，实际按800元/生足额安排。\n")
    assert [
        (i.name, i.target_value, i.actual_value, i.unit, i.direction) for i in r.indicators
    ] == [
        ("生均公用经费拨付标准", D("800"), D("800"), "元/生", "higher"),
    ]
    assert r.executions == () and r.compositions == ()


def test_a_total_all_of_one_kind_is_its_only_part() -> None:
    r = extract_text("2023年度收入合计1500.25万元，全部为财政拨款收入，占收入合计的100%。\n")
    assert _compositions(r) == [
        ("收入合计", D("1500.25"), (("财政拨款收入", D("1500.25"), D("100")),)),
    ]


def test_a_parts_own_rate_links_its_budget_and_executed_parts() -> None:
    r = extract_text(
        "全年预算数为800.00万元，其中基本支出300.00万元，项目支出500.00万元；"
        "全年执行数为780.00万元，其中基本支出300.00万元，项目支出480.00万元，"
        "预算执行率为97.5%，其中项目支出执行率为96%。\n"
    )
    assert _executions(r) == [
        ("支出", None, D("800.00"), D("780.00"), D("97.5"), None, None),
        ("项目支出", None, D("500.00"), D("480.00"), D("96"), None, None),
    ]


def test_groups_printed_as_their_maximum_alone_take_their_name_from_their_second_level() -> None:
    r = extract_text(
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "(60分)\n"
        "数量指标\t培训人数\t≥900人\t1036人\t30\t30\n"
        "质量指标\t合格率\t100%\t100%\t30\t30\n"
        "(30分)\n"
        "社会效益指标\t群众权益保障\t有效保障\t有效保障\t30\t28\n"
    )
    assert [(i.level1, i.level2, i.name) for i in r.indicators] == [
        ("产出指标", "数量指标", "培训人数"),
        ("产出指标", "质量指标", "合格率"),
        ("效益指标", "社会效益指标", "群众权益保障"),
    ]
    assert [(s.group, s.kind, s.max) for s in r.scores] == [
        ("产出指标", "subtotal", D("60")),
        ("效益指标", "subtotal", D("30")),
    ]


def test_a_change_whose_current_value_is_stated_in_another_sentence() -> None:
    r = extract_text(
        "与上年相比，本年收入合计增加100.00万元，增长5%。\n本年收入合计2100.00万元，其中：财政拨款收入2100.00万元。\n"
    )
    assert _changes(r) == [("本年收入合计", D("2100.00"), D("100.00"), D("5"))]


def test_a_funds_rows_values_after_its_header_on_the_same_line() -> None:
    r = extract_text(
        "项目资金(万元)年度资金总额年初预算数调整预算数(A)全年执行数(B)执行率(B/A)48.550.250.2100%\n"
    )
    assert [
        (
            e.initial_budget and e.initial_budget.wan,
            e.budget and e.budget.wan,
            e.executed and e.executed.wan,
            e.rate_pct,
        )
        for e in r.executions
    ] == [(D("48.5"), D("50.2"), D("50.2"), D("100"))]


def test_a_labels_bracketed_note_and_numbers_apart_by_spaces_stay_apart() -> None:
    r = extract_text(
        "一级指标二级指标三级指标指标值完成值权重得分\n"
        "效益指标经济效益指标年末结余率(结余数/预算数)≤5% 0% 22.5 22.5\n"
    )
    assert [(i.name, i.target_value, i.actual_value, i.weight, i.score) for i in r.indicators] == [
        ("年末结余率(结余数/预算数)", D("5"), D("0"), D("22.5"), D("22.5")),
    ]


def test_parts_printed_above_a_funds_block_break_down_its_executed_amount() -> None:
    r = extract_text(
        "基本支出总额 | 800.5万 | 项目支出总额 | 200万 |\n"
        "预算执行情况(万元) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 |\n"
        "部门整体支出总额 | 1000 | 1000.5 | 100.1% | 20 |\n"
    )
    assert _compositions(r) == [
        (
            "部门整体支出总额(执行数)",
            D("1000.5"),
            (("基本支出总额", D("800.5"), None), ("项目支出总额", D("200"), None)),
        ),
    ]


def test_a_month_between_target_and_actual_is_not_the_actual() -> None:
    r = extract_text("在校学生人数:年度目标≥2600人,6月末在校学生2648人;\n")
    assert _indicators(r) == [("在校学生人数", D("2600"), D("2648"), None, None, "higher")]


def test_a_names_bracketed_note_after_a_space_stays_with_the_name() -> None:
    r = extract_text(
        "一级指标 二级指标 三级指标 分值 得分\n"
        "项目决策 科学决策 必要性 (政策依据) 5 5\n"
        "可行性 (政策完善) 5 4\n"
    )
    assert [(i.name, i.weight, i.score) for i in r.indicators] == [
        ("必要性(政策依据)", D("5"), D("5")),
        ("可行性(政策完善)", D("5"), D("4")),
    ]


def test_a_funds_block_without_its_scores_takes_the_stated_budget_execution_score() -> None:
    r = extract_text(
        "项目资金(万元)\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "年度资金总额\t100\t120\t118.8\t\t99%\t\n"
        "全年预算执行得分9.9分(满分10分)。\n"
    )
    assert _executions(r) == [
        ("年度资金总额", D("100"), D("120"), D("118.8"), D("99"), D("10"), D("9.9"))
    ]


def test_a_row_run_together_with_dates_and_a_note_sentence_after_its_values() -> None:
    r = extract_text(
        "一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施\n"
        "时效指标培训完成时间11月底前12月中旬2016受演出任务影响,跟团学习延后\n"
    )
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in r.indicators] == [
        ("培训完成时间", "11月底前", "12月中旬", D("20"), D("16")),
    ]


def test_a_total_including_a_part_takes_the_rest_where_the_report_states_it() -> None:
    r = extract_text(
        "本年收入1500.00万元。\n全年财政资金收入1550.50万元(含上年结转50.50万元)，支出1400.00万元。\n"
    )
    assert _compositions(r) == [
        (
            "财政资金收入(含上年结转)",
            D("1550.50"),
            (("收入", D("1500.00"), None), ("上年结转", D("50.50"), None)),  # label less 本年
        ),
    ]


def test_an_amount_not_named_a_budget_is_one_where_a_two_decimal_rate_agrees() -> None:
    r = extract_text(
        "按每生每年800元的标准安排，共计174.40万元。\n该项目实际支出168.73万元，预算执行率96.75%。\n"
    )
    assert [
        (e.budget and e.budget.wan, e.executed and e.executed.wan, e.rate_pct) for e in r.executions
    ] == [
        (D("174.40"), D("168.73"), D("96.75")),
    ]


def test_a_number_after_a_target_in_words_is_the_score_where_a_score_column_follows() -> None:
    # the placeholder 一 run into the criteria, then 得分; the 项 of 项目 is no unit of the 4
    r = extract_text(
        "一级指标二级指标三级指标考核分值指标值(A)全年实际值(B)得分\n"
        "项目决策(12分)项目目标完整性6一目标清晰、指标可衡量5项目立项必要性3一符合部门职责3\n"
        "项目管理(20分)财务管理财务管理制度有效性8一账目清楚、手续齐全8\n"
        "项目产出(40分)时效指标(6分)工程完工时间62022年10月2022年12月5\n"
    )
    assert [
        (i.level1, i.level2, *row) for i, row in zip(r.indicators, _indicators(r), strict=True)
    ] == [
        ("项目决策", None, "项目目标完整性", None, None, D("6"), D("5"), "text"),
        ("项目决策", "项目立项", "必要性", None, None, D("3"), D("3"), "text"),
        ("项目管理", "财务管理", "财务管理制度有效性", None, None, D("8"), D("8"), "text"),
        # 分值 6 run into a date: the date is the target, not a quantity of 62022 年
        ("项目产出", "时效指标", "工程完工时间", None, None, D("6"), D("5"), "text"),
    ]
    assert [s.group for s in r.scores] == ["项目决策", "项目管理", "项目产出"]
    assert [s.max for s in r.scores] == [D("12"), D("20"), D("40")]


def test_a_rows_scores_wrapped_to_their_own_line_are_two_values_not_a_page_number() -> None:
    # `5 4` alone on a line: the row's 分值 and 得分, neither a page's number nor 54
    r = extract_text(
        "评分表 一级指标 二级指标 三级指标 分值 得分\n"
        "项目决策(12 分)立项程序规范性\n"
        "6 6 方案可行性\n"
        "6 3\n"
        "— 2 —\n"
    )
    assert _indicators(r) == [
        ("立项程序规范性", None, None, D("6"), D("6"), None),
        ("方案可行性", None, None, D("6"), D("3"), None),
    ]
    assert is_page_marker("— 2 —") and is_page_marker("16")
    assert not is_page_marker("5 4")


def test_a_header_printed_on_the_line_of_the_first_row_does_not_take_its_level_as_a_name() -> None:
    # the header's last cells (指标性质 | 指标值 | 度量单位) and then the first row, on one line
    r = extract_text(
        "| 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 "
        "| 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 资助困难家庭户数 "
        "| ≧ | 385 | 户 | 392 | 15 | 15 |\n"
        "| 质量指标 | 补助发放准确率 | ≧ | 98 | % | 99% | 15 | 14 |\n"
    )
    assert [
        (i.level1, i.level2, *row) for i, row in zip(r.indicators, _indicators(r), strict=True)
    ] == [
        (
            "产出指标",
            "数量指标",
            "资助困难家庭户数",
            D("385"),
            D("392"),
            D("15"),
            D("15"),
            "higher",
        ),
        ("产出指标", "质量指标", "补助发放准确率", D("98"), D("99"), D("15"), D("14"), "higher"),
    ]


def test_score_rows_interleaved_with_their_criteria_are_read_by_their_shape() -> None:
    # a PDF's columns came out line by line: each row's name, 分值 and 自评分 among the
    # criteria's sentences, a group's label (项目管理 12 分) after its first row
    r = extract_text(
        "某县2022年度道路养护项目自评表\n"
        "项目权重 评价内容 分值 自评分 项目决策 4 分 方案论证 4 3\n"
        "复核分 评价标准及依据 有论证报告的得 4 分,缺失不得分。 制定资金办法得 2 分;\n"
        "资金办法 5 5 办法经审定的得 1 分;有使用台账得 2 分。 档案管理 项目管理 12 分 3 3\n"
        "按月归档得 1 分; 质量监督 4 2 按期抽检\n"
        "— 1 —\n"
    )
    assert [(i.level1, *row) for i, row in zip(r.indicators, _indicators(r), strict=True)] == [
        ("项目决策", "方案论证", None, None, D("4"), D("3"), None),
        # 项目管理's 12 = 5 + 3 + 4: 资金办法 is its row, though printed before its label
        ("项目管理", "资金办法", None, None, D("5"), D("5"), None),
        ("项目管理", "档案管理", None, None, D("3"), D("3"), None),
        ("项目管理", "质量监督", None, None, D("4"), D("2"), None),
    ]
    assert [(s.group, s.kind, s.max, s.score) for s in r.scores] == [
        ("项目决策", "subtotal", D("4"), None),
        ("项目管理", "subtotal", D("12"), None),
    ]


def test_a_weight_run_into_a_target_whose_greater_equal_ocr_read_as_2() -> None:
    # 6290% before 94% and 得分 6: 分值 6 and ≥90% (a ≥ read as 2), not 分值 62 and 90%;
    # 62023年10月31日前 is 分值 6 and a date, and 11月20日 is one date
    r = extract_text(
        "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及改进措施\n"
        "产出指标(24分)质量指标指标1疫苗免疫合格率6290%94%6\n"
        "时效指标指标1补贴发放完成时间62023年10月31日前11月20日4部分乡镇材料报送滞后\n"
        "满意度指标(15分)服务对象满意度种植户满意度15285%88%15\n"
    )
    assert [
        (i.target, i.actual, *row) for i, row in zip(r.indicators, _indicators(r), strict=True)
    ] == [
        ("290%", "94%", "指标1疫苗免疫合格率", D("90"), D("94"), D("6"), D("6"), "higher"),
        (
            "2023年10月31日前",
            "11月20日",
            "指标1补贴发放完成时间",
            None,
            None,
            D("6"),
            D("4"),
            "text",
        ),
        ("285%", "88%", "种植户满意度", D("85"), D("88"), D("15"), D("15"), "higher"),
    ]


def test_a_numbered_name_ending_its_line_takes_the_first_of_two_value_groups_after_the_next() -> (
    None
):
    # a sheet printed column by column: 指标14 ends its line (its last word apart), and the
    # next name is followed by two value groups, the first of them 指标14's (片 as in 片数)
    r = extract_text(
        "指标13:农技人员入户指导人数 1800人 1765人 3 2.9\n"
        "指标14:病虫害统防统治示范 片数\n"
        "指标15:测土配方施肥技术培训次数 6片 6片 2 2 24次 26次 2 2\n"
        "指标16:新型职业农民培育人数 150人 152人 3 3 指标17:高标准农田建设亩数\n"
        "指标18:农产品抽检批次 40批 42批 2 2\n"
    )
    assert _indicators(r) == [
        ("指标13:农技人员入户指导人数", D("1800"), D("1765"), D("3"), D("2.9"), None),
        ("指标14:病虫害统防统治示范片数", D("6"), D("6"), D("2"), D("2"), None),
        ("指标15:测土配方施肥技术培训次数", D("24"), D("26"), D("2"), D("2"), None),
        ("指标16:新型职业农民培育人数", D("150"), D("152"), D("3"), D("3"), None),
        # 指标17 ended its line after values that were 指标16's: one group follows 指标18,
        # so 指标17 takes nothing rather than 指标18's values
        ("指标18:农产品抽检批次", D("40"), D("42"), D("2"), D("2"), None),
    ]


def test_a_sheet_printed_column_by_column_pairs_names_targets_and_values_by_number() -> None:
    # names (指标3 printed last), then the targets, then each actual with 分值 and 得分, header
    # words among them; 指标5 is an ordinary row again
    r = extract_text(
        "指标1:新建村级卫生室数量 12个 指标2:培训乡村医生人次 不少于300人次\n"
        "不少于20次 8所 二级指标 三级指标 指标4:帮扶学校数量 分值 得分 13个 3 3 320人次 2 2\n"
        "22次 2 1.5 8所 2 2 指标3:巡回医疗次数\n"
        "指标5:群众满意度 90% 93% 2 2\n"
    )
    assert _indicators(r) == [
        ("指标1:新建村级卫生室数量", D("12"), D("13"), D("3"), D("3"), None),
        ("指标2:培训乡村医生人次", D("300"), D("320"), D("2"), D("2"), "higher"),
        ("指标3:巡回医疗次数", D("20"), D("22"), D("2"), D("1.5"), "higher"),
        ("指标4:帮扶学校数量", D("8"), D("8"), D("2"), D("2"), None),
        ("指标5:群众满意度", D("90"), D("93"), D("2"), D("2"), None),
    ]


def test_columns_whose_units_disagree_are_not_paired() -> None:
    # the same shape, but 指标2's target is in 种 and the second value group in 次: no block
    r = extract_text(
        "指标1:新建村级卫生室数量 12个 指标2:发放宣传资料种类 不少于12种\n13个 3 3 14次 1 1\n"
    )
    assert _indicators(r) == []


def test_the_one_initial_budget_stated_apart_is_the_main_executions() -> None:
    r = extract_text(
        "一、预算编制情况\n"
        "年初预算1480.20万元，年中因新增任务追加预算。\n"
        "二、预算执行情况\n"
        "全年预算数1712.60万元，全年支出1690.35万元，预算执行率98.70%。\n"
    )
    assert _executions(r) == [
        ("支出", D("1480.20"), D("1712.60"), D("1690.35"), D("98.70"), None, None),
    ]
    # two initial budgets: which one the year's budget came from is not known
    two = extract_text(
        "年初预算收入1200.00万元，年初预算支出1250.00万元。\n"
        "全年预算数1712.60万元，全年支出1690.35万元，预算执行率98.70%。\n"
    )
    assert [x.initial_budget for x in two.executions if x.executed is not None] == [None]


def test_a_forms_instruction_states_no_figures() -> None:
    r = extract_text(
        "全年预算数100.00万元，全年支出96.00万元，预算执行率96.00%。\n"
        "填表说明：执行率低于85%的需说明原因（200字以内）；预算有调整的应单独说明。\n"
    )
    assert _executions(r) == [
        ("支出", None, D("100.00"), D("96.00"), D("96.00"), None, None),
    ]


def test_a_lone_total_is_the_weights_total_where_the_rows_weights_add_up_to_it() -> None:
    header = "一级指标\t二级指标\t三级指标\t指标值\t完成值\t分值\t得分\n"
    blank = extract_text(
        header
        + "产出指标\t数量指标\t培训覆盖率\t=100%\t100%\t70\t\n"
        + "效益指标\t社会效益指标\t群众知晓率\t≥90%\t95%\t30\t\n"
        + "合计\t\t\t\t\t100\t\n"
    )
    assert blank.total_score is None
    assert [(s.kind, s.max, s.score) for s in blank.scores if s.kind == "total"] == [
        ("total", D("100"), None)
    ]
    # 96 is no sum of the 分值 (70 + 30): it stays the 得分, though the rows' 得分 add to 95.5
    scored = extract_text(
        header
        + "产出指标\t数量指标\t培训覆盖率\t=100%\t100%\t70\t68\n"
        + "效益指标\t社会效益指标\t群众知晓率\t≥90%\t95%\t30\t27.5\n"
        + "合计\t\t\t\t\t\t96\n"
    )
    total = scored.total_score
    assert total is not None and (total.score, total.max) == (D("96"), None)


def test_zipped_pairs_share_their_unit_their_sign_and_their_names_tail() -> None:
    # 3210.40 takes the 万元 of the amount it is listed with; 各减少 and 各下降 sign both members
    r = extract_text(
        "本年度收、支总计各是3210.40,3198.75万元。与上年相比，收、支总计各减少420.60,"
        "455.10万元，各下降11.58%、12.45%。\n"
    )
    assert _changes(r) == [
        ("收总计", D("3210.40"), D("-420.60"), D("-11.58")),
        ("支总计", D("3198.75"), D("-455.10"), D("-12.45")),
    ]


def test_a_pdfs_decimal_digit_groups_join_but_two_numbers_stay_two() -> None:
    # 532.418 7 is 532.4187 (万元 to the 元, printed in threes); 64.275 10 is an amount, then 分值
    header = "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
    grouped = extract_text(header + "年度资金总额 532.418 7 532.418 7 532.418 7 10 100% 10\n")
    assert _executions(grouped) == [
        ("年度资金总额", D("532.4187"), D("532.4187"), D("532.4187"), D("100"), D("10"), D("10"))
    ]
    two = extract_text(header + "年度资金总额 70 64.275 64.275 10 100% 10\n")
    assert _executions(two) == [
        ("年度资金总额", D("70"), D("64.275"), D("64.275"), D("100"), D("10"), D("10"))
    ]


def test_a_pipe_table_printed_one_cell_per_line_keeps_blank_cells_and_split_targets() -> None:
    cells = [
        "预算执行情况(10分)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重",
        "得分", "原因", "总额", "142.60", "155.08", "155.08", "100.00%", "10", "",
        "绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位",
        "实际完成值", "权重", "得分", "产出指标", "数量指标", "补助发放覆盖率", "=", "100", "%", "",
        "55", "", "效益指标", "社会效益指标", "政策知晓率", "≥", "95", "%", "97%", "35", "35",
    ]  # fmt: skip
    r = extract_text("".join(f"{c} |\n" if c else "|\n" for c in cells))
    assert _executions(r) == [
        ("总额", D("142.60"), D("155.08"), D("155.08"), D("100.00"), D("10"), None),
    ]
    # the blank actual and 得分 stay blank: 55 is the 分值, not the actual
    assert _indicators(r) == [
        ("补助发放覆盖率", D("100"), None, D("55"), None, "equal"),
        ("政策知晓率", D("95"), D("97"), D("35"), D("35"), "higher"),
    ]


def test_a_rows_name_after_the_last_rows_values_is_no_note_when_its_own_values_follow() -> None:
    # a whole form on one line: 采购程序规范性 opens the next row (its targets in words, then
    # 分值 and 得分), it is not the 偏差原因 note of the row before
    r = extract_text(
        "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
        "产出指标(45分) 质量指标 检测报告合格率 ≥98% 99% 9 9 采购程序规范性 按规定程序采购 "
        "符合要求 9 8 时效指标 设备到位及时性 按期到位 基本按期 9 7\n"
    )
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in r.indicators] == [
        ("检测报告合格率", "≥98%", "99%", D("9"), D("9")),
        ("采购程序规范性", "按规定程序采购", "符合要求", D("9"), D("8")),
        ("设备到位及时性", "按期到位", "基本按期", D("9"), D("7")),
    ]


def test_a_score_wrapped_to_the_start_of_the_next_rows_line_is_the_rows_above() -> None:
    # PDF text: each row's 得分 starts the next line, before the next row's label and 分值
    r = extract_text(
        "2023年部门整体支出绩效评价得分表 一级指标 二级指标 三级指标 得分 "
        "部门决策(20 分) 职责履行(12 分) 依据充分性(4 分)\n"
        "4 指标清晰度(4 分)\n"
        "3.5 目标适当性(4 分)\n"
        "4 预算编制(8 分) 编制准确性(4 分)\n"
        "3 编制完整性(4 分)\n"
        "2\n"
    )
    assert [(i.level2, *row) for i, row in zip(r.indicators, _indicators(r), strict=True)] == [
        ("职责履行", "依据充分性", None, None, D("4"), D("4"), None),
        ("职责履行", "指标清晰度", None, None, D("4"), D("3.5"), None),
        ("职责履行", "目标适当性", None, None, D("4"), D("4"), None),
        ("预算编制", "编制准确性", None, None, D("4"), D("3"), None),
        ("预算编制", "编制完整性", None, None, D("4"), D("2"), None),
    ]
    # a group's label the lexicon does not know still ends with its (12 分)
    other = extract_text(
        "得分表 一级指标 二级指标 三级指标 得分 部门决策(20 分) 目标设定(12 分) 依据充分性(4 分)\n"
        "4 指标清晰度(4 分)\n"
        "3\n"
    )
    assert [(i.level2, i.name, i.weight, i.score) for i in other.indicators] == [
        ("目标设定", "依据充分性", D("4"), D("4")),
        ("目标设定", "指标清晰度", D("4"), D("3")),
    ]


def test_a_score_table_with_a_serial_column_two_criteria_columns_and_wrapped_scores() -> None:
    # 序号 opens each row; 指标解释 and 指标说明及评分标准 are notes; a criterion's (3分) is no
    # row; a row's 得分 may wrap to a line of its own
    r = extract_text(
        "序号 | 一级指标 | 二级指标 | 三级指标 | 指标分值 | 指标解释 | 指标说明及评分标准 | 自评得分 |\n"
        "1 | 履职基础(12分) |\n"
        "制度建设(3分) | 制度健全性 | 3 | 内控制度是否健全、有效。 | 1、制度健全(1分);2、执行有效(2分)。 |\n"
        "2 |\n"
        "2 | 计划管理(9分) | 计划完整性 | 5 | 年度计划是否覆盖主要职责。 | 计划覆盖主要职责(5分) | 5 | |\n"
        "3 | 计划明确性 | 4 | 年度计划是否分解到岗。 | 计划分解到岗(4分) | 3 | |\n"
    )
    assert [(i.name, i.weight, i.score) for i in r.indicators if i.name != "履职基础"] == [
        ("制度健全性", D("3"), D("2")),
        ("计划完整性", D("5"), D("5")),
        ("计划明确性", D("4"), D("3")),
    ]


def test_a_total_and_its_parts_apart_by_how_they_changed() -> None:
    # the total, a sentence on its change, then 其中 with each part's change after it
    r = extract_text(
        "1、收入：615.40万元。同比上年度减少38.20万元，下降5.84%。其中：财政拨款收入580.40万元，"
        "同比上年度减少30.10万元，下降4.93%；其他收入35.00万元。\n"
    )
    assert [
        (c.label, _w(c.total), [(p.name, _w(p.amount)) for p in c.parts]) for c in r.compositions
    ] == [("决算收入", D("615.40"), [("财政拨款收入", D("580.40")), ("其他收入", D("35.00"))])]
    assert _changes(r) == [
        ("收入", D("615.40"), D("-38.20"), D("-5.84")),
        ("财政拨款收入", D("580.40"), D("-30.10"), D("-4.93")),
    ]


def test_the_unit_is_the_name_before_the_year_in_the_title() -> None:
    def unit(title: str) -> tuple[str | None, str | None, str | None]:
        u = extract_text(
            title + "\n一、基本情况\n本单位隶属于县委，设办公室、综合科、信息中心3个科室。\n"
        ).unit
        return (u.name, u.district, u.city)

    assert unit("某州信息化服务中心2024年度项目支出绩效单位自评报告") == (
        "某州信息化服务中心",
        None,
        None,
    )
    assert unit("某县政协2024年部门整体支出绩效评价报告") == ("某县政协", None, None)
    # a title that names city, district and unit is split as elsewhere
    assert unit("某某市某某区东山街道办事处2023年度部门整体支出绩效自评报告") == (
        "东山街道办事处",
        "某某区",
        "某某市",
    )
    # a title that names only the place: the unit is the one named below it
    placed = extract_text(
        "某某县2021年度部门整体支出绩效评价自评报告\n部门(单位)名称: 某某县东山镇人民政府\n"
    ).unit
    assert (placed.name, placed.district, placed.city) == ("东山镇人民政府", "某某县", None)
    # no unit before the year, and none the body names with its district: none
    assert unit("2024年部门整体支出绩效自评报告") == (None, None, None)


def test_review_cases_that_must_not_be_misread() -> None:
    # a thousands group spaced after its comma is one amount, not a list of two
    r = extract_text("年度预算数1, 234.56万元，实际支出1, 200万元，预算执行率97.21%。\n")
    assert _executions(r) == [("支出", None, D("1234.56"), D("1200"), D("97.21"), None, None)]
    # whole names listed before 分别 share no tail
    r = extract_text("工资福利支出、商品和服务支出分别为100、200万元，分别增加10、20万元。\n")
    assert [c.label for c in r.changes] == ["工资福利支出", "商品和服务支出"]
    # a tab row keeps its blank cells' places: 12 is the actual, 分值 and 得分 are blank
    r = extract_text("三级指标\t年度指标值\t实际完成值\t分值\t得分\n培训次数\t按计划开展\t12\t\t\n")
    assert [(i.target, i.actual, i.weight, i.score) for i in r.indicators] == [
        ("按计划开展", "12", None, None)
    ]
    # an initial budget stated as a part (其中…) is no execution's
    r = extract_text(
        "全年预算数1500万元，实际支出1400万元，预算执行率93.33%。\n其中：年初预算安排项目支出500万元。\n"
    )
    assert [_w(e.initial_budget) for e in r.executions] == [None]
    # an instruction in brackets removes its own clause's figure only
    r = extract_text(
        "收入合计1200万元，其中财政拨款1000万元，其他收入200万元，较上年增加50万元(应单独说明)。\n"
    )
    assert [(c.label, [p.name for p in c.parts]) for c in r.compositions] == [
        ("决算收入", ["财政拨款", "其他收入"])
    ]
    # 4项 before 目标完成 keeps its unit (项目标 opens no word)
    r = extract_text(
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n产出指标数量指标完成重点任务数≥4项4项\n"
    )
    assert [(i.name, i.target, i.actual) for i in r.indicators] == [
        ("完成重点任务数", "≥4项", "4项")
    ]


def test_columns_whose_order_the_units_cannot_tell_are_left_out() -> None:
    # every name counts in 个: which of 指标3 and 指标4 came third is unknown, so the block is
    # left out rather than guessed
    r = extract_text(
        "指标1:新建卫生室 12个 指标2:新建文化站 不少于30个\n"
        "8个 不少于20个 二级指标 三级指标 指标4:改造校舍 分值 得分 13个 3 3 32个 2 2\n"
        "8个 2 2 22个 2 1.5 指标3:新建公厕\n"
    )
    assert _indicators(r) == []
