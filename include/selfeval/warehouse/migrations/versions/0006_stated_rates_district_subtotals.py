"""A unit's execution rate as its report states it; subtotals per 所属区.

`v_unit_scorecard.execution_rate_pct` becomes the rate the report prints (on its `支出`
statement, else a department-wide rate stated on its own) and only else executed ÷ budget; two
columns at its end say which (`execution_rate_basis`) and where (`execution_rate_line`). Rates over
several units (`v_district_year_summary`, the new `v_district_subtotals` with one row per fiscal
year and district) add up only budgets and executed amounts one `支出` statement gives together.

Downgrade drops the new view and restores the two views as revisions 0004–0005 had them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

from selfeval.warehouse.views import VIEWS_0004, VIEWS_0006

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


CHANGED = ("v_district_year_summary", "v_unit_scorecard")


def upgrade() -> None:
    for name in CHANGED:
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(VIEWS_0006[name])
    op.execute(VIEWS_0006["v_district_subtotals"])


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_district_subtotals")
    for name in CHANGED:
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(VIEWS_0004[name])
