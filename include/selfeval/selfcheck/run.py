"""What the district's checks say of the files a submitter uploads: read → check, nothing more.

`check_uploads` runs in the page's worker process (see `selfcheck.app`): each file is read from
its bytes with `intake.read_upload` (a private copy, parsers under CPU and memory limits) and
the readable ones are checked in one batch with `intake.check`, the very functions the intake
runs. No warehouse, no share, no mail: nothing is kept or sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from selfeval.errors import UnreadableReport
from selfeval.findings import Finding
from selfeval.intake import check, read_upload, warm_reader
from selfeval.names import display_name
from selfeval.record import Record
from selfeval.refusals import reason_zh, too_large
from selfeval.selfcheck.upload import Upload


@dataclass(frozen=True, slots=True)
class SelfCheck:
    """The outcome for one uploaded file: its findings, or why it cannot be checked."""

    name: str  # printable, for the page
    unit: str | None = None
    fiscal_year: int | None = None
    findings: tuple[Finding, ...] = ()
    refused: str | None = None  # the reason in English, for the data team

    @property
    def refused_zh(self) -> str | None:
        return None if self.refused is None else reason_zh(self.refused)


def warm() -> None:
    """Load the reader and the checks once in the worker, before the first upload."""
    import great_expectations  # noqa: F401  (6 s to import: paid at start-up, not by a user)

    from selfeval.checks import check_records  # noqa: F401

    warm_reader()


def check_uploads(uploads: Sequence[Upload], suites_dir: Path | None = None) -> list[SelfCheck]:
    """One `SelfCheck` per upload, in order."""
    results: list[SelfCheck] = []
    readable: list[tuple[int, Record]] = []
    for upload in uploads:
        name = display_name(upload.name)
        if upload.too_large:
            results.append(SelfCheck(name, refused=too_large(upload.size)))
            continue
        try:
            record = read_upload(upload.name, upload.data)
        except UnreadableReport as exc:
            results.append(SelfCheck(name, refused=exc.reason))
            continue
        readable.append((len(results), record))
        results.append(SelfCheck(name, unit=record.unit.name, fiscal_year=record.fiscal_year))
    checked = check([record for _, record in readable], suites_dir=suites_dir)
    for (i, _), outcome in zip(readable, checked, strict=True):
        shown = results[i]
        if isinstance(outcome, str):  # the checks crashed on this report
            results[i] = SelfCheck(shown.name, refused=outcome)
        else:
            results[i] = SelfCheck(shown.name, shown.unit, shown.fiscal_year, outcome)
    return results
