"""Two Celery workers loading at once (issue 16), on the real PostgreSQL server: two reports of
one unit, a resubmission racing its original, the same file by two runs. Made deterministic by
holding the unit's row lock in a third session until every load waits on it, then letting go:
the loads then meet exactly where they would race."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from warehouse_support import RECEIVED, rows

from selfeval.errors import WarehouseError
from selfeval.extract import extract_file
from selfeval.warehouse import load_submission, load_units

pytestmark = [
    pytest.mark.unit,
    pytest.mark.postgres,
    pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True),
]

BAIHEDONG = "广州市荔湾区人民政府白鹤洞街道办事处"


@pytest.fixture
def pg_engine(warehouse_engine: Any, units_csv: Path) -> Any:
    load_units(warehouse_engine, units_csv)
    return warehouse_engine


HOLD_UNIT = text("SELECT unit_id FROM unit WHERE name = :n FOR UPDATE").bindparams(n=BAIHEDONG)


def _race(engine: Any, loads: list[Callable[[], Any]], hold: Any = HOLD_UNIT) -> list[Any]:
    """Run `loads` in threads while another session holds the lock `hold` takes (by default
    the unit's row); start them one after another, each once the previous waits on it,
    release, and return what each gave."""
    results: list[Any] = [None] * len(loads)
    with engine.connect() as blocker:
        blocker.execute(hold)
        pid = blocker.execute(text("SELECT pg_backend_pid()")).scalar()

        def waiting() -> int:
            with engine.connect() as conn:
                return int(
                    conn.execute(
                        text(  # behind the blocker, or behind a session behind it
                            "WITH RECURSIVE behind(pid) AS ("
                            " SELECT pid FROM pg_stat_activity"
                            "  WHERE :pid = ANY(pg_blocking_pids(pid))"
                            " UNION SELECT a.pid FROM pg_stat_activity a"
                            "  JOIN behind b ON b.pid = ANY(pg_blocking_pids(a.pid)))"
                            " SELECT count(*) FROM behind"
                        ),
                        {"pid": pid},
                    ).scalar()
                )

        def run(i: int, load: Callable[[], Any]) -> None:
            try:
                results[i] = load()
            except Exception as exc:  # kept for the assertions
                results[i] = exc

        threads = []
        for i, load in enumerate(loads):
            threads.append(threading.Thread(target=run, args=(i, load)))
            threads[-1].start()
            deadline = time.monotonic() + 30
            while waiting() < i + 1:
                assert time.monotonic() < deadline, f"load {i} never waited: {results}"
                time.sleep(0.05)
        blocker.rollback()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _loader(engine: Any, path: Path, received: datetime, name: str) -> Callable[[], Any]:
    record = extract_file(path)
    return lambda: load_submission(engine, record, [], received_at=received, file_name=name)


def test_a_resubmission_racing_its_original_is_the_current_version(
    pg_engine: Any, seed_001: Path, corrected_seed_001: Path
) -> None:
    """The correction (received an hour later) commits first, the original second: versions
    follow arrival, not commit order, and exactly one is current."""
    later = RECEIVED + timedelta(hours=1)
    results = _race(
        pg_engine,
        [
            _loader(pg_engine, corrected_seed_001, later, "corrected.txt"),
            _loader(pg_engine, seed_001, RECEIVED, "original.txt"),
        ],
    )
    assert [r.status for r in results] == ["loaded", "loaded"]
    assert rows(
        pg_engine, "SELECT file_name, version, status FROM submission ORDER BY version"
    ) == [("original.txt", 1, "superseded"), ("corrected.txt", 2, "accepted")]


def test_two_reports_of_one_unit_at_once_get_two_versions(
    pg_engine: Any, seed_001: Path, corrected_seed_001: Path
) -> None:
    """Both wait on the unit, neither can take version 1 from the other."""
    results = _race(
        pg_engine,
        [
            _loader(pg_engine, seed_001, RECEIVED, "a.txt"),
            _loader(pg_engine, corrected_seed_001, RECEIVED + timedelta(minutes=5), "b.txt"),
        ],
    )
    assert [r.status for r in results] == ["loaded", "loaded"]
    assert rows(
        pg_engine, "SELECT file_name, version, status FROM submission ORDER BY version"
    ) == [("a.txt", 1, "superseded"), ("b.txt", 2, "accepted")]


def test_the_same_file_loaded_by_two_workers_at_once_is_loaded_once(
    pg_engine: Any, seed_001: Path
) -> None:
    """Both looked for its hash before either committed: one loads it, the other finds it a
    duplicate once the first commits (never a second row, never a failure)."""
    results = _race(
        pg_engine,
        [
            _loader(pg_engine, seed_001, RECEIVED, "first.txt"),
            _loader(pg_engine, seed_001, RECEIVED, "second.txt"),
        ],
    )
    assert not any(isinstance(r, WarehouseError) for r in results), results
    assert [r.status for r in results] == ["loaded", "duplicate"]
    assert results[0].submission_id == results[1].submission_id
    assert rows(pg_engine, "SELECT file_name, version, status FROM submission") == [
        ("first.txt", 1, "accepted")
    ]


def test_two_reports_of_a_unit_missing_from_the_registry_get_two_versions(
    pg_engine: Any, tmp_path: Path, seed_001: Path, corrected_seed_001: Path
) -> None:
    """No unit row to lock: the loads hold the reported name and year instead, so they do not
    both become version 1 of the unknown unit."""
    from sqlalchemy import func, select

    from selfeval.warehouse.load import _lock_key

    renamed = []
    for path in (seed_001, corrected_seed_001):
        text_ = path.read_text(encoding="utf-8").replace("白鹤洞", "不在名录")
        renamed.append(tmp_path / f"unknown_{path.name}")
        renamed[-1].write_text(text_, encoding="utf-8")
    record = extract_file(renamed[0])
    assert "不在名录" in (record.unit.name or "")
    key = _lock_key(record.unit.name, record.fiscal_year)
    results = _race(
        pg_engine,
        [
            _loader(pg_engine, renamed[1], RECEIVED + timedelta(hours=1), "later.txt"),
            _loader(pg_engine, renamed[0], RECEIVED, "earlier.txt"),
        ],
        hold=select(func.pg_advisory_xact_lock(key)),
    )
    assert [r.status for r in results] == ["loaded", "loaded"]
    assert rows(
        pg_engine,
        "SELECT file_name, version, status, unit_id FROM submission ORDER BY version",
    ) == [("earlier.txt", 1, "superseded", None), ("later.txt", 2, "accepted", None)]
