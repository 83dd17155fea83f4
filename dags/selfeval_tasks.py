"""The Airflow-facing tasks both selfeval DAGs use. Not a DAG file (.airflowignore skips it).

Each task resolves its configuration when it runs, never at parse time: the shared folder from
the Variable `selfeval_share` or $SELFEVAL_SHARE, the warehouse from the connection
`selfeval_warehouse` or $SELFEVAL_WAREHOUSE_URL (else SQLite in the share), and mail from the
connection `smtp_default` (else .eml files in <share>/outbox/). Everything they do is a call into
`selfeval`, which is tested without Airflow; only this module knows Airflow.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from airflow.sdk import Asset, task

from selfeval import settings

if TYPE_CHECKING:
    from email.message import EmailMessage

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


# --- configuration, resolved inside tasks ------------------------------------------------------


def _share() -> Share:
    from airflow.sdk import Variable

    from selfeval.share import open_share

    return open_share(Variable.get(settings.SHARE_VARIABLE, default=None))


def _warehouse_url() -> str | None:
    """The URL of connection `selfeval_warehouse`, or None to fall back to the environment."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    from selfeval.errors import ConfigError

    try:
        conn = Connection.get(settings.WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return None
    extra = conn.extra_dejson
    if extra.get("sqlalchemy_url"):
        return str(extra["sqlalchemy_url"])
    if conn.conn_type in ("postgres", "postgresql"):
        from airflow.providers.postgres.hooks.postgres import PostgresHook

        hook = PostgresHook(postgres_conn_id=settings.WAREHOUSE_CONN_ID)
        return str(hook.sqlalchemy_url.render_as_string(hide_password=False))
    if conn.conn_type == "sqlite" and conn.host:
        return f"sqlite:///{conn.host}"
    raise ConfigError(
        f"connection {settings.WAREHOUSE_CONN_ID!r} of type {conn.conn_type!r}: use a postgres "
        "or sqlite connection, or put the URL in its extra as sqlalchemy_url"
    )


@contextmanager
def _warehouse(share: Share) -> Iterator[Engine]:
    from selfeval.warehouse import connect

    engine = connect(_warehouse_url(), share=share.root)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _sender(share: Share) -> Iterator[Any]:
    """A send(EmailMessage) through `smtp_default`, or into <share>/outbox/ when it is undefined.

    The SMTP connection opens on the first message, so a run with nothing to send never dials
    out, and an unreachable server surfaces as a send error that the outbox records.
    """
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    from selfeval.alerts import file_sender

    try:
        Connection.get(settings.SMTP_CONN_ID)
    except AirflowNotFoundException:
        log.info("no %s connection: writing alerts to %s", settings.SMTP_CONN_ID, share.outbox)
        yield file_sender(share.outbox)
        return

    from airflow.providers.smtp.hooks.smtp import SmtpHook

    hook = SmtpHook(smtp_conn_id=settings.SMTP_CONN_ID)
    opened = False

    def send(message: EmailMessage) -> None:
        nonlocal opened
        if not opened:
            hook.get_conn()
            opened = True
        # SmtpHook.send_email_smtp builds its own HTML-only message; ours carries a text and an
        # HTML alternative and a stable Message-ID, so hand it to the connected client as is.
        hook._smtp_client.send_message(message)  # type: ignore[union-attr]

    try:
        yield send
    finally:
        if opened:
            hook.__exit__(None, None, None)


# --- tasks -------------------------------------------------------------------------------------


@task
def prepare() -> str:
    """Create the share layout, migrate the warehouse, load units.csv; returns the share root."""
    from selfeval.warehouse import load_units, upgrade

    share = _share()
    with _warehouse(share) as engine:
        upgrade(engine)
        if share.units_csv.exists():
            log.info(
                "loaded %d units from %s", load_units(engine, share.units_csv), share.units_csv
            )
        else:
            log.warning("no unit registry at %s: reports will not match units", share.units_csv)
    return str(share.root)


@task
def scan(share_root: str) -> list[dict[str, Any]]:
    """New files in inbox/ by content hash, claimed for this run; refused files go to rejected/
    straight away, copies of processed files to archive/ (finishing a run that died)."""
    from datetime import UTC, datetime

    from airflow.sdk import get_current_context

    from selfeval.share import claim_scan, open_share, processed_hashes, scan_inbox, settle_scan

    share = open_share(share_root)
    context = get_current_context()
    owner = f"{context['dag'].dag_id}/{context['run_id']}"
    scanned_at = datetime.now(UTC)
    with _warehouse(share) as engine:
        done = processed_hashes(engine)
        found = claim_scan(share, scan_inbox(share, processed=done), owner=owner)
        for line in settle_scan(share, found, processed=done, engine=engine):
            log.info("%s", line)
    log.info("%d new file(s) in %s claimed by %s", len(found.new), share.inbox, owner)
    # Each file's own arrival (its modification time, never after the scan) orders versions.
    return [
        {**item.to_dict(), "received_at": item.arrived_at(scanned_at).isoformat()}
        for item in found.new
    ]


@task(map_index_template="{{ file_name }}")
def extract(share_root: str, item: dict[str, Any]) -> dict[str, Any]:
    """Read one file into its record; an unreadable file is rejected here, with its reason."""
    from datetime import datetime

    from airflow.sdk import get_current_context

    from selfeval import jsonio
    from selfeval.share import IntakeResult, inbox_file_from_dict, open_share, read_inbox_file

    get_current_context()["file_name"] = item["relative"]  # type: ignore[typeddict-unknown-key]
    share = open_share(share_root)
    with _warehouse(share) as engine:
        read = read_inbox_file(
            engine,
            share,
            inbox_file_from_dict(item),
            received_at=datetime.fromisoformat(item["received_at"]),
        )
    if isinstance(read, IntakeResult):  # the file was rejected
        log.info("%s: rejected: %s -> %s", read.relative, read.reason, read.stored_at)
        return {"item": item, "result": read.to_dict()}
    return {"item": item, "record": jsonio.dumps(read.to_dict(), indent=None)}


@task(trigger_rule="all_done")
def check(extracted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check every readable report of the run in one batched validation per table."""
    from selfeval import jsonio
    from selfeval.pipeline import check_isolated
    from selfeval.record import record_from_dict

    readable = [e for e in extracted if "record" in e]
    records = [record_from_dict(jsonio.loads(e["record"])) for e in readable]
    findings = check_isolated(records)
    log.info("checked %d report(s) in one batch", len(records))
    out: list[dict[str, Any]] = []
    for e, fs in zip(readable, findings, strict=True):
        if isinstance(fs, str):  # the checks crashed on this report alone: load rejects it
            log.warning("%s: %s", e["item"]["relative"], fs)
            out.append({**e, "reject": fs})
        else:
            out.append({**e, "findings": jsonio.dumps([f.to_dict() for f in fs], indent=None)})
    return out


@task(map_index_template="{{ file_name }}")
def load(share_root: str, checked: dict[str, Any]) -> dict[str, Any]:
    """Load one checked report with its feedback queued, archive the original; or reject it."""
    from datetime import datetime

    from airflow.sdk import get_current_context

    from selfeval import jsonio
    from selfeval.findings import finding_from_dict
    from selfeval.record import record_from_dict
    from selfeval.share import (
        inbox_file_from_dict,
        load_inbox_file,
        open_share,
        reject_inbox_file,
    )

    item = checked["item"]
    get_current_context()["file_name"] = item["relative"]  # type: ignore[typeddict-unknown-key]
    share = open_share(share_root)
    record = record_from_dict(jsonio.loads(checked["record"]))
    received_at = datetime.fromisoformat(item["received_at"])
    with _warehouse(share) as engine:
        if "reject" in checked:
            result = reject_inbox_file(
                engine,
                share,
                inbox_file_from_dict(item),
                checked["reject"],
                received_at=received_at,
                record=record,
            )
        else:
            result = load_inbox_file(
                engine,
                share,
                inbox_file_from_dict(item),
                record,
                [finding_from_dict(f) for f in jsonio.loads(checked["findings"])],
                received_at=received_at,
            )
    log.info(
        "%s: %s (submission %s, unit %s, %d error(s), %d warning(s)) -> %s",
        result.relative,
        result.outcome,
        result.submission_id,
        result.unit_name,
        result.errors,
        result.warnings,
        result.stored_at,
    )
    return result.to_dict()


@task(trigger_rule="all_done")
def deliver(share_root: str) -> dict[str, Any]:
    """Send every due alert once; an SMTP outage leaves them pending for the next run, and an
    alert out of attempts is marked failed and fails this task (the data team sees it)."""
    from selfeval.alerts import deliver_pending
    from selfeval.share import open_share

    share = open_share(share_root)
    with _warehouse(share) as engine, _sender(share) as send:
        result = deliver_pending(engine, send)
    if result.failed:
        log.warning(
            "%d alert(s) not delivered, %d pending; last error: %s",
            len(result.failed),
            result.pending,
            result.failed[-1][1],
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


@task(trigger_rule="one_failed")
def watcher() -> None:
    """Fail the run when any file failed: the mapped tasks alone would leave it green."""
    from airflow.sdk.exceptions import AirflowFailException

    raise AirflowFailException(
        "at least one inbox file failed; see the failed extract or load tasks"
    )


@task(trigger_rule="all_done")
def remind(share_root: str, fiscal_year: int) -> dict[str, Any]:
    """Compare the year's submissions with the registry; remind missing and erring units."""
    from selfeval.alerts import queue_reminders
    from selfeval.share import open_share

    share = open_share(share_root)
    with _warehouse(share) as engine:
        result = queue_reminders(engine, share, int(fiscal_year))
    log.info(
        "FY%s: not submitted: %s; open errors: %s; %d reminder(s) queued",
        fiscal_year,
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
def publish(share_root: str, fiscal_year: int) -> dict[str, Any]:
    """Publish the year's district summary to published/<year>/ and update the Asset."""
    from selfeval.publish import publish_district_summary
    from selfeval.share import open_share

    share = open_share(share_root)
    with _warehouse(share) as engine:
        result = publish_district_summary(engine, share.root, int(fiscal_year))
    log.info("published FY%s to %s", fiscal_year, result.folder)
    return {"fiscal_year": result.fiscal_year, "folder": str(result.folder)}
