"""Engine creation, URL resolution, migrations and the read-only consumer role."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfeval import settings
from selfeval.errors import ConfigError, WarehouseError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def resolve_url(url: str | None = None, *, share: Path | None = None) -> str:
    """The warehouse URL: explicit, else $SELFEVAL_WAREHOUSE_URL, else SQLite in the share folder."""
    if url:
        return url
    env_url = os.environ.get(settings.WAREHOUSE_URL_ENV, "").strip()
    if env_url:
        return env_url
    if share is None:
        env_share = os.environ.get(settings.SHARE_ENV, "").strip()
        share = Path(env_share) if env_share else None
    if share is None:
        raise ConfigError(
            "no warehouse configured: pass a URL, or set "
            f"{settings.WAREHOUSE_URL_ENV}, or set {settings.SHARE_ENV} to the shared folder"
        )
    if not share.is_dir():
        raise ConfigError(f"{share}: the shared folder does not exist")
    return f"sqlite:///{(share / settings.WAREHOUSE_FILE).resolve()}"


def connect(url: str | None = None, *, share: Path | None = None) -> Engine:
    """An Engine for the warehouse; SQLite connections get WAL and enforced foreign keys."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    resolved = resolve_url(url, share=share)
    try:
        engine = create_engine(resolved)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(f"warehouse URL {_redact(resolved)!r} is not usable: {exc}") from exc
    if engine.dialect.name == "sqlite":
        # SQLite keeps NUMERIC as REAL; values round-trip exactly at our scale (see ADR 0004),
        # so SQLAlchemy's generic warning about Decimal emulation is noise here.
        warnings.filterwarnings(
            "ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal objects"
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Concurrent DAG tasks write the same file: wait for the lock instead of failing at once.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def alembic_config(connection: Any = None) -> Any:
    """An Alembic Config for our migrations, built in code (no alembic.ini needed)."""
    from alembic.config import Config

    from selfeval.warehouse import migrations

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the warehouse to the current schema (Alembic `upgrade head`), in one transaction."""
    from alembic import command
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    except SQLAlchemyError as exc:
        raise WarehouseError(f"cannot migrate {_redact(str(engine.url))}: {exc}") from exc


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def grant_reader(engine: Engine, role: str, *, create: bool = False) -> str:
    """Let `role` SELECT every table and view of the warehouse schema and change nothing.

    PostgreSQL only. Default privileges cover tables and views later migrations create.
    With `create`, a missing role is created (LOGIN, no password: set one as DBA).
    Returns the schema the grants apply to.
    """
    from sqlalchemy import text

    if engine.dialect.name != "postgresql":
        raise ConfigError(
            f"grant-reader needs PostgreSQL; {_redact(str(engine.url))} is {engine.dialect.name}"
        )
    if not _ROLE_NAME.match(role):
        raise ConfigError(f"{role!r} is not a plain role name (letters, digits, underscore)")
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        exists = conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).one_or_none()
        if exists is None:
            if not create:
                raise ConfigError(f"role {role!r} does not exist (pass --create to create it)")
            conn.execute(text(f"CREATE ROLE {quote(role)} LOGIN"))
        elif exists[0]:
            raise ConfigError(f"role {role!r} is a superuser: it cannot be made read-only")
        r, s = quote(role), quote(schema)
        for statement in (
            f"GRANT USAGE ON SCHEMA {s} TO {r}",
            f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT ON TABLES TO {r}",
        ):
            conn.execute(text(statement))
    return str(schema)
