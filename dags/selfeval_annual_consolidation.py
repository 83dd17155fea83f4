"""
### selfeval_annual_consolidation: the year's district consolidation, approved by a person

**Purpose.** Once a year (15 April, after the 31 March deadline; schedule and deadline in the
team's settings file, see docs/dags.md), for the fiscal year in the `fiscal_year` param (empty by
default: the year before the run is due, worked out when the task runs; trigger by hand for any
year): run the intake once more, publish a **draft** of the year's consolidated tables to
`drafts/<year>/` and list the reminders the run would send (who, why), then **wait for a person
to approve** in the Airflow UI (Browse → Required Actions, or the run's `approve` task). Approve:
publish to `published/<year>/` and update the Asset `selfeval_consolidated`; remind the units that
have not submitted or still have errors — only once the year's deadline is over — and deliver.
Reject (or no answer within 14 days): nothing is published, queued or sent.

**Inputs.** As `selfeval_intake`: the shared folder, the warehouse, `smtp_default`, the param
`batch_files`; plus the `fiscal_year` param (an integer year, or empty). Runs started by hand
carry no logical date, so an empty year is the one before the run's `run_after`, never the date
the file was parsed.

**Outputs.** What intake writes; `drafts/<year>/`; after approval: `published/<year>/`
(workbook, CSV, HTML, manifest), an Asset event, reminder texts in `feedback/<unit>/`,
reminders in the outbox, e-mails.

**Safe to re-run.** Created paused; a run before the deadline sends no reminder even when
approved. Intake and alerts are idempotent (see `selfeval_intake`); reminders are queued once
per kind, unit, fiscal year and recipient, so a re-run reminds nobody twice; the draft and the
publication each swap the year's folder in atomically.
"""

from __future__ import annotations

from airflow.sdk import Param, dag

from selfeval import settings
from selfeval_airflow.schedules import annual_schedule
from selfeval_airflow.tasks import (
    DEFAULT_ARGS,
    START_DATE,
    approve,
    batch_param,
    deliver,
    draft,
    intake_files,
    prepare,
    publish,
    remind,
)


@dag(
    dag_id=settings.ANNUAL_DAG_ID,
    schedule=annual_schedule(),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=True,
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
    approval = approve()
    intake_files(prepare()) >> draft() >> approval
    approval >> publish()
    approval >> remind() >> deliver.override(trigger_rule="all_success")()


selfeval_annual_consolidation()
