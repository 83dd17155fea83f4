"""What the cluster tests share: their own Redis, the running cluster, the test-only policy."""

from __future__ import annotations

import importlib.util
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from selfeval_airflow import cluster as cl

USER, PASSWORD = "admin", "cluster-test"
LOCAL_SETTINGS = '''"""Test-only cluster policy: retries come after 5 s, not 5 minutes."""
from datetime import timedelta


def task_policy(task):
    task.retry_delay = timedelta(seconds=5)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Redis:
    """A redis-server of the test's own: stop() and start() it on the same port."""

    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no"]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
            self.proc = None


@dataclass
class Running:
    """The started cluster and what the tests ask it through."""

    cluster: cl.Cluster
    api: cl.Api
    redis: Redis
    meta_url: str
    port: int


def missing() -> str | None:
    if shutil.which("redis-server") is None:
        return "redis-server not found on PATH (Debian: apt-get install redis-server)"
    if importlib.util.find_spec("airflow.providers.celery") is None:
        return "apache-airflow-providers-celery is not installed (pip install -e '.[airflow]')"
    return None
