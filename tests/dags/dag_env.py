"""Where the DAGs are and the Airflow configuration the DAG tests run with, set in the
environment before Airflow is first imported (config is data, not patches)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

REPO = Path(__file__).parents[2]
DAGS = REPO / "dags"
DAG_FILES = sorted(DAGS.glob("*.py"))

HOME = Path(tempfile.mkdtemp(prefix="selfeval-airflow-"))
AIRFLOW_ENV = {
    "AIRFLOW_HOME": str(HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{HOME / 'airflow.db'}",
    "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
}
os.environ.update(AIRFLOW_ENV)
