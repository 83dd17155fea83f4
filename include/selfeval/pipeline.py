"""Extract → check → load for a list of report files: what `selfeval load` and the DAGs run.

Every readable report is checked in one batch (GX costs ~100 ms per validation however few rows),
then each is loaded in its own transaction. An unreadable file is recorded as a rejected
submission, so the same broken file is not reported twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from selfeval.errors import UnreadableReport, display_name
from selfeval.findings import Finding

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from selfeval.record import Record


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    """What happened to one file."""

    path: Path
    status: Literal["loaded", "duplicate", "rejected"]
    submission_id: int | None
    version: int | None = None
    unit_id: int | None = None
    superseded: tuple[int, ...] = ()
    # The checks' findings followed by those the warehouse added (empty for a duplicate).
    findings: tuple[Finding, ...] = ()
    reason: str | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def _received(path: Path, received_at: datetime | None) -> datetime:
    if received_at is not None:
        return received_at
    # Without a stated time, the file's modification time is when it reached the share.
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return datetime.now(UTC)


def _sha256(path: Path) -> str | None:
    """The file's content hash, or None when it cannot be read (missing, a directory)."""
    from selfeval.share import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return None


def load_reports(
    engine: Engine,
    paths: Sequence[Path],
    *,
    received_at: datetime | None = None,
    suites_dir: Path | None = None,
) -> list[ReportOutcome]:
    """Extract, check and load each file; one outcome per path, in the given order."""
    from selfeval.checks import check_records
    from selfeval.extract import extract_file
    from selfeval.share import processed_hashes
    from selfeval.warehouse.load import load_submission, record_rejection

    outcomes: dict[int, ReportOutcome] = {}
    readable: list[tuple[int, Path, Record]] = []
    for i, raw in enumerate(paths):
        path = Path(raw)
        try:
            readable.append((i, path, extract_file(path)))
        except UnreadableReport as exc:
            sha = _sha256(path)
            sid = None
            if sha is not None:
                sid = record_rejection(
                    engine,
                    sha256=sha,
                    file_name=display_name(path.name),
                    reason=exc.reason,
                    received_at=_received(path, received_at),
                )
            outcomes[i] = ReportOutcome(path, "rejected", sid, reason=exc.reason)

    # Files already in the warehouse are not checked again: loading them adds nothing.
    known = processed_hashes(engine) if readable else set()
    fresh = [item for item in readable if item[2].source.sha256 not in known]
    checked = check_records([record for _, _, record in fresh], suites_dir) if fresh else []
    findings_of = {i: tuple(f) for (i, _, _), f in zip(fresh, checked, strict=True)}
    for i, path, record in readable:
        findings = findings_of.get(i, ())
        result = load_submission(
            engine,
            record,
            findings,
            received_at=_received(path, received_at),
            file_name=display_name(path.name),
        )
        outcomes[i] = ReportOutcome(
            path,
            result.status,
            result.submission_id,
            version=result.version,
            unit_id=result.unit_id,
            superseded=result.superseded,
            findings=() if result.status == "duplicate" else (*findings, *result.findings),
        )
    return [outcomes[i] for i in range(len(paths))]
