"""The seeds' real inconsistencies, found from the real files, and nothing else."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from check_support import SEED_000, SEED_001, D, clean, table

from selfeval.checks import check_record, check_records
from selfeval.extract import extract_file

pytestmark = pytest.mark.unit


def test_seed_000_reports_only_the_broken_carry_over_continuity() -> None:
    (finding,) = check_record(extract_file(SEED_000))
    assert (finding.check, finding.severity, finding.subject) == (
        "carryover.continuity",
        "error",
        "2024年年初结转和结余",
    )
    assert (finding.observed, finding.expected, finding.tolerance) == (
        D("25.04"),
        D("5.76"),
        Decimal(0),  # one quantity printed twice at the same precision must print equal
    )
    assert finding.evidence is not None and finding.evidence.line == 118
    assert finding.message_zh == (
        "第118行“2024年年初结转和结 余25.04万元,2023年年末结转结余5.76万元,全部是非 财政结转结余。”"
        "中，2024年年初结转和结余为25.04万元，但2023年年末结转和结余为5.76万元，两者应当相等，"
        "相差19.28万元。请核对本年年初结转和结余或上年年末结转和结余。"
    )
    assert "25.04" in finding.message_en and "5.76" in finding.message_en


def test_seed_001_reports_only_the_heading_that_disagrees_with_the_score_table() -> None:
    (finding,) = check_record(extract_file(SEED_001))
    assert (finding.check, finding.severity, finding.subject) == (
        "section_score.matches_table",
        "error",
        "管理效能",
    )
    assert (finding.observed, finding.expected, finding.tolerance) == (
        D("46.5"),
        D("47.5"),
        Decimal(0),
    )
    assert finding.evidence is not None and finding.evidence.line == 86
    assert finding.message_zh == (
        "第86行“（二）管理效率分析（总分为 50 分，自评分为 46.5 分）”写明管理效能自评分为46.5分，"
        "但评分表中管理效能各项得分合计为47.5分（3+3.5+4+14+10+9+4）。"
        "请核对标题或评分表，使两者一致。"
    )
    assert finding.message_en == (
        "Line 86 (“（二）管理效率分析（总分为 50 分，自评分为 46.5 分）”) states a score of 46.5 for "
        "管理效能, but the 管理效能 items of the score table add up to 47.5 "
        "(3 + 3.5 + 4 + 14 + 10 + 9 + 4). Make the heading and the score table agree."
    )


@pytest.mark.parametrize("seed", [SEED_000, SEED_001], ids=["000", "001"])
def test_repaired_seed_has_no_finding_at_all(seed: Path, tmp_path: Path) -> None:
    assert check_record(clean(seed, tmp_path)) == ()


def test_batched_findings_go_back_to_their_own_report(tmp_path: Path) -> None:
    """Several reports in one GX run: each finding lands on the report it belongs to."""
    records = [
        extract_file(SEED_001),
        clean(SEED_000, tmp_path, name="a.txt"),
        extract_file(SEED_000),
        extract_file(SEED_001),
        clean(SEED_001, tmp_path, name="b.txt"),
    ]
    batched = check_records(records)
    assert [table(fs) for fs in batched] == [
        [("section_score.matches_table", "error", "管理效能", D("46.5"), D("47.5"))],
        [],
        [("carryover.continuity", "error", "2024年年初结转和结余", D("25.04"), D("5.76"))],
        [("section_score.matches_table", "error", "管理效能", D("46.5"), D("47.5"))],
        [],
    ]
    assert batched == [check_record(r) for r in records]


def test_no_records_no_findings() -> None:
    assert check_records([]) == []
