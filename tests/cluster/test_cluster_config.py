"""The production profile's configuration, without starting anything: the env file template, the
components `make cluster` starts, the host name a worker records."""

from __future__ import annotations

import importlib
import socket
from pathlib import Path

import pytest

from selfeval_airflow import cluster as cl
from selfeval_airflow.hostname import worker_name

pytestmark = pytest.mark.unit

TEMPLATE = Path(__file__).parents[2] / "deploy" / "cluster.env.example"


def test_the_template_is_the_celery_profile_and_holds_no_secret() -> None:
    values = cl.read_env_file(TEMPLATE)
    assert values["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert values["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
    assert values["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
    assert values["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")
    assert values["AIRFLOW_CONN_SELFEVAL_WAREHOUSE"].startswith("postgresql://")
    assert values["AIRFLOW__API_AUTH__JWT_SECRET"] == ""
    assert values["AIRFLOW__CORE__FERNET_KEY"] == ""
    assert not any(":" in v.split("@")[0].split("//")[-1] for v in values.values() if "@" in v)


def test_the_hostname_callable_of_the_template_is_ours() -> None:
    """Airflow imports `[core] hostname_callable` as module.attribute (`conf.getimport`)."""
    path = cl.read_env_file(TEMPLATE)["AIRFLOW__CORE__HOSTNAME_CALLABLE"]
    module, _, name = path.rpartition(".")
    assert getattr(importlib.import_module(module), name) is worker_name


def test_a_worker_records_its_name_else_the_fqdn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFEVAL_WORKER_NAME", "worker-b")
    assert worker_name() == "worker-b"
    monkeypatch.setenv("SELFEVAL_WORKER_NAME", "  ")
    assert worker_name() == socket.getfqdn()
    monkeypatch.delenv("SELFEVAL_WORKER_NAME")
    assert worker_name() == socket.getfqdn()


def test_make_cluster_starts_every_component_and_two_named_workers() -> None:
    listed = {c.name: c for c in cl.components(18123)}
    assert list(listed) == [
        "api-server",
        "scheduler",
        "dag-processor",
        "triggerer",
        "worker-a",
        "worker-b",
    ]
    for name in ("worker-a", "worker-b"):
        argv = listed[name].argv
        assert argv[1:3] == ("celery", "worker")
        assert argv[argv.index("--celery-hostname") + 1] == f"{name}@%h"
        assert "--queues" not in argv  # both serve the default queue (ADR 0015)
        assert listed[name].env == {"SELFEVAL_WORKER_NAME": name}
    assert listed["api-server"].argv[-4:] == ("-p", "18123", "-w", "1")


def test_the_env_file_reader_names_a_bad_line(tmp_path: Path) -> None:
    env = tmp_path / "x.env"
    env.write_text("# comment\n\nA=1\nB='two words'\nC=\"3\"\nnot a pair\n", encoding="utf-8")
    with pytest.raises(cl.ClusterError, match=r"x.env:6: not KEY=VALUE"):
        cl.read_env_file(env)
    env.write_text("A=1\nB='two words'\nC=\"3\"\nD=\n", encoding="utf-8")
    assert cl.read_env_file(env) == {"A": "1", "B": "two words", "C": "3", "D": ""}


def test_the_profile_drops_the_callers_airflow_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "SequentialExecutor")
    monkeypatch.setenv("SELFEVAL_SHARE", "/elsewhere")
    env = cl.profile(Path("/h"), 18123, {"SELFEVAL_SHARE": "/srv/share"})
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["SELFEVAL_SHARE"] == "/srv/share"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18123/execution/"
