"""`take_in_paths` and `selfeval load`: extract, check in one batch, load; rejections recorded;
feedback written and a copy archived when there is a share."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from warehouse_support import HEAD, RECEIVED, RECEIVED_LATE, rows

from selfeval.cli import main
from selfeval.intake import take_in_paths
from selfeval.warehouse import connect, load_units

pytestmark = pytest.mark.unit


def test_take_in_paths_with_real_checks(
    warehouse_engine: Any, units_csv: Path, seed_paths: list[Path], corrected_seed_001: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    load_units(warehouse_engine, units_csv)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00\x01\x02binary\xff" * 20)
    first = take_in_paths(warehouse_engine, None, [*seed_paths, broken], received_at=RECEIVED)
    assert [(o.outcome, o.version, [(f.check, f.severity) for f in o.findings]) for o in first] == [
        ("loaded", 1, [("carryover.continuity", "error")]),
        ("loaded", 1, [("section_score.matches_table", "error")]),
        ("rejected", None, []),
    ]
    assert first[2].reason and first[2].submission_id is not None

    again = take_in_paths(warehouse_engine, None, [*seed_paths, broken], received_at=RECEIVED)
    assert [(o.outcome, o.submission_id) for o in again] == [
        (o.outcome if o.outcome == "rejected" else "duplicate", o.submission_id) for o in first
    ]
    corrected = take_in_paths(
        warehouse_engine, None, [corrected_seed_001], received_at=RECEIVED_LATE
    )
    assert [(o.outcome, o.version, o.superseded, o.findings) for o in corrected] == [
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
    assert capsys.readouterr().out == f"warehouse at revision {HEAD}\n"
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


def _selfeval(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`selfeval ARGS` in its own process with a strict UTF-8 locale, as a shell runs it."""
    return subprocess.run(
        [sys.executable, "-m", "selfeval.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        timeout=300,
        check=False,
    )


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELFEVAL_")}
    env.update(LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8:strict", **extra)
    return env


def test_selfeval_load_file_names_that_are_not_utf8(
    warehouse_url: str, tmp_path: Path, corrected_seed_001: Path, units_csv: Path
) -> None:
    """A name with bytes that are not UTF-8 is stored and printed escaped, never a traceback."""
    folder = tmp_path / "in"
    folder.mkdir()
    good = Path(os.fsdecode(bytes(folder) + b"/w\xffname.txt"))
    bom_only = Path(os.fsdecode(bytes(folder) + b"/bom\xfe\xffonly.txt"))
    shutil.copyfile(corrected_seed_001, good)
    bom_only.write_bytes(b"\xef\xbb\xbf")
    common = [
        "--warehouse",
        warehouse_url,
        "--units",
        str(units_csv),
        "--received-at",
        "2025-03-20",
    ]

    loaded = _selfeval("load", str(good), *common, env=_clean_env())
    assert (loaded.returncode, loaded.stderr) == (0, "")
    assert loaded.stdout.splitlines()[1].startswith(f"loaded     {folder}/w\\xffname.txt  ")
    rejected = _selfeval("load", str(bom_only), *common, env=_clean_env())
    assert (rejected.returncode, rejected.stderr) == (2, "")
    assert rejected.stdout.splitlines()[1].startswith(f"rejected   {folder}/bom\\xfe\\xffonly")

    engine = connect(warehouse_url)
    try:
        assert rows(engine, "SELECT file_name, status FROM submission ORDER BY submission_id") == [
            ("w\\xffname.txt", "accepted"),
            ("bom\\xfe\\xffonly.txt", "rejected"),
        ]
    finally:
        engine.dispose()


def test_selfeval_share_from_the_environment_only(
    tmp_path: Path, seed_paths: list[Path], units_csv: Path, capsys: Any, monkeypatch: Any
) -> None:
    """$SELFEVAL_SHARE alone: load and db units use <share>/units.csv, as --share would."""
    share = tmp_path / "share"
    share.mkdir()
    shutil.copy(units_csv, share / "units.csv")
    monkeypatch.delenv("SELFEVAL_WAREHOUSE_URL", raising=False)
    monkeypatch.setenv("SELFEVAL_SHARE", str(share))

    assert main(["db", "units"]) == 0
    assert capsys.readouterr().out == f"loaded 2 units from {share / 'units.csv'}\n"
    assert main(["load", *map(str, seed_paths), "--received-at", "2025-03-20"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"registry: 2 units from {share / 'units.csv'}"
    engine = connect(None, share=share)
    try:
        assert rows(engine, "SELECT COUNT(*) FROM submission WHERE unit_id IS NULL") == [(0,)]
        assert rows(engine, "SELECT COUNT(*) FROM submission") == [(2,)]
    finally:
        engine.dispose()

    monkeypatch.delenv("SELFEVAL_SHARE")
    assert main(["db", "units", "--warehouse", f"sqlite:///{share / 'warehouse.db'}"]) == 2
    assert "give the CSV path, --share or $SELFEVAL_SHARE" in capsys.readouterr().err


def test_selfeval_load_writes_feedback_and_archives_a_copy_as_the_intake_does(
    tmp_path: Path, seed_paths: list[Path], units_csv: Path, capsys: Any
) -> None:
    """`selfeval load` commits as the intake DAG does (issue 13): loaded → feedback queued and
    written, a copy archived by hash; unreadable → rejected/ with its reason. The files named on
    the command line stay where they are; loading them again adds nothing."""
    share = tmp_path / "share"
    share.mkdir()
    shutil.copy(units_csv, share / "units.csv")
    given = tmp_path / "given"
    given.mkdir()
    for seed in seed_paths:
        shutil.copy(seed, given / seed.name)
    (given / "空白.txt").write_bytes(b"")
    names = sorted(p.name for p in given.iterdir())
    args = ["load", str(given), "--share", str(share), "--received-at", "2025-03-20"]

    assert main(args) == 2  # one file rejected
    out = capsys.readouterr().out.splitlines()[1:]
    assert sorted(line.split()[0] for line in out) == ["loaded", "loaded", "rejected"]
    assert sorted(p.name for p in given.iterdir()) == names  # nothing moved
    archived = sorted(p.name.split("__", 1)[1] for p in (share / "archive").rglob("*.txt"))
    assert archived == sorted(p.name for p in seed_paths)
    assert sorted(p.name for p in (share / "rejected").iterdir()) == [
        "空白.txt", "空白.txt.reason.txt",
    ]  # fmt: skip
    feedback = sorted(p.parent.name for p in (share / "feedback").rglob("*.md"))
    assert feedback == [
        "广州市番禺区人民政府钟村街道办事处",
        "广州市荔湾区人民政府白鹤洞街道办事处",
    ]
    engine = connect(None, share=share)
    try:
        told = rows(engine, "SELECT COUNT(*), COUNT(DISTINCT submission_id) FROM alert_outbox")
        assert told == [(3, 2)]  # each unit's contacts (one and two), once each
    finally:
        engine.dispose()

    assert main(args) == 2  # again: duplicates and the same rejection, nothing new
    assert sorted(line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]) == [
        "duplicate", "duplicate", "rejected",
    ]  # fmt: skip
    engine = connect(None, share=share)
    try:
        assert rows(engine, "SELECT COUNT(*) FROM alert_outbox") == [(3,)]
        assert rows(engine, "SELECT COUNT(*) FROM submission") == [(3,)]
    finally:
        engine.dispose()
    assert len(list((share / "archive").rglob("*.txt"))) == 2
