"""Schema, migrations, views, the generated data dictionary and engine configuration."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from warehouse_support import HEAD, RECEIVED, rows

from selfeval.errors import ConfigError
from selfeval.extract import extract_file
from selfeval.warehouse import connect, load_submission, load_units, resolve_url, upgrade
from selfeval.warehouse.db import current_revision
from selfeval.warehouse.dictionary import EXAMPLES, render
from selfeval.warehouse.schema import WAREHOUSE_TABLES, metadata
from selfeval.warehouse.views import VIEW_DOCS, VIEWS

pytestmark = pytest.mark.unit

DOC = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"
CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def test_migrations_build_exactly_the_schema_model(warehouse_engine: Any) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with warehouse_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    assert current_revision(warehouse_engine) == HEAD


def test_views_have_the_documented_columns(warehouse_engine: Any) -> None:
    from sqlalchemy import inspect

    inspector = inspect(warehouse_engine)
    assert sorted(inspector.get_view_names()) == sorted(VIEWS)
    for name in VIEWS:
        columns = [c["name"] for c in inspector.get_columns(name)]
        assert columns == [c for c, _ in VIEW_DOCS[name][1]], name


def test_names_and_view_columns_follow_the_architecture_contract() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    tables = re.search(r"^Tables: (.+?)\.$", text, re.M | re.S)
    assert tables is not None
    assert re.findall(r"`(\w+)`", tables.group(1)) == [t.name for t in WAREHOUSE_TABLES]
    for view, body in re.findall(
        r"^- `(v_\w+)`: (.+?)(?=^- `|^`alert_outbox`|\Z)", text, re.M | re.S
    ):
        contract = [
            re.sub(r"\s*\(.*", "", c, flags=re.S).strip()
            for c in re.split(r",\s*(?![^()]*\))", body)
        ]
        assert [c for c, _ in VIEW_DOCS[view][1]] == contract, view


def test_upgrade_is_idempotent_and_downgrade_removes_everything(warehouse_url: str) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from selfeval.warehouse.db import alembic_config

    engine = connect(warehouse_url)
    try:
        upgrade(engine)
        upgrade(engine)
        assert current_revision(engine) == HEAD
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        inspector = inspect(engine)
        assert inspector.get_view_names() == []
        assert inspector.get_table_names() == ["alembic_version"]
        upgrade(engine)
        assert len(inspect(engine).get_view_names()) == len(VIEWS)
    finally:
        engine.dispose()


def test_data_dictionary_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/warehouse.md is out of date: run `selfeval db dictionary`"
    )


def test_data_dictionary_covers_every_table_column_and_view() -> None:
    text = DOC.read_text(encoding="utf-8")
    for table in WAREHOUSE_TABLES:
        assert f"### `{table.name}`" in text
        for column in table.columns:
            assert column.info.get("doc"), f"{table.name}.{column.name} has no description"
    for view in VIEWS:
        assert f"### `{view}`" in text


def test_example_queries_in_the_dictionary_run(
    warehouse_engine: Any, units_csv: Path, seed_paths: list[Path]
) -> None:
    load_units(warehouse_engine, units_csv)
    for path in seed_paths:
        load_submission(
            warehouse_engine, extract_file(path), [], received_at=RECEIVED, file_name=path.name
        )
    documented = re.findall(r"```sql\n(.*?);\n```", DOC.read_text(encoding="utf-8"), re.S)
    assert documented == [sql for _, sql in EXAMPLES]
    results = {title: rows(warehouse_engine, sql) for title, sql in EXAMPLES}
    assert [len(r) for r in results.values()] == [
        1,
        2,
        0,
        2,
        7,
        0,
    ]  # fund-source items include the stated totals
    assert [r[:2] for r in results["Units ranked by total score"]] == [
        (1, "广州市荔湾区人民政府白鹤洞街道办事处"),
        (2, "广州市番禺区人民政府钟村街道办事处"),
    ]


def test_url_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELFEVAL_WAREHOUSE_URL", raising=False)
    monkeypatch.delenv("SELFEVAL_SHARE", raising=False)
    with pytest.raises(ConfigError, match="no warehouse configured"):
        resolve_url()
    with pytest.raises(ConfigError, match="the shared folder does not exist"):
        resolve_url(share=tmp_path / "missing")
    assert resolve_url(share=tmp_path) == f"sqlite:///{tmp_path / 'warehouse.db'}"
    monkeypatch.setenv("SELFEVAL_SHARE", str(tmp_path))
    assert resolve_url() == f"sqlite:///{tmp_path / 'warehouse.db'}"
    monkeypatch.setenv("SELFEVAL_WAREHOUSE_URL", "sqlite:///elsewhere.db")
    assert resolve_url() == "sqlite:///elsewhere.db"
    assert resolve_url("postgresql://x/y") == "postgresql://x/y"
    with pytest.raises(ConfigError, match="is not usable"):
        connect("nosuchdb://x")


def test_sqlite_gets_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = connect(share=tmp_path)
    try:
        assert rows(engine, "PRAGMA journal_mode") == [("wal",)]
        assert rows(engine, "PRAGMA foreign_keys") == [(1,)]
    finally:
        engine.dispose()


def test_importing_the_warehouse_stays_cheap() -> None:
    code = (
        "import sys, selfeval.warehouse, selfeval.intake, selfeval.commands.load, "
        "selfeval.commands.db; print(sorted(m for m in ('sqlalchemy', 'alembic', 'pandas', "
        "'great_expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
