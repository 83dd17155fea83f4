"""A report whose unit is not in the registry is held for review: no total, count or rank.

`v_district_year_summary` and `v_district_subtotals` count only current submissions of registry
units (`unit_id IS NOT NULL`); `v_unit_scorecard` keeps a row for a held report (the
consolidation view shows it, 待核实) but ranks only registry units, a held report's
`score_rank` being NULL. Registry loads re-match held reports (selfeval.warehouse.registry), so
a report counts from the load that lists its unit or an alias.

Downgrade restores the three views as revision 0006 had them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

from selfeval.warehouse.views import VIEWS_0006, VIEWS_0007

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


CHANGED = ("v_district_year_summary", "v_unit_scorecard", "v_district_subtotals")


def upgrade() -> None:
    for name in CHANGED:
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(VIEWS_0007[name])


def downgrade() -> None:
    for name in CHANGED:
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(VIEWS_0006[name])
