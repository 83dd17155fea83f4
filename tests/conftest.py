"""Fixtures shared by every test layer: the seed reports and a scratch shared folder.

Warehouse engines (SQLite and PostgreSQL) come from tests/warehouse_fixtures.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

pytest_plugins = ["warehouse_fixtures"]

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
SEED_000 = SEEDS / "000_1783cb38f1062c04.txt"  # 钟村街道 (番禺区), FY2024
SEED_001 = SEEDS / "001_909bae87fb1bd3ad.txt"  # 白鹤洞街道 (荔湾区), FY2024


@pytest.fixture(scope="session")
def seed_000() -> Path:
    return SEED_000


@pytest.fixture(scope="session")
def seed_001() -> Path:
    return SEED_001


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return [SEED_000, SEED_001]
