"""Bounded delivery: an alert can be `failed` (given up after its attempts), and the time of its
last attempt is kept so that retries back off.

Downgrade turns failed alerts back into pending ones (revision 0002 has no such status).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen here rather than imported from schema.py: a migration must not change with the model.
STATUS_0002 = "status IN ('pending', 'sent')"
STATUS_0003 = "status IN ('pending', 'sent', 'failed')"


def upgrade() -> None:
    with op.batch_alter_table("alert_outbox") as batch:
        batch.add_column(sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.drop_constraint(op.f("ck_alert_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_alert_outbox_status"), STATUS_0003)


def downgrade() -> None:
    op.execute("UPDATE alert_outbox SET status = 'pending' WHERE status = 'failed'")
    with op.batch_alter_table("alert_outbox") as batch:
        batch.drop_constraint(op.f("ck_alert_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_alert_outbox_status"), STATUS_0002)
        batch.drop_column("last_attempt_at")
