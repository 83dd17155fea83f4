"""A bounded, seeded fuzz of the intake (issue 12): a few hundred inputs mutated from the seeds,
passages of the shared reading corpus (../shared/corpus/*.txt, read in place, never copied into
the repository; that part is skipped with a message when the corpus is absent) and the
reproducers of tests/share/hostile.py. Asserted: no traceback, exit codes in the documented set,
a final state for every file, every parse within the CPU bound."""

from __future__ import annotations

import contextlib
import os
import random
import re
import resource
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from selfeval import settings
from selfeval.errors import UnreadableReport
from selfeval.intake import intake_once, read_scanned
from selfeval.limits import file_head, limits_for, run_limited
from selfeval.share import file_sha256, open_share, scan_inbox
from selfeval.warehouse import connect, load_units, upgrade
from share.hostile import hostile_reports, write_hostile_files

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES_UNITS = REPO / "samples" / "units.csv"
SEED = 20261130
MUTANTS = 240
CORPUS_INPUTS = 60
FINAL = {"loaded", "duplicate", "rejected"}
EXIT_CODES = {0, 1, 2, 3}
# A hostile parse is stopped by RLIMIT_CPU at its limit (the kernel checks once a second).
PARSE_CPU_SLACK_SECONDS = 2


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


# --- mutations ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_HOSTILE_CHARS = ["\x00", "\x1b[31m", "\u202e", "\ufeff", "\u2028", "\udcff", "\x7f", "\r", "￥"]


def _long_number(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(13, 60)))
    if rng.random() < 0.5:
        digits = digits[:5] + "." + digits[5:]
    return digits


def _mutate(text: str, rng: random.Random) -> str:
    ops: list[Callable[[str], str]] = [
        lambda t: _NUMBER.sub(lambda m: _long_number(rng) if rng.random() < 0.05 else m[0], t),
        lambda t: t.replace("%", "." + "9" * rng.randint(5, 40) + "%", rng.randint(1, 3)),
        lambda t: _splice(t, rng, rng.choice(_HOSTILE_CHARS) * rng.randint(1, 3)),
        lambda t: _splice(t, rng, "1" + " 234" * rng.randint(100, 4000) + "\n"),
        lambda t: _splice(t, rng, "1，234" * rng.randint(100, 2000)),
        lambda t: t[: rng.randint(0, len(t))],
        lambda t: _cut(t, rng),
        lambda t: "\n".join(rng.sample(t.splitlines(), k=len(t.splitlines()))),
        lambda t: _splice(t, rng, (rng.choice(t.splitlines() or [""]) + "\n") * 50),
        lambda t: t.replace("万元", rng.choice(["元", "亿元", "万", ""])),
        lambda t: _splice(t, rng, "\t" * rng.randint(1, 200)),
    ]
    for _ in range(rng.randint(1, 4)):
        text = rng.choice(ops)(text)
    return text


def _splice(text: str, rng: random.Random, piece: str) -> str:
    at = rng.randint(0, len(text))
    return text[:at] + piece + text[at:]


def _cut(text: str, rng: random.Random) -> str:
    a = rng.randint(0, len(text))
    b = min(len(text), a + rng.randint(1, 2000))
    return text[:a] + text[b:]


def _encode(text: str, rng: random.Random) -> bytes:
    encoding = rng.choice(["utf-8", "utf-8", "utf-8", "gb18030", "utf-16", "big5", "latin-1"])
    data = text.encode(encoding, errors="surrogateescape" if encoding == "utf-8" else "replace")
    if rng.random() < 0.05:  # a few flipped bytes
        raw = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            if raw:
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        data = bytes(raw)
    return data


def _write_inputs(folder: Path, seeds: list[Path], rng: random.Random) -> int:
    texts = [s.read_text(encoding="utf-8") for s in seeds]
    count = 0
    for i in range(MUTANTS):
        text = _mutate(rng.choice(texts), rng)
        (folder / f"m{i:03d}.txt").write_bytes(_encode(text, rng))
        count += 1
    for name, data in hostile_reports(seeds[0]).items():
        (folder / f"h_{name}").write_bytes(data)
        count += 1
    return count


def _write_corpus_inputs(folder: Path, seeds: list[Path], rng: random.Random) -> int:
    passages = sorted(CORPUS.glob("*.txt"))
    seed_texts = [s.read_text(encoding="utf-8") for s in seeds]
    for i in range(CORPUS_INPUTS):
        passage = rng.choice(passages).read_text(encoding="utf-8", errors="replace")
        if rng.random() < 0.5:  # a passage spliced into a seed report
            passage = _splice(rng.choice(seed_texts), rng, passage)
        text = _mutate(passage, rng) if rng.random() < 0.7 else passage
        (folder / f"c{i:03d}.txt").write_bytes(_encode(text, rng))
    return CORPUS_INPUTS


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path]) -> Path:
    """The fuzz inputs (written once per module; the corpus part only when it exists)."""
    folder = tmp_path_factory.mktemp("fuzz")
    rng = random.Random(SEED)
    _write_inputs(folder, seed_paths, rng)
    if CORPUS.is_dir() and any(CORPUS.glob("*.txt")):
        _write_corpus_inputs(folder, seed_paths, rng)
    return folder


def test_the_corpus_part_runs_or_says_why_not(inputs: Path) -> None:
    if not (CORPUS.is_dir() and any(CORPUS.glob("*.txt"))):
        pytest.skip(f"no reading corpus at {CORPUS}: the corpus part of the fuzz was not run")
    assert len(list(inputs.glob("c*.txt"))) == CORPUS_INPUTS


# --- the properties ------------------------------------------------------------------------------


def test_every_input_reaches_a_final_state_in_one_intake(
    inputs: Path, tmp_path: Path, seed_paths: list[Path]
) -> None:
    share = open_share(tmp_path / "share")
    shutil.copy(SAMPLES_UNITS, share.units_csv)
    for path in sorted(inputs.iterdir()):
        shutil.copy(path, share.inbox / path.name)
    expected = {p.name for p in inputs.iterdir()}
    # The reproducers that are not content: links, a FIFO, a stale temporary name (refused at
    # the scan, so they have a reason file and no result).
    sub = share.inbox / "links"
    sub.mkdir()
    refused = {
        name: kind
        for name, kind in write_hostile_files(
            sub, seed_paths[0], tmp_path / "outside", reader_dependent=False
        ).items()
        if kind in ("symlink", "hardlink", "fifo", "stale-temporary")
    }
    for name in set(os.listdir(sub)) - set(refused):
        (sub / name).unlink()

    # Each parse alone: the CPU bound holds for every input. The parse runs in a child process,
    # so its CPU time is the children's, which a loaded machine does not inflate as it does wall
    # time (a benchmark, not this test, measures speed).
    over: dict[str, float] = {}
    for item in scan_inbox(share).new:
        limit = limits_for(file_head(str(item.path)))[0] or settings.PARSE_CPU_SECONDS
        before = _children_cpu()
        with contextlib.suppress(UnreadableReport):
            read_scanned(item)
        used = _children_cpu() - before
        if used > limit + PARSE_CPU_SLACK_SECONDS:
            over[item.relative] = used
    assert over == {}

    engine = connect(f"sqlite:///{tmp_path / 'warehouse.db'}")
    try:
        upgrade(engine)
        load_units(engine, share.units_csv)
        results = intake_once(engine, share, owner="fuzz/1")
        again = intake_once(engine, share, owner="fuzz/2")
    finally:
        engine.dispose()
    outcomes = {r.relative: r.outcome for r in results}
    # One result per distinct content (the first copy by name); the other copies are settled
    # by the next scan with the first one's fate.
    by_hash: dict[str, list[str]] = {}
    for name in sorted(expected):
        by_hash.setdefault(file_sha256(inputs / name), []).append(name)
    assert set(outcomes) == {names[0] for names in by_hash.values()}
    assert set(outcomes.values()) <= FINAL, {k: v for k, v in outcomes.items() if v not in FINAL}
    assert all(r.reason for r in results if r.outcome == "rejected")
    assert again == []
    assert list(share.inbox.rglob("*")) == [sub]
    kept = [p.lstat() for p in share.rejected.iterdir()]
    assert all(stat.S_ISREG(info.st_mode) and info.st_nlink == 1 for info in kept)
    reasons = {p.name for p in share.rejected.glob("*.reason.txt")}
    assert {f"{name}.reason.txt" for name in refused} <= reasons


def test_the_command_line_never_shows_a_traceback(inputs: Path, tmp_path: Path) -> None:
    """`selfeval load` over every input in one process: one final line per file, a documented
    exit code, no traceback; `selfeval check` and `extract` on the reproducers likewise."""
    selfeval = str(Path(sys.executable).parent / "selfeval")
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    files = sorted(inputs.iterdir())
    done = subprocess.run(
        [selfeval, "load", "--warehouse", f"sqlite:///{tmp_path / 'w.db'}", *map(str, files)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-3000:]
    assert done.returncode in EXIT_CODES, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if not line.startswith("registry:")]
    assert len(lines) == len(files)
    assert {line.split()[0] for line in lines} <= {*FINAL, "failed"}
    reproducers = sorted(inputs.glob("h_*"))
    for command in (["check"], ["extract"]):
        for path in reproducers if command == ["extract"] else [None]:
            args = [str(path)] if path else list(map(str, reproducers))
            run = subprocess.run(
                [selfeval, *command, *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=600,
                check=False,
            )
            assert "Traceback" not in run.stderr + run.stdout, run.stderr[-3000:]
            assert run.returncode in EXIT_CODES


def _spin() -> None:
    while True:
        pass


def _hog() -> Any:
    return [bytearray(1 << 20) for _ in range(4096)]


def test_a_parse_beyond_its_cpu_or_memory_limit_is_that_files_rejection() -> None:
    started = time.monotonic()
    with pytest.raises(UnreadableReport, match="more than 1 s of CPU"):
        run_limited("spin.txt", _spin, cpu_seconds=1)
    with pytest.raises(UnreadableReport, match="more than 256 MB of memory"):
        run_limited("hog.txt", _hog, memory_bytes=256 * 1024 * 1024)
    assert time.monotonic() - started < 10


def test_parse_limits_by_content() -> None:
    """Text parses under our limits; what the format readers sandbox themselves does not (a PDF
    named .txt included), since their children inherit rlimits."""
    from selfeval.limits import limits_for

    text = (settings.PARSE_CPU_SECONDS, settings.PARSE_MEMORY_BYTES)
    other = (settings.EXTERNAL_PARSER_CPU_SECONDS, None)
    heads = {
        "text": "部门整体支出绩效自评报告".encode(),
        "nul-text": b"\x00\x01 binary",
        "pdf": b"%PDF-1.7\n",
        "zip": b"PK\x03\x04....",
        "png": b"\x89PNG\r\n\x1a\n....",
    }
    assert {k: limits_for(h) for k, h in heads.items()} == {
        "text": text, "nul-text": text, "pdf": other, "zip": other, "png": other,
    }  # fmt: skip
