"""The suites are data: editing expectations/*.json changes outcomes; bad suites fail clearly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from check_support import SEED_001, D, table

from selfeval import settings
from selfeval.checks import check_record, default_suites_dir
from selfeval.errors import SuiteError
from selfeval.extract import extract_file

pytestmark = pytest.mark.unit

REPO_SUITES = Path(__file__).resolve().parents[2] / "expectations"


@pytest.fixture
def suites(tmp_path: Path) -> Path:
    copy = tmp_path / "suites"
    shutil.copytree(REPO_SUITES, copy)
    return copy


def edit(suites: Path, table_name: str, check: str, change: dict[str, Any]) -> None:
    """Apply `change` ({"kwargs": {...}} and/or {"meta": {...}}) to every expectation of `check`."""
    path = suites / f"{table_name}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    touched = 0
    for e in doc["expectations"]:
        if e["meta"]["check"] == check:
            for part, values in change.items():
                e[part].update(values)
            touched += 1
    assert touched
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


SEED_001_ROW = ("section_score.matches_table", "error", "管理效能", D("46.5"), D("47.5"))


def test_default_suites_are_the_repository_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.EXPECTATIONS_DIR_ENV, raising=False)
    assert default_suites_dir() == REPO_SUITES
    assert table(check_record(extract_file(SEED_001))) == [SEED_001_ROW]


def test_severity_comes_from_the_suite(suites: Path) -> None:
    edit(suites, "section_scores", "section_score.matches_table", {"meta": {"severity": "warning"}})
    found = check_record(extract_file(SEED_001), suites_dir=suites)
    assert table(found) == [(*SEED_001_ROW[:1], "warning", *SEED_001_ROW[2:])]


def test_tolerance_comes_from_the_suite(suites: Path) -> None:
    edit(
        suites,
        "section_scores",
        "section_score.matches_table",
        {"kwargs": {"absolute_tolerance": 1}},
    )
    assert check_record(extract_file(SEED_001), suites_dir=suites) == ()


def test_a_bound_comes_from_the_suite(suites: Path) -> None:
    edit(suites, "submissions", "score.total_range", {"kwargs": {"max_value": 90}})
    found = check_record(extract_file(SEED_001), suites_dir=suites)
    assert table(found) == [
        ("score.total_range", "error", "总分", D("97.38"), D("90")),
        SEED_001_ROW,
    ]
    ranged = next(f for f in found if f.check == "score.total_range")
    assert "超出0至90分的范围" in ranged.message_zh


def test_allowance_factor_zero_makes_a_check_exact(suites: Path) -> None:
    from records import composition, record

    rec = record(
        compositions=(composition("决算收入", None, [("a", None, "99.94"), ("b", None, "0.07")]),)
    )
    assert check_record(rec, suites_dir=suites) == ()
    edit(suites, "compositions", "composition.shares_sum", {"kwargs": {"allowance_factor": 0}})
    assert table(check_record(rec, suites_dir=suites)) == [
        ("composition.shares_sum", "error", "决算收入", D("100.01"), D("100"))
    ]


def test_the_environment_variable_points_at_an_edited_copy(
    suites: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(suites, "section_scores", "section_score.matches_table", {"meta": {"severity": "warning"}})
    monkeypatch.setenv(settings.EXPECTATIONS_DIR_ENV, str(suites))
    assert default_suites_dir() == suites
    (finding,) = check_record(extract_file(SEED_001))
    assert finding.severity == "warning"


def test_a_suite_message_template_overrides_the_wording(suites: Path) -> None:
    edit(
        suites,
        "section_scores",
        "section_score.matches_table",
        {"meta": {"message_zh": "第{line}行：{subject}写{observed}分，表中{expected}分。"}},
    )
    (finding,) = check_record(extract_file(SEED_001), suites_dir=suites)
    assert finding.message_zh == "第86行：管理效能写46.5分，表中47.5分。"


def test_removing_a_suite_file_switches_its_checks_off(suites: Path) -> None:
    (suites / "section_scores.json").unlink()
    assert check_record(extract_file(SEED_001), suites_dir=suites) == ()


@pytest.mark.parametrize(
    ("table_name", "mutate", "reason"),
    [
        ("scores", lambda e: e["meta"].update(severity="fatal"), "meta.severity must be one of"),
        ("scores", lambda e: e["meta"].pop("check"), "meta.check must name the check id"),
        ("scores", lambda e: e["kwargs"].update(column="scroe"), "no column 'scroe'"),
        ("scores", lambda e: e["kwargs"].update(mostly=0.9), "'mostly' is not supported"),
        ("scores", lambda e: e.update(type="expect_nothing_at_all"), "GX rejects it"),
        ("scores", lambda e: e["kwargs"].update(min_value="zero"), "GX rejects it"),
    ],
)
def test_a_malformed_expectation_names_file_index_and_reason(
    suites: Path, table_name: str, mutate: Any, reason: str
) -> None:
    path = suites / f"{table_name}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    mutate(doc["expectations"][0])
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SuiteError, match=reason) as info:
        check_record(extract_file(SEED_001), suites_dir=suites)
    assert f"{path}: expectation 0" in str(info.value)


def test_unreadable_or_misnamed_suites_fail_clearly(suites: Path, tmp_path: Path) -> None:
    (suites / "scores.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SuiteError, match=r"scores\.json: cannot read the suite"):
        check_record(extract_file(SEED_001), suites_dir=suites)
    (suites / "scores.json").unlink()
    (suites / "score.json").write_text('{"expectations": []}', encoding="utf-8")
    with pytest.raises(SuiteError, match=r"score\.json: no table named 'score'"):
        check_record(extract_file(SEED_001), suites_dir=suites)
    with pytest.raises(SuiteError, match="no expectation suites there"):
        check_record(extract_file(SEED_001), suites_dir=tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SuiteError, match=r"no \*\.json expectation suites"):
        check_record(extract_file(SEED_001), suites_dir=empty)


def test_importing_the_checks_is_cheap() -> None:
    code = (
        "import sys, selfeval.checks, selfeval.commands.check\n"
        "heavy = [m for m in ('great_expectations', 'pandas', 'sqlalchemy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
