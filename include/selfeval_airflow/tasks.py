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

from airflow.sdk import Asset, Param, get_current_context, task

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
def _opened() -> Iterator[tuple[Share, Engine]]:
    """The share and the warehouse, resolved on the worker that runs the task: no path or
    connection travels from another machine (a Celery worker may mount the share elsewhere)."""
    from selfeval_airflow import resources

    share = resources.share()
    with resources.warehouse(share) as engine:
        yield share, engine


def fiscal_year() -> int:
    """The run's `fiscal_year` param, or by default the year before the run was due (in the
    district's time zone): fixed per run, whenever the task runs or is retried."""
    context = get_current_context()
    year = context["params"].get("fiscal_year")
    if year is not None:
        return int(year)
    return int(context["dag_run"].run_after.astimezone(TZ).year - 1)


def batch_param() -> Param:
    """The `batch_files` param of both DAGs (a fresh Param per DAG)."""
    return Param(
        settings.INTAKE_BATCH_FILES,
        type="integer",
        minimum=1,
        maximum=settings.INTAKE_BATCH_FILES_MAX,
        title="Files per batch",
        description="The intake takes new files in batches of at most this many, one task each.",
    )


# --- the intake --------------------------------------------------------------------------------


@task
def prepare() -> int | None:
    """Create the share layout, migrate the warehouse, load units.csv; returns the unit count."""
    from selfeval import intake

    with _opened() as (share, engine):
        units = intake.prepare(engine, share)
    if units is None:
        log.warning("no unit registry at %s: reports will not match units", share.units_csv)
    else:
        log.info("loaded %d units from %s", units, share.units_csv)
    return units


@task
def scan() -> list[dict[str, Any]]:
    """New files in inbox/ by content hash, claimed for this run and cut into batches; refused
    files go to rejected/ straight away, copies of processed files to archive/ (finishing a run
    that died). Each batch names its files by path inside inbox/, never by a path on this
    machine."""
    from selfeval import intake

    context = get_current_context()
    scanned_at = datetime.now(UTC)
    with _opened() as (share, engine):
        found = intake.scan(engine, share, owner=f"{context['dag'].dag_id}/{context['run_id']}")
    for line in found.settled:
        log.info("%s", line)
    # Each file's own arrival (its modification time, never after the scan) orders versions.
    files = [
        {**item.to_dict(portable=True), "received_at": item.arrived_at(scanned_at).isoformat()}
        for item in found.new
    ]
    cut = intake.batches(files, int(context["params"]["batch_files"]))
    log.info("%d new file(s) in %d batch(es)", len(files), len(cut))
    return [{"label": _batch_label(n, len(cut), b), "files": b} for n, b in enumerate(cut, 1)]


def _batch_label(number: int, count: int, files: list[dict[str, Any]]) -> str:
    """'2/8 · 25 files: a.docx, b.txt, … +20' — what the grid shows for one batch (at most 250
    characters, the map index column's size)."""
    from selfeval.names import printable

    names = [printable(f["relative"]) for f in files]
    head = f"{number}/{count} · {len(files)} file{'s' if len(files) > 1 else ''}: "
    for kept in range(len(names), -1, -1):
        more = f", … +{len(names) - kept}" if kept < len(names) else ""
        label = head + ", ".join(names[:kept]) + more
        if len(label) <= 250:
            break
    return label[:250]


@task(map_index_template="{{ batch_label }}")
def take_in(batch: dict[str, Any]) -> list[dict[str, Any]]:
    """Read, check (one validation per table for the batch) and load each file of one batch,
    each report in its own transaction; a file that cannot be read is rejected with its reason
    and the others go on. Fails, after trying every file, when the warehouse or the share failed
    on one (that file stays in the inbox; a retry or the next run completes it)."""
    import time

    from selfeval import intake
    from selfeval.names import printable
    from selfeval.share import inbox_file_from_dict

    context = get_current_context()
    context["batch_label"] = batch["label"]  # type: ignore[typeddict-unknown-key]
    with _opened() as (share, engine):
        items = [(inbox_file_from_dict(f, share.inbox), f) for f in batch["files"]]
        arrived = {item: datetime.fromisoformat(f["received_at"]) for item, f in items}
        results = intake.take_in(
            engine,
            share,
            [item for item, _ in items],
            received_at=arrived.__getitem__,
            read_until=time.monotonic() + settings.INTAKE_BATCH_READ_SECONDS,
        )
    for r in results:
        log.info(
            "%s: %s (submission %s, unit %s, %d error(s), %d warning(s)) %s",
            *(printable(r.relative), r.outcome, r.submission_id, r.unit_name),
            *(r.errors, r.warnings, r.reason or r.stored_at or ""),
        )
        if r.outcome == "rejected":
            log.warning("拒收 rejected %s: %s", printable(r.relative), r.reason)
    briefs = [r.brief() for r in results]
    # Rendered again after the task: the grid then shows the batch's units and what became of
    # its files, a rejection included (the task succeeds: a rejection is an outcome).
    context["batch_label"] = outcome_label(batch["label"], briefs)  # type: ignore[typeddict-unknown-key]
    failed = [r for r in results if r.outcome == "failed"]
    if failed:
        from airflow.sdk.exceptions import AirflowException

        raise AirflowException(
            f"{len(failed)} of {len(results)} file(s) failed and stay in the inbox: "
            + "; ".join(f"{printable(r.relative)}: {r.reason}" for r in failed)
        )
    return briefs


def outcome_label(label: str, briefs: list[dict[str, Any]]) -> str:
    """'2/8 · 钟村街道、沙头街道 等 25 个 · 载入 24，拒收 1（bad.pdf）' — the batch's label once its files are
    taken in: the units' names where the reports gave them (else the file names it had) and the
    counts (at most 250 characters, the map index column's size)."""
    from selfeval import intake
    from selfeval.names import printable

    head = label.split(" · ", 1)[0]
    units = list(dict.fromkeys(b["unit_name"] for b in briefs if b["unit_name"]))
    unnamed = [printable(b["relative"]) for b in briefs if not b["unit_name"]]
    counts = intake.tally(briefs)
    said = [
        f"{word} {counts[key]}"
        for key, word in (
            ("loaded", "载入"),
            ("with_errors", "有错误"),
            ("rejected", "拒收"),
            ("duplicate", "重复"),
            ("deferred", "推迟"),
            ("failed", "失败"),
        )
        if counts[key]
    ]
    rejected = [printable(b["relative"]) for b in briefs if b["outcome"] == "rejected"]
    tail = "，".join(
        w + (f"（{'、'.join(rejected)}）" if w.startswith("拒收") else "") for w in said
    )
    names = units + unnamed
    for kept in range(len(names), -1, -1):
        more = f" 等 {len(names)} 个" if kept < len(names) else ""
        text = f"{head} · {'、'.join(names[:kept])}{more} · {tail}"
        if len(text) <= 250:
            return text
    return f"{head} · {tail}"[:250]


@task(trigger_rule="all_done")
def summarise(taken: list[list[dict[str, Any]]]) -> dict[str, int]:
    """One line per file of the run and the counts (loaded, with errors, rejected …); a batch
    that failed has no results here: its files are counted by the watcher's failure."""
    from selfeval import intake
    from selfeval.names import printable

    # One request for every batch's results (iterating asks for one more, and logs a 404).
    briefs = [b for batch in taken[:] if batch for b in batch]
    for b in briefs:
        said = b["reason"] or (
            f"{b['unit_name'] or 'no unit'}, {b['errors']} error(s), {b['warnings']} warning(s)"
        )
        log.info("%-9s %s: %s", b["outcome"], printable(b["relative"]), said)
    counts = intake.tally(briefs)
    log.info("%s", ", ".join(f"{n} {outcome}" for outcome, n in counts.items()))
    return counts


@task(trigger_rule="all_done")
def watcher(scanned: list[dict[str, Any]] | None, taken: list[list[dict[str, Any]]]) -> str:
    """Fail the run when the scan or any batch failed (the mapped tasks alone would leave it
    green); succeed, saying so, in a healthy run — it runs in every run, never skipped."""
    from airflow.sdk.exceptions import AirflowFailException

    if scanned is None:
        raise AirflowFailException("the scan failed: no file was taken in; see the scan task")
    done = sum(1 for batch in taken[:] if batch)
    if done < len(scanned):
        raise AirflowFailException(
            f"{len(scanned) - done} of {len(scanned)} batch(es) failed; their files stay in the "
            "inbox for the next run: see the failed take_in task(s)"
        )
    return f"all {len(scanned)} batch(es) done"


def intake_files(after: Any) -> XComArg:
    """scan → take_in (one task per batch of files) → summarise, after `after`, with the watcher
    that fails the run when a batch failed. Returns the summary task."""
    scanned: Any = scan()
    after >> scanned
    taken: Any = take_in.expand(batch=scanned)
    watcher(scanned, taken)
    return summarise(taken)


# --- after the intake --------------------------------------------------------------------------


@task(trigger_rule="all_done")
def deliver() -> dict[str, Any]:
    """Send every due alert once; an SMTP outage leaves them pending for the next run, and an
    alert out of attempts is marked failed and fails this task (the data team sees it)."""
    from selfeval import intake
    from selfeval_airflow import resources

    with _opened() as (share, engine), resources.sender(share) as send:
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


@task
def draft() -> dict[str, Any]:
    """Publish the year's draft to drafts/<year>/ and list the reminders the run would queue,
    queuing, sending and publishing nothing: what the person who approves reads (`approve`)."""
    from selfeval import approval
    from selfeval.alerts import plan_reminders
    from selfeval.dates import deadline_passed, submission_deadline
    from selfeval.errors import NothingToPublish
    from selfeval.publish import publish_district_summary
    from selfeval.warehouse.registry import held_for_review

    year = fiscal_year()
    with _opened() as (share, engine):
        try:
            drafted = publish_district_summary(engine, share.root, year, draft=True)
        except NothingToPublish as exc:
            log.warning("FY%s: no draft: %s", year, exc)
            drafted = None
        made = approval.Draft(
            fiscal_year=year,
            draft_folder=None if drafted is None else str(drafted.folder),
            publish_folder=str(share.root / settings.PUBLISHED_DIR / str(year)),
            submissions=0 if drafted is None else drafted.submissions,
            units_missing=0 if drafted is None else drafted.units_missing,
            held=held_for_review(engine, year),
            reminders=plan_reminders(engine, year),
            deadline=submission_deadline(year),
            reminders_due=deadline_passed(year, datetime.now(UTC)),
        )
    log.info("FY%s: draft in %s", year, made.draft_folder)
    for r in made.reminders:
        log.info("would remind %s (%s): %s", r.unit_name, r.kind, r.why)
    if not made.reminders_due:
        log.info("FY%s: the deadline %s is not over: no reminder will be sent", year, made.deadline)
    return {
        "fiscal_year": year,
        "folder": made.draft_folder,
        "held": list(made.held),
        "reminders": [r.to_dict() for r in made.reminders],
        "reminders_due": made.reminders_due,
        "subject": approval.subject(made),
        "body": approval.body(made),
    }


def approve() -> Any:
    """The approval a person gives in the Airflow UI (Browse → Required Actions, or the run's
    `approve` task) after reading the draft: Approve lets `publish`, `remind` and `deliver` run;
    Reject (or no answer within settings.APPROVAL_WAIT_DAYS) skips all of them."""
    from airflow.providers.standard.operators.hitl import ApprovalOperator

    return ApprovalOperator(
        task_id="approve",
        subject="{{ ti.xcom_pull(task_ids='draft')['subject'] }}",
        body="{{ ti.xcom_pull(task_ids='draft')['body'] }}",
        # Every task downstream is skipped on Reject, whatever its trigger rule.
        ignore_downstream_trigger_rules=True,
        defaults="Reject",
        response_timeout=timedelta(days=settings.APPROVAL_WAIT_DAYS),
        # The wait is the response timeout's; an execution_timeout would cut it short.
        execution_timeout=None,
    )


@task
def remind() -> dict[str, Any]:
    """After approval and only once the year's deadline is over: compare the year's submissions
    with the registry; remind missing and erring units (before the deadline: none, and says so)."""
    from selfeval.alerts import queue_reminders
    from selfeval.dates import deadline_passed, submission_deadline

    year = fiscal_year()
    if not deadline_passed(year, datetime.now(UTC)):
        log.info(
            "FY%s: 截止日期 %s 未过，不催报 / the deadline is not over: no reminder queued",
            *(year, submission_deadline(year)),
        )
        return {"missing_units": [], "open_error_units": [], "queued": 0, "before_deadline": True}
    with _opened() as (share, engine):
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
        "before_deadline": False,
    }


@task(outlets=[CONSOLIDATED])
def publish() -> dict[str, Any]:
    """After approval: publish the year's district summary to published/<year>/ and update the
    Asset."""
    from selfeval.errors import NothingToPublish
    from selfeval.publish import publish_district_summary

    with _opened() as (share, engine):
        try:
            result = publish_district_summary(engine, share.root, fiscal_year())
        except NothingToPublish as exc:
            from airflow.sdk.exceptions import AirflowSkipException

            # The draft said so before the approval; skipped: no Asset event for nothing.
            raise AirflowSkipException(f"无可发布的内容 / nothing to publish: {exc}") from exc
    log.info("published FY%s to %s", result.fiscal_year, result.folder)
    return {"fiscal_year": result.fiscal_year, "folder": str(result.folder)}
