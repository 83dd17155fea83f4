"""On the reviewer's unseen reports, the checks find the three planted errors and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfeval.checks import check_records
from selfeval.extract import extract_file

pytestmark = pytest.mark.unit

UNSEEN = Path(__file__).parent.parent / "fixtures" / "unseen"


def test_only_the_planted_errors_are_found() -> None:
    paths = sorted(UNSEEN.glob("u0*.txt"))
    findings = check_records([extract_file(p) for p in paths])
    errors = [
        (p.name, f.check, f.subject.split("/")[-1], str(f.observed), str(f.expected))
        for p, fs in zip(paths, findings, strict=True)
        for f in fs
        if f.severity == "error"
    ]
    assert errors == [
        (
            "u02_shishan_zhen_2023.txt",
            "composition.share_matches_amount",
            "政府性基金预算财政拨款收入",
            "21.2",
            "20.65",
        ),
        ("u02_shishan_zhen_2023.txt", "composition.shares_sum", errors[1][2], "100.6", "100"),
        ("u04_xiangzhou_jiaoyuju_2023.txt", "section_score.matches_table", "管理效能", "48", "47"),
        (
            "u06_huafu_jiedao_2023.txt",
            "composition.parts_sum",
            errors[3][2],
            "8602.048060",
            "8592.048060",
        ),
    ]
