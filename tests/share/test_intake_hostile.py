"""Nothing lost, nobody blocked (issue 12): one intake with good reports and one file of each
hostile kind, on SQLite and PostgreSQL, real files and a real warehouse. Every file reaches a
final state in that one run; every good report is loaded and told; every hostile one is
rejected with its reason, its unit told when the report names one; nothing live is kept."""

from __future__ import annotations

import os
import shutil
import stat
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from selfeval.errors import ChangedSinceScan, UnreadableReport
from selfeval.extract import extract_text
from selfeval.intake import intake_once, read_scanned
from selfeval.share import (
    claim,
    inbox_file_from_dict,
    open_share,
    read_scanned_bytes,
    release_claim,
    scan_inbox,
)
from selfeval.warehouse import load_units
from selfeval.warehouse.schema import alert_outbox, composition, submission, unit
from share.hostile import READER_DEPENDENT, hostile_reports, write_hostile_files

pytestmark = pytest.mark.unit

SAMPLES_UNITS = Path(__file__).parents[2] / "samples" / "units.csv"
ZHONGCUN = 2  # contacts in samples/units.csv
BAIHEDONG = 1
READER_FAILED = (
    "the reader failed on this file (InvalidOperation: [<class 'decimal.InvalidOperation'>]); "
    "the data team sees it"
)
STALE = (
    "a hidden or temporary file name (starts with '.' or '~', or ends in .tmp, .part …), "
    "unchanged for over 6 h: rename it without that prefix or suffix"
)


@pytest.fixture
def share_with_units(warehouse_engine: Any, tmp_path: Path) -> Any:
    share = open_share(tmp_path / "share")
    shutil.copy(SAMPLES_UNITS, share.units_csv)
    load_units(warehouse_engine, share.units_csv)
    return share


def test_every_file_reaches_a_final_state_in_one_run(
    warehouse_engine: Any, share_with_units: Any, tmp_path: Path, seed_paths: list[Path]
) -> None:
    engine, share = warehouse_engine, share_with_units
    shutil.copy(seed_paths[0], share.inbox / "钟村.txt")
    shutil.copy(seed_paths[1], share.inbox / "白鹤洞.txt")
    write_hostile_files(share.inbox, seed_paths[0], tmp_path / "outside", reader_dependent=False)
    (share.inbox / ".~lock.钟村.txt#").write_text("fresh: an editor is still writing")

    results = intake_once(engine, share, owner="test/1")

    assert [
        (r.relative, r.outcome, r.unit_name, r.reason, len(r.new_alert_ids)) for r in results
    ] == [
        (
            "NUL字符.txt", "rejected", "钟村街道",
            "line 316: contains a NUL character (\\x00): the file is not plain text", ZHONGCUN,
        ),
        ("\u202etxt.exe.txt", "rejected", None, "is binary (contains NUL bytes), not a text report", 0),
        ("白鹤洞.txt", "loaded", "白鹤洞街道", None, BAIHEDONG),
        (
            "百分比过精.txt", "rejected", "钟村街道",
            "line 114: percentage 99.123456 is too precise: at most 4 decimal places",
            ZHONGCUN,
        ),
        (
            "金额13位.txt", "rejected", "钟村街道",
            "line 116: amount (万元) 1234567890123.5 is out of range: at most 12 digits before "
            "the decimal point",
            ZHONGCUN,
        ),
        ("钟村.txt", "loaded", "钟村街道", None, ZHONGCUN),
    ]  # fmt: skip
    # The warehouse: one row per file, rejected ones named after their unit when known.
    with engine.connect() as conn:
        rows = conn.execute(
            select(submission.c.file_name, submission.c.status, unit.c.name)
            .select_from(submission.outerjoin(unit, unit.c.unit_id == submission.c.unit_id))
            .order_by(submission.c.file_name)
        ).all()
        told = conn.execute(
            select(submission.c.file_name, alert_outbox.c.recipient).join(
                submission, submission.c.submission_id == alert_outbox.c.submission_id
            )
        ).all()
    assert sorted(tuple(r) for r in rows) == sorted([
        ("NUL字符.txt", "rejected", "钟村街道"),
        ("\u202etxt.exe.txt", "rejected", None),
        ("白鹤洞.txt", "accepted", "白鹤洞街道"),
        ("百分比过精.txt", "rejected", "钟村街道"),
        ("金额13位.txt", "rejected", "钟村街道"),
        ("钟村.txt", "accepted", "钟村街道"),
    ])  # fmt: skip
    assert sorted({name for name, _ in told}) == [
        "NUL字符.txt", "白鹤洞.txt", "百分比过精.txt", "金额13位.txt", "钟村.txt",
    ]  # fmt: skip
    # The files: only the fresh editor file is left; rejected/ keeps regular files only.
    assert [p.name for p in share.inbox.iterdir()] == [".~lock.钟村.txt#"]
    kept = {p.name: p.lstat() for p in share.rejected.iterdir()}
    assert all(stat.S_ISREG(info.st_mode) and info.st_nlink == 1 for info in kept.values())
    assert sorted(n for n in kept if n.endswith(".reason.txt")) == sorted(
        f"{n}.reason.txt"
        for n in (
            "NUL字符.txt", "_txt.exe.txt", "~$旧文件.txt", "百分比过精.txt", "硬链接.txt",
            "管道.txt", "金额13位.txt", "链接.txt",
        )
    )  # fmt: skip
    reasons = {
        n.removesuffix(".reason.txt"): p.read_text(encoding="utf-8").splitlines()[1]
        for n, p in ((p.name, p) for p in share.rejected.glob("*.reason.txt"))
    }
    assert reasons["链接.txt"] == "reason: a symbolic link, not a file"
    assert reasons["管道.txt"] == "reason: not a regular file"
    assert reasons["硬链接.txt"] == (
        "reason: a hard link to a file elsewhere, not a file of its own: copy the file instead"
    )
    assert reasons["~$旧文件.txt"] == f"reason: {STALE}"
    assert (tmp_path / "outside" / "secret.txt").read_text(encoding="utf-8").startswith("not")
    assert (tmp_path / "outside" / "elsewhere.txt").stat().st_nlink == 1
    assert not (share.root / ".claims").exists() or list((share.root / ".claims").iterdir()) == []
    # A second run finds nothing to do and adds nothing.
    assert intake_once(engine, share, owner="test/2") == []


def test_the_issues_literal_inputs_reach_a_final_state(
    warehouse_engine: Any, share_with_units: Any, seed_000: Path
) -> None:
    """The 40-digit percentage and amount and the quadratic line, as the fuzz campaign found
    them: whatever the reader makes of them, each is loaded or rejected with a reason, in one
    run, and today's reader rejects the two numbers (crash → ReaderFailed, policy)."""
    engine, share = warehouse_engine, share_with_units
    for name, data in hostile_reports(seed_000).items():
        if name in READER_DEPENDENT:
            (share.inbox / name).write_bytes(data)
    results = intake_once(engine, share, owner="test/1")
    assert sorted(r.relative for r in results) == sorted(READER_DEPENDENT)
    assert {r.outcome for r in results} <= {"loaded", "rejected"}
    assert all(r.reason for r in results if r.outcome == "rejected")
    assert list(share.inbox.iterdir()) == []
    assert list((share.root / ".claims").iterdir()) == []


def test_a_reader_crash_is_that_files_rejection(
    warehouse_engine: Any, share_with_units: Any, seed_000: Path
) -> None:
    """An exception inside the (forked, limited) parse: here the reader of today on a 40-digit
    amount; skipped once the reader no longer crashes on it."""
    from selfeval.extract import extract_text

    data = hostile_reports(seed_000)["金额40位.txt"]
    try:
        extract_text(data.decode("utf-8"))
    except Exception:
        pass
    else:
        pytest.skip("the reader no longer crashes on a 40-digit amount")
    (share_with_units.inbox / "金额40位.txt").write_bytes(data)
    (result,) = intake_once(warehouse_engine, share_with_units, owner="test/1")
    assert (result.outcome, result.reason) == ("rejected", READER_FAILED)


def test_both_warehouses_store_the_same_exact_values(
    warehouse_engine: Any, share_with_units: Any, seed_000: Path
) -> None:
    """Figures at the edge of the policy come back exactly as printed, on SQLite too."""
    share = share_with_units
    text = seed_000.read_text(encoding="utf-8").replace("27907.66 万元", "999999999.123456 万元", 1)
    (share.inbox / "边界.txt").write_text(text, encoding="utf-8")
    (result,) = intake_once(warehouse_engine, share, owner="test/1")
    assert result.outcome == "loaded"
    with warehouse_engine.connect() as conn:
        values = conn.execute(select(composition.c.total_wan)).scalars().all()
    assert Decimal("999999999.123456") in values


def test_a_file_swapped_after_the_scan_is_not_followed(tmp_path: Path, seed_000: Path) -> None:
    share = open_share(tmp_path / "share")
    path = share.inbox / "r.txt"
    shutil.copy(seed_000, path)
    (item,) = scan_inbox(share).new
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    path.rename(tmp_path / "scanned.txt")  # kept alive, so no new file can reuse its inode
    path.symlink_to(secret)
    with pytest.raises(UnreadableReport, match="a symbolic link, not a file"):
        read_scanned(item)
    path.unlink()
    path.write_text(seed_000.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    with pytest.raises(ChangedSinceScan, match="replaced since the scan"):
        read_scanned(item)  # other bytes under the scanned name: left for the next run
    path.unlink()
    shutil.copy(seed_000, path)  # another file with the scanned bytes: the report scanned
    assert read_scanned(item).unit.name == extract_text(seed_000.read_text("utf-8")).unit.name
    path.unlink()
    with pytest.raises(ChangedSinceScan, match="gone from the inbox"):
        read_scanned(item)


def test_a_worker_on_another_machine_reads_the_scanned_file(tmp_path: Path, seed_000: Path) -> None:
    """A Celery worker's mount of the share has its own device numbers (NFS, SMB), and on some
    file systems its own inode numbers: the file is known by its bytes, so a batch scanned on
    one machine reads on another. The XCom carries no device or inode; an old one that does
    (numbers from another machine) still reads."""
    share = open_share(tmp_path / "share")
    shutil.copy(seed_000, share.inbox / "r.txt")
    (item,) = scan_inbox(share).new
    sent = item.to_dict(portable=True)
    assert set(sent) == {"relative", "sha256", "size", "mtime_ns"}
    elsewhere = {**sent, "device": os.stat(share.inbox).st_dev + 1, "inode": 1}
    received = inbox_file_from_dict(elsewhere, share.inbox)
    assert read_scanned_bytes(received) == seed_000.read_bytes()


def test_overlapping_runs_neither_reject_nor_double_process(
    warehouse_engine: Any, share_with_units: Any, seed_paths: list[Path]
) -> None:
    """The annual DAG holds claims on both seeds: the intake leaves them alone, no reason is
    written; once released, the intake loads them."""
    engine, share = warehouse_engine, share_with_units
    for seed in seed_paths:
        shutil.copy(seed, share.inbox / seed.name)
    found = scan_inbox(share)
    for item in found.new:
        assert claim(share, item.sha256, owner="selfeval_annual_consolidation/run1")
    assert intake_once(engine, share, owner="selfeval_intake/run1") == []
    assert list(share.rejected.iterdir()) == []
    assert sorted(p.name for p in share.inbox.iterdir()) == sorted(s.name for s in seed_paths)
    for item in found.new:
        release_claim(share, item.sha256)
    assert [r.outcome for r in intake_once(engine, share, owner="selfeval_intake/run2")] == [
        "loaded", "loaded",
    ]  # fmt: skip


def test_claims_of_the_same_dag_or_stale_ones_are_taken_over(tmp_path: Path) -> None:
    share = open_share(tmp_path / "share")
    assert claim(share, "a" * 64, owner="intake/run1")
    assert claim(share, "a" * 64, owner="intake/run1")
    assert not claim(share, "a" * 64, owner="annual/run1")
    assert claim(share, "a" * 64, owner="intake/run2")  # run1 of this DAG is over
    later = time.time() + 4 * 3600
    assert claim(share, "a" * 64, owner="annual/run1", now=later)  # stale


def test_versions_follow_arrival_not_load_order(
    warehouse_engine: Any, share_with_units: Any, seed_000: Path
) -> None:
    """Two corrections of one report in one run: the later arrival is current, whichever
    loads first (the scan order is by name, the reverse of arrival here)."""
    engine, share = warehouse_engine, share_with_units
    text = seed_000.read_text(encoding="utf-8")
    first, second = share.inbox / "b_first.txt", share.inbox / "a_second.txt"
    first.write_text(text + "\n", encoding="utf-8")
    second.write_text(text + "\n\n", encoding="utf-8")
    now = time.time()
    os.utime(first, (now - 600, now - 600))
    os.utime(second, (now - 60, now - 60))
    results = intake_once(engine, share, owner="test/1")
    assert [(r.relative, r.outcome) for r in results] == [
        ("a_second.txt", "loaded"), ("b_first.txt", "loaded"),
    ]  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(
            select(submission.c.file_name, submission.c.version, submission.c.status).order_by(
                submission.c.version
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("b_first.txt", 1, "superseded"), ("a_second.txt", 2, "accepted"),
    ]  # fmt: skip


def test_a_second_copy_keeps_the_first_ones_claim(tmp_path: Path, seed_000: Path) -> None:
    """Settling the scan must not release the claim of a file new in that scan because a
    second copy of it was found: the other DAG would then take the file."""
    from selfeval.intake import settle_scan
    from selfeval.share import claim_scan

    share = open_share(tmp_path / "share")
    shutil.copy(seed_000, share.inbox / "a.txt")
    shutil.copy(seed_000, share.inbox / "b.txt")
    found = claim_scan(share, scan_inbox(share), owner="selfeval_intake/run1")
    assert ([f.relative for f in found.new], [f.relative for f in found.duplicates]) == (
        ["a.txt"],
        ["b.txt"],
    )
    settle_scan(share, found, processed=set())
    assert not claim(share, found.new[0].sha256, owner="selfeval_annual_consolidation/run1")
