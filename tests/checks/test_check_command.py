"""`selfeval check PATH... [--format json|table]`: output contract and exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from check_support import FIX_000, FIX_001, SEED_000, SEED_001, edited

from selfeval.cli import main

pytestmark = pytest.mark.unit


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--format", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_json_has_one_object_per_input_and_exit_1_on_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run_json(capsys, str(SEED_000), str(SEED_001))
    assert code == 1
    assert [(o["path"], o["sha256"]) for o in out] == [
        (str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in (SEED_000, SEED_001)
    ]
    assert [
        [
            (f["check"], f["severity"], f["subject"], f["observed"], f["expected"])
            for f in o["findings"]
        ]  # type: ignore[attr-defined]
        for o in out
    ] == [
        [("carryover.continuity", "error", "2024年年初结转和结余", 25.04, 5.76)],
        [("section_score.matches_table", "error", "管理效能", 46.5, 47.5)],
    ]
    first = out[1]["findings"][0]  # type: ignore[index]
    assert set(first) == {
        "check", "severity", "subject", "observed", "expected", "tolerance",
        "message_zh", "message_en", "evidence",
    }  # fmt: skip
    assert first["evidence"] == {
        "line": 86,
        "text": "(二)管理效率分析(总分为50分，自评分为46.5分)",
        "printed": "（二）管理效率分析（总分为 50 分，自评分为 46.5 分）",
        "place": "第86行",
    }


def test_exit_0_without_error_findings_and_a_readable_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = edited(SEED_000, tmp_path, FIX_000, name="a.txt")
    b = edited(SEED_001, tmp_path, FIX_001, name="b.txt")
    assert main(["check", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert f"{a}  (sha256 " in out and "错误 errors 0, 提示 warnings 0" in out
    assert main(["check", str(SEED_001)]) == 1
    out = capsys.readouterr().out
    assert "[error] section_score.matches_table  管理效能  observed 46.5  expected 47.5" in out
    assert "第86行" in out


def test_exit_2_when_an_input_is_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    code, out = run_json(capsys, str(empty), str(SEED_001), str(missing))
    assert code == 2
    assert [sorted(o) for o in out] == [
        ["error", "path"],
        ["findings", "path", "sha256"],
        ["error", "path"],
    ]
    assert out[0]["path"] == str(empty) and out[2]["path"] == str(missing)
    assert all(isinstance(out[i]["error"], str) and out[i]["error"] for i in (0, 2))


def test_a_broken_suite_folder_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "scores.json").write_text("[]", encoding="utf-8")
    assert main(["check", "--suites", str(suites), str(SEED_001)]) == 2
    err = capsys.readouterr().err
    assert f"{suites / 'scores.json'}: a suite is a JSON object" in err


def test_the_console_entry_point_runs_in_a_fresh_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "selfeval.cli", "check", "--format", "json", str(SEED_000)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)[0]["findings"][0]["check"] == "carryover.continuity"
    assert "Calculating Metrics" not in done.stderr  # GX progress bars are off
