"""The shared folder: layout, scanning by content hash, archiving and rejecting, hostile names."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from selfeval import settings
from selfeval.errors import ConfigError
from selfeval.names import safe_name
from selfeval.share import (
    InboxFile,
    archive_file,
    archive_path,
    inbox_file_from_dict,
    open_share,
    reject_file,
    resolve_share,
    scan_inbox,
)

pytestmark = pytest.mark.unit


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_resolve_from_value_then_environment(tmp_path: Path) -> None:
    assert resolve_share(tmp_path / "a").root == tmp_path / "a"
    env = {settings.SHARE_ENV: str(tmp_path / "b")}
    assert resolve_share(environ=env).root == tmp_path / "b"
    assert resolve_share(tmp_path / "a", environ=env).root == tmp_path / "a"


def test_resolve_without_any_value_names_the_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"selfeval_share.*SELFEVAL_SHARE"):
        resolve_share(environ={})
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="not a directory"):
        resolve_share(tmp_path / "file")


def test_open_share_creates_the_layout_idempotently(tmp_path: Path) -> None:
    share = open_share(tmp_path / "share")
    open_share(tmp_path / "share")
    assert sorted(p.name for p in share.root.iterdir()) == [
        "archive", "feedback", "inbox", "outbox", "published", "rejected",
    ]  # fmt: skip


def test_scan_finds_reports_recursively_by_hash(tmp_path: Path, seed_paths: list[Path]) -> None:
    share = open_share(tmp_path)
    (share.inbox / "番禺区" / "钟村").mkdir(parents=True)
    shutil.copy(seed_paths[0], share.inbox / "番禺区" / "钟村" / "钟村街道自评.txt")
    shutil.copy(seed_paths[1], share.inbox / "白鹤洞.txt")
    shutil.copy(seed_paths[1], share.inbox / "白鹤洞 副本.txt")  # same bytes, another name
    (share.inbox / ".DS_Store").write_bytes(b"\0\1")
    (share.inbox / "upload.txt.part").write_text("half a rep")
    scan = scan_inbox(share)
    # Sorted by path, so the first copy of identical bytes is the one processed.
    assert [(f.relative, f.sha256, f.size) for f in scan.new] == [
        ("白鹤洞 副本.txt", _sha(seed_paths[1]), seed_paths[1].stat().st_size),
        ("番禺区/钟村/钟村街道自评.txt", _sha(seed_paths[0]), seed_paths[0].stat().st_size),
    ]
    assert [f.relative for f in scan.duplicates] == ["白鹤洞.txt"]
    assert scan.refused == ()


def test_scan_skips_hashes_the_warehouse_already_holds(
    tmp_path: Path, seed_paths: list[Path]
) -> None:
    share = open_share(tmp_path)
    for seed in seed_paths:
        shutil.copy(seed, share.inbox / seed.name)
    first = scan_inbox(share)
    done = {first.new[0].sha256}
    again = scan_inbox(share, processed=done)
    assert [f.sha256 for f in again.new] == [first.new[1].sha256]
    assert [f.sha256 for f in again.duplicates] == [first.new[0].sha256]


def test_scan_refuses_links_special_and_huge_files_without_opening_them(tmp_path: Path) -> None:
    share = open_share(tmp_path / "share")
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    (share.inbox / "link.txt").symlink_to(secret)
    (share.inbox / "linkdir").symlink_to(tmp_path)
    os.mkfifo(share.inbox / "pipe.txt")  # opening a FIFO would block the task forever
    with open(share.inbox / "huge.txt", "wb") as handle:
        handle.truncate(settings.MAX_REPORT_BYTES + 1)
    scan = scan_inbox(share)
    assert scan.new == ()
    assert [(r.relative, r.reason) for r in scan.refused] == [
        (
            "huge.txt",
            f"too large for a report: {settings.MAX_REPORT_BYTES + 1} bytes (limit 5242880)",
        ),
        ("link.txt", "a symbolic link, not a file"),
        ("linkdir", "a symbolic link, not a file"),
        ("pipe.txt", "not a regular file"),
    ]


def test_inbox_file_round_trips_through_json() -> None:
    item = InboxFile(path="/s/inbox/a.txt", relative="a.txt", sha256="ab" * 32, size=3)
    assert inbox_file_from_dict(json.loads(json.dumps(item.to_dict()))) == item
    # Between machines it travels without its path and is found under the receiver's inbox.
    portable = json.loads(json.dumps(item.to_dict(portable=True)))
    assert "path" not in portable
    moved = inbox_file_from_dict(portable, Path("/mnt/share/inbox"))
    assert moved == replace(item, path="/mnt/share/inbox/a.txt")


def test_archive_keeps_the_original_by_hash_with_its_name(tmp_path: Path, seed_000: Path) -> None:
    share = open_share(tmp_path)
    (share.inbox / "sub").mkdir()
    shutil.copy(seed_000, share.inbox / "sub" / "钟村.txt")
    (item,) = scan_inbox(share).new
    target = archive_file(share, item)
    assert target == archive_path(share, item.sha256, "钟村.txt")
    assert (
        target.relative_to(share.archive).as_posix() == f"{item.sha256[:2]}/{item.sha256}__钟村.txt"
    )
    assert target.read_bytes() == seed_000.read_bytes()
    assert not (share.inbox / "sub" / "钟村.txt").exists()
    meta = json.loads(target.with_name(target.name + ".json").read_text(encoding="utf-8"))
    assert meta["sha256"] == item.sha256
    assert [a["original"] for a in meta["arrivals"]] == ["sub/钟村.txt"]
    # The same bytes dropped again under the same name: one stored copy, two arrivals.
    shutil.copy(seed_000, share.inbox / "钟村.txt")
    (again,) = scan_inbox(share).new
    assert archive_file(share, again) == target
    meta = json.loads(target.with_name(target.name + ".json").read_text(encoding="utf-8"))
    assert [a["original"] for a in meta["arrivals"]] == ["sub/钟村.txt", "钟村.txt"]
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name, target.name + ".json"]


def test_reject_moves_the_file_and_writes_the_reason(tmp_path: Path) -> None:
    share = open_share(tmp_path)
    (share.inbox / "empty.txt").write_bytes(b"")
    (share.inbox / "sub").mkdir()
    (share.inbox / "sub" / "empty.txt").write_bytes(b"")
    first = reject_file(share, share.inbox / "empty.txt", "empty.txt", "empty file")
    second = reject_file(share, share.inbox / "sub" / "empty.txt", "sub/empty.txt", "empty file")
    assert first == share.rejected / "empty.txt.reason.txt"
    assert second == share.rejected / "empty~2.txt.reason.txt"
    assert sorted(p.name for p in share.rejected.iterdir()) == [
        "empty.txt", "empty.txt.reason.txt", "empty~2.txt", "empty~2.txt.reason.txt",
    ]  # fmt: skip
    lines = second.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == [
        "file: sub/empty.txt",
        "reason: empty file",
        "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ]
    assert list(share.inbox.rglob("*.txt")) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("钟村街道 2024 自评.txt", "钟村街道 2024 自评.txt"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "file"),
        (".hidden.txt", "hidden.txt"),
        ("a\nb\x00c\x1b[31m.txt", "a_b_c_[31m.txt"),
        ("bad\udcffbyte.txt", "bad_byte.txt"),
        ("", "file"),
        ("报" * 200 + ".txt", "报" * 38 + ".txt"),
        ("x" * 300, "x" * 120),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected
    assert len(safe_name(name).encode("utf-8")) <= 120


def test_hostile_names_are_archived_and_rejected_inside_the_share(tmp_path: Path) -> None:
    share = open_share(tmp_path / "share")
    raw_names = [
        "sub\\..\\..\\escape.txt",
        "line\nbreak\r.txt",
        "esc\x1b]0;title\x07.txt",
        "长" * 80 + ".txt",  # 240 bytes: near the file-system limit before our prefixes
        b"latin1-\xe9t\xe9.txt".decode("utf-8", errors="surrogateescape"),
    ]
    for raw in raw_names:
        (share.inbox / raw).write_text(f"report {raw!r}", encoding="utf-8")
    scan = scan_inbox(share)
    assert len(scan.new) == len(raw_names) - 1
    assert [r.relative for r in scan.refused] == [raw_names[-1]]  # not text: refused at scan
    archived = archive_file(share, scan.new[0])
    assert archived is not None
    reasons = [reject_file(share, f.path, f.relative, "unreadable") for f in scan.new[1:]]
    reasons += [reject_file(share, r.path, r.relative, r.reason) for r in scan.refused]
    for path in [archived, *reasons]:
        assert share.root in path.resolve().parents
        assert len(path.name.encode("utf-8")) < 255
        assert all(ch.isprintable() for ch in path.name)
    assert list(share.inbox.iterdir()) == []
    assert (tmp_path / "escape.txt").exists() is False
    # An undecodable name is written escaped, never as broken bytes.
    texts = [r.read_text(encoding="utf-8").split("\n")[0] for r in reasons]
    assert "file: latin1-\\xe9t\\xe9.txt" in texts


def test_a_name_that_is_not_text_is_refused_at_scan(tmp_path: Path, seed_000: Path) -> None:
    share = open_share(tmp_path)
    bad = share.inbox / os.fsdecode(b"w\xffname.txt")
    shutil.copy(seed_000, bad)
    shutil.copy(seed_000, share.inbox / "good.txt")
    scan = scan_inbox(share)
    assert [i.relative for i in scan.new] == ["good.txt"]
    assert [(r.relative, r.reason) for r in scan.refused] == [
        (bad.name, "the file name is not valid text (UTF-8): rename it")
    ]
    json.dumps([i.to_dict() for i in scan.new])  # what crosses Airflow tasks must be JSON


def test_a_file_saved_over_after_it_was_read_stays_for_the_next_run(
    tmp_path: Path, seed_000: Path, seed_001: Path
) -> None:
    share = open_share(tmp_path)
    path = share.inbox / "report.txt"
    shutil.copy(seed_000, path)
    (item,) = scan_inbox(share).new
    shutil.copy(seed_001, path)  # the corrected report lands before archiving
    assert archive_file(share, item) is None
    assert path.read_bytes() == seed_001.read_bytes()
    assert list(share.archive.rglob("*.txt")) == []
    (again,) = scan_inbox(share, processed={item.sha256}).new
    assert again.sha256 == _sha(seed_001)


def test_archiving_or_rejecting_twice_is_not_an_error(tmp_path: Path, seed_000: Path) -> None:
    """The annual DAG and the intake can process the same inbox at once."""
    share = open_share(tmp_path)
    shutil.copy(seed_000, share.inbox / "r.txt")
    (item,) = scan_inbox(share).new
    target = archive_file(share, item)
    assert archive_file(share, item) == target  # gone from the inbox, already archived
    (share.inbox / "empty.txt").write_bytes(b"")
    first = reject_file(share, share.inbox / "empty.txt", "empty.txt", "is empty (0 bytes)")
    second = reject_file(share, share.inbox / "empty.txt", "empty.txt", "is empty (0 bytes)")
    assert first == second
    assert sorted(p.name for p in share.rejected.iterdir()) == ["empty.txt", "empty.txt.reason.txt"]
