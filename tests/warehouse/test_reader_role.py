"""PostgreSQL: `selfeval db grant-reader ROLE` gives consumers SELECT and nothing else."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from selfeval.cli import main
from selfeval.errors import ConfigError
from selfeval.warehouse import grant_reader
from selfeval.warehouse.views import VIEWS
from warehouse_fixtures import POSTGRES_URL, require_postgres, schema_url

pytestmark = [pytest.mark.unit, pytest.mark.postgres]


@pytest.fixture
def reader_role() -> Any:
    require_postgres()
    from sqlalchemy import create_engine, text

    role = f"selfeval_reader_{uuid.uuid4().hex[:8]}"
    yield role
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
    admin.dispose()


def test_reader_can_select_everything_and_change_nothing(
    warehouse_engine: Any, warehouse_url: str, reader_role: str, capsys: Any
) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ProgrammingError

    if warehouse_engine.dialect.name != "postgresql":
        with pytest.raises(ConfigError, match="grant-reader needs PostgreSQL"):
            grant_reader(warehouse_engine, reader_role)
        return
    with pytest.raises(ConfigError, match="does not exist"):
        grant_reader(warehouse_engine, reader_role)
    assert main(["db", "grant-reader", reader_role, "--create", "--warehouse", warehouse_url]) == 0
    schema = warehouse_url.rsplit("%3D", 1)[1]
    assert capsys.readouterr().out.strip() == f"{reader_role} can read schema {schema}"
    with warehouse_engine.begin() as conn:  # a table created later is readable too
        conn.execute(text("CREATE TABLE later (x int)"))
        conn.execute(text("INSERT INTO unit (name) VALUES ('钟村街道')"))

    base = POSTGRES_URL.replace("postgres@", f"{reader_role}@", 1)
    reader = create_engine(schema_url(schema, base))
    try:
        with reader.connect() as conn:
            for view in VIEWS:
                conn.execute(text(f"SELECT * FROM {view}")).all()
            assert conn.execute(text("SELECT name FROM unit")).all() == [("钟村街道",)]
            assert conn.execute(text("SELECT COUNT(*) FROM later")).scalar_one() == 0
        denied = [
            "INSERT INTO unit (name) VALUES ('x')",
            "UPDATE unit SET name = 'x'",
            "DELETE FROM unit",
            "DELETE FROM finding",
            "CREATE TABLE mine (x int)",
            "DROP TABLE finding",
            "ALTER TABLE unit ADD COLUMN x int",
            "DROP VIEW v_open_findings",
            "CREATE VIEW v_mine AS SELECT 1 AS x",
        ]
        for statement in denied:
            with reader.connect() as conn, pytest.raises(ProgrammingError) as err:
                conn.execute(text(statement))
            message = str(err.value.orig)
            assert "permission denied" in message or "must be owner" in message, statement
    finally:
        reader.dispose()
    with warehouse_engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM unit")).all() == [("钟村街道",)]
