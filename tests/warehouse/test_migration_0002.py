"""Migration 0002 (reminders in the outbox) on SQLite and PostgreSQL: an existing feedback alert
survives the upgrade with its kind and year, the new keys hold, and the downgrade restores 0001
(dropping the reminders it cannot hold) and upgrades again to exactly the model."""

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

ALERT_0001 = (
    "INSERT INTO alert_outbox (submission_id, unit_id, recipient, subject, body_text, status,"
    " attempts, created_at) VALUES (:s, 1, :r, 'feedback', 'body', 'pending', 0, :t)"
)
ALERT_0002 = (
    "INSERT INTO alert_outbox (kind, submission_id, unit_id, fiscal_year, recipient, subject,"
    " body_text, status, attempts, created_at)"
    " VALUES (:k, :s, :u, :y, :r, 'subject', 'body', 'pending', 0, :t)"
)


def _downgrade(engine: Any, revision: str) -> None:
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def _execute(engine: Any, sql: str, **params: Any) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), {"t": RECEIVED, **params})


def _outbox_shape(engine: Any) -> dict[str, Any]:
    inspector = inspect(engine)
    return {
        "columns": {c["name"]: c["nullable"] for c in inspector.get_columns("alert_outbox")},
        "checks": sorted(c["name"] for c in inspector.get_check_constraints("alert_outbox")),
        "unique": sorted(
            [c["name"] for c in inspector.get_unique_constraints("alert_outbox")]
            + [i["name"] for i in inspector.get_indexes("alert_outbox") if i["unique"]]
        ),
    }


def _model_diff(engine: Any) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


def _refused(engine: Any, sql: str, **params: Any) -> None:
    with pytest.raises(IntegrityError):
        _execute(engine, sql, **params)


def test_0002_upgrades_and_downgrades_with_data(warehouse_engine: Any) -> None:
    engine = warehouse_engine
    _downgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    before = _outbox_shape(engine)
    assert before["columns"]["submission_id"] is False
    assert "kind" not in before["columns"]
    # A warehouse in use at 0001: one unit, one submission, one feedback alert.
    _execute(engine, "INSERT INTO unit (unit_id, name, contact_emails) VALUES (1, 'u', 'a@x')")
    _execute(
        engine,
        "INSERT INTO submission (submission_id, sha256, file_name, unit_id, fiscal_year, version,"
        " status, received_at, loaded_at) VALUES (7, :h, 'f.txt', 1, 2024, 1, 'accepted', :t, :t)",
        h="0" * 64,
    )
    _execute(engine, ALERT_0001, s=7, r="a@x")

    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert _model_diff(engine) == []
    after = _outbox_shape(engine)
    assert after["columns"]["submission_id"] is True
    assert (after["columns"]["kind"], after["columns"]["fiscal_year"]) == (False, True)
    assert after["checks"] == [
        "ck_alert_outbox_kind",
        "ck_alert_outbox_kind_key",
        "ck_alert_outbox_status",
    ]
    assert after["unique"] == ["uq_alert_outbox_feedback", "uq_alert_outbox_reminder"]
    # The existing alert became feedback for its submission's year.
    assert rows(engine, "SELECT kind, submission_id, fiscal_year FROM alert_outbox") == [
        ("feedback", 7, 2024)
    ]

    # Feedback stays unique per (submission, recipient) ...
    _refused(engine, ALERT_0002, k="feedback", s=7, u=1, y=2024, r="a@x")
    # ... and a reminder about that submission does not collide with it, but is itself once.
    _execute(engine, ALERT_0002, k="reminder_open_errors", s=7, u=1, y=2024, r="a@x")
    _refused(engine, ALERT_0002, k="reminder_open_errors", s=7, u=1, y=2024, r="a@x")
    # A reminder to a unit that has not submitted belongs to no submission, once per year.
    _execute(engine, ALERT_0002, k="reminder_missing", s=None, u=1, y=2023, r="a@x")
    _refused(engine, ALERT_0002, k="reminder_missing", s=None, u=1, y=2023, r="a@x")
    _execute(engine, ALERT_0002, k="reminder_missing", s=None, u=1, y=2022, r="a@x")
    # Keys that would let NULLs slip past the unique indexes, and unknown kinds, are refused.
    _refused(engine, ALERT_0002, k="reminder_missing", s=None, u=1, y=None, r="b@x")
    _refused(engine, ALERT_0002, k="reminder_missing", s=None, u=None, y=2023, r="b@x")
    _refused(engine, ALERT_0002, k="feedback", s=None, u=1, y=2024, r="b@x")
    _refused(engine, ALERT_0002, k="reminder", s=None, u=1, y=2024, r="b@x")
    assert len(rows(engine, "SELECT alert_id FROM alert_outbox")) == 4

    # Down again: 0001 cannot hold reminders, so they go; the feedback alert stays.
    _downgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert _outbox_shape(engine) == before
    assert rows(engine, "SELECT submission_id, recipient FROM alert_outbox") == [(7, "a@x")]
    _refused(engine, ALERT_0001, s=7, r="a@x")  # the 0001 unique constraint is back
    _refused(engine, ALERT_0001, s=None, r="b@x")  # and submission_id is required again

    upgrade(engine)
    assert _model_diff(engine) == []
    assert rows(engine, "SELECT kind, fiscal_year FROM alert_outbox") == [("feedback", 2024)]
