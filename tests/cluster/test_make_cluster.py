"""`make cluster` itself: `python -m selfeval_airflow.cluster` on an env file creates its
databases, becomes healthy, and on SIGTERM to the PID in its pid file (`make cluster-stop`)
stops every process it started and exits 0."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa
from cluster_support import Redis, free_port, missing

from warehouse_fixtures import POSTGRES_URL, require_postgres

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]


def test_make_cluster_becomes_healthy_and_stops_everything_it_started(tmp_path: Path) -> None:
    require_postgres()
    if why := missing():
        pytest.skip(why)
    redis = Redis(free_port(), tmp_path / "redis.log")
    redis.start()
    server = sa.make_url(POSTGRES_URL)
    suffix = uuid.uuid4().hex[:10]
    meta = server.set(database=f"selfeval_make_cluster_{suffix}")
    warehouse = server.set(database=f"selfeval_make_cluster_wh_{suffix}", drivername="postgresql")
    home = tmp_path / "airflow"
    env_file = tmp_path / "cluster.env"
    env_file.write_text(
        "\n".join(
            [
                f"AIRFLOW_HOME={home}",
                "AIRFLOW__CORE__EXECUTOR=CeleryExecutor",
                f"AIRFLOW__DATABASE__SQL_ALCHEMY_CONN={meta.render_as_string(False)}",
                f"AIRFLOW__CELERY__BROKER_URL={redis.url}",
                "AIRFLOW__CELERY__RESULT_BACKEND=db+"
                + meta.set(drivername="postgresql").render_as_string(False),
                "AIRFLOW__API_AUTH__JWT_SECRET=",
                "AIRFLOW__CORE__FERNET_KEY=",
                "AIRFLOW__CORE__HOSTNAME_CALLABLE=selfeval_airflow.hostname.worker_name",
                f"SELFEVAL_SHARE={tmp_path / 'share'}",
                f"AIRFLOW_CONN_SELFEVAL_WAREHOUSE={warehouse.render_as_string(False)}",
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "cluster.out"
    launcher: subprocess.Popen[bytes] | None = None
    argv = [sys.executable, "-m", "selfeval_airflow.cluster", "--env-file", str(env_file)]
    argv += ["--port", str(free_port())]
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with out.open("wb") as sink:
            launcher = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        while "healthy:" not in out.read_text(encoding="utf-8"):
            assert launcher.poll() is None and time.monotonic() < deadline, out.read_text()
            time.sleep(1)
        started = psutil.Process(launcher.pid).children(recursive=True)
        # api-server, scheduler, dag-processor, triggerer and two workers (which rename
        # themselves, so they are counted, not named)
        assert len([p for p in started if p.ppid() == launcher.pid]) == 6
        with sa.create_engine(server).connect() as conn:
            made = conn.execute(
                sa.text("SELECT count(*) FROM pg_database WHERE datname LIKE :p"),
                {"p": f"selfeval_make_cluster%{suffix}"},
            ).scalar()
        assert made == 2  # the metadata and the warehouse databases
        pid = int((home / "cluster.pid").read_text())
        assert pid == launcher.pid
        psutil.Process(pid).send_signal(signal.SIGTERM)  # what make cluster-stop does
        assert launcher.wait(timeout=60) == 0, out.read_text()
        time.sleep(1)
        alive = [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert alive == []
        assert not (home / "cluster.pid").exists()
    finally:
        if (
            launcher is not None and launcher.poll() is None
        ):  # failed while it ran: it stops what it started
            launcher.terminate()
            launcher.wait(timeout=60)
        redis.stop()
        with admin.connect() as conn:
            for db in (meta.database, warehouse.database):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()
