"""Airflow for the DAG tests: a temporary AIRFLOW_HOME with migrated SQLite metadata, configured
through environment variables before Airflow is first imported (config is data, not patches).

The metadata DB is migrated once per session in a subprocess (`airflow db migrate`, ~15 s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dag_env import AIRFLOW_ENV, DAGS, HOME


@pytest.fixture(scope="session", autouse=True)
def _remove_airflow_home() -> Iterator[None]:
    yield
    shutil.rmtree(HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Migrated Airflow metadata under the temporary AIRFLOW_HOME."""
    subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), "db", "migrate"],
        env={**os.environ, **AIRFLOW_ENV},
        check=True,
        capture_output=True,
    )
    return HOME


@pytest.fixture(scope="session")
def dagbag() -> Any:
    # BundleDagBag, like the DAG processor and the task runner, puts the DAGs folder on
    # sys.path, which is how a DAG file imports selfeval_tasks beside it.
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)


@pytest.fixture
def clean_env() -> Iterator[None]:
    """Undo the AIRFLOW_CONN_* / AIRFLOW_VAR_* / SELFEVAL_* a test sets."""
    before = dict(os.environ)
    try:
        yield
    finally:
        for key in set(os.environ) - set(before):
            del os.environ[key]
        os.environ.update(before)
