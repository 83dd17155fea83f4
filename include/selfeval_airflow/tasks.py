"""The tasks both selfeval DAGs use, and `intake_files`, the intake wiring they share.

Each task resolves its resources when it runs (`resources`) and is a few lines calling
`selfeval.intake` (or alerts, publish); what passes between tasks is plain JSON. Importing this
module loads `airflow.sdk` and `selfeval.settings` only: everything else is imported inside the
tasks, so parsing a DAG file stays cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from airflow.sdk import Asset, get_current_context, task

from selfeval import settings

if TYPE_CHECKING:
    from airflow.sdk.definitions.xcom_arg import XComArg
    from sqlalchemy.engine import Engine

    from selfeval.share import Share

log = logging.getLogger(__name__)

CONSOLIDATED = Asset(settings.CONSOLIDATED_ASSET_NAME, uri=settings.CONSOLIDATED_ASSET_URI)
TZ = ZoneInfo(settings.DAG_TIMEZONE)
START_DATE = datetime(2025, 1, 1, tzinfo=TZ)
DEFAULT_ARGS = {
    "owner": settings.DAG_OWNER,
    "retries": settings.DAG_RETRIES,
    "retry_delay": timedelta(seconds=settings.DAG_RETRY_DELAY_SECONDS),
    # No task may hold the run (and the next one, max_active_runs=1) for ever.
    "execution_timeout": timedelta(seconds=settings.TASK_TIMEOUT_SECONDS),
}


@contextmanager
def _opened(share_root: str | None = None) -> Iterator[tuple[Share, Engine]]:
    from selfeval_airflow import resources

    share = resources.share(share_root)
    with resources.warehouse(share) as engine:
        yield share, engine


def _label(item: dict[str, Any]) -> None:
    """Name this mapped task instance after its file (`map_index_template`)."""
    get_current_context()["file_name"] = item["relative"]  # type: ignore[typeddict-unknown-key]


def fiscal_year() -> int:
    """The run's `fiscal_year` param, or by default the year before the run was due (in the
    district's time zone): fixed per run, whenever the task runs or is retried."""
    context = get_current_context()
    year = context["params"].get("fiscal_year")
    if year is not None:
        return int(year)
    return int(context["dag_run"].run_after.astimezone(TZ).year - 1)


# --- the intake --------------------------------------------------------------------------------


@task
def prepare() -> str:
    """Create the share layout, migrate the warehouse, load units.csv; returns the share root."""
    from selfeval import intake

    with _opened() as (share, engine):
        units = intake.prepare(engine, share)
    if units is None:
        log.warning("no unit registry at %s: reports will not match units", share.units_csv)
    else:
        log.info("loaded %d units from %s", units, share.units_csv)
    return str(share.root)


@task
def scan(share_root: str) -> list[dict[str, Any]]:
    """New files in inbox/ by content hash, claimed for this run; refused files go to rejected/
    straight away, copies of processed files to archive/ (finishing a run that died)."""
    from selfeval import intake

    context = get_current_context()
    scanned_at = datetime.now(UTC)
    with _opened(share_root) as (share, engine):
        found = intake.scan(engine, share, owner=f"{context['dag'].dag_id}/{context['run_id']}")
    for line in found.settled:
        log.info("%s", line)
    # Each file's own arrival (its modification time, never after the scan) orders versions.
    return [
        {**item.to_dict(), "received_at": item.arrived_at(scanned_at).isoformat()}
        for item in found.new
    ]


@task(map_index_template="{{ file_name }}")
def extract(share_root: str, item: dict[str, Any]) -> dict[str, Any]:
    """Read one file into its record; an unreadable file is rejected here, with its reason."""
    from selfeval import intake, jsonio
    from selfeval.share import inbox_file_from_dict

    _label(item)
    with _opened(share_root) as (share, engine):
        received_at = datetime.fromisoformat(item["received_at"])
        read = intake.read(engine, share, inbox_file_from_dict(item), received_at=received_at)
    if isinstance(read, intake.IntakeResult):  # rejected (or deferred): a final state
        log.info("%s: %s: %s -> %s", read.relative, read.outcome, read.reason, read.stored_at)
        return {"item": item, "result": read.to_dict()}
    return {"item": item, "record": jsonio.dumps(read.to_dict(), indent=None)}


@task(trigger_rule="all_done")
def check(extracted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check every readable report of the run in one batched validation per table."""
    from selfeval import intake, jsonio
    from selfeval.record import record_from_dict

    readable = [e for e in extracted if "record" in e]
    checked = intake.check([record_from_dict(jsonio.loads(e["record"])) for e in readable])
    log.info("checked %d report(s) in one batch", len(readable))
    # A report the checks crashed on alone carries its reason: `load` rejects it.
    return [
        {**e, "reject": c}
        if isinstance(c, str)
        else {**e, "findings": jsonio.dumps([f.to_dict() for f in c], indent=None)}
        for e, c in zip(readable, checked, strict=True)
    ]


@task(map_index_template="{{ file_name }}")
def load(share_root: str, checked: dict[str, Any]) -> dict[str, Any]:
    """Load one checked report with its feedback queued, write the feedback, archive the
    original; or reject it."""
    from selfeval import intake, jsonio
    from selfeval.findings import finding_from_dict
    from selfeval.record import record_from_dict
    from selfeval.share import inbox_file_from_dict

    item = checked["item"]
    _label(item)
    findings = checked.get("reject") or tuple(
        finding_from_dict(f) for f in jsonio.loads(checked["findings"])
    )
    with _opened(share_root) as (share, engine):
        result = intake.commit(
            engine,
            share,
            inbox_file_from_dict(item),
            record_from_dict(jsonio.loads(checked["record"])),
            findings,
            received_at=datetime.fromisoformat(item["received_at"]),
        )
    log.info(
        "%s: %s (submission %s, unit %s, %d error(s), %d warning(s)) -> %s",
        *(result.relative, result.outcome, result.submission_id, result.unit_name),
        *(result.errors, result.warnings, result.stored_at),
    )
    return result.to_dict()


@task(trigger_rule="one_failed")
def watcher() -> None:
    """Fail the run when any file failed: the mapped tasks alone would leave it green."""
    from airflow.sdk.exceptions import AirflowFailException

    raise AirflowFailException(
        "at least one inbox file failed; see the failed extract or load tasks"
    )


def intake_files(share_root: Any) -> XComArg:
    """scan → extract (one task per file) → check (one batch) → load (one task per file), with
    the watcher that fails the run when a file failed. Returns the load tasks.

    `share_root` is `prepare()`'s XComArg; Airflow types a task call by the values the task
    receives when it runs, hence `Any` for the arguments that stand for them here."""
    read: Any = extract.partial(share_root=share_root).expand(item=scan(share_root))
    files = load.partial(share_root=share_root).expand(checked=check(read))
    [read, files] >> watcher()
    return files


# --- after the intake --------------------------------------------------------------------------


@task(trigger_rule="all_done")
def deliver(share_root: str) -> dict[str, Any]:
    """Send every due alert once; an SMTP outage leaves them pending for the next run, and an
    alert out of attempts is marked failed and fails this task (the data team sees it)."""
    from selfeval import intake
    from selfeval_airflow import resources

    with _opened(share_root) as (share, engine), resources.sender(share) as send:
        result = intake.deliver(engine, send)
    if result.failed:
        log.warning(
            "%d alert(s) not delivered, %d pending; last error: %s",
            *(len(result.failed), result.pending, result.failed[-1][1]),
        )
    log.info("delivered %d alert(s); %d waiting to be retried", len(result.sent), result.waiting)
    if result.gave_up:
        from airflow.sdk.exceptions import AirflowFailException

        # Out of attempts: marked failed in alert_outbox; the run shows it, nothing retries it.
        raise AirflowFailException(
            f"{len(result.gave_up)} alert(s) given up after {settings.ALERT_MAX_ATTEMPTS} "
            f"attempts and marked failed in alert_outbox (ids "
            f"{', '.join(map(str, result.gave_up))}); last error: {result.failed[-1][1]}"
        )
    return {
        "sent": len(result.sent),
        "failed": len(result.failed),
        "pending": result.pending,
        "waiting": result.waiting,
    }


@task(trigger_rule="all_done")
def remind(share_root: str) -> dict[str, Any]:
    """Compare the year's submissions with the registry; remind missing and erring units."""
    from selfeval.alerts import queue_reminders

    year = fiscal_year()
    with _opened(share_root) as (share, engine):
        result = queue_reminders(engine, share, year)
    log.info(
        "FY%s: not submitted: %s; open errors: %s; %d reminder(s) queued",
        year,
        ", ".join(result.missing_units) or "none",
        ", ".join(result.open_error_units) or "none",
        len(result.new_alert_ids),
    )
    return {
        "missing_units": list(result.missing_units),
        "open_error_units": list(result.open_error_units),
        "queued": len(result.new_alert_ids),
    }


@task(trigger_rule="all_done", outlets=[CONSOLIDATED])
def publish(share_root: str) -> dict[str, Any]:
    """Publish the year's district summary to published/<year>/ and update the Asset."""
    from selfeval.publish import publish_district_summary

    with _opened(share_root) as (share, engine):
        result = publish_district_summary(engine, share.root, fiscal_year())
    log.info("published FY%s to %s", result.fiscal_year, result.folder)
    return {"fiscal_year": result.fiscal_year, "folder": str(result.folder)}
