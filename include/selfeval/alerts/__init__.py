"""Alerts to submitters: feedback in Chinese (English below), the outbox, delivery.

`import selfeval.alerts` stays cheap: SQLAlchemy loads when an outbox function runs.
"""

from __future__ import annotations

from selfeval.alerts.feedback import unit_folder, write_feedback
from selfeval.alerts.outbox import (
    Delivery,
    PlannedReminder,
    Queued,
    Reminders,
    build_message,
    deliver_pending,
    plan_reminders,
    queue_feedback,
    queue_feedback_in,
    queue_reminders,
    write_feedback_files,
)
from selfeval.alerts.render import (
    Rendered,
    SubmissionSummary,
    feedback_for_submission,
    reminder_missing,
    reminder_open_errors,
    reminder_unreadable,
)
from selfeval.alerts.senders import Send, file_sender, smtp_sender

__all__ = [
    "Delivery",
    "PlannedReminder",
    "Queued",
    "Reminders",
    "Rendered",
    "Send",
    "SubmissionSummary",
    "build_message",
    "deliver_pending",
    "feedback_for_submission",
    "file_sender",
    "plan_reminders",
    "queue_feedback",
    "queue_feedback_in",
    "queue_reminders",
    "reminder_missing",
    "reminder_open_errors",
    "reminder_unreadable",
    "smtp_sender",
    "unit_folder",
    "write_feedback",
    "write_feedback_files",
]
