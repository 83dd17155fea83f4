"""Fixtures for the warehouse tests: a unit registry, seed records, table snapshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from warehouse_support import FACT_TABLES, UNITS_CSV


@pytest.fixture
def units_csv(tmp_path: Path) -> Path:
    path = tmp_path / "units.csv"
    path.write_text(UNITS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def corrected_seed_001(tmp_path: Path, seed_001: Path) -> Path:
    """Seed 001 with its 管理效率 heading fixed to agree with the score table (47.5)."""
    text = seed_001.read_text(encoding="utf-8")
    wrong = "管理效率分析（总分为 50 分，自评分为 46.5 分）"
    assert text.count(wrong) == 1
    path = tmp_path / "001_corrected.txt"
    path.write_text(text.replace(wrong, "管理效率分析（总分为 50 分，自评分为 47.5 分）"), "utf-8")
    return path


@pytest.fixture
def snapshot(warehouse_engine: Any) -> Callable[[], dict[str, int]]:
    """Row counts of every warehouse table."""
    from sqlalchemy import text

    def take() -> dict[str, int]:
        with warehouse_engine.connect() as conn:
            return {
                t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
                for t in FACT_TABLES
            }

    return take
