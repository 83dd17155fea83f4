"""Load cost that does not grow with the warehouse: unit names matched by index.

A new table `unit_name_key` holds every unit name and alias normalised and reduced to its key,
and `unit_district` the registry's districts (the prefixes a key strips); both are filled here
from the registry already loaded and re-derived by every registry load. Matching a report's unit
name becomes index lookups instead of reading and re-keying the whole registry for every report. A partial index finds the earlier versions of a report that names no registry
unit by the name it states, instead of reading every unmatched submission of the year.

Downgrade drops the two tables and the index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from selfeval.warehouse.registry import name_key_rows

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_UNMATCHED = "unit_id IS NULL"
_INDEXED = ("unit_id", "normalised", "name_key")


def upgrade() -> None:
    table = op.create_table(
        "unit_name_key",
        sa.Column("name_key_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("normalised", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.unit_id"],
            name=op.f("fk_unit_name_key_unit_id_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name_key_id", name=op.f("pk_unit_name_key")),
    )
    for column in _INDEXED:
        op.create_index(op.f(f"ix_unit_name_key_{column}"), "unit_name_key", [column])
    districts = op.create_table(
        "unit_district",
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("district", name=op.f("pk_unit_district")),
    )
    op.create_index(
        "ix_submission_unmatched_name",
        "submission",
        ["reported_unit_name", "fiscal_year"],
        sqlite_where=sa.text(_UNMATCHED),
        postgresql_where=sa.text(_UNMATCHED),
    )
    conn = op.get_bind()
    units = conn.execute(sa.text("SELECT unit_id, name, district FROM unit")).tuples().all()
    aliases = conn.execute(sa.text("SELECT unit_id, alias FROM unit_alias")).tuples().all()
    for target, rows in zip((table, districts), name_key_rows(units, aliases), strict=True):
        if rows:
            op.bulk_insert(target, rows)


def downgrade() -> None:
    op.drop_index("ix_submission_unmatched_name", table_name="submission")
    for column in _INDEXED:
        op.drop_index(op.f(f"ix_unit_name_key_{column}"), table_name="unit_name_key")
    op.drop_table("unit_name_key")
    op.drop_table("unit_district")
