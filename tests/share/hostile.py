"""Reproducers of the hostile reports of issue 12, written into an inbox by the tests.

Shared by tests/share (library intake, fuzz) and tests/dags (the DAG end to end): import as
`share.hostile` (tests/ is on sys.path). Every file is built from a seed here; nothing is kept
in the repository.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

SEED_AMOUNT = "27907.66 万元"  # seed 000: 年度决算支出
SEED_PERCENT = "占本年收入的 99. 94%"  # seed 000


def _seed_variant(seed_000: Path, old: str, new: str) -> bytes:
    text = seed_000.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


# The literal inputs. Whether they are hostile depends on the reader (being rewritten):
# today's reader crashes on the 40-digit amount and reads the 40-digit percentage (which the
# numbers policy refuses); a reader that skips such figures loads the report. Tests require a
# final state for these, and a fixed outcome only for the other reproducers.
READER_DEPENDENT = ("百分比40位.txt", "金额40位.txt", "千分位.txt")


def hostile_reports(seed_000: Path, *, reader_dependent: bool = True) -> dict[str, bytes]:
    """Readable-looking reports whose content used to stop or stall the intake, by name."""
    padding = ("绩效自评报告正文。" * 40 + "\n") * 200  # > 64 KiB before the NUL
    text = seed_000.read_text(encoding="utf-8")
    reports = {
        # more decimals than the warehouse keeps: rounded by PostgreSQL, a float on SQLite
        "百分比过精.txt": _seed_variant(seed_000, SEED_PERCENT, "占本年收入的 99.123456%"),
        # 13 integer digits: overflowed PostgreSQL NUMERIC(18, 6), loaded inexactly on SQLite
        "金额13位.txt": _seed_variant(seed_000, SEED_AMOUNT, "1234567890123.5 万元"),
        # a NUL after the first 64 KiB: passed the binary test, refused by PostgreSQL
        "NUL字符.txt": (padding + text.replace(SEED_AMOUNT, SEED_AMOUNT + "\x00", 1)).encode(
            "utf-8"
        ),
    }
    if reader_dependent:
        reports.update(
            {
                # 40 significant digits in a percentage: crashed the batched check
                "百分比40位.txt": _seed_variant(
                    seed_000, SEED_PERCENT, "占本年收入的 99." + "9" * 38 + "%"
                ),
                # 40 digits in an amount: crashed extraction (figures.py, decimal precision)
                "金额40位.txt": _seed_variant(seed_000, SEED_AMOUNT, "1" * 40 + " 万元"),
                # the quadratic normalisation line (64 KB): 13.7 s before the fix
                "千分位.txt": ("1" + " 234" * 16_000 + "\n").encode("utf-8"),
            }
        )
    return reports


def write_hostile_files(
    inbox: Path, seed_000: Path, outside: Path, *, reader_dependent: bool = True
) -> dict[str, str]:
    """Write every hostile kind into `inbox`; returns {relative name: kind}.

    `outside` is a folder beside the share for link targets.
    """
    kinds: dict[str, str] = {}
    for name, data in hostile_reports(seed_000, reader_dependent=reader_dependent).items():
        (inbox / name).write_bytes(data)
        kinds[name] = "content"
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text("not a report, not yours", encoding="utf-8")
    (inbox / "链接.txt").symlink_to(secret)
    kinds["链接.txt"] = "symlink"
    hard_target = outside / "elsewhere.txt"
    hard_target.write_bytes(seed_000.read_bytes() + b"\n")
    os.link(hard_target, inbox / "硬链接.txt")
    kinds["硬链接.txt"] = "hardlink"
    os.mkfifo(inbox / "管道.txt")
    kinds["管道.txt"] = "fifo"
    stale = inbox / "~$旧文件.txt"
    stale.write_bytes(seed_000.read_bytes() + b"\n\n")
    day_ago = time.time() - 24 * 3600
    os.utime(stale, (day_ago, day_ago))
    kinds["~$旧文件.txt"] = "stale-temporary"
    (inbox / "\u202etxt.exe.txt").write_bytes(bytes(range(32)) * 4)  # RTL in the name, binary
    kinds["\u202etxt.exe.txt"] = "rtl-binary"
    return kinds
