"""Every DAG file imports, is configured by the team's rules, and is cheap to parse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from dag_env import AIRFLOW_ENV, DAG_FILES, DAGS

from selfeval import settings

pytestmark = pytest.mark.integrity

HEAVY = ("pandas", "great_expectations", "sqlalchemy", "openpyxl")


def test_every_dag_file_imports_and_names_its_dag_after_itself(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dag_ids) == sorted(p.stem for p in DAG_FILES)
    assert sorted(p.stem for p in DAG_FILES) == [settings.ANNUAL_DAG_ID, settings.INTAKE_DAG_ID]


@pytest.mark.parametrize("dag_id", [p.stem for p in DAG_FILES])
def test_dag_follows_the_team_rules(dagbag: Any, dag_id: str) -> None:
    dag = dagbag.dags[dag_id]
    assert dag.catchup is False
    assert dag.timetable.expression in (settings.INTAKE_SCHEDULE, settings.ANNUAL_SCHEDULE)
    # Cron times are read in the district's time zone, not UTC.
    assert str(dag.timetable.timezone) == settings.DAG_TIMEZONE
    assert dag.start_date.tzinfo is not None
    assert list(dag.tags) == list(settings.DAG_TAGS)
    assert dag.max_active_runs == 1
    assert "Safe to re-run" in dag.doc_md and "Inputs" in dag.doc_md and "Outputs" in dag.doc_md
    for t in dag.tasks:
        assert (t.owner, t.retries) == (settings.DAG_OWNER, settings.DAG_RETRIES), t.task_id
        # No task may hold the run (and, max_active_runs=1, the next one) for ever: the approval
        # waits for a person up to its response timeout (then it is a Reject), the others run
        # under the execution timeout.
        if t.task_id == "approve":
            assert t.execution_timeout is None
            assert t.response_timeout == timedelta(days=settings.APPROVAL_WAIT_DAYS)
        else:
            assert t.execution_timeout == timedelta(seconds=settings.TASK_TIMEOUT_SECONDS), (
                t.task_id
            )


def test_intake_shape(dagbag: Any) -> None:
    dag = dagbag.dags[settings.INTAKE_DAG_ID]
    assert dag.timetable.expression == settings.INTAKE_SCHEDULE
    # one task per batch of files, labelled with the batch's files
    assert dag.get_task("take_in").map_index_template == "{{ batch_label }}"
    assert {t.task_id: str(t.trigger_rule.value) for t in dag.tasks} == {
        "prepare": "all_success",
        "scan": "all_success",
        "take_in": "all_success",
        "summarise": "all_done",  # every file's outcome, whatever the batches did
        "deliver": "all_done",
        "watcher": "all_done",  # runs in every run: fails it when a batch failed, else succeeds
    }
    assert {t.task_id: t.upstream_task_ids for t in dag.tasks} == {
        "prepare": set(),
        "scan": {"prepare"},
        "take_in": {"scan"},
        "summarise": {"take_in"},
        "deliver": {"summarise"},
        "watcher": {"scan", "take_in"},
    }
    assert dag.is_paused_upon_creation is None  # the intake may start when the team unpauses


@pytest.mark.parametrize("dag_id", [p.stem for p in DAG_FILES])
def test_batch_size_param(dagbag: Any, dag_id: str) -> None:
    spec = dagbag.dags[dag_id].params.get_param("batch_files")
    assert spec.value == settings.INTAKE_BATCH_FILES
    assert (spec.schema["minimum"], spec.schema["maximum"]) == (1, settings.INTAKE_BATCH_FILES_MAX)
    from airflow.sdk.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError, match="0 is less than the minimum of 1"):
        spec.resolve(0)


def test_annual_shape_param_and_asset(dagbag: Any) -> None:
    dag = dagbag.dags[settings.ANNUAL_DAG_ID]
    assert dag.timetable.expression == settings.ANNUAL_SCHEDULE
    spec = dag.params.get_param("fiscal_year")
    assert spec.schema["type"] == ["null", "integer"]
    assert (spec.schema["minimum"], spec.schema["maximum"]) == (2000, 2100)
    # No default year at parse time (it would change the serialised DAG every 1 January):
    # the tasks work it out from the run.
    assert spec.value is None and spec.resolve(None) is None
    from airflow.sdk.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError, match="'2024年' is not of type 'null', 'integer'"):
        spec.resolve("2024年")
    with pytest.raises(ParamValidationError, match="224 is less than the minimum of 2000"):
        spec.resolve(224)
    assert spec.resolve(2024) == 2024
    publish = dag.get_task("publish")
    assert [a.name for a in publish.outlets] == [settings.CONSOLIDATED_ASSET_NAME]
    # Created paused: nothing runs until the team unpauses it (and then nothing goes out
    # before a person approves the draft).
    assert dag.is_paused_upon_creation is True
    after_intake = {"prepare", "scan", "take_in", "summarise", "watcher", "draft"}
    assert {t.task_id: (t.upstream_task_ids, str(t.trigger_rule.value)) for t in dag.tasks} == {
        "prepare": (set(), "all_success"),
        "scan": ({"prepare"}, "all_success"),
        "take_in": ({"scan"}, "all_success"),
        "summarise": ({"take_in"}, "all_done"),
        "watcher": ({"scan", "take_in"}, "all_done"),
        "draft": ({"summarise"}, "all_success"),
        "approve": ({"draft"}, "all_success"),
        # nothing after the approval runs unless it succeeded with Approve
        "publish": ({"approve"}, "all_success"),
        "remind": ({"approve"}, "all_success"),
        "deliver": ({"remind"}, "all_success"),
    }
    assert after_intake < set(dag.task_ids)
    from airflow.providers.standard.operators.hitl import ApprovalOperator

    approve = dag.get_task("approve")
    assert isinstance(approve, ApprovalOperator)
    assert approve.ignore_downstream_trigger_rules is True  # Reject skips deliver too
    assert (approve.options, approve.defaults) == (["Approve", "Reject"], ["Reject"])


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_parsing_a_dag_file_imports_nothing_heavy(path: Any) -> None:
    """Measure in a fresh interpreter what importing the DAG file adds on top of airflow.sdk."""
    code = f"""
import json, sys, runpy, time
import airflow.sdk
base = set(sys.modules)
sys.path.insert(0, {str(DAGS)!r})
start = time.perf_counter()
runpy.run_path({str(path)!r}, run_name="dagfile")
seconds = time.perf_counter() - start
print(json.dumps({{
    "added": sorted(set(sys.modules) - base),
    "before": sorted(m for m in {HEAVY!r} if m in base),
    "present": sorted(m for m in {HEAVY!r} if m in sys.modules),
    "seconds": seconds,
}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **AIRFLOW_ENV},
        check=True,
        capture_output=True,
        text=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    ours = [m for m in seen["added"] if m.split(".")[0] in ("selfeval", "selfeval_airflow")]
    assert sorted(ours) == [
        "selfeval", "selfeval.settings", "selfeval_airflow", "selfeval_airflow.schedules",
        "selfeval_airflow.tasks",
    ]  # fmt: skip
    # Airflow itself loads SQLAlchemy when airflow.sdk is imported (and a few of its extensions
    # when an Asset is defined); pandas, GX and openpyxl must not be loaded at all.
    assert seen["before"] == ["sqlalchemy"]
    assert seen["present"] == ["sqlalchemy"]
    assert [m for m in seen["added"] if m.split(".")[0] in HEAVY[:2] + HEAVY[3:]] == []
    assert seen["seconds"] < 2.0, seen["seconds"]


def test_a_batch_label_names_its_files_within_the_map_index_column() -> None:
    from selfeval_airflow.tasks import _batch_label

    files = [
        {"relative": f"番禺区/第{i:02d}号街道部门整体支出绩效自评报告.docx"} for i in range(50)
    ]
    label = _batch_label(3, 8, files)
    assert len(label) <= 250  # rendered_map_index is VARCHAR(250)
    assert label.startswith("3/8 · 50 files: 番禺区/第00号街道部门整体支出绩效自评报告.docx, ")
    shown = label.split(": ", 1)[1].split(", ")
    assert shown[-1] == f"… +{50 - len(shown) + 1}"
    assert (
        _batch_label(1, 1, files[:1])
        == "1/1 · 1 file: 番禺区/第00号街道部门整体支出绩效自评报告.docx"
    )
    assert (
        _batch_label(1, 1, [{"relative": "\u202etxt.exe.txt"}])
        == "1/1 · 1 file: \\u202etxt.exe.txt"
    )


def test_schedules_come_from_the_dag_processors_environment() -> None:
    """The team changes a schedule without Python: an environment variable of the DAG
    processor; a wrong one stops the DAG file with a message naming it (ADR 0016)."""
    from selfeval_airflow.schedules import ScheduleError, annual_schedule, intake_schedule

    assert (intake_schedule({}), annual_schedule({})) == (
        settings.INTAKE_SCHEDULE,
        settings.ANNUAL_SCHEDULE,
    )
    assert annual_schedule({"SELFEVAL_ANNUAL_SCHEDULE": " 0 8 20 4 * "}) == "0 8 20 4 *"
    assert intake_schedule({"SELFEVAL_INTAKE_SCHEDULE": "*/10 * * * *"}) == "*/10 * * * *"
    with pytest.raises(ScheduleError) as wrong:
        annual_schedule({"SELFEVAL_ANNUAL_SCHEDULE": "每年4月15日"})
    assert str(wrong.value) == (
        "SELFEVAL_ANNUAL_SCHEDULE='每年4月15日': 不是有效的 cron 表达式（五段：分 时 日 月 星期）/ "
        "not a cron expression (five fields: minute hour day-of-month month day-of-week)"
    )
    with pytest.raises(ScheduleError, match="SELFEVAL_INTAKE_SCHEDULE='0 8 32 4 \\*'"):
        intake_schedule({"SELFEVAL_INTAKE_SCHEDULE": "0 8 32 4 *"})
