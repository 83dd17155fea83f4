"""Findings cross Airflow task boundaries as JSON: they must come back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfeval import jsonio
from selfeval.checks import check_records
from selfeval.extract import extract_file
from selfeval.findings import finding_from_dict

pytestmark = pytest.mark.unit


def test_findings_round_trip_through_json(seed_000: Path, seed_001: Path) -> None:
    findings = [
        f for fs in check_records([extract_file(seed_000), extract_file(seed_001)]) for f in fs
    ]
    assert {f.check for f in findings} >= {"carryover.continuity", "section_score.matches_table"}
    again = [finding_from_dict(jsonio.loads(jsonio.dumps(f.to_dict()))) for f in findings]
    assert again == findings
