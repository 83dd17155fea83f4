"""Migration 0003 (bounded delivery) on SQLite and PostgreSQL: `failed` alerts and
`last_attempt_at` exist after the upgrade; the downgrade turns failed alerts back into pending
ones and drops the column; upgrading again builds exactly the model."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from warehouse_support import HEAD, RECEIVED, rows

from selfeval.warehouse import upgrade
from selfeval.warehouse.db import alembic_config, current_revision
from selfeval.warehouse.schema import metadata

pytestmark = pytest.mark.unit

ALERT = (
    "INSERT INTO alert_outbox (kind, submission_id, unit_id, fiscal_year, recipient, subject,"
    " body_text, status, attempts, created_at)"
    " VALUES ('feedback', 7, 1, 2024, :r, 'subject', 'body', :status, 6, :t)"
)


def _execute(engine: Any, sql: str, **params: Any) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), {"t": RECEIVED, **params})


def _columns(engine: Any) -> list[str]:
    return [c["name"] for c in inspect(engine).get_columns("alert_outbox")]


def test_0003_upgrades_and_downgrades_with_data(warehouse_engine: Any) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = warehouse_engine
    assert current_revision(engine) == HEAD
    assert "last_attempt_at" in _columns(engine)
    _execute(engine, "INSERT INTO unit (unit_id, name, contact_emails) VALUES (1, 'u', 'a@x')")
    _execute(
        engine,
        "INSERT INTO submission (submission_id, sha256, file_name, unit_id, fiscal_year, version,"
        " status, received_at, loaded_at) VALUES (7, :h, 'f.txt', 1, 2024, 1, 'accepted', :t, :t)",
        h="0" * 64,
    )
    _execute(engine, ALERT, r="a@x", status="failed")
    with pytest.raises(IntegrityError):
        _execute(engine, ALERT, r="b@x", status="lost")

    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    assert current_revision(engine) == "0002"
    assert "last_attempt_at" not in _columns(engine)
    assert rows(engine, "SELECT recipient, status, attempts FROM alert_outbox") == [
        ("a@x", "pending", 6)
    ]
    with pytest.raises(IntegrityError):
        _execute(engine, ALERT, r="b@x", status="failed")

    upgrade(engine)
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        assert list(compare_metadata(MigrationContext.configure(conn), metadata)) == []
