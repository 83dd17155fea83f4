"""One report's failure is that report's outcome (issue 12): the batched check isolates a report
it crashes on, `selfeval load` tries every file after a warehouse error on one, and the exit
codes follow the documented set (0 clean, 1 findings, 2 unreadable/rejected, 3 internal)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from selfeval.cli import main
from selfeval.extract import extract_file
from selfeval.intake import check, take_in_paths
from selfeval.warehouse import connect, upgrade
from share.hostile import READER_DEPENDENT, hostile_reports

pytestmark = pytest.mark.unit


def test_the_batched_check_rejects_the_report_it_crashes_on_and_checks_the_rest(
    seed_paths: list[Path],
) -> None:
    good = [extract_file(p) for p in seed_paths]
    # A share with 40 significant digits: the numbers policy would refuse this record before
    # the checks; here it reaches them, as a record from a future reader might.
    comp = good[0].compositions[0]
    part = replace(comp.parts[0], share_pct=Decimal("99." + "9" * 38))
    crashing = replace(good[0], compositions=(replace(comp, parts=(part, *comp.parts[1:])),))
    results = check([good[0], crashing, good[1]])
    assert [r if isinstance(r, str) else sorted(f.check for f in r) for r in results] == [
        ["carryover.continuity"],
        "the checks failed on this report (InvalidOperation: [<class 'decimal.InvalidOperation'>])",
        ["section_score.matches_table"],
    ]


def test_load_tries_every_file_after_a_warehouse_error_on_one(
    tmp_path: Path, seed_paths: list[Path], capsys: Any
) -> None:
    """A warehouse that refuses one insert (a trigger, as a full disk or a lost connection
    would): that file is "failed", the others are loaded, exit code 3."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = connect(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON submission WHEN NEW.file_name = 'b.txt'"
                " BEGIN SELECT RAISE(ABORT, 'no space left on device'); END"
            )
        )
    engine.dispose()
    for name, seed in (("a.txt", seed_paths[0]), ("b.txt", seed_paths[1])):
        shutil.copy(seed, tmp_path / name)
    (tmp_path / "c.txt").write_bytes(seed_paths[1].read_bytes() + b"\n")
    code = main(
        ["load", "--warehouse", url, *(str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt"))]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 3
    assert [line.split()[0] for line in out] == ["loaded", "failed", "loaded"]
    assert "no space left on device" in out[1]


def test_exit_codes_of_check_and_load_on_hostile_reports(
    tmp_path: Path, seed_paths: list[Path], capsys: Any
) -> None:
    paths = []
    for name, data in hostile_reports(seed_paths[0]).items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    assert main(["check", *paths]) == 2
    assert main(["extract", paths[0]]) == 2
    engine_url = f"sqlite:///{tmp_path / 'w.db'}"
    assert main(["load", "--warehouse", engine_url, *paths]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    # The policy reproducers are rejected with their reason; the reader-dependent ones reach
    # a final state (loaded the first time, so a duplicate now, or rejected).
    engine = connect(engine_url)
    try:
        outcomes = take_in_paths(engine, None, [Path(p) for p in paths])
    finally:
        engine.dispose()
    status = {o.relative: o.outcome for o in outcomes}
    assert {n: s for n, s in status.items() if n not in READER_DEPENDENT} == {
        "百分比过精.txt": "rejected",
        "金额13位.txt": "rejected",
        "NUL字符.txt": "rejected",
    }
    assert {status[n] for n in READER_DEPENDENT} <= {"duplicate", "rejected"}
    assert all(o.reason for o in outcomes if o.outcome == "rejected")
    assert main(["check", str(seed_paths[0])]) == 1


@pytest.mark.parametrize(
    ("count", "most", "sizes"),
    [(0, 50, []), (1, 50, [1]), (50, 50, [50]), (51, 50, [25, 26]), (200, 50, [50] * 4),
     (210, 50, [42] * 5), (5, 2, [1, 2, 2])],
)  # fmt: skip
def test_batches_are_the_fewest_of_even_size_in_order(
    count: int, most: int, sizes: list[int]
) -> None:
    from selfeval.intake import batches

    cut = batches(list(range(count)), most)
    assert [len(b) for b in cut] == sizes
    assert [i for b in cut for i in b] == list(range(count))


def test_a_batch_out_of_time_defers_the_files_it_did_not_start(
    tmp_path: Path, seed_paths: list[Path]
) -> None:
    """No file is started after `read_until`: those are deferred (claims released, files left
    in the inbox for the next run), and the counts say so."""
    import time

    from selfeval.intake import scan, take_in, tally
    from selfeval.share import open_share

    share = open_share(tmp_path / "share")
    for i, seed in enumerate(seed_paths):
        shutil.copy(seed, share.inbox / f"{i}.txt")
    engine = connect(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade(engine)
    found = scan(engine, share, owner="test")
    results = take_in(
        engine, share, found.new, received_at=lambda _: NOW, read_until=time.monotonic() - 1
    )
    assert [(r.relative, r.outcome) for r in results] == [
        ("0.txt", "deferred"),
        ("1.txt", "deferred"),
    ]
    assert all("ran out of time" in (r.reason or "") for r in results)
    assert sorted(p.name for p in share.inbox.iterdir()) == ["0.txt", "1.txt"]
    # The claims are released: the next scan takes both again.
    assert len(scan(engine, share, owner="next").new) == 2
    assert tally(r.brief() for r in results) == {
        "loaded": 0, "duplicate": 0, "rejected": 0, "deferred": 2, "failed": 0, "with_errors": 0,
    }  # fmt: skip
    engine.dispose()


NOW = datetime(2025, 3, 1, tzinfo=UTC)
