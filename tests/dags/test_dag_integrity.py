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
        # No task may hold the run (and, max_active_runs=1, the next one) for ever.
        assert t.execution_timeout == timedelta(seconds=settings.TASK_TIMEOUT_SECONDS), t.task_id


def test_intake_shape(dagbag: Any) -> None:
    dag = dagbag.dags[settings.INTAKE_DAG_ID]
    assert dag.timetable.expression == settings.INTAKE_SCHEDULE
    for mapped in ("extract", "load"):  # one task per file, labelled with its name
        assert dag.get_task(mapped).map_index_template == "{{ file_name }}"
    assert {t.task_id: str(t.trigger_rule.value) for t in dag.tasks} == {
        "prepare": "all_success",
        "scan": "all_success",
        "extract": "all_success",
        "check": "all_done",  # one batched validation of every file that could be read
        "load": "all_success",
        "deliver": "all_done",
        "watcher": "one_failed",
    }
    assert dag.get_task("check").upstream_task_ids == {"extract"}
    assert dag.get_task("watcher").upstream_task_ids == {"extract", "load"}


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
    assert dag.get_task("publish").upstream_task_ids == {"prepare", "deliver"}
    assert dag.get_task("remind").upstream_task_ids == {"prepare", "load"}


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
        "selfeval", "selfeval.settings", "selfeval_airflow", "selfeval_airflow.tasks",
    ]  # fmt: skip
    # Airflow itself loads SQLAlchemy when airflow.sdk is imported (and a few of its extensions
    # when an Asset is defined); pandas, GX and openpyxl must not be loaded at all.
    assert seen["before"] == ["sqlalchemy"]
    assert seen["present"] == ["sqlalchemy"]
    assert [m for m in seen["added"] if m.split(".")[0] in HEAVY[:2] + HEAVY[3:]] == []
    assert seen["seconds"] < 2.0, seen["seconds"]
