"""Alembic environment: run migrations on the connection `selfeval.warehouse.db.upgrade` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from selfeval.warehouse.schema import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        # `alembic` run by hand: take the URL from the config or the environment.
        from selfeval.warehouse.db import resolve_url

        url = config.get_main_option("sqlalchemy.url") or resolve_url()
        with create_engine(url).begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
