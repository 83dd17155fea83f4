"""Load cost that does not grow with the warehouse (issue 17), guarded by its mechanism, not by
timings: every statement a load issues is answered from an index (no full scan of the registry
or of the submissions), and a load issues as many statements with 200 reports loaded as with 10.
bench/bench_load.py measures the time."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from warehouse_support import RECEIVED

from selfeval.extract import extract_file
from selfeval.record import Record
from selfeval.warehouse import load_submission, load_units, match_unit, record_rejection

pytestmark = pytest.mark.unit

# Reports named in several ways (official name, alias, a name known only by its key) and one
# naming no registry unit, for two consecutive years (the cross-year check reads the other).
NAMES = ("广州市番禺区人民政府钟村街道办事处", "钟村街", "钟村街道", "未登记单位")


def _report(record: Record, n: int, name: str, year: int) -> Record:
    """File n: `record` as the report of the unit `name` for `year` (carry-overs moved along)."""
    shift = year - (record.fiscal_year or year)
    return dataclasses.replace(
        record,
        source=dataclasses.replace(record.source, sha256=f"{n:064x}", path=f"{n}.txt"),
        unit=dataclasses.replace(record.unit, name=name, district="番禺区"),
        fiscal_year=year,
        carryovers=tuple(
            dataclasses.replace(c, year=None if c.year is None else c.year + shift)
            for c in record.carryovers
        ),
    )


def _load(engine: Any, record: Record) -> None:
    load_submission(engine, record, [], received_at=RECEIVED, file_name=record.source.path)


@contextmanager
def _statements(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) the engine sends while the block runs."""
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, _many: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", capture)


@pytest.fixture
def registry(warehouse_engine: Any, units_csv: Path, tmp_path: Path) -> Any:
    """The test registry and 300 more units, so that a scan would have rows to read."""
    extra = "".join(f"单位{i:03d}街道,单位{i:03d}街,荔湾区,\n" for i in range(300))
    path = tmp_path / "registry.csv"
    path.write_text(units_csv.read_text("utf-8") + extra, "utf-8")
    load_units(warehouse_engine, path)
    return warehouse_engine


def _fill(engine: Any, record: Record, start: int, count: int) -> None:
    """`count` reports of other units and years: what the warehouse holds before the probe."""
    for n in range(start, start + count):
        _load(engine, _report(record, n, f"单位{n % 300:03d}街道", 1900 + n // 300))


def _probe(engine: Any, record: Record, n: int, year: int) -> list[tuple[str, Any]]:
    """The statements of the probe loads: each name for `year` and `year + 1`, and a rejection
    (n numbers the files, `year` keeps the probes of one test apart)."""
    with _statements(engine) as seen:
        for i, name in enumerate(NAMES):
            _load(engine, _report(record, n + 2 * i, name, year))
            _load(engine, _report(record, n + 2 * i + 1, name, year + 1))
        bad = _report(record, n + 100, "钟村街道", year)
        record_rejection(
            engine,
            sha256=bad.source.sha256,
            file_name="bad.txt",
            reason="unreadable",
            received_at=RECEIVED,
            record=bad,
        )
    return seen


def _plan(engine: Any, statement: str, params: Any) -> str:
    """The query plan of one statement: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN
    with sequential scans priced out (so a Seq Scan left in it means no index can serve)."""
    with engine.begin() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {statement}", params)
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def test_every_statement_of_a_load_uses_an_index(registry: Any, seed_000: Path) -> None:
    _fill(registry, extract_file(seed_000), 0, 20)
    seen = _probe(registry, extract_file(seed_000), 1000, 2023)
    queries = {
        s: p for s, p in seen if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
    }
    assert any("unit_name_key" in s for s in queries)  # the matcher's lookups are among them
    scans = {
        s: plan
        for s, p in queries.items()
        if (plan := _plan(registry, s, p))
        and any(line.lstrip(" -|>").startswith(("SCAN", "Seq Scan")) for line in plan.split("\n"))
    }
    assert scans == {}


def test_statements_per_load_do_not_grow_with_the_warehouse(registry: Any, seed_000: Path) -> None:
    record = extract_file(seed_000)
    _fill(registry, record, 0, 10)
    few = _probe(registry, record, 1000, 2023)
    _fill(registry, record, 10, 190)
    many = _probe(registry, record, 2000, 2033)
    assert len(many) == len(few)


def _matches(
    engine: Any, tmp_path: Path, registry: str, *names: tuple[str, str | None]
) -> list[str | None]:
    """Load the registry CSV text, then the registry name each (name, district) matches."""
    path = tmp_path / "units.csv"
    path.write_text(registry, "utf-8")
    load_units(engine, path)
    with engine.connect() as conn:
        unit_names = dict(conn.execute(text("SELECT unit_id, name FROM unit")).all())
        return [unit_names.get(match_unit(conn, name, district)) for name, district in names]


def test_a_district_the_registry_does_not_list_is_still_stripped_from_registry_names(
    warehouse_engine: Any, tmp_path: Path
) -> None:
    # No district column: the registry's names carry the district. The report's district is
    # stripped from them as from the report's name (the keys the registry load stored do not).
    registry = "name\n番禺区钟村街道\n荔湾区白鹤洞街道\n"
    names = [("钟村街", "番禺区"), ("番禺区钟村街道办事处", None), ("钟村街", None)]
    found = _matches(warehouse_engine, tmp_path, registry, *names)
    assert found == ["番禺区钟村街道", "番禺区钟村街道", None]


def test_registry_reload_rekeys_names_when_districts_change(
    warehouse_engine: Any, tmp_path: Path
) -> None:
    before = _matches(
        warehouse_engine, tmp_path, "name,district\n番禺区钟村街道,\n", ("钟村街", None)
    )
    after = _matches(
        warehouse_engine, tmp_path, "name,district\n番禺区钟村街道,番禺区\n", ("钟村街", None)
    )
    assert (before, after) == ([None], ["番禺区钟村街道"])


def test_reloading_an_unchanged_registry_writes_nothing(registry: Any, tmp_path: Path) -> None:
    # Every intake run and `selfeval load` with a share load units.csv again.
    with _statements(registry) as seen:
        load_units(registry, tmp_path / "registry.csv")
    assert [s for s, _ in seen if not s.lstrip().upper().startswith("SELECT")] == []
