"""Migration 0005 (indexed unit matching) on SQLite and PostgreSQL: a registry loaded before it
is keyed by the upgrade, so its units still match; the downgrade drops the derived tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from warehouse_support import HEAD, rows

from selfeval.warehouse import load_units, match_unit, upgrade
from selfeval.warehouse.db import alembic_config, current_revision

pytestmark = pytest.mark.unit


def test_0005_keys_the_registry_already_loaded(warehouse_engine: Any, units_csv: Path) -> None:
    from alembic import command

    engine = warehouse_engine
    load_units(engine, units_csv)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0004")
    tables = set(inspect(engine).get_table_names())
    assert "unit_name_key" not in tables and "unit_district" not in tables
    assert len(rows(engine, "SELECT unit_id FROM unit")) == 2  # the registry as 0004 held it

    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert rows(engine, "SELECT district FROM unit_district ORDER BY district") == [
        ("番禺区",),
        ("荔湾区",),
    ]
    with engine.connect() as conn:
        zhongcun = match_unit(conn, "广州市番禺区人民政府钟村街道办事处", "番禺区")
        assert zhongcun is not None and match_unit(conn, "钟村街") == zhongcun
        assert match_unit(conn, "白鹤洞街") not in (None, zhongcun)
