"""One CSV file per published table: UTF-8 with BOM, so Excel opens the Chinese correctly."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from selfeval.publish.safety import csv_text
from selfeval.publish.sheets import Sheet, exact_text


def write_csv(sheet: Sheet, path: Path) -> None:
    """Write one sheet: Chinese header row, exact numbers, formula-like text prefixed with '."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([csv_text(c.header) for c in sheet.columns])
        for row in sheet.rows:
            writer.writerow([_field(v) for v in row])


def _field(value: object) -> str:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return exact_text(value)  # a negative number is a number, not a formula
    return csv_text(exact_text(value))  # type: ignore[arg-type]
