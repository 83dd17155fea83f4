"""Airflow for the DAG tests: a temporary AIRFLOW_HOME with migrated SQLite metadata, configured
through environment variables before Airflow is first imported (config is data, not patches).

The metadata DB is migrated once per session in a subprocess (`airflow db migrate`, ~15 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parents[2]
DAGS = REPO / "dags"
DAG_FILES = sorted(p for p in DAGS.glob("*.py") if p.name != "selfeval_tasks.py")

_HOME = Path(tempfile.mkdtemp(prefix="selfeval-airflow-"))
AIRFLOW_ENV = {
    "AIRFLOW_HOME": str(_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME / 'airflow.db'}",
    "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
}
os.environ.update(AIRFLOW_ENV)


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Migrated Airflow metadata under the temporary AIRFLOW_HOME."""
    subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), "db", "migrate"],
        env={**os.environ, **AIRFLOW_ENV},
        check=True,
        capture_output=True,
    )
    return _HOME


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
