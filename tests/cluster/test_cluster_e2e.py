"""selfeval_intake on the CeleryExecutor cluster (issue 16): real api-server, scheduler,
dag-processor, triggerer and two Celery workers, PostgreSQL metadata and warehouse, a Redis
broker; the run triggered through the REST API (/api/v2, a JWT from /auth/token).

Each test gets its own share of reports made from the seeds and the corpus and its own warehouse
(a schema), and asserts from the warehouse that every report was loaded exactly once and its
feedback queued once per recipient of its unit, and from the task instances which worker ran
each batch. Then the faults: one worker killed with SIGKILL mid-run, and the broker stopped for
30 s mid-run (its queue lost: it saves nothing): the run still succeeds, after retries, with
nothing lost or loaded twice.
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cluster_support import Running

from intake_reports import make_reports, write_registry
from selfeval_airflow import cluster as cl

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]

DAG_ID = "selfeval_intake"
RUN_TIMEOUT = 420


def _share(root: Path, count: int) -> tuple[Path, dict[str, int]]:
    """A share with `count` reports in its inbox and a units.csv listing every unit they name;
    report hash → contacts of its unit (0 for a report naming none)."""
    (root / "inbox").mkdir(parents=True)
    made = make_reports(root / "inbox", count)
    contacts = write_registry(root / "units.csv", [name for _, name in made])
    return root, {
        hashlib.sha256(path.read_bytes()).hexdigest(): contacts.get(name or "", 0)
        for path, name in made
    }


def _configure(api: cl.Api, share: Path, warehouse_url: str) -> None:
    """The Variable `selfeval_share` and the connection `selfeval_warehouse`, through the API:
    each task on each worker resolves them where it runs."""
    for path in ("/api/v2/variables/selfeval_share", "/api/v2/connections/selfeval_warehouse"):
        try:
            api.call("DELETE", path)
        except urllib.error.HTTPError as exc:
            assert exc.code == 404, exc
    api.call("POST", "/api/v2/variables", {"key": "selfeval_share", "value": str(share)})
    api.call(
        "POST",
        "/api/v2/connections",
        {
            "connection_id": "selfeval_warehouse",
            "conn_type": "postgres",
            "extra": f'{{"sqlalchemy_url": "{warehouse_url}"}}',
        },
    )


def _trigger(api: cl.Api, batch_files: int) -> str:
    body = {"logical_date": None, "conf": {"batch_files": batch_files}}
    return str(api.call("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", body)["dag_run_id"])


def _task_instances(api: cl.Api, run_id: str) -> list[dict[str, Any]]:
    path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances?limit=1000"
    return list(api.call("GET", path)["task_instances"])


def _state(api: cl.Api, run_id: str) -> str | None:
    try:
        return str(api.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")["state"])
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None  # asked again a second later


def _wait_until(running: Running, done: Any, what: str, timeout: float = RUN_TIMEOUT) -> None:
    running.cluster.wait_for(done, what, timeout)


def _finish(running: Running, run_id: str) -> str:
    states: list[str | None] = []

    def ended() -> bool:
        states.append(_state(running.api, run_id))
        return states[-1] in ("success", "failed")

    _wait_until(running, ended, f"run {run_id} to end")
    return str(states[-1])


def _running_batch(running: Running, run_id: str, on: str | None = None) -> bool:
    return any(
        ti["task_id"] == "take_in"
        and ti["state"] == "running"
        and (on is None or ti["hostname"] == on)
        for ti in _task_instances(running.api, run_id)
    )


def _assert_each_report_once(warehouse_url: str, reports: dict[str, int], share: Path) -> None:
    """Every report has exactly one submission row (loaded, or rejected with its reason) and
    its file is out of the inbox; each is filed under the unit it names, with one feedback
    alert per contact of that unit: none twice, none missing."""
    engine = sa.create_engine(warehouse_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT s.sha256, s.unit_id, count(a.alert_id) AS alerts,"
                    " count(DISTINCT a.recipient) AS recipients"
                    " FROM submission s LEFT JOIN alert_outbox a"
                    "   ON a.submission_id = s.submission_id AND a.kind = 'feedback'"
                    " GROUP BY s.submission_id, s.sha256, s.unit_id"
                )
            ).all()
    finally:
        engine.dispose()
    assert len(rows) == len(reports), Counter(r.sha256 for r in rows).most_common(3)
    assert {r.sha256 for r in rows} == set(reports)
    assert [p for p in (share / "inbox").rglob("*") if p.is_file()] == []
    assert sum(r.unit_id is not None for r in rows) == sum(n > 0 for n in reports.values())
    wrong = [
        (r.sha256[:12], reports[r.sha256], r.alerts, r.recipients)
        for r in rows
        if (r.alerts, r.recipients) != (reports[r.sha256], reports[r.sha256])
    ]
    assert wrong == []


def test_the_intake_runs_on_both_workers(
    running: Running, warehouse_schema: str, tmp_path: Path
) -> None:
    """200 reports in 8 batches of 25: every report loaded once, feedback queued once per
    recipient, every task on one of the two workers and the batches on both."""
    share, reports = _share(tmp_path / "share", 200)
    _configure(running.api, share, warehouse_schema)
    run_id = _trigger(running.api, batch_files=25)
    assert _finish(running, run_id) == "success"
    tis = _task_instances(running.api, run_id)
    batches = [ti for ti in tis if ti["task_id"] == "take_in"]
    assert len(batches) == 8
    assert {ti["state"] for ti in tis} == {"success"}  # the watcher too: it runs in every run
    assert {ti["hostname"] for ti in tis if ti["state"] == "success"} <= {"worker-a", "worker-b"}
    assert {ti["hostname"] for ti in batches} == {"worker-a", "worker-b"}
    _assert_each_report_once(warehouse_schema, reports, share)


def test_a_worker_killed_mid_run_loses_nothing(
    running: Running, warehouse_schema: str, tmp_path: Path
) -> None:
    """worker-b is killed with SIGKILL (it and every process under it) while it runs a batch:
    the scheduler fails the silent task after the heartbeat timeout, worker-a runs the retry,
    and the run succeeds with every report loaded once."""
    share, reports = _share(tmp_path / "share", 120)
    _configure(running.api, share, warehouse_schema)
    cl.wait_healthy(running.cluster, running.port, timeout=120)
    run_id = _trigger(running.api, batch_files=10)
    _wait_until(running, lambda: _running_batch(running, run_id, on="worker-b"), "a batch on b")
    running.cluster.kill("worker-b")
    try:
        assert _finish(running, run_id) == "success"
    finally:
        running.cluster.start("worker-b")  # for the tests after this one
    batches = [ti for ti in _task_instances(running.api, run_id) if ti["task_id"] == "take_in"]
    assert len(batches) == 12
    assert {ti["state"] for ti in batches} == {"success"}
    retried = [ti for ti in batches if ti["try_number"] > 1]
    assert retried and {ti["hostname"] for ti in retried} == {"worker-a"}
    _assert_each_report_once(warehouse_schema, reports, share)


def test_the_broker_down_for_30_seconds_loses_nothing(
    running: Running, warehouse_schema: str, tmp_path: Path
) -> None:
    """Redis is stopped for 30 s while batches run and are queued (what it held is gone: it
    saves nothing); tasks whose messages were lost are queued again after the queued timeout,
    and the run succeeds with every report loaded once."""
    share, reports = _share(tmp_path / "share", 120)
    _configure(running.api, share, warehouse_schema)
    cl.wait_healthy(running.cluster, running.port, timeout=180)
    run_id = _trigger(running.api, batch_files=10)
    _wait_until(running, lambda: _running_batch(running, run_id), "a batch to run")
    running.redis.stop()
    at_stop = Counter(
        ti["state"] for ti in _task_instances(running.api, run_id) if ti["task_id"] == "take_in"
    )
    time.sleep(30)
    running.redis.start()
    assert at_stop["queued"] + at_stop["scheduled"] > 0, at_stop  # the outage hit waiting work
    assert _finish(running, run_id) == "success"
    batches = [ti for ti in _task_instances(running.api, run_id) if ti["task_id"] == "take_in"]
    assert len(batches) == 12
    assert {ti["state"] for ti in batches} == {"success"}
    _assert_each_report_once(warehouse_schema, reports, share)
