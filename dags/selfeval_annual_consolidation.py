"""
### selfeval_annual_consolidation: the year's district consolidation, after the deadline

**Purpose.** Once a year (15 April, after the 31 March deadline), for the fiscal year in the
`fiscal_year` param (empty by default: the year before the run is due, worked out when the task
runs; trigger by hand for any year): run the intake once more, compare the year's submissions with the unit registry (who has not submitted, who
still has open errors) and remind those units, deliver pending alerts, then publish the year's
consolidated tables to `published/<year>/` and update the Asset `selfeval_consolidated`, which
downstream DAGs can schedule on.

**Inputs.** As `selfeval_intake`: the shared folder, the warehouse, `smtp_default`, the param
`batch_files`; plus the `fiscal_year` param (an integer year, or empty). Runs started by hand
carry no logical date, so an empty year is the one before the run's `run_after`, never the date
the file was parsed.

**Outputs.** What intake writes; reminder texts in `feedback/<unit>/`; reminders in the outbox;
`published/<year>/` (workbook, CSV, HTML, manifest); an Asset event.

**Safe to re-run.** Intake and alerts are idempotent (see `selfeval_intake`); reminders are
queued once per kind, unit, fiscal year and recipient, so a re-run reminds nobody twice;
publishing swaps the year's folder in atomically.
"""

from __future__ import annotations

from airflow.sdk import Param, dag

from selfeval import settings
from selfeval_airflow.tasks import (
    DEFAULT_ARGS,
    START_DATE,
    batch_param,
    deliver,
    intake_files,
    prepare,
    publish,
    remind,
)


@dag(
    dag_id=settings.ANNUAL_DAG_ID,
    schedule=settings.ANNUAL_SCHEDULE,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=list(settings.DAG_TAGS),
    default_args=DEFAULT_ARGS,
    params={
        "batch_files": batch_param(),
        "fiscal_year": Param(
            None,
            type=["null", "integer"],
            minimum=settings.FISCAL_YEAR_MIN,
            maximum=settings.FISCAL_YEAR_MAX,
            title="Fiscal year",
            description="The fiscal year to consolidate (empty: the year before the run is due).",
        ),
    },
)
def selfeval_annual_consolidation() -> None:
    intake_files(prepare()) >> remind() >> deliver() >> publish()


selfeval_annual_consolidation()
