"""The scenario warehouse, loaded once per module (SQLite in a temporary folder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from consolidation_support import load_scenario


@pytest.fixture(scope="module")
def scenario_url(tmp_path_factory: Any, seed_000: Path, seed_001: Path) -> str:
    from selfeval.warehouse import connect, upgrade

    folder = tmp_path_factory.mktemp("consolidation")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    engine = connect(url)
    try:
        upgrade(engine)
        load_scenario(engine, folder / "reports", seed_000, seed_001)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def scenario(scenario_url: str) -> Iterator[Any]:
    from selfeval.warehouse import connect

    engine = connect(scenario_url)
    try:
        yield engine
    finally:
        engine.dispose()
