"""The CeleryExecutor cluster for the tests in this folder, started once per module.

Its own Redis (`redis-server` on a free port, nothing saved: stopping it loses what it held) so
that a test may stop the broker without touching the machine's; the Airflow metadata in a fresh
PostgreSQL database (dropped afterwards); the components through `selfeval_airflow.cluster`, as
`make cluster` starts them. Skipped, naming what is missing, without PostgreSQL, `redis-server`
or the Celery provider.

Shortened for the test only, through a cluster policy in the home's `airflow_local_settings.py`
(the DAG files are untouched): a retry waits 5 s instead of `settings.DAG_RETRY_DELAY_SECONDS`;
and in the configuration a task without a heartbeat for 30 s is failed (and retried), one queued
for 60 s is queued again.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cluster_support import LOCAL_SETTINGS, PASSWORD, USER, Redis, Running, free_port, missing

from selfeval_airflow import cluster as cl
from warehouse_fixtures import POSTGRES_URL, require_postgres, schema_url


@pytest.fixture(scope="module")
def running(tmp_path_factory: Any) -> Iterator[Running]:
    require_postgres()
    if why := missing():
        pytest.skip(why)
    import sqlalchemy as sa

    tmp = tmp_path_factory.mktemp("cluster")
    home = tmp / "airflow"
    (home / "config").mkdir(parents=True)
    (home / "config" / "airflow_local_settings.py").write_text(LOCAL_SETTINGS)
    (home / "passwords.json").write_text(json.dumps({USER: PASSWORD}))
    redis = Redis(free_port(), tmp / "redis.log")
    redis.start()
    server = sa.make_url(POSTGRES_URL)
    name = f"selfeval_cluster_test_{uuid.uuid4().hex[:10]}"
    meta_url = server.set(database=name).render_as_string(hide_password=False)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    port = free_port()
    env = cl.profile(
        home,
        port,
        {
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": meta_url,
            "AIRFLOW__CELERY__BROKER_URL": redis.url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + meta_url.replace("+psycopg2", ""),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__CORE__FERNET_KEY": cl.fernet_key(),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # Only the runs a test triggers: none for the schedule's last interval.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "60",
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT_CHECK_INTERVAL": "10",
        },
    )
    cluster = cl.Cluster(env, tmp / "logs", cl.components(port))
    try:
        cl.migrate(env)
        cluster.start()
        cl.wait_healthy(cluster, port, timeout=300)
        api = cl.Api(f"http://127.0.0.1:{port}", USER, PASSWORD)
        yield Running(cluster, api, redis, meta_url, port)
    finally:
        cluster.stop()
        redis.stop()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def warehouse_schema() -> Iterator[str]:
    """A fresh schema in the test database for one test's warehouse; its URL."""
    import sqlalchemy as sa

    schema = f"selfeval_cluster_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
