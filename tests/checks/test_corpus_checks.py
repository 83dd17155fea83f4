"""The checks on the reading corpus (../shared/corpus): contradictions found and false alarms.

Each passage that contradicts itself (`checks.consistent` false in expected.json) must get at least
one error-level finding, and a consistent one none, as `python ../shared/corpus/score.py` counts.
The levels below are the ones reached; skipped, with a message, where the folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from selfeval.checks import check_records
from selfeval.extract import extract_file

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
# score.py: inconsistencies found 17/18; false alarms 2/42 (the issue asks ≥ 16 and ≤ 2).
MIN_FOUND = 17
MAX_FALSE_ALARMS = 2


@pytest.mark.skipif(
    not (CORPUS / "expected.json").is_file(),
    reason=f"the reading corpus is not here ({CORPUS}): nothing to measure",
)
def test_contradictions_found_and_false_alarms_on_the_corpus() -> None:
    expected = json.loads((CORPUS / "expected.json").read_text("utf-8"))
    records = [extract_file(CORPUS / item["file"]) for item in expected]
    findings = check_records(records)
    found: list[str] = []
    missed: list[str] = []
    alarms: list[str] = []
    for item, fs in zip(expected, findings, strict=True):
        errors = [f for f in fs if f.severity == "error"]
        if item["checks"].get("consistent") is False:
            (found if errors else missed).append(item["file"])
        elif errors:
            alarms.append(f"{item['file']}: {errors[0].check}")
    assert len(found) >= MIN_FOUND, f"missed contradictions: {missed}"
    assert len(alarms) <= MAX_FALSE_ALARMS, f"false alarms: {alarms}"
