"""Initial warehouse: registry, submissions, facts, findings, alert outbox and consumer views.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from selfeval.warehouse.views import VIEWS_0001

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES_0001 = (
    "unit",
    "unit_alias",
    "submission",
    "composition",
    "composition_part",
    "execution",
    "score",
    "section_score",
    "indicator",
    "carryover",
    "finding",
    "alert_outbox",
)


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("unit_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=True),
        sa.Column("contact_emails", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit")),
        sa.UniqueConstraint("name", name=op.f("uq_unit_name")),
    )
    op.create_table(
        "submission",
        sa.Column("submission_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("reported_unit_name", sa.String(length=200), nullable=True),
        sa.Column("reported_district", sa.String(length=100), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column("total_score", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("total_score_max", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("record_json", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('accepted', 'superseded', 'rejected')", name=op.f("ck_submission_status")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["submission.submission_id"],
            name=op.f("fk_submission_superseded_by_submission"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.unit_id"], name=op.f("fk_submission_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_submission")),
        sa.UniqueConstraint("sha256", name=op.f("uq_submission_sha256")),
        sa.UniqueConstraint(
            "unit_id",
            "fiscal_year",
            "version",
            name=op.f("uq_submission_unit_id_fiscal_year_version"),
        ),
    )
    op.create_index(
        "ix_submission_unit_year", "submission", ["unit_id", "fiscal_year"], unique=False
    )
    op.create_table(
        "unit_alias",
        sa.Column("alias_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.unit_id"],
            name=op.f("fk_unit_alias_unit_id_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alias_id", name=op.f("pk_unit_alias")),
        sa.UniqueConstraint("unit_id", "alias", name=op.f("uq_unit_alias_unit_id_alias")),
    )
    op.create_index(op.f("ix_unit_alias_unit_id"), "unit_alias", ["unit_id"], unique=False)
    op.create_table(
        "alert_outbox",
        sa.Column("alert_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent')", name=op.f("ck_alert_outbox_status")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_alert_outbox_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.unit_id"], name=op.f("fk_alert_outbox_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_alert_outbox")),
        sa.UniqueConstraint(
            "submission_id", "recipient", name=op.f("uq_alert_outbox_submission_id_recipient")
        ),
    )
    op.create_index(
        op.f("ix_alert_outbox_submission_id"), "alert_outbox", ["submission_id"], unique=False
    )
    op.create_table(
        "carryover",
        sa.Column("carryover_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("position", sa.String(length=10), nullable=False),
        sa.Column("amount_wan", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("amount_unit", sa.String(length=4), nullable=True),
        sa.Column("amount_raw", sa.String(length=100), nullable=True),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "position IN ('opening', 'closing')", name=op.f("ck_carryover_position")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_carryover_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("carryover_id", name=op.f("pk_carryover")),
    )
    op.create_index(
        op.f("ix_carryover_submission_id"), "carryover", ["submission_id"], unique=False
    )
    op.create_table(
        "composition",
        sa.Column("composition_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("total_wan", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("total_unit", sa.String(length=4), nullable=True),
        sa.Column("total_raw", sa.String(length=100), nullable=True),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_composition_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("composition_id", name=op.f("pk_composition")),
    )
    op.create_index(
        op.f("ix_composition_submission_id"), "composition", ["submission_id"], unique=False
    )
    op.create_table(
        "execution",
        sa.Column("execution_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("budget_wan", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("budget_raw", sa.String(length=100), nullable=True),
        sa.Column("executed_wan", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("executed_raw", sa.String(length=100), nullable=True),
        sa.Column("rate_pct", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_execution_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("execution_id", name=op.f("pk_execution")),
    )
    op.create_index(
        op.f("ix_execution_submission_id"), "execution", ["submission_id"], unique=False
    )
    op.create_table(
        "finding",
        sa.Column("finding_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=100), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("observed", sa.Text(), nullable=True),
        sa.Column("expected", sa.Text(), nullable=True),
        sa.Column("tolerance", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.CheckConstraint("severity IN ('error', 'warning')", name=op.f("ck_finding_severity")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_finding_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("finding_id", name=op.f("pk_finding")),
    )
    op.create_index(op.f("ix_finding_submission_id"), "finding", ["submission_id"], unique=False)
    op.create_table(
        "indicator",
        sa.Column("indicator_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("level1", sa.String(length=100), nullable=True),
        sa.Column("level2", sa.String(length=100), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("actual", sa.Text(), nullable=True),
        sa.Column("completion", sa.Text(), nullable=True),
        sa.Column("target_op", sa.String(length=4), nullable=True),
        sa.Column("target_num", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("actual_op", sa.String(length=4), nullable=True),
        sa.Column("actual_num", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("completion_pct", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_indicator_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("indicator_id", name=op.f("pk_indicator")),
    )
    op.create_index(
        op.f("ix_indicator_submission_id"), "indicator", ["submission_id"], unique=False
    )
    op.create_table(
        "score",
        sa.Column("score_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("group_name", sa.String(length=100), nullable=True),
        sa.Column("group_dimension", sa.String(length=50), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("dimension", sa.String(length=50), nullable=True),
        sa.Column("max_score", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("score", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('item', 'subtotal', 'total')", name=op.f("ck_score_kind")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_score_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("score_id", name=op.f("pk_score")),
    )
    op.create_index(op.f("ix_score_submission_id"), "score", ["submission_id"], unique=False)
    op.create_table(
        "section_score",
        sa.Column("section_score_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("dimension", sa.String(length=50), nullable=True),
        sa.Column("max_score", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("score", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_section_score_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("section_score_id", name=op.f("pk_section_score")),
    )
    op.create_index(
        op.f("ix_section_score_submission_id"), "section_score", ["submission_id"], unique=False
    )
    op.create_table(
        "composition_part",
        sa.Column("part_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("composition_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=True),
        sa.Column("amount_wan", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("amount_unit", sa.String(length=4), nullable=True),
        sa.Column("amount_raw", sa.String(length=100), nullable=True),
        sa.Column("share_pct", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["composition_id"],
            ["composition.composition_id"],
            name=op.f("fk_composition_part_composition_id_composition"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_composition_part_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("part_id", name=op.f("pk_composition_part")),
    )
    op.create_index(
        op.f("ix_composition_part_composition_id"),
        "composition_part",
        ["composition_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_composition_part_submission_id"),
        "composition_part",
        ["submission_id"],
        unique=False,
    )

    for sql in VIEWS_0001.values():
        op.execute(sql)


def downgrade() -> None:
    for name in reversed(list(VIEWS_0001)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for name in reversed(TABLES_0001):
        op.drop_table(name)
