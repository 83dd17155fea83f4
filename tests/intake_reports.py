"""Many distinct reports for the intake, made from the seeds and the corpus passages: shared by
the cluster tests (tests/cluster/) and bench/bench_intake.py.

Each report is a source text with its fiscal year and scores changed and, three times in four,
its unit renamed, with its own document number, so every file is a new report (a few are later
versions of another: same unit and year).
"""

from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# Two of these before a unit's name make another unit the reader still recognises (a digit
# would not); 400 prefixes × 6 fiscal years keep most reports from being versions of another.
PREFIX = "东西南北青石长平永新金银龙凤安和兴福华云"


def sources() -> list[str]:
    """The seeds (../shared/seeds, else tests/fixtures/seeds) and the corpus passages."""
    seeds = sorted((SHARED / "seeds").glob("0*.txt")) or sorted(
        (ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")
    )
    corpus = sorted((SHARED / "corpus").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in seeds + corpus]


def unit_names(texts: list[str]) -> list[str | None]:
    from selfeval.extract import extract_text

    return [extract_text(t).unit.name or None for t in texts]


def make_reports(inbox: Path, count: int) -> list[tuple[Path, str | None]]:
    """`count` distinct reports in `inbox`, spread over a few sub-folders; their paths with
    the unit the reader reads in each (None when it finds none)."""
    from selfeval.extract import extract_text

    rng = random.Random(20261130)
    texts = sources()
    names = unit_names(texts)
    made = []
    for i in range(count):
        k = i % len(texts)
        text, name = texts[k], names[k]
        if name and i % 4:
            text = text.replace(name, f"{PREFIX[i % 20]}{PREFIX[i // 20 % 20]}{name}")
        year = 2019 + i % 6
        text = text.replace("2024", str(year + 1)).replace("2023", str(year))
        text = text.replace("97", str(rng.randint(60, 99)))
        folder = inbox / f"区{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"自评报告_{i:05d}.txt"
        body = f"{text}\n\n报告编号: BENCH-{i:05d}\n"
        path.write_text(body, encoding="utf-8")
        made.append((path, extract_text(body).unit.name or None))
    return made


def write_registry(path: Path, names: list[str | None]) -> dict[str, int]:
    """A units.csv listing the units named, with one or two contacts each (alternately);
    unit name → number of contacts."""
    import csv

    named = {name for name in names if name}
    contacts: dict[str, int] = {}
    for name in names:
        # A name inside another (永昌街道办事处 in 东西永昌街道办事处) is left out: the registry
        # would match such a report to neither, as it should an ambiguous name.
        if name and name not in contacts and not any(name in n != name for n in named):
            contacts[name] = 1 + len(contacts) % 2
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "aliases", "district", "emails"])
        for n, (name, count) in enumerate(contacts.items()):
            emails = ";".join(f"unit{n}.c{k}@example.org" for k in range(count))
            writer.writerow([name, "", "测试区", emails])
    return contacts
