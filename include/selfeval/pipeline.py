"""Extract → check → load for a list of report files: what `selfeval load` and the DAGs run.

Every readable report is checked in one batch (GX costs ~100 ms per validation however few rows),
then each is loaded in its own transaction. An unreadable file is recorded as a rejected
submission, so the same broken file is not reported twice.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from selfeval.errors import UnreadableReport, display_name, printable
from selfeval.findings import Finding

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from selfeval.record import Record


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    """What happened to one file."""

    path: Path
    status: Literal["loaded", "duplicate", "rejected", "failed"]
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


def read_record(path: str | os.PathLike[str]) -> Record:
    """Extract one file under CPU and memory limits and accept its record under the numbers
    policy. Every failure, a reader crash included, raises `UnreadableReport` (or a subclass)
    naming the file: one bad report is that report's rejection, never the batch's failure."""
    from selfeval.errors import ReaderFailed, RejectedReport
    from selfeval.extract import extract_file
    from selfeval.limits import file_head, limits_for, run_limited
    from selfeval.numbers_policy import check_record
    from selfeval.share import reader_failure, warm_reader

    name = os.fspath(path)
    warm_reader()
    try:
        cpu, memory = limits_for(file_head(name))
        record = run_limited(name, extract_file, name, cpu_seconds=cpu, memory_bytes=memory)
    except UnreadableReport:
        raise
    except Exception as exc:
        raise ReaderFailed(name, reader_failure(exc)) from exc
    reason = check_record(record)
    if reason is not None:
        raise RejectedReport(name, reason)
    return record


def check_isolated(
    records: Sequence[Record], suites_dir: Path | None = None
) -> list[tuple[Finding, ...] | str]:
    """Check records in one batch; when the batch fails, isolate the report(s) that make it fail.

    One entry per record: its findings, or the reason it is rejected (the checks crashed on it).
    The batch is halved until the failing reports are alone, so the others are still checked
    together. A broken suite (`SuiteError`) is everyone's problem and raises.
    """
    from selfeval.checks import check_records
    from selfeval.errors import SuiteError

    if not records:
        return []
    try:
        return [tuple(f) for f in check_records(list(records), suites_dir)]
    except SuiteError:
        raise
    except Exception as exc:
        if len(records) == 1:
            detail = printable(str(exc))[:200]
            return [f"the checks failed on this report ({type(exc).__name__}: {detail})"]
        mid = len(records) // 2
        return check_isolated(records[:mid], suites_dir) + check_isolated(records[mid:], suites_dir)


def load_reports(
    engine: Engine,
    paths: Sequence[Path],
    *,
    received_at: datetime | None = None,
    suites_dir: Path | None = None,
) -> list[ReportOutcome]:
    """Extract, check and load each file; one outcome per path, in the given order.

    Every path gets an outcome: a report that cannot be read, checked or stored is "rejected"
    with its reason; a warehouse failure on one report is "failed" for it and the rest are
    still tried.
    """
    from selfeval.errors import RejectedReport, WarehouseError
    from selfeval.share import processed_hashes
    from selfeval.warehouse.load import load_submission

    outcomes: dict[int, ReportOutcome] = {}
    readable: list[tuple[int, Path, Record]] = []
    for i, raw in enumerate(paths):
        path = Path(raw)
        try:
            readable.append((i, path, read_record(path)))
        except UnreadableReport as exc:
            outcomes[i] = _rejected(engine, path, exc.reason, received_at)

    # Files already in the warehouse are not checked again: loading them adds nothing.
    known = processed_hashes(engine) if readable else set()
    fresh = [item for item in readable if item[2].source.sha256 not in known]
    checked = check_isolated([record for _, _, record in fresh], suites_dir)
    findings_of = dict(zip((i for i, _, _ in fresh), checked, strict=True))
    for i, path, record in readable:
        findings = findings_of.get(i, ())
        if isinstance(findings, str):
            outcomes[i] = _rejected(engine, path, findings, received_at, record)
            continue
        try:
            result = load_submission(
                engine,
                record,
                findings,
                received_at=_received(path, received_at),
                file_name=display_name(path.name),
            )
        except RejectedReport as exc:
            outcomes[i] = _rejected(engine, path, exc.reason, received_at, record)
            continue
        except WarehouseError as exc:
            outcomes[i] = ReportOutcome(path, "failed", None, reason=str(exc))
            continue
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


def _rejected(
    engine: Engine,
    path: Path,
    reason: str,
    received_at: datetime | None,
    record: Record | None = None,
) -> ReportOutcome:
    """Record a rejection (recording it may fail too: then the outcome is "failed")."""
    from selfeval.warehouse.load import record_rejection

    sha = record.source.sha256 if record is not None else _sha256(path)
    if sha is None:
        return ReportOutcome(path, "rejected", None, reason=reason)
    try:
        sid = record_rejection(
            engine,
            sha256=sha,
            file_name=display_name(path.name),
            reason=reason,
            received_at=_received(path, received_at),
            record=record,
        )
    except Exception as exc:
        return ReportOutcome(path, "failed", None, reason=f"{reason}; not recorded: {exc}")
    return ReportOutcome(path, "rejected", sid, reason=reason)
