"""
### selfeval_annual_consolidation: the year's district consolidation, after the deadline

**Purpose.** Once a year (15 April, after the 31 March deadline), for the fiscal year in the
`fiscal_year` param (default: the previous year; trigger by hand for any year): run the intake
once more, compare the year's submissions with the unit registry (who has not submitted, who
still has open errors) and remind those units, deliver pending alerts, then publish the year's
consolidated tables to `published/<year>/` and update the Asset `selfeval_consolidated`, which
downstream DAGs can schedule on.

**Inputs.** As `selfeval_intake`: the shared folder, the warehouse, `smtp_default`; plus the
`fiscal_year` param (an integer year). Runs started by the Asset or by hand carry no logical
date, so the year always comes from the param.

**Outputs.** What intake writes; reminder texts in `feedback/<unit>/`; reminders in the outbox;
`published/<year>/` (workbook, CSV, HTML, manifest); an Asset event.

**Safe to re-run.** Intake and alerts are idempotent (see `selfeval_intake`); reminders are
queued once per kind, unit, fiscal year and recipient, so a re-run reminds nobody twice;
publishing swaps the year's folder in atomically.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Param, dag

from selfeval import settings
from selfeval_tasks import (
    DEFAULT_ARGS,
    START_DATE,
    TZ,
    check,
    deliver,
    extract,
    load,
    prepare,
    publish,
    remind,
    scan,
    watcher,
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
        "fiscal_year": Param(
            datetime.now(TZ).year - 1,
            type="integer",
            minimum=settings.FISCAL_YEAR_MIN,
            maximum=settings.FISCAL_YEAR_MAX,
            title="Fiscal year",
            description="The fiscal year to consolidate (default: the previous year).",
        )
    },
)
def selfeval_annual_consolidation() -> None:
    share_root = prepare()
    year = "{{ params.fiscal_year }}"
    read = extract.partial(share_root=share_root).expand(item=scan(share_root))
    files = load.partial(share_root=share_root).expand(checked=check(read))
    reminders = remind(share_root, year)
    files >> reminders >> deliver(share_root) >> publish(share_root, year)
    [read, files] >> watcher()


selfeval_annual_consolidation()
