"""Fixtures for the format tests: the seeds made into the files units send."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import makers


@pytest.fixture(scope="session")
def seed_files(
    tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path]
) -> dict[str, dict[str, Path]]:
    """{"docx": {seed stem: path}, "pdf": {...}} made once per test session."""
    out = tmp_path_factory.mktemp("seed_files")
    made: dict[str, dict[str, Path]] = {"docx": {}, "pdf": {}}
    for seed in seed_paths:
        text = seed.read_text("utf-8")
        made["docx"][seed.stem] = makers.make_docx(text, out / f"{seed.stem}.docx")
        made["pdf"][seed.stem] = makers.make_pdf(text, out / f"{seed.stem}.pdf")
    return made
