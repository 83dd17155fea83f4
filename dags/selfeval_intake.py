"""
### selfeval_intake: feedback within the hour on every report dropped into the shared folder

**Purpose.** Every 30 minutes, find new or changed files in `<share>/inbox/` (any sub-folder, by
content hash), extract each one (a mapped task per file, labelled with its name), check all of
them in one batched validation, load each one into the warehouse (mapped again), write its feedback to `feedback/<unit>/`, archive the original and
e-mail the unit's own contacts through `smtp_default`.

**Inputs.** The shared folder (Variable `selfeval_share` or `$SELFEVAL_SHARE`) with `inbox/` and
`units.csv`; the warehouse (connection `selfeval_warehouse` or `$SELFEVAL_WAREHOUSE_URL`, else
SQLite `warehouse.db` in the share); `smtp_default` (else `.eml` files in `outbox/`).

**Outputs.** Warehouse rows (submission, facts, findings, alert_outbox); `archive/`,
`rejected/<name>` + `.reason.txt`, `feedback/<unit>/*.md|.html`; e-mails.

**Safe to re-run.** Files are recognised by hash and never loaded twice; alerts are queued once
per submission and recipient and sent once. A failed file stays in the inbox for the next run,
does not stop the others, and makes this run end failed (the `watcher` task).
"""

from __future__ import annotations

from airflow.sdk import dag

from selfeval import settings
from selfeval_airflow.tasks import DEFAULT_ARGS, START_DATE, deliver, intake_files, prepare


@dag(
    dag_id=settings.INTAKE_DAG_ID,
    schedule=settings.INTAKE_SCHEDULE,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=list(settings.DAG_TAGS),
    default_args=DEFAULT_ARGS,
)
def selfeval_intake() -> None:
    share_root = prepare()
    intake_files(share_root) >> deliver(share_root)


selfeval_intake()
