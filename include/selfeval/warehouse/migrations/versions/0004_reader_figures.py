"""The reader's new figures: funds rows, indicator scores and values, year-over-year changes.

`execution` gains the 年初预算数 and a 自评表 funds row's 分值 and 得分; `indicator` gains 分值,
得分, the target and actual as numbers with their unit, and the direction; a new table
`yoy_change` holds 比上年增加 X 万元，增长 Y% statements. `v_unit_finance` and
`v_unit_indicators` are recreated with the new columns at their end (existing columns keep their
names and order, so queries written against revision 0001's views still run).

Downgrade drops the new table and columns and restores revision 0001's two views.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from selfeval.warehouse.views import VIEWS_0001, VIEWS_0004

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _drop_views() -> None:
    # Every view goes while tables change (SQLite's batch mode copies a table, and a view that
    # names it would stop the rename); each is recreated at the end.
    for name in reversed(list(VIEWS_0004)):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def _amount() -> sa.Numeric:  # type: ignore[type-arg]
    return sa.Numeric(precision=18, scale=6)


def _points() -> sa.Numeric:  # type: ignore[type-arg]
    return sa.Numeric(precision=10, scale=4)


def upgrade() -> None:
    _drop_views()
    with op.batch_alter_table("execution") as batch:
        batch.add_column(sa.Column("initial_budget_wan", _amount(), nullable=True))
        batch.add_column(sa.Column("initial_budget_raw", sa.String(100), nullable=True))
        batch.add_column(sa.Column("max_score", _points(), nullable=True))
        batch.add_column(sa.Column("score", _points(), nullable=True))
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("weight", _points(), nullable=True))
        batch.add_column(sa.Column("score", _points(), nullable=True))
        batch.add_column(sa.Column("target_value", _amount(), nullable=True))
        batch.add_column(sa.Column("actual_value", _amount(), nullable=True))
        batch.add_column(sa.Column("unit", sa.String(20), nullable=True))
        batch.add_column(sa.Column("direction", sa.String(10), nullable=True))
    op.create_table(
        "yoy_change",
        sa.Column("yoy_change_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("current_wan", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("prior_wan", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("change_wan", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("change_raw", sa.String(length=100), nullable=True),
        sa.Column("growth_pct", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("evidence_line", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_yoy_change_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("yoy_change_id", name=op.f("pk_yoy_change")),
    )
    op.create_index(
        op.f("ix_yoy_change_submission_id"), "yoy_change", ["submission_id"], unique=False
    )
    for sql in VIEWS_0004.values():
        op.execute(sql)


def downgrade() -> None:
    _drop_views()
    op.drop_index(op.f("ix_yoy_change_submission_id"), table_name="yoy_change")
    op.drop_table("yoy_change")
    with op.batch_alter_table("indicator") as batch:
        for column in ("direction", "unit", "actual_value", "target_value", "score", "weight"):
            batch.drop_column(column)
    with op.batch_alter_table("execution") as batch:
        for column in ("score", "max_score", "initial_budget_raw", "initial_budget_wan"):
            batch.drop_column(column)
    for sql in VIEWS_0001.values():
        op.execute(sql)
