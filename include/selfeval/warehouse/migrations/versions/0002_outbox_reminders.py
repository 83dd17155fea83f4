"""Reminders in the alert outbox: alert kinds, the fiscal year, a uniqueness key per kind.

`alert_outbox.submission_id` becomes nullable (a reminder to a unit that has not submitted
belongs to no submission). `kind` tells feedback from the two annual reminders; `fiscal_year`
names the year an alert is about (backfilled from the submission for existing feedback).
Feedback stays unique per (submission_id, recipient); reminders are unique per
(kind, unit_id, fiscal_year, recipient), so re-running the annual DAG queues nothing twice.
Both are partial unique indexes, which SQLite and PostgreSQL support alike.

Downgrade deletes the reminders (revision 0001 cannot hold them) and keeps every feedback alert.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen here rather than imported from schema.py: a migration must not change with the model.
KIND_CHECK = "kind IN ('feedback', 'reminder_missing', 'reminder_open_errors')"
KIND_KEY_CHECK = (
    "(kind = 'feedback' AND submission_id IS NOT NULL)"
    " OR (kind <> 'feedback' AND unit_id IS NOT NULL AND fiscal_year IS NOT NULL)"
)
FEEDBACK_ONLY = "kind = 'feedback'"
REMINDERS_ONLY = "kind <> 'feedback'"


def upgrade() -> None:
    with op.batch_alter_table("alert_outbox") as batch:
        batch.add_column(sa.Column("kind", sa.Text(), server_default="feedback", nullable=False))
        batch.add_column(sa.Column("fiscal_year", sa.Integer(), nullable=True))
        batch.alter_column("submission_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint(op.f("uq_alert_outbox_submission_id_recipient"), type_="unique")
        batch.create_check_constraint(op.f("ck_alert_outbox_kind"), KIND_CHECK)
        batch.create_check_constraint(op.f("ck_alert_outbox_kind_key"), KIND_KEY_CHECK)
    op.execute(
        "UPDATE alert_outbox SET fiscal_year = (SELECT s.fiscal_year FROM submission s"
        " WHERE s.submission_id = alert_outbox.submission_id)"
        " WHERE fiscal_year IS NULL AND submission_id IS NOT NULL"
    )
    op.create_index(
        "uq_alert_outbox_feedback",
        "alert_outbox",
        ["submission_id", "recipient"],
        unique=True,
        sqlite_where=sa.text(FEEDBACK_ONLY),
        postgresql_where=sa.text(FEEDBACK_ONLY),
    )
    op.create_index(
        "uq_alert_outbox_reminder",
        "alert_outbox",
        ["kind", "unit_id", "fiscal_year", "recipient"],
        unique=True,
        sqlite_where=sa.text(REMINDERS_ONLY),
        postgresql_where=sa.text(REMINDERS_ONLY),
    )


def downgrade() -> None:
    op.drop_index("uq_alert_outbox_reminder", table_name="alert_outbox")
    op.drop_index("uq_alert_outbox_feedback", table_name="alert_outbox")
    op.execute(f"DELETE FROM alert_outbox WHERE {REMINDERS_ONLY}")
    with op.batch_alter_table("alert_outbox") as batch:
        batch.drop_constraint(op.f("ck_alert_outbox_kind_key"), type_="check")
        batch.drop_constraint(op.f("ck_alert_outbox_kind"), type_="check")
        batch.create_unique_constraint(
            op.f("uq_alert_outbox_submission_id_recipient"), ["submission_id", "recipient"]
        )
        batch.alter_column("submission_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("fiscal_year")
        batch.drop_column("kind")
