"""Load cost: CPU and wall time per report of `load_submission` as the warehouse grows.

    .venv/bin/python bench/bench_load.py [--levels 100,1000,10000] [--units 10,5000]
                                         [--sample 100] [--backends sqlite,postgresql]

For each backend and registry size, a fresh warehouse is filled to each level (reports already
loaded) and then `--sample` more reports are loaded one by one through `load_submission`, one
transaction each, as `selfeval load` does; the figures are means over those sample loads. CPU is
the client's `time.process_time` (on SQLite it includes the database's work; on PostgreSQL the
server's work shows in the wall time and in the rows its sequential scans read per report, also
printed). The share of the CPU spent in the cross-year check (a GX validation when the unit's
report of the year before is loaded) is printed beside it.

Reports: the two seeds are extracted and checked once, then perturbed (total score, carry-overs,
executed amounts, unit name and fiscal year) into a stream where each registered unit reports ten
consecutive years, every tenth report names a unit the registry does not know, and a unit's name
is written three ways (official name with city and district, registry name, alias). The fill-up
loads the same stream through the same `_load`, 500 reports per transaction, with the unit looked
up in the bench's own table instead of `match_unit` and without the cross-year GX validation, so
that filling 10,000 reports takes a minute whatever the code under test costs; the sample loads
run the real code and their matched units are checked against that table. PostgreSQL is skipped,
with the reason, when the server cannot be reached ($SELFEVAL_BENCH_POSTGRES_URL, default
postgresql+psycopg2://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
POSTGRES_URL = os.environ.get(
    "SELFEVAL_BENCH_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
DISTRICTS = ("番禺区", "荔湾区", "越秀区", "海珠区", "天河区", "白云区", "黄埔区", "花都区")
# Characters for made-up unit names: none is a suffix (街, 镇 …), a city (市) or a district (区).
CORE = "东南西北新华光明和平安康乐永丰富民兴盛泰宁福德仁义礼智信忠孝沙石龙凤云山水田"
YEARS = 10  # consecutive fiscal years each unit reports
CHUNK = 500  # reports per fill-up transaction


@dataclass(frozen=True, slots=True)
class Report:
    record: Any
    findings: tuple[Any, ...]
    received_at: datetime
    file_name: str
    unit: str | None  # the registry name the report should match, None for an unknown unit


def core(i: int) -> str:
    n = len(CORE)
    return CORE[i % n] + CORE[i // n % n] + CORE[i // n // n % n]


def write_registry(path: Path, count: int) -> None:
    lines = ["单位名称,别名,所属区,联系邮箱"]
    for i in range(count):
        lines.append(f"{core(i)}街道,{core(i)}街,{DISTRICTS[i % len(DISTRICTS)]},u{i}@example.org")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def base_reports() -> list[tuple[Any, tuple[Any, ...]]]:
    from selfeval.checks import check_records
    from selfeval.extract import extract_file

    records = [extract_file(p) for p in sorted(SEEDS.glob("*.txt"))]
    return list(zip(records, (tuple(f) for f in check_records(records)), strict=True))


def _plus(money: Any, delta: Decimal) -> Any:
    return None if money is None else replace(money, wan=money.wan + delta)


def report(n: int, units: int, bases: list[tuple[Any, tuple[Any, ...]]]) -> Report:
    """Report n of the stream (see the module docstring)."""
    record, findings = bases[n % len(bases)]
    u = n // YEARS % units
    year = 2015 + n % YEARS + YEARS * (n // (YEARS * units))
    shift = year - (record.fiscal_year or 2024)
    delta = Decimal(n % 97) / 100
    district = DISTRICTS[u % len(DISTRICTS)]
    unit_name: str | None = f"{core(u)}街道"
    if n % 10 == 5:
        name, unit_name = f"试点单位{n}号", None
    else:
        name = (f"广州市{district}人民政府{core(u)}街道办事处", f"{core(u)}街道", f"{core(u)}街")[
            n % 3
        ]
    total = record.total_score
    record = replace(
        record,
        source=replace(record.source, path=f"bench/{n:05d}.txt", sha256=f"{n:064x}"),
        unit=replace(record.unit, name=name, district=district),
        fiscal_year=year,
        total_score=None if total is None else replace(total, score=total.score - delta),
        carryovers=tuple(
            replace(
                c, year=None if c.year is None else c.year + shift, amount=_plus(c.amount, delta)
            )
            for c in record.carryovers
        ),
        executions=tuple(replace(e, executed=_plus(e.executed, delta)) for e in record.executions),
    )
    received = datetime(year + 1, 3, 1 + n % 28, 9, tzinfo=UTC)
    return Report(record, findings, received, f"report_{n:05d}.txt", unit_name)


@contextlib.contextmanager
def replaced(module: Any, name: str, stand_in: Any) -> Iterator[None]:
    real = getattr(module, name)
    setattr(module, name, stand_in)
    try:
        yield
    finally:
        setattr(module, name, real)


def fill(engine: Any, reports: list[Report], unit_ids: dict[str, int]) -> None:
    """Load `reports` 500 to a transaction, the unit looked up in the bench's own table and
    without the cross-year GX validation (see the module docstring)."""
    import selfeval.checks
    from selfeval.warehouse import registry
    from selfeval.warehouse.load import _load

    stream = {r.record.unit.name: r.unit for r in reports}

    def lookup(_conn: Any, name: str | None, _district: str | None = None) -> int | None:
        unit = stream.get(name or "")
        return None if unit is None else unit_ids[unit]

    with (
        replaced(registry, "match_unit", lookup),
        replaced(selfeval.checks, "check_across_years", lambda *_a, **_k: ()),
    ):
        for start in range(0, len(reports), CHUNK):
            with engine.begin() as conn:
                for r in reports[start : start + CHUNK]:
                    _load(
                        conn, r.record, r.findings, received_at=r.received_at, file_name=r.file_name
                    )


def seq_rows_read(engine: Any) -> int | None:
    """Rows PostgreSQL's sequential scans have read in the warehouse schema (None on SQLite)."""
    from sqlalchemy import text

    if engine.dialect.name != "postgresql":
        return None
    engine.dispose()  # closed sessions flush their statistics
    time.sleep(1.0)
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT COALESCE(SUM(seq_tup_read), 0) FROM pg_stat_user_tables"
                    " WHERE schemaname = current_schema()"
                )
            ).scalar_one()
        )


def measure(
    engine: Any, reports: list[Report], unit_ids: dict[str, int]
) -> tuple[float, float, float]:
    """Mean client CPU, wall, and cross-year check CPU milliseconds per report over `reports`,
    loaded one by one."""
    import selfeval.checks
    from selfeval.warehouse import load_submission

    cpu = wall = checks = 0.0
    real = selfeval.checks.check_across_years

    def timed(*args: Any, **kwargs: Any) -> Any:
        nonlocal checks
        c0 = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            checks += time.process_time() - c0

    with replaced(selfeval.checks, "check_across_years", timed):
        for r in reports:
            c0, w0 = time.process_time(), time.perf_counter()
            result = load_submission(
                engine, r.record, r.findings, received_at=r.received_at, file_name=r.file_name
            )
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
            expected = None if r.unit is None else unit_ids[r.unit]
            if result.status != "loaded" or result.unit_id != expected:
                raise SystemExit(f"{r.file_name}: {result} (expected unit {expected})")
    return tuple(x / len(reports) * 1000 for x in (cpu, wall, checks))  # type: ignore[return-value]


@contextlib.contextmanager
def warehouse(backend: str, folder: Path) -> Iterator[Any]:
    """An empty, migrated warehouse: a SQLite file, or a new schema on the PostgreSQL server."""
    from sqlalchemy import create_engine, text

    from selfeval.warehouse import connect, upgrade

    if backend == "sqlite":
        url = f"sqlite:///{folder / f'warehouse_{uuid.uuid4().hex[:8]}.db'}"
        admin = None
    else:
        schema = f"selfeval_bench_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in POSTGRES_URL else "?"
        url = f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    engine = connect(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def postgres_unreachable() -> str | None:
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any failure to connect means "skip", with the reason
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="100,1000,10000", help="reports already loaded")
    parser.add_argument("--units", default="10,5000", help="registry sizes")
    parser.add_argument("--sample", type=int, default=100, help="loads measured at each level")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    levels = sorted(int(x) for x in args.levels.split(","))
    sizes = [int(x) for x in args.units.split(",")]

    t0 = time.perf_counter()
    from selfeval.warehouse import load_units

    bases = base_reports()
    print(f"records: the 2 seeds, extracted and checked once ({time.perf_counter() - t0:.1f} s)")
    print(
        f"{'backend':<11}{'units':>6}{'loaded':>8}{'cpu ms':>9}{'wall ms':>9}"
        f"{'of which cross-year check':>27}{'seq rows':>10}"
    )
    results: dict[tuple[str, int, int], float] = {}
    for backend in args.backends.split(","):
        if backend == "postgresql" and (reason := postgres_unreachable()):
            print(f"{backend:<11}skipped: PostgreSQL not reachable at {POSTGRES_URL}: {reason}")
            continue
        for size in sizes:
            with tempfile.TemporaryDirectory() as tmp, warehouse(backend, Path(tmp)) as engine:
                units_csv = Path(tmp) / "units.csv"
                write_registry(units_csv, size)
                load_units(engine, units_csv)
                from sqlalchemy import text

                with engine.connect() as conn:
                    rows = conn.execute(text("SELECT name, unit_id FROM unit"))
                    unit_ids = {str(name): int(uid) for name, uid in rows}
                loaded = 0
                for level in levels:
                    stream = [report(n, size, bases) for n in range(loaded, level)]
                    fill(engine, stream, unit_ids)
                    sample = [report(n, size, bases) for n in range(level, level + args.sample)]
                    before = seq_rows_read(engine)
                    cpu, wall, checks = measure(engine, sample, unit_ids)
                    after = seq_rows_read(engine)
                    loaded = level + args.sample
                    seq = (
                        ""
                        if before is None or after is None
                        else f"{(after - before) / args.sample:.0f}"
                    )
                    results[backend, size, level] = cpu
                    print(
                        f"{backend:<11}{size:>6}{level:>8}{cpu:>9.1f}{wall:>9.1f}"
                        f"{checks:>27.1f}{seq:>10}",
                        flush=True,
                    )
    for (backend, size, level), cpu in results.items():
        first = results[backend, size, levels[0]]
        if level == levels[-1] and level != levels[0]:
            print(
                f"{backend} with {size} units: {level} loaded / {levels[0]} loaded = "
                f"{cpu / first:.2f}x per-report CPU (target <= 1.2x)"
            )
    print(f"total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
