"""The alert outbox: queue each alert once, deliver each once (one crash window aside, below).

Feedback and the annual reminders share the outbox (`alert_outbox.kind`). Feedback is queued
once per (submission, recipient): rendered from what the warehouse holds for one submission and
written to feedback/<unit>/ too. The annual reminders (`reminder_missing`,
`reminder_open_errors`) are queued once per (kind, unit, fiscal year, recipient), so re-running
the annual DAG reminds nobody twice; partial unique indexes in the warehouse back both rules.
Recipients are always the unit's own contacts from the registry, so one unit never sees
another's findings; a report that matches no registry unit gets feedback files only, in
feedback/未识别单位/ (`feedback.UNMATCHED_UNIT_DIR`), whatever name it states.

Delivery takes a `send(EmailMessage)` callable. Each alert is one transaction: the row is
claimed by bumping `attempts` while still pending (which locks it against a concurrent run),
sent, then marked sent, so two overlapping runs cannot both send it. A failed send keeps the
alert pending with `last_error`; when the server is unreachable the rest of the batch is left
untouched for the next run. The one gap: a crash after the server accepted a message and before
the commit sends it again next time (at least once, never silently lost).
"""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import TYPE_CHECKING, Any

from selfeval import settings
from selfeval.alerts.config import MailConfig, mail_config
from selfeval.alerts.feedback import write_feedback
from selfeval.alerts.render import (
    Rendered,
    SubmissionSummary,
    feedback_for_submission,
    reminder_missing,
    reminder_open_errors,
    reminder_unreadable,
)
from selfeval.alerts.senders import Send
from selfeval.errors import AlertError
from selfeval.findings import Finding
from selfeval.names import display_name
from selfeval.record import Evidence

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from selfeval.share import Share

# The server is not there at all: stop the batch instead of timing out once per alert.
_UNREACHABLE: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)
_ERROR_MAX_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Queued:
    """What queueing the feedback of one submission did."""

    submission_id: int
    unit_name: str | None
    recipients: tuple[str, ...]
    new_alert_ids: tuple[int, ...]
    feedback_files: tuple[str, ...]
    unit_id: int | None = None  # the registry unit, when the submission matched one


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one delivery run did; `pending` counts alerts still waiting afterwards.

    `gave_up` lists the alerts this run marked `failed` (out of attempts): the data team must see
    them. `waiting` counts pending alerts not tried because their retry delay has not passed.
    """

    sent: tuple[int, ...]
    failed: tuple[tuple[int, str], ...]
    pending: int
    stopped_early: bool
    gave_up: tuple[int, ...] = ()
    waiting: int = 0


def retry_delay(attempts: int) -> timedelta:
    """How long after its last attempt an alert that failed `attempts` times is tried again.

    The first retry is at the next run; then the delay doubles from
    `settings.ALERT_RETRY_BASE_SECONDS`, capped at `settings.ALERT_RETRY_MAX_SECONDS`.
    """
    if attempts <= 1:
        return timedelta(0)
    seconds = settings.ALERT_RETRY_BASE_SECONDS * 2 ** (attempts - 2)
    return timedelta(seconds=min(seconds, settings.ALERT_RETRY_MAX_SECONDS))


def _now() -> datetime:
    return datetime.now(UTC)


def split_emails(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    parts = (p.strip() for p in value.replace("；", ";").replace(",", ";").split(";"))
    return tuple(dict.fromkeys(p for p in parts if p))


# --- reading a submission back -------------------------------------------------------------------


def submission_summary(
    conn: Connection, submission_id: int
) -> tuple[SubmissionSummary, int | None]:
    """The submission as the feedback names it, and its registry unit (None when unmatched)."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import submission, unit

    row = conn.execute(
        select(
            submission.c.submission_id,
            submission.c.unit_id,
            submission.c.reported_unit_name,
            submission.c.reported_district,
            submission.c.fiscal_year,
            submission.c.version,
            submission.c.file_name,
            submission.c.sha256,
            submission.c.received_at,
            unit.c.name.label("unit_name"),
            unit.c.district,
        )
        .select_from(submission.outerjoin(unit, unit.c.unit_id == submission.c.unit_id))
        .where(submission.c.submission_id == submission_id)
    ).one_or_none()
    if row is None:
        raise AlertError(f"submission {submission_id} is not in the warehouse")
    received = row.received_at
    if received.tzinfo is None:  # SQLite hands back naive datetimes; we store UTC
        received = received.replace(tzinfo=UTC)
    summary = SubmissionSummary(
        submission_id=row.submission_id,
        unit_name=row.unit_name or row.reported_unit_name,
        district=row.district or row.reported_district,
        fiscal_year=row.fiscal_year,
        version=row.version,
        # Submitters name files: control and bidi characters are shown escaped in messages.
        file_name=display_name(row.file_name),
        sha256=row.sha256,
        received_at=received,
    )
    return summary, row.unit_id


def submission_findings(conn: Connection, submission_id: int) -> list[Finding]:
    from sqlalchemy import select

    from selfeval.warehouse.schema import finding

    rows = conn.execute(
        select(finding)
        .where(finding.c.submission_id == submission_id)
        .order_by(finding.c.finding_id)
    ).all()
    return [
        Finding(
            check=r.check_id,
            severity=r.severity,
            subject=r.subject,
            observed=r.observed,
            expected=r.expected,
            tolerance=r.tolerance,
            message_zh=r.message_zh,
            message_en=r.message_en,
            evidence=None
            if r.evidence_line is None
            else Evidence(line=int(r.evidence_line), text=r.evidence_text or ""),
        )
        for r in rows
    ]


def unit_recipients(conn: Connection, unit_id: int | None) -> tuple[str, ...]:
    if unit_id is None:
        return ()
    from sqlalchemy import select

    from selfeval.warehouse.schema import unit

    value = conn.execute(
        select(unit.c.contact_emails).where(unit.c.unit_id == unit_id)
    ).scalar_one_or_none()
    return split_emails(value)


# --- queueing ------------------------------------------------------------------------------------


def _feedback_stem(summary: SubmissionSummary) -> str:
    year = summary.fiscal_year or "unknown-year"
    version = f"v{summary.version}" if summary.version else "v0"
    return f"{year}_{version}_{summary.sha256[:12]}"


def _queue_alerts(
    conn: Connection,
    *,
    kind: str,
    submission_id: int | None,
    unit_id: int | None,
    fiscal_year: int | None,
    recipients: Sequence[str],
    rendered: Rendered,
    now: datetime,
) -> tuple[int, ...]:
    """Queue one alert per recipient, once: feedback once per (submission, recipient), a
    reminder once per (kind, unit, fiscal year, recipient) — the outbox's unique keys."""
    from sqlalchemy import insert, select

    from selfeval.warehouse.schema import alert_outbox

    key = (
        [alert_outbox.c.submission_id == submission_id]
        if kind == "feedback"
        else [alert_outbox.c.unit_id == unit_id, alert_outbox.c.fiscal_year == fiscal_year]
    )
    already = set(
        conn.execute(
            select(alert_outbox.c.recipient).where(alert_outbox.c.kind == kind, *key)
        ).scalars()
    )
    new_ids: list[int] = []
    for recipient in recipients:
        if recipient in already:
            continue  # queued by an earlier run: queue once, send at most once
        new_ids.append(
            conn.execute(
                insert(alert_outbox)
                .values(
                    kind=kind,
                    submission_id=submission_id,
                    unit_id=unit_id,
                    fiscal_year=fiscal_year,
                    recipient=recipient,
                    subject=rendered.subject,
                    body_text=rendered.text,
                    body_html=rendered.html,
                    status="pending",
                    attempts=0,
                    created_at=now,
                )
                .returning(alert_outbox.c.alert_id)
            ).scalar_one()
        )
    return tuple(new_ids)


def queue_feedback_in(
    conn: Connection, submission_id: int, *, now: datetime | None = None
) -> Queued:
    """Queue one submission's feedback, one alert per contact, in the caller's transaction.

    Called inside the load's (or the rejection's) transaction, so a committed submission always
    has its feedback queued. Idempotent: an alert already queued is kept as it is. Writes no
    files (`write_feedback_files`, after the commit).
    """
    summary, unit_id = submission_summary(conn, submission_id)
    findings = submission_findings(conn, submission_id)
    rendered = feedback_for_submission(summary, findings)
    recipients = unit_recipients(conn, unit_id)
    new_ids = _queue_alerts(
        conn,
        kind="feedback",
        submission_id=submission_id,
        unit_id=unit_id,
        fiscal_year=summary.fiscal_year,
        recipients=recipients,
        rendered=rendered,
        now=now or _now(),
    )
    return Queued(
        submission_id=submission_id,
        unit_id=unit_id,
        unit_name=summary.unit_name,
        recipients=recipients,
        new_alert_ids=new_ids,
        feedback_files=(),
    )


def write_feedback_files(engine: Engine, share: Share, submission_id: int) -> tuple[str, ...]:
    """Write feedback/<unit>/ for one submission from what the warehouse holds (idempotent).

    A submission matched to no registry unit has its files in the unmatched folder.
    """
    with engine.connect() as conn:
        summary, unit_id = submission_summary(conn, submission_id)
        rendered = feedback_for_submission(summary, submission_findings(conn, submission_id))
    # The folder is named after the registry unit only: a name the report states but the
    # registry does not know goes to the unmatched folder, never to a folder of its own.
    folder_unit = summary.unit_name if unit_id is not None else None
    return tuple(
        str(p) for p in write_feedback(share, folder_unit, _feedback_stem(summary), rendered)
    )


def queue_feedback(
    engine: Engine, share: Share, submission_id: int, *, now: datetime | None = None
) -> Queued:
    """Queue one submission's feedback (one transaction), then write it to feedback/<unit>/.

    Safe to re-run: files are rewritten with the same content, existing alerts are kept as they
    are (a sent alert is never queued again).
    """
    with engine.begin() as conn:
        queued = queue_feedback_in(conn, submission_id, now=now)
    files = write_feedback_files(engine, share, submission_id)
    return Queued(
        submission_id=queued.submission_id,
        unit_name=queued.unit_name,
        recipients=queued.recipients,
        new_alert_ids=queued.new_alert_ids,
        feedback_files=files,
    )


# --- delivering ----------------------------------------------------------------------------------


def build_message(
    row: Any, *, sender: str, reply_to: str | None = None, now: datetime | None = None
) -> EmailMessage:
    """The e-mail for one outbox row: text and HTML alternatives, stable Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    if reply_to:
        message["Reply-To"] = reply_to
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now or _now())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    # The same id on a retry lets mail clients fold an accidental duplicate.
    message["Message-ID"] = f"<selfeval-alert-{row.alert_id}@{domain}>"
    message["X-Selfeval-Alert-Id"] = str(row.alert_id)
    message.set_content(row.body_text, charset="utf-8")
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html", charset="utf-8")
    return message


def pending_alert_ids(engine: Engine) -> list[int]:
    from sqlalchemy import select

    from selfeval.warehouse.schema import alert_outbox

    with engine.connect() as conn:
        return list(
            conn.execute(
                select(alert_outbox.c.alert_id)
                .where(alert_outbox.c.status == "pending")
                .order_by(alert_outbox.c.alert_id)
            ).scalars()
        )


def deliver_pending(
    engine: Engine,
    send: Send,
    *,
    config: MailConfig | None = None,
    now: Callable[[], datetime] = _now,
) -> Delivery:
    """Send every pending alert that is due once through `send`; record attempts, errors and
    sent time. An alert is tried at most `settings.ALERT_MAX_ATTEMPTS` times, with a growing
    delay between tries (`retry_delay`); then it is marked `failed` and listed in `gave_up`."""
    from sqlalchemy import select, update

    from selfeval.warehouse.schema import alert_outbox

    config = config or mail_config()  # sender and Reply-To from the environment
    sent: list[int] = []
    failed: list[tuple[int, str]] = []
    gave_up: list[int] = []
    stopped = False
    due, waiting = _due_alert_ids(engine, now())
    for alert_id in due:
        with engine.begin() as conn:
            claimed = conn.execute(
                update(alert_outbox)
                .where(alert_outbox.c.alert_id == alert_id, alert_outbox.c.status == "pending")
                .values(attempts=alert_outbox.c.attempts + 1, last_attempt_at=now())
            ).rowcount
            if claimed != 1:
                continue  # another run sent it meanwhile
            row = conn.execute(
                select(alert_outbox).where(alert_outbox.c.alert_id == alert_id)
            ).one()
            try:
                send(build_message(row, sender=config.sender, reply_to=config.reply_to, now=now()))
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:_ERROR_MAX_CHARS]
                out_of_attempts = row.attempts >= settings.ALERT_MAX_ATTEMPTS
                conn.execute(
                    update(alert_outbox)
                    .where(alert_outbox.c.alert_id == alert_id)
                    .values(last_error=error, status="failed" if out_of_attempts else "pending")
                )
                failed.append((alert_id, error))
                if out_of_attempts:
                    gave_up.append(alert_id)
                if isinstance(exc, _UNREACHABLE):
                    stopped = True
            else:
                conn.execute(
                    update(alert_outbox)
                    .where(alert_outbox.c.alert_id == alert_id)
                    .values(status="sent", sent_at=now(), last_error=None)
                )
                sent.append(alert_id)
        if stopped:
            break
    return Delivery(
        sent=tuple(sent),
        failed=tuple(failed),
        pending=len(pending_alert_ids(engine)),
        stopped_early=stopped,
        gave_up=tuple(gave_up),
        waiting=waiting,
    )


def _due_alert_ids(engine: Engine, now: datetime) -> tuple[list[int], int]:
    """Pending alerts whose retry delay has passed, in order; and how many are still waiting."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import alert_outbox

    with engine.connect() as conn:
        rows = conn.execute(
            select(alert_outbox.c.alert_id, alert_outbox.c.attempts, alert_outbox.c.last_attempt_at)
            .where(alert_outbox.c.status == "pending")
            .order_by(alert_outbox.c.alert_id)
        ).all()
    due: list[int] = []
    for r in rows:
        last = r.last_attempt_at
        if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
            last = last.replace(tzinfo=UTC)
        if last is None or last + retry_delay(r.attempts) <= now:
            due.append(r.alert_id)
    return due, len(rows) - len(due)


# --- reminders -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reminders:
    """What the annual reminder step found and queued for one fiscal year."""

    fiscal_year: int
    missing_units: tuple[str, ...]
    open_error_units: tuple[str, ...]
    new_alert_ids: tuple[int, ...]
    feedback_files: tuple[str, ...]


def missing_units(conn: Connection, fiscal_year: int) -> list[tuple[int, str, str | None]]:
    """Active registry units without an accepted submission for the year: (id, name, e-mails)."""
    from sqlalchemy import and_, exists, select

    from selfeval.warehouse.schema import submission, unit

    has_submission = exists().where(
        and_(
            submission.c.unit_id == unit.c.unit_id,
            submission.c.fiscal_year == fiscal_year,
            submission.c.status == "accepted",
        )
    )
    rows = conn.execute(
        select(unit.c.unit_id, unit.c.name, unit.c.contact_emails).where(
            unit.c.active.is_(True), ~has_submission
        )
    ).all()
    # Sorted here, not in SQL: collations order Chinese differently on SQLite and PostgreSQL.
    return sorted(((r.unit_id, r.name, r.contact_emails) for r in rows), key=lambda r: r[1])


def rejected_file(conn: Connection, unit_id: int, fiscal_year: int) -> tuple[str, str] | None:
    """(file name, reason) of the unit's last rejected file for the year — submitted but
    unreadable, not missing. A file whose year could not be read counts for the year whose
    reports were due when it arrived."""
    from sqlalchemy import and_, extract, or_, select

    from selfeval.warehouse.schema import submission

    row = conn.execute(
        select(submission.c.file_name, submission.c.rejection_reason)
        .where(
            submission.c.unit_id == unit_id,
            submission.c.status == "rejected",
            or_(
                submission.c.fiscal_year == fiscal_year,
                and_(
                    submission.c.fiscal_year.is_(None),
                    extract("year", submission.c.received_at) == fiscal_year + 1,
                ),
            ),
        )
        .order_by(submission.c.received_at.desc(), submission.c.submission_id.desc())
        .limit(1)
    ).first()
    return None if row is None else (str(row.file_name), str(row.rejection_reason or ""))


def open_error_submissions(conn: Connection, fiscal_year: int) -> list[int]:
    """Current submissions of the year that still carry error findings."""
    from sqlalchemy import and_, exists, select

    from selfeval.warehouse.schema import finding, submission

    has_error = exists().where(
        and_(
            finding.c.submission_id == submission.c.submission_id,
            finding.c.severity == "error",
        )
    )
    return list(
        conn.execute(
            select(submission.c.submission_id)
            .where(
                submission.c.fiscal_year == fiscal_year,
                submission.c.status == "accepted",
                submission.c.unit_id.is_not(None),
                has_error,
            )
            .order_by(submission.c.submission_id)
        ).scalars()
    )


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """One reminder the annual run would queue, before anyone approved it: whom and why."""

    kind: str  # reminder_missing | reminder_open_errors
    unit_name: str
    recipients: tuple[str, ...]
    why: str  # in Chinese, for the person who approves
    queued_before: bool  # an earlier run queued it already: it will not be queued again

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "unit_name": self.unit_name,
            "recipients": list(self.recipients),
            "why": self.why,
            "queued_before": self.queued_before,
        }


def plan_reminders(engine: Engine, fiscal_year: int) -> tuple[PlannedReminder, ...]:
    """The reminders `queue_reminders` would queue for the year, in its order, queuing and
    writing nothing: what the annual run shows for approval."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import alert_outbox

    planned: list[PlannedReminder] = []
    with engine.connect() as conn:
        queued = {
            (kind, unit_id)
            for kind, unit_id in conn.execute(
                select(alert_outbox.c.kind, alert_outbox.c.unit_id).where(
                    alert_outbox.c.fiscal_year == fiscal_year,
                    alert_outbox.c.kind.in_(("reminder_missing", "reminder_open_errors")),
                )
            )
        }
        for unit_id, name, emails in missing_units(conn, fiscal_year):
            unreadable = rejected_file(conn, unit_id, fiscal_year)
            why = (
                "未提交"
                if unreadable is None
                else f"提交的文件“{unreadable[0]}”被拒收（{unreadable[1]}）"
            )
            planned.append(
                PlannedReminder(
                    "reminder_missing",
                    name,
                    split_emails(emails),
                    why,
                    ("reminder_missing", unit_id) in queued,
                )
            )
        for submission_id in open_error_submissions(conn, fiscal_year):
            summary, matched = submission_summary(conn, submission_id)
            if matched is None:
                continue
            errors = sum(
                1 for f in submission_findings(conn, submission_id) if f.severity == "error"
            )
            planned.append(
                PlannedReminder(
                    "reminder_open_errors",
                    summary.unit_name or "",
                    unit_recipients(conn, matched),
                    f"当前报告（{summary.file_name}）仍有 {errors} 项错误",
                    ("reminder_open_errors", matched) in queued,
                )
            )
    return tuple(planned)


def queue_reminders(
    engine: Engine, share: Share, fiscal_year: int, *, now: datetime | None = None
) -> Reminders:
    """Remind units that have not submitted, or whose current report still has errors.

    Reminder texts are written to feedback/<unit>/ and queued in the outbox for the unit's own
    contacts, once per kind, unit, fiscal year and recipient: re-running the annual DAG rewrites
    the files with current content but queues nothing it queued before, even when the number of
    open errors has changed since. `deliver_pending` sends them like any alert.
    """
    when = now or _now()
    new_ids: list[int] = []
    files: list[str] = []
    with engine.begin() as conn:
        missing = missing_units(conn, fiscal_year)
        for unit_id, name, emails in missing:
            unreadable = rejected_file(conn, unit_id, fiscal_year)
            rendered = (
                reminder_missing(name, fiscal_year)
                if unreadable is None
                else reminder_unreadable(name, fiscal_year, *unreadable)
            )
            files += [
                str(p)
                for p in write_feedback(share, name, f"{fiscal_year}_reminder_missing", rendered)
            ]
            new_ids += _queue_alerts(
                conn,
                kind="reminder_missing",
                unit_id=unit_id,
                fiscal_year=fiscal_year,
                submission_id=None,
                recipients=split_emails(emails),
                rendered=rendered,
                now=when,
            )
        open_units: list[str] = []
        for submission_id in open_error_submissions(conn, fiscal_year):
            summary, matched = submission_summary(conn, submission_id)
            if matched is None:  # open_error_submissions only returns matched units
                continue
            rendered = reminder_open_errors(summary, submission_findings(conn, submission_id))
            open_units.append(summary.unit_name or "")
            stem = f"{fiscal_year}_reminder_open_errors_{summary.sha256[:12]}"
            files += [str(p) for p in write_feedback(share, summary.unit_name, stem, rendered)]
            new_ids += _queue_alerts(
                conn,
                kind="reminder_open_errors",
                unit_id=matched,
                fiscal_year=fiscal_year,
                submission_id=submission_id,
                recipients=unit_recipients(conn, matched),
                rendered=rendered,
                now=when,
            )
    return Reminders(
        fiscal_year=fiscal_year,
        missing_units=tuple(name for _, name, _ in missing),
        open_error_units=tuple(open_units),
        new_alert_ids=tuple(new_ids),
        feedback_files=tuple(files),
    )
