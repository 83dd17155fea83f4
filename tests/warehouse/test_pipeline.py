"""`load_reports` and `selfeval load`: extract, check in one batch, load; rejections recorded."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from warehouse_support import RECEIVED, RECEIVED_LATE, rows

from selfeval.cli import main
from selfeval.pipeline import load_reports
from selfeval.warehouse import load_units

pytestmark = pytest.mark.unit


def test_load_reports_with_real_checks(
    warehouse_engine: Any, units_csv: Path, seed_paths: list[Path], corrected_seed_001: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    load_units(warehouse_engine, units_csv)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00\x01\x02binary\xff" * 20)
    first = load_reports(warehouse_engine, [*seed_paths, broken], received_at=RECEIVED)
    assert [(o.status, o.version, [(f.check, f.severity) for f in o.findings]) for o in first] == [
        ("loaded", 1, [("carryover.continuity", "error")]),
        ("loaded", 1, [("section_score.matches_table", "error")]),
        ("rejected", None, []),
    ]
    assert first[2].reason and first[2].submission_id is not None

    again = load_reports(warehouse_engine, [*seed_paths, broken], received_at=RECEIVED)
    assert [(o.status, o.submission_id) for o in again] == [
        (o.status if o.status == "rejected" else "duplicate", o.submission_id) for o in first
    ]
    corrected = load_reports(warehouse_engine, [corrected_seed_001], received_at=RECEIVED_LATE)
    assert [(o.status, o.version, o.superseded, o.findings) for o in corrected] == [
        ("loaded", 2, (first[1].submission_id,), ())
    ]
    assert rows(
        warehouse_engine,
        "SELECT unit_name, check_id, observed, expected, evidence_line FROM v_open_findings",
    ) == [("广州市番禺区人民政府钟村街道办事处", "carryover.continuity", "25.04", "5.76", 118)]
    assert rows(warehouse_engine, "SELECT status, COUNT(*) FROM submission GROUP BY status"
                " ORDER BY status") == [("accepted", 2), ("rejected", 1), ("superseded", 1)]  # fmt: skip


def test_selfeval_load_and_db_upgrade_commands(
    tmp_path: Path, seed_paths: list[Path], units_csv: Path, capsys: Any
) -> None:
    share = tmp_path / "share"
    (share / "inbox").mkdir(parents=True)
    shutil.copy(units_csv, share / "units.csv")
    for seed in seed_paths:
        shutil.copy(seed, share / "inbox" / seed.name)
    assert main(["db", "upgrade", "--share", str(share)]) == 0
    assert capsys.readouterr().out == "warehouse at revision 0002\n"
    args = ["load", str(share / "inbox"), "--share", str(share), "--received-at", "2025-03-20"]
    assert main(args) == 1  # the seeds have error findings
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"registry: 2 units from {share / 'units.csv'}"
    assert [line.split()[0] for line in out[1:]] == ["loaded", "loaded"]
    assert out[1].endswith("submission 1 v1  1 errors, 0 warnings")
    assert main(args) == 0  # nothing new: duplicates carry no new findings
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]] == [
        "duplicate",
        "duplicate",
    ]
    assert (share / "warehouse.db").is_file()
    assert main(["load", str(tmp_path / "missing.txt"), "--share", str(share)]) == 2
    assert "rejected" in capsys.readouterr().out
    assert main(["load", "x.txt", "--share", str(share), "--received-at", "soon"]) == 2
    assert "--received-at 'soon'" in capsys.readouterr().err
