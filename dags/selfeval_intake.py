"""
### selfeval_intake: feedback within the hour on every report dropped into the shared folder

**Purpose.** Every 30 minutes, find new or changed files in `<share>/inbox/` (any sub-folder, by
content hash) and take them in by batches (`take_in`, one mapped task per batch of at most
`batch_files`, labelled with its files, then with its units and what became of them, a
rejection named): read each file, check the batch in one validation per
table, load each report in its own transaction, write its feedback to `feedback/<unit>/`,
archive the original; then `summarise` lists every file's outcome and the counts, and `deliver`
e-mails the units' own contacts through `smtp_default`.

**Inputs.** The shared folder (Variable `selfeval_share` or `$SELFEVAL_SHARE`, read by each task
on its worker) with `inbox/` and `units.csv`; the warehouse (connection `selfeval_warehouse` or
`$SELFEVAL_WAREHOUSE_URL`, else SQLite `warehouse.db` in the share); `smtp_default` (else `.eml`
files in `outbox/`); the param `batch_files` (default `settings.INTAKE_BATCH_FILES`).

**Outputs.** Warehouse rows (submission, facts, findings, alert_outbox); `archive/`,
`rejected/<name>` + `.reason.txt`, `feedback/<unit>/*.md|.html`; e-mails.

**Safe to re-run.** Files are recognised by hash and never loaded twice; alerts are queued once
per submission and recipient and sent once. A hostile or unreadable file is rejected and the
rest of its batch goes on. A file the warehouse or the share failed on stays in the inbox for the
next run, does not stop the others, and fails its batch and this run (the `watcher` task,
which runs in every run and succeeds when no batch failed). The run's counts become its note.
"""

from __future__ import annotations

from airflow.sdk import dag

from selfeval import settings
from selfeval_airflow.schedules import intake_schedule
from selfeval_airflow.tasks import (
    DEFAULT_ARGS,
    START_DATE,
    batch_param,
    deliver,
    intake_files,
    prepare,
)


@dag(
    dag_id=settings.INTAKE_DAG_ID,
    schedule=intake_schedule(),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=list(settings.DAG_TAGS),
    default_args=DEFAULT_ARGS,
    params={"batch_files": batch_param()},
)
def selfeval_intake() -> None:
    intake_files(prepare()) >> deliver()


selfeval_intake()
