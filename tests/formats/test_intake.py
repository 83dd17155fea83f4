"""Reports sent as .docx and .pdf go through checks into the warehouse like the .txt seeds."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from selfeval.intake import take_in_paths

pytestmark = pytest.mark.unit


def test_word_and_pdf_reports_load_with_the_seeds_findings_and_a_bomb_is_rejected(
    warehouse_engine: Any, seed_files: dict[str, dict[str, Path]], seed_paths: list[Path],
    tmp_path: Path,
) -> None:  # fmt: skip
    seed_000, seed_001 = (p.stem for p in seed_paths)
    bomb = tmp_path / "bomb.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b" " * (20 * 2**20))
    bomb.write_bytes(buffer.getvalue())
    outcomes = take_in_paths(
        warehouse_engine, None, [seed_files["docx"][seed_000], seed_files["pdf"][seed_001], bomb]
    )
    unknown = ("unit.unknown", "warning")  # no unit registry loaded here
    assert [(o.outcome, [(f.check, f.severity) for f in o.findings]) for o in outcomes] == [
        ("loaded", [("carryover.continuity", "error"), unknown]),  # as the .txt seeds
        ("loaded", [("section_score.matches_table", "error"), unknown]),
        ("rejected", []),
    ]
    assert outcomes[2].reason is not None and "ZIP bomb" in outcomes[2].reason
