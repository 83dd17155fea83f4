"""The suites are data: editing expectations/*.json changes outcomes; bad suites fail clearly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from check_support import SEED_001, D, table

from selfeval import settings
from selfeval.checks import check_record, default_suites_dir
from selfeval.errors import SuiteError
from selfeval.extract import extract_file
from selfeval.record import Evidence, TotalScore

pytestmark = pytest.mark.unit

REPO_SUITES = Path(__file__).resolve().parents[2] / "expectations"


@pytest.fixture
def suites(tmp_path: Path) -> Path:
    copy = tmp_path / "suites"
    shutil.copytree(REPO_SUITES, copy)
    return copy


def edit(suites: Path, table_name: str, check: str, change: dict[str, Any]) -> None:
    """Update the policy of `check` in <table_name>.json with `change`."""
    path = suites / f"{table_name}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["checks"][check].update(change)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def rewrite(suites: Path, table_name: str, change: Any) -> Path:
    path = suites / f"{table_name}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def add_rule(suites: Path, table_name: str, rule: dict[str, Any]) -> Path:
    return rewrite(suites, table_name, lambda doc: doc["expectations"].append(rule))


SEED_001_ROW = ("section_score.matches_table", "error", "管理效能", D("46.5"), D("47.5"))


def test_default_suites_are_the_repository_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.EXPECTATIONS_DIR_ENV, raising=False)
    assert default_suites_dir() == REPO_SUITES
    assert table(check_record(extract_file(SEED_001))) == [SEED_001_ROW]


def test_every_built_in_check_has_its_policy_in_the_file_of_its_table() -> None:
    from selfeval.checks.rules import RULES

    for rule in RULES.values():
        doc = json.loads((REPO_SUITES / f"{rule.table}.json").read_text(encoding="utf-8"))
        assert rule.id in doc["checks"], rule.id


def test_severity_comes_from_the_suite(suites: Path) -> None:
    edit(suites, "section_scores", "section_score.matches_table", {"severity": "warning"})
    found = check_record(extract_file(SEED_001), suites_dir=suites)
    assert table(found) == [(*SEED_001_ROW[:1], "warning", *SEED_001_ROW[2:])]


def test_tolerance_comes_from_the_suite(suites: Path) -> None:
    edit(suites, "section_scores", "section_score.matches_table", {"absolute_tolerance": 1})
    assert check_record(extract_file(SEED_001), suites_dir=suites) == ()


def test_a_bound_comes_from_the_suite(suites: Path) -> None:
    edit(suites, "submissions", "score.total_range", {"max_value": 90})
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
    edit(suites, "compositions", "composition.shares_sum", {"allowance_factor": 0})
    assert table(check_record(rec, suites_dir=suites)) == [
        ("composition.shares_sum", "error", "决算收入", D("100.01"), D("100"))
    ]


def test_the_environment_variable_points_at_an_edited_copy(
    suites: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(suites, "section_scores", "section_score.matches_table", {"severity": "warning"})
    monkeypatch.setenv(settings.EXPECTATIONS_DIR_ENV, str(suites))
    assert default_suites_dir() == suites
    (finding,) = check_record(extract_file(SEED_001))
    assert finding.severity == "warning"


def test_a_suite_message_template_overrides_the_wording(suites: Path) -> None:
    edit(
        suites,
        "section_scores",
        "section_score.matches_table",
        {"message_zh": "第{line}行：{subject}写{observed}分，表中{expected}分。"},
    )
    (finding,) = check_record(extract_file(SEED_001), suites_dir=suites)
    assert finding.message_zh == "第86行：管理效能写46.5分，表中47.5分。"


def test_disabling_a_check_switches_it_off(suites: Path) -> None:
    edit(suites, "section_scores", "section_score.matches_table", {"enabled": False})
    assert check_record(extract_file(SEED_001), suites_dir=suites) == ()


# --- district rules: built-in GX expectations on the derived tables, no Python --------------------


def test_district_rules_need_no_python(suites: Path) -> None:
    from records import execution, record

    add_rule(
        suites,
        "executions",
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "rate_pct", "min_value": 90},
            "meta": {
                "check": "district.low_execution",
                "severity": "warning",
                "message_zh": "第{line}行{label}执行率为{rate_pct}%（预算{budget}万元，执行"
                "{executed}万元），低于90%，请说明原因。",
            },
        },
    )
    add_rule(
        suites,
        "submissions",
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "total_score", "min_value": 60},
            "meta": {
                "check": "district.failing_score",
                "severity": "error",
                "message_zh": "{unit}自评总分{total_score}分低于60分（第{line}行），请复核。",
            },
        },
    )
    add_rule(
        suites,
        "submissions",
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "initial_budget"},
            "meta": {
                "check": "district.initial_budget_stated",
                "severity": "warning",
                "message_zh": "{unit}未写明年初预算数，请在预算执行情况中补充。",
            },
        },
    )
    low = record(
        executions=(execution("支出", "1000.00", "850.00", "85.00"),),
        total_score=None,
    )
    low = replace(low, total_score=TotalScore(D("55"), D("100"), Evidence(30, "自评得分55分")))
    found = check_record(low, suites_dir=suites)
    assert [(f.check, f.severity, f.observed, f.expected) for f in found] == [
        ("district.failing_score", "error", D("55"), D("60")),
        ("district.low_execution", "warning", D("85.00"), D("90")),
        ("district.initial_budget_stated", "warning", None, None),
    ]
    by_id = {f.check: f for f in found}
    assert by_id["district.low_execution"].message_zh == (
        "第15行支出执行率为85.00%（预算1000.00万元，执行850.00万元），低于90%，请说明原因。"
    )
    assert by_id["district.failing_score"].message_zh == (
        "测试街道办事处自评总分55分低于60分（第30行），请复核。"
    )
    assert by_id["district.initial_budget_stated"].message_zh == (
        "测试街道办事处未写明年初预算数，请在预算执行情况中补充。"
    )
    # the same record against the repository's suites: none of these rules exists there
    assert check_record(low, suites_dir=REPO_SUITES) == ()


def test_a_district_rule_may_compare_a_derived_column(suites: Path) -> None:
    from records import execution, record

    add_rule(
        suites,
        "executions",
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "rate_from_amounts", "max_value": 100},
            "meta": {"check": "district.overspent", "severity": "warning"},
        },
    )
    rec = record(executions=(execution("支出", "1000.00", "1100.00", "110.00"),))
    (finding,) = check_record(rec, suites_dir=suites)
    assert (finding.check, finding.severity, finding.observed) == (
        "district.overspent",
        "warning",
        D("110"),
    )
    assert finding.message_zh.startswith("第15行")


# --- load errors name the file --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table_name", "mutate", "reason"),
    [
        (
            "scores",
            lambda d: d["checks"].update({"score.item_sum_group": {}}),
            "no built-in check named 'score.item_sum_group'",
        ),
        (
            "scores",
            lambda d: d["checks"].update({"execution.rate_matches": {}}),
            "runs on table 'executions': set it in executions.json",
        ),
        ("scores", lambda d: d["checks"].pop("score.within_max"), "no policy for check"),
        (
            "scores",
            lambda d: d["checks"]["score.within_max"].update(allowance_factor=2),
            "unknown setting",
        ),
        (
            "scores",
            lambda d: d["checks"]["score.within_max"].update(severity="fatal"),
            "severity must be one of",
        ),
        (
            "scores",
            lambda d: d["checks"]["score.within_max"].update(enabled="yes"),
            "'enabled' is true or false",
        ),
        (
            "submissions",
            lambda d: d["checks"]["score.total_range"].update(max_value="100"),
            "max_value must be a number",
        ),
        ("scores", lambda d: d.update(rules=[]), "unknown key"),
    ],
)
def test_a_bad_policy_names_the_file_and_the_reason(
    suites: Path, table_name: str, mutate: Any, reason: str
) -> None:
    path = rewrite(suites, table_name, mutate)
    with pytest.raises(SuiteError, match=reason) as info:
        check_record(extract_file(SEED_001), suites_dir=suites)
    assert str(path) in str(info.value)


GOOD_RULE = {
    "type": "expect_column_values_to_be_between",
    "kwargs": {"column": "score", "min_value": 0},
    "meta": {"check": "district.rule", "severity": "warning"},
}


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda e: e["meta"].update(severity="fatal"), "severity must be one of"),
        (lambda e: e["meta"].pop("check"), "meta.check must name the rule"),
        (lambda e: e["meta"].update(check="score.within_max"), "is a built-in check"),
        (lambda e: e["kwargs"].update(column="scroe"), "no column 'scroe'"),
        (lambda e: e["kwargs"].update(mostly=0.9), "'mostly' is not supported"),
        (lambda e: e.update(type="expect_nothing_at_all"), "GX rejects it"),
        (lambda e: e["kwargs"].update(min_value="zero"), "GX rejects it"),
    ],
)
def test_a_malformed_district_rule_names_file_and_reason(
    suites: Path, mutate: Any, reason: str
) -> None:
    rule = json.loads(json.dumps(GOOD_RULE))
    mutate(rule)
    path = add_rule(suites, "scores", rule)
    with pytest.raises(SuiteError, match=reason) as info:
        check_record(extract_file(SEED_001), suites_dir=suites)
    assert str(path) in str(info.value)


def test_a_missing_suite_file_is_an_error(suites: Path) -> None:
    (suites / "section_scores.json").unlink()
    with pytest.raises(SuiteError, match="no suite for table"):
        check_record(extract_file(SEED_001), suites_dir=suites)


def test_unreadable_or_misnamed_suites_fail_clearly(suites: Path, tmp_path: Path) -> None:
    (suites / "scores.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SuiteError, match=r"scores\.json: cannot read the suite"):
        check_record(extract_file(SEED_001), suites_dir=suites)
    (suites / "scores.json").unlink()
    (suites / "score.json").write_text('{"checks": {}}', encoding="utf-8")
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
