"""A real SQLite warehouse for the consolidation view: the sample registry, the seed reports as
submitted (on time, late, a year earlier), variants that are rejected or name a unit the registry
lacks, and a quote that carries markup."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).parents[2]
SAMPLE_UNITS = REPO / "samples" / "units.csv"

ON_TIME_2024 = datetime.fromisoformat("2025-03-20T10:00:00+08:00")
LATE_2024 = datetime.fromisoformat("2025-04-10T09:00:00+08:00")
ON_TIME_2023 = datetime.fromisoformat("2024-03-18T15:30:00+08:00")
HOSTILE = "<script>alert('x')</script>"


def _earlier_year(text: str) -> str:
    """The report as the same unit would have written it a year before (every year minus one)."""
    return re.sub(r"20(\d\d)", lambda m: f"20{int(m.group(1)) - 1:02d}", text)


def write_reports(folder: Path, seed_000: Path, seed_001: Path) -> dict[str, Path]:
    """The reports of the scenario, by role."""
    folder.mkdir(parents=True, exist_ok=True)
    zhongcun = seed_000.read_text(encoding="utf-8")
    # The carry-over sentence is the quote of the seed's error finding: give it markup.
    sentence = "2024年年初结转和结 余25.04万元"
    assert zhongcun.count(sentence) == 1
    hostile = zhongcun.replace(sentence, f"{HOSTILE}{sentence}")
    texts = {
        "zhongcun_2024": hostile,
        "zhongcun_2023": _earlier_year(zhongcun),
        "baihedong_2024": seed_001.read_text(encoding="utf-8"),
        # Names a unit the registry lacks.
        "unregistered_2024": zhongcun.replace("钟村街道", "新造镇").replace("钟村街", "新造镇"),
        # Names a registered unit, but a figure is beyond the numbers policy: rejected.
        "shatou_2024": zhongcun.replace("钟村街道", "沙头街道")
        .replace("钟村街", "沙头街")
        .replace("30172.04 万元", "9999999999999.5 万元", 1),
    }
    paths = {}
    for role, text in texts.items():
        paths[role] = folder / f"{role}.txt"
        paths[role].write_text(text, encoding="utf-8")
    paths["binary"] = folder / "scan.txt"
    paths["binary"].write_bytes(b"\x00\x01\x02binary\xff" * 20)
    return paths


def load_scenario(engine: Any, folder: Path, seed_000: Path, seed_001: Path) -> None:
    from selfeval.intake import take_in_paths
    from selfeval.warehouse import load_units

    load_units(engine, SAMPLE_UNITS)
    p = write_reports(folder, seed_000, seed_001)
    take_in_paths(engine, None, [p["zhongcun_2023"]], received_at=ON_TIME_2023)
    take_in_paths(
        engine,
        None,
        [p["zhongcun_2024"], p["unregistered_2024"], p["shatou_2024"], p["binary"]],
        received_at=ON_TIME_2024,
    )
    take_in_paths(engine, None, [p["baihedong_2024"]], received_at=LATE_2024)


# The matrix of the scenario: every registry unit, then the name the registry lacks.
YEARS = (2024, 2023)
MATRIX = [
    ("冲口街道", ("未提交", "未提交")),
    ("大石街道", ("未提交", "未提交")),
    ("沙头街道", ("未提交、被拒1份", "未提交")),
    ("白鹤洞街道", ("已提交、逾期、错误1项", "未提交")),
    ("石围塘街道", ("未提交", "未提交")),
    ("钟村街道", ("已提交、按时、错误1项", "已提交、按时、错误1项")),
    ("新造镇", ("已提交、按时、错误1项、提示1项", "")),
]
SHATOU_REASON = (
    "line 112: amount (万元) 9999999999999.5 is out of range: at most 12 digits before the "
    "decimal point"
)
BINARY_REASON = "is binary (contains NUL bytes), not a text report"


def matrix_from_html(page: str) -> list[tuple[str, tuple[str, ...]]]:
    """The matrix as a page shows it: (unit, the status tags of each year joined by '、')."""
    from html.parser import HTMLParser

    rows: list[tuple[str, tuple[str, ...]]] = []

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.in_body = self.in_link = self.in_tag = False
            self.cells: list[list[str]] = []
            self.name = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            css = dict(attrs).get("class") or ""
            if tag == "tbody":
                self.in_body = True
            elif self.in_body and tag == "tr":
                self.cells, self.name = [], ""
            elif self.in_body and tag == "a":
                self.in_link = True
            elif self.in_body and tag == "td":
                self.cells.append([])
            elif self.in_body and tag == "span" and css.startswith("tag"):
                self.in_tag = "unregistered" not in css

        def handle_endtag(self, tag: str) -> None:
            if tag == "tbody":
                self.in_body = False
            elif self.in_body and tag == "tr":
                rows.append((self.name, tuple("、".join(c) for c in self.cells[1:])))
            elif tag == "a":
                self.in_link = False
            elif tag == "span":
                self.in_tag = False

        def handle_data(self, data: str) -> None:
            if self.in_link:
                self.name += data
            elif self.in_tag and self.cells:
                self.cells[-1].append(data)

    Reader().feed(page.split("</table>", 1)[0])
    return rows
