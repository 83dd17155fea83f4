"""Helpers for the check tests: broken copies of seed text and findings as comparable tables."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from selfeval.extract import extract_file
from selfeval.findings import Finding
from selfeval.record import Record

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SEED_000 = SEEDS / "000_1783cb38f1062c04.txt"  # 钟村街道: carry-over 25.04 vs 5.76
SEED_001 = SEEDS / "001_909bae87fb1bd3ad.txt"  # 白鹤洞街道: heading 46.5 vs table 47.5

# The edits that repair each seed's one real inconsistency.
FIX_000 = ("余25.04万元", "余5.76万元")
FIX_001 = ("自评分为 46.5 分", "自评分为 47.5 分")

Edit = tuple[str, str]


def edited(seed: Path, tmp_path: Path, *edits: Edit, name: str | None = None) -> Path:
    """A copy of `seed` with each (old, new) replaced exactly once."""
    text = seed.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {seed.name}"
        text = text.replace(old, new)
    out = tmp_path / (name or seed.name)
    out.write_text(text, encoding="utf-8")
    return out


def clean(seed: Path, tmp_path: Path, *edits: Edit, name: str | None = None) -> Record:
    """The seed with its real inconsistency repaired, plus `edits`, extracted."""
    fix = FIX_000 if seed == SEED_000 else FIX_001
    return extract_file(edited(seed, tmp_path, fix, *edits, name=name))


Row = tuple[str, str, str, Decimal | str | None, Decimal | str | None]


def table(findings: Iterable[Finding]) -> list[Row]:
    """(check, severity, subject, observed, expected) per finding, sorted for comparison."""
    return sorted(
        ((f.check, f.severity, f.subject, f.observed, f.expected) for f in findings),
        key=lambda r: (r[0], r[2], str(r[3])),
    )


def D(text: str) -> Decimal:
    return Decimal(text)
