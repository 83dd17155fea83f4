"""Every check: a broken copy of seed text yields exactly the expected findings.

Each case edits a repaired seed (its real inconsistency fixed, so it has no finding) and asserts
the whole table of findings — check, severity, subject, observed, expected. The clean side of
every case is `test_repaired_seed_has_no_finding_at_all` in test_checks_seeds.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from check_support import SEED_000, SEED_001, D, Edit, Row, clean, table

from selfeval.checks import check_record

pytestmark = pytest.mark.unit

CASES: dict[str, tuple[Path, list[Edit], list[Row]]] = {
    "composition.shares_sum": (
        SEED_000,
        [("占本年收入 0.06%", "占本年收入 0.60%")],
        [
            (
                "composition.share_matches_amount",
                "error",
                "决算收入/其他收入",
                D("0.60"),
                D("0.06"),
            ),
            ("composition.shares_sum", "error", "决算收入", D("100.54"), D("100")),
        ],
    ),
    "composition.share_matches_amount": (
        SEED_000,
        [("99. 94%", "99. 90%"), ("占本年收入 0.06%", "占本年收入 0.10%")],
        [
            (
                "composition.share_matches_amount",
                "error",
                "决算收入/其他收入",
                D("0.10"),
                D("0.06"),
            ),
            (
                "composition.share_matches_amount",
                "error",
                "决算收入/财政拨款收入",
                D("99.90"),
                D("99.94"),
            ),
        ],
    ),
    "composition.parts_sum": (
        SEED_001,
        [("其他资金支出 62.16 万元", "其他资金支出 72.16 万元")],
        [("composition.parts_sum", "error", "支出按资金来源", D("11516.76"), D("11526.76"))],
    ),
    "execution.rate_matches": (
        SEED_001,
        [("完成预算的 98.76%", "完成预算的 97.76%")],
        [("execution.rate_matches", "error", "支出", D("97.76"), D("98.76"))],
    ),
    # One typo in the score table breaks the item's maximum, the headings and the total.
    "score.within_max": (
        SEED_001,
        [("\t3.5\t4\t14", "\t4.5\t4\t14")],
        [
            ("score.items_sum_total", "error", "合计", D("97.38"), D("98.38")),
            ("score.within_max", "error", "预算执行", D("4.5"), D("4")),
            ("section_score.matches_table", "error", "管理效能", D("47.5"), D("48.5")),
            ("section_score.matches_table", "error", "预算执行", D("3.5"), D("4.5")),
        ],
    ),
    "score.items_sum_total": (
        SEED_001,
        [("4\t97.38", "4\t96.38")],
        [
            ("score.items_sum_total", "error", "合计", D("96.38"), D("97.38")),
            ("score.total_matches_table", "error", "总分", D("97.38"), D("96.38")),
        ],
    ),
    "score.total_range": (
        SEED_000,
        [("整体自评得分97分", "整体自评得分107分")],
        [("score.total_range", "error", "总分", D("107"), D("100"))],
    ),
    "section_score.matches_table": (
        SEED_001,
        [("得分为 9 分", "得分为 8 分")],
        [("section_score.matches_table", "error", "资产管理", D("8"), D("9"))],
    ),
    "carryover.continuity": (
        SEED_000,
        [("2023年年末结转结余5.76万元", "2023年年末结转结余5.77万元")],
        [("carryover.continuity", "error", "2024年年初结转和结余", D("5.76"), D("5.77"))],
    ),
    "submission.required_fields": (
        SEED_000,
        [("整体自评得分97分,", "")],
        [("submission.required_fields", "warning", "total_score", None, None)],
    ),
    "indicator.completion_bounds": (
        SEED_000,
        [("完成率≥90%\t完成率=100%\t100%", "完成率≥90%\t完成率=100%\t300%")],
        [("indicator.completion_bounds", "error", "财政资金预算完成率(%)", D("300"), D("200"))],
    ),
    "indicator.completion_consistent": (
        SEED_000,
        [("完成率≥90%\t完成率=100%\t100%", "完成率≥90%\t完成率=80%\t100%")],
        [
            (
                "indicator.completion_consistent",
                "error",
                "财政资金预算完成率(%)",
                D("100"),
                D("88.89"),
            )
        ],
    ),
}


@pytest.mark.parametrize("check", sorted(CASES))
def test_broken_seed_copy_yields_exactly_these_findings(check: str, tmp_path: Path) -> None:
    seed, edits, expected = CASES[check]
    findings = check_record(clean(seed, tmp_path, *edits))
    assert table(findings) == expected
    assert any(f.check == check for f in findings)
    for f in findings:  # every message names the figures it compares
        if f.observed is not None and f.check != "score.total_range":
            assert format(f.observed, "f") in f.message_zh, f.message_zh
        assert f.message_en and f.message_zh.endswith("。")
