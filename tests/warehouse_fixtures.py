"""Warehouse engine fixtures (SQLite and PostgreSQL), shared by every capability's tests.

- `warehouse_url`: a fresh, empty warehouse URL, once per backend: a SQLite file in tmp_path, or a
  new schema on the PostgreSQL server (dropped after the test). PostgreSQL tests are skipped, with
  the URL and the reason, when the server cannot be reached.
- `warehouse_engine`: an Engine on that warehouse, migrated to the current schema.

The server URL can be overridden with SELFEVAL_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

POSTGRES_URL = os.environ.get(
    "SELFEVAL_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)

_reachability: dict[str, str | None] = {}


def postgres_unreachable() -> str | None:
    """None when the test server answers, else why not (checked once per session)."""
    if POSTGRES_URL not in _reachability:
        from sqlalchemy import create_engine, text

        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            _reachability[POSTGRES_URL] = None
        except Exception as exc:  # any failure to connect means "skip", with the reason
            _reachability[POSTGRES_URL] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        finally:
            engine.dispose()
    return _reachability[POSTGRES_URL]


def schema_url(schema: str, base: str = POSTGRES_URL) -> str:
    """The server URL with the search_path set to `schema` (psycopg2 `options`)."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def require_postgres() -> None:
    reason = postgres_unreachable()
    if reason is not None:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {reason}")


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def warehouse_url(request: Any, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
        return
    require_postgres()
    from sqlalchemy import create_engine, text

    schema = f"selfeval_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def warehouse_engine(warehouse_url: str) -> Iterator[Any]:
    from selfeval.warehouse import connect, upgrade

    engine = connect(warehouse_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
