"""The intake of submitted files: one owner for the path of one file and of a batch.

    prepare  migrate the warehouse, load the unit registry
    scan     find new files in the inbox by content hash, claim them for this run, settle the
             refused ones and the copies of processed ones
    read     one file into its record, under CPU and memory limits, or its rejection
    check    every readable record of the batch in one validation per table
    commit   load (feedback queued in the same transaction), write the feedback files, archive
             the original — in that order, each step idempotent; or reject it with its reason
    deliver  every due alert, once

`take_in` runs read → check → commit for a batch, `intake_once` adds the scan: what one run of
the intake DAG does, in one process. The DAG cuts the scanned files into `batches` and runs
`take_in` once per batch (ADR 0012). `selfeval load`, `selfeval intake` and every DAG task call
these functions, so the command line and Airflow behave the same. Nothing here imports Airflow.
A rejection is an outcome, not a failure: every file reaches a final state (ADR 0010).
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

from selfeval.errors import ChangedSinceScan, UnreadableReport, WarehouseError
from selfeval.names import encodable_name, printable, safe_name
from selfeval.share import (
    InboxFile,
    InboxScan,
    Share,
    archive_file,
    claim_scan,
    inspect_file,
    read_scanned_bytes,
    reject_file,
    release_claim,
    scan_inbox,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from selfeval.alerts import Delivery, Send
    from selfeval.findings import Finding
    from selfeval.record import Record

Outcome = Literal["loaded", "duplicate", "rejected", "deferred", "failed"]
# What the batched check says of one record: its findings, or why the checks reject it.
Checked = tuple["Finding", ...] | str


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What became of one file: loaded, a duplicate of a loaded file, rejected, deferred (changed
    since the scan: left for the next run) or failed (the warehouse failed on it: `take_in` only;
    a DAG task raises instead, so that Airflow retries it)."""

    relative: str
    sha256: str | None
    outcome: Outcome
    submission_id: int | None = None
    unit_name: str | None = None
    reason: str | None = None
    stored_at: str | None = None  # archive/ path, or the rejected/ reason file
    feedback_files: tuple[str, ...] = ()
    new_alert_ids: tuple[int, ...] = ()
    version: int | None = None
    superseded: tuple[int, ...] = ()
    # The checks' findings followed by those the warehouse added (none for a duplicate).
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form, to pass between Airflow tasks."""
        return {
            "relative": self.relative,
            "sha256": self.sha256,
            "outcome": self.outcome,
            "submission_id": self.submission_id,
            "unit_name": self.unit_name,
            "errors": self.errors,
            "warnings": self.warnings,
            "reason": self.reason,
            "stored_at": self.stored_at,
            "feedback_files": list(self.feedback_files),
            "new_alert_ids": list(self.new_alert_ids),
            "version": self.version,
            "superseded": list(self.superseded),
        }

    def brief(self) -> dict[str, Any]:
        """The few fields a run summary shows (ids and counts, never the record): what a DAG
        task returns per file, kept small because it travels as XCom."""
        full = self.to_dict()
        return {k: full[k] for k in _BRIEF}


_BRIEF = ("relative", "outcome", "submission_id", "unit_name", "errors", "warnings", "reason")


def tally(briefs: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Counts for a run summary from `IntakeResult.brief()`s: files per outcome, and how many
    loaded reports have error findings (their units must correct them)."""
    counts = dict.fromkeys(get_args(Outcome), 0) | {"with_errors": 0}
    for b in briefs:
        counts[b["outcome"]] += 1
        counts["with_errors"] += b["outcome"] == "loaded" and b["errors"] > 0
    return counts


# A test seam: the kill-at-each-step test sets this to stop the process at a step boundary
# ("queued" inside the load's transaction, "loaded", "feedback-written", "archived",
# "rejection-recorded"). None in production.
CHECKPOINT: Callable[[str], None] | None = None


def _checkpoint(step: str) -> None:
    if CHECKPOINT is not None:
        CHECKPOINT(step)


# --- prepare ----------------------------------------------------------------------------------


def prepare(engine: Engine, share: Share) -> int | None:
    """Before a run: migrate the warehouse and load <share>/units.csv. Returns the number of units
    loaded, or None when there is no registry (reports will then match no unit)."""
    from selfeval.warehouse import load_units, upgrade

    upgrade(engine)
    return load_units(engine, share.units_csv) if share.units_csv.exists() else None


# --- scan -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scanned:
    """The new files a run claimed, and one line per file the scan settled (moved) itself."""

    new: tuple[InboxFile, ...]
    settled: tuple[str, ...]


def scan(engine: Engine, share: Share, *, owner: str) -> Scanned:
    """Find new files in inbox/ by content hash and claim them for the run `owner`; refused files
    go to rejected/ straight away, copies of processed files to archive/ (finishing whatever a
    run that died left undone)."""
    from selfeval.warehouse import processed_hashes

    done = processed_hashes(engine)
    found = claim_scan(share, scan_inbox(share, processed=done), owner=owner)
    return Scanned(found.new, tuple(settle_scan(share, found, processed=done, engine=engine)))


def settle_scan(
    share: Share, found: InboxScan, *, processed: set[str], engine: Engine | None = None
) -> list[str]:
    """Move what a scan will not process out of the inbox: refused files to rejected/, copies of
    already-processed files to archive/ (or rejected/ when that hash was rejected). A second copy
    of a file not loaded yet stays for the next run, so it shares the fate of the first.

    With `engine`, a copy of a processed file also completes what a run that died half-way left
    undone: the feedback files are (re)written and a rejected file gets its reason. Returns one
    line per move.
    """
    from selfeval.alerts import write_feedback_files
    from selfeval.warehouse import processed_state

    done: list[str] = []
    for refused in found.refused:
        reject_file(share, refused.path, refused.relative, refused.reason)
        done.append(f"rejected {encodable_name(refused.relative)}: {refused.reason}")
    for duplicate in found.duplicates:
        if duplicate.sha256 in processed and Path(duplicate.path).exists():
            state = None if engine is None else processed_state(engine, duplicate.sha256)
            shown = encodable_name(duplicate.relative)
            if state is not None and state.status == "rejected":
                reason = state.rejection_reason or "rejected"
                reject_file(share, duplicate.path, duplicate.relative, reason)
                if state.has_record and engine is not None:
                    write_feedback_files(engine, share, state.submission_id)
                done.append(f"rejected copy of a rejected file {shown}")
            else:
                if state is not None and engine is not None:
                    write_feedback_files(engine, share, state.submission_id)
                archive_file(share, duplicate)
                done.append(f"archived copy of a loaded file {shown}")
        if duplicate.sha256 in processed:
            # A copy of a file new in this scan shares that file's claim: it is kept.
            release_claim(share, duplicate.sha256)
    return done


# --- read -------------------------------------------------------------------------------------


@functools.cache
def warm_reader() -> None:
    """Import the reader and build its tables once in this process, before forking a parse:
    each child then inherits them instead of rebuilding them (~100 ms per file)."""
    from selfeval.extract import extract_text

    extract_text("部门整体支出绩效自评报告 1 万元 100%")


def reader_failure(exc: BaseException) -> str:
    """The reason a report is rejected when reading it raised `exc` (a bug, not the report's)."""
    detail = printable(str(exc))[:200]
    return f"the reader failed on this file ({type(exc).__name__}: {detail}); the data team sees it"


def _extract_limited(name: str, head: bytes, extract: Callable[..., Record], *args: str) -> Record:
    """`extract(*args)` for the file `name`, in a child process under the limits its first bytes
    call for. Every failure, a reader crash included, raises `UnreadableReport` naming `name`."""
    from selfeval.errors import ReaderFailed
    from selfeval.limits import limits_for, run_limited

    warm_reader()
    cpu, memory = limits_for(head)
    try:
        return run_limited(name, extract, *args, cpu_seconds=cpu, memory_bytes=memory)
    except UnreadableReport:
        raise
    except Exception as exc:  # a reader bug on hostile input rejects that report, nothing more
        raise ReaderFailed(name, reader_failure(exc)) from exc


def _extract_as(path: str, name: str) -> Record:
    """Extract `path` and name its source `name` (runs in the limited child). Going through
    `extract_file` keeps every format it reads."""
    from selfeval.extract import extract_file

    record = extract_file(path)
    return replace(record, source=replace(record.source, path=encodable_name(name)))


def read_path(path: str | os.PathLike[str]) -> Record:
    """Extract a file named on the command line (`selfeval extract`, `check`) and accept its
    record under the numbers policy; every failure raises `UnreadableReport` naming the file."""
    from selfeval.extract import extract_file
    from selfeval.limits import file_head

    name = os.fspath(path)
    return _accepted(name, _extract_limited(name, file_head(name), extract_file, name))


def read_upload(name: str, data: bytes) -> Record:
    """Extract a report sent to the self-check page (`selfeval serve`) from its bytes and accept
    its record under the numbers policy, as `read_path` does; nothing is kept: the reader gets a
    private copy that is deleted on return. Every failure raises `UnreadableReport` naming
    `name`, a file over `settings.MAX_REPORT_BYTES` before anything reads it."""
    from selfeval import settings
    from selfeval.refusals import too_large

    if len(data) > settings.MAX_REPORT_BYTES:
        raise UnreadableReport(name, too_large(len(data)))
    return _accepted(name, _read_private_copy(data, name, shown=name))


def _accepted(name: str, record: Record) -> Record:
    """`record` when the numbers policy accepts it, else `RejectedReport` naming `name`."""
    from selfeval.errors import RejectedReport
    from selfeval.numbers_policy import check_record

    reason = check_record(record)
    if reason is not None:
        raise RejectedReport(name, reason)
    return record


def read_scanned(item: InboxFile) -> Record:
    """Extract the very file the scan found, without following links, under CPU/memory limits.

    Raises `ChangedSinceScan` when the path is gone or holds another file now (the next scan
    sees it afresh) and `UnreadableReport` (or a subclass) for every other failure, including a
    crash or a limit hit while parsing.
    """
    return _read_private_copy(read_scanned_bytes(item), item.relative, shown=item.path)


def _read_private_copy(data: bytes, name: str, *, shown: str) -> Record:
    """Extract `data` under limits from a private copy named like `name`, the source named
    `shown`. The copy keeps the (safe) name so that its suffix still names the format; nothing
    the reader opens can be swapped or linked, and the folder is deleted on return."""
    from selfeval import settings

    with tempfile.TemporaryDirectory(prefix="selfeval-read-") as private:
        copy = Path(private) / safe_name(Path(name).name)
        copy.write_bytes(data)
        head = data[: settings.SNIFF_BYTES]
        return _extract_limited(shown, head, _extract_as, str(copy), shown)


def read(
    engine: Engine,
    share: Share | None,
    item: InboxFile,
    *,
    received_at: datetime,
    keep_original: bool = False,
) -> Record | IntakeResult:
    """Read one file into its record, or reject it and return what became of it.

    Whatever the bytes (unreadable, a link swapped in, a reader crash, a figure beyond
    `numbers_policy`), the file is recorded as a rejected submission, moved to rejected/ with its
    reason, and its unit told when the report names one. A file gone or replaced since the scan
    is "deferred" to the next scan, untouched. `keep_original`: see `commit`.
    """
    from selfeval.numbers_policy import check_record

    try:
        record = read_scanned(item)
    except ChangedSinceScan as exc:
        _release(share, item, keep_original)
        return IntakeResult(
            encodable_name(item.relative), item.sha256, "deferred", reason=exc.reason
        )
    except UnreadableReport as exc:
        return reject(
            engine, share, item, exc.reason, received_at=received_at, keep_original=keep_original
        )
    reason = check_record(record)
    if reason is not None:
        return reject(
            engine,
            share,
            item,
            reason,
            received_at=received_at,
            record=record,
            keep_original=keep_original,
        )
    return record


@contextmanager
def _holding(share: Share | None, item: InboxFile, keep_original: bool) -> Iterator[None]:
    """Hold the scan's claim on `item` while the block runs, then release it (`_release`)."""
    try:
        yield
    finally:
        _release(share, item, keep_original)


def _release(share: Share | None, item: InboxFile, keep_original: bool) -> None:
    """Give up the scan's claim on a file that reached its final state (or failed, or was
    deferred): the next run may take it. A file named on the command line was never claimed."""
    if share is not None and not keep_original:
        release_claim(share, item.sha256)


# --- check ------------------------------------------------------------------------------------


def check(records: Sequence[Record], suites_dir: Path | None = None) -> list[Checked]:
    """Check records in one batch; when the batch fails, isolate the report(s) that make it fail.

    One entry per record: its findings, or the reason it is rejected (the checks crashed on it).
    The batch is halved until the failing reports are alone, so the others are still checked
    together (GX costs ~100 ms per validation however few rows). A broken suite (`SuiteError`)
    is everyone's problem and raises.
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
        return check(records[:mid], suites_dir) + check(records[mid:], suites_dir)


# --- commit -----------------------------------------------------------------------------------


def commit(
    engine: Engine,
    share: Share | None,
    item: InboxFile,
    record: Record,
    checked: Checked,
    *,
    received_at: datetime,
    keep_original: bool = False,
) -> IntakeResult:
    """Load one checked report with its feedback queued in the same transaction, then write the
    feedback files and archive the original; or reject it when `checked` is a reason.

    A report the warehouse refuses (`RejectedReport`) is rejected like an unreadable one. Any
    other failure (warehouse down, disk full) raises and leaves the file where it is. Each step
    is idempotent and the feedback is committed with the load, so a run that stopped half-way
    is completed by the next one: the hash is then already loaded, and the scan rewrites the
    feedback files and archives the file (`settle_scan`). Without a share (`selfeval load` given
    only a warehouse) there is nowhere to write files: the load and the queued alerts only.

    `keep_original` is for files named on the command line rather than dropped in the inbox:
    they are copied to archive/ or rejected/, never moved, and were never claimed.
    """
    from selfeval.alerts import Queued, queue_feedback_in, write_feedback_files
    from selfeval.errors import RejectedReport
    from selfeval.warehouse import load_submission

    rejected = functools.partial(
        reject, engine, share, item, received_at=received_at, record=record,
        keep_original=keep_original,
    )  # fmt: skip
    with _holding(share, item, keep_original):  # final, or failed: the next run may retry
        if isinstance(checked, str):
            return rejected(checked)
        shown = encodable_name(item.relative)
        queued: list[Queued] = []

        def queue_within(conn: Connection, submission_id: int) -> None:
            queued.append(queue_feedback_in(conn, submission_id))
            _checkpoint("queued")  # inside the transaction, before the commit

        try:
            loaded = load_submission(
                engine,
                record,
                checked,
                received_at=received_at,
                file_name=shown,
                within=queue_within,
            )
        except RejectedReport as exc:
            return rejected(exc.reason)
        _checkpoint("loaded")
        files: tuple[str, ...] = ()
        archived: Path | None = None
        if share is not None:
            files = write_feedback_files(engine, share, loaded.submission_id)
            _checkpoint("feedback-written")
            # archive the bytes that were loaded; a file saved over since waits for the next scan
            archived = archive_file(
                share, replace(item, sha256=record.source.sha256), keep_original=keep_original
            )
            _checkpoint("archived")
        duplicate = loaded.status == "duplicate"
        every: tuple[Finding, ...] = () if duplicate else (*checked, *loaded.findings)
        return IntakeResult(
            relative=shown,
            sha256=record.source.sha256,
            outcome="duplicate" if duplicate else "loaded",
            submission_id=loaded.submission_id,
            unit_name=queued[-1].unit_name if queued else None,
            reason=None
            if archived or share is None
            else "changed since it was read: left in the inbox for the next run",
            stored_at=str(archived) if archived else None,
            feedback_files=files,
            new_alert_ids=queued[-1].new_alert_ids if queued else (),
            version=loaded.version,
            superseded=loaded.superseded,
            findings=every,
        )


def reject(
    engine: Engine,
    share: Share | None,
    item: InboxFile,
    reason: str,
    *,
    received_at: datetime,
    record: Record | None = None,
    keep_original: bool = False,
) -> IntakeResult:
    """Record the rejection (with the unit's feedback queued in the same transaction when the
    record names a unit), move the file to rejected/ with its reason, write the feedback files."""
    from selfeval.alerts import Queued, queue_feedback_in, write_feedback_files
    from selfeval.warehouse import record_rejection

    shown = encodable_name(item.relative)
    sha = record.source.sha256 if record is not None else item.sha256
    queued: list[Queued] = []
    submission_id = record_rejection(
        engine,
        sha256=sha,
        file_name=shown,
        reason=reason,
        received_at=received_at,
        record=record,
        # the unit is told when the record names it, or the file's folder or name does
        within=lambda conn, sid: queued.append(queue_feedback_in(conn, sid)),
    )
    _checkpoint("rejection-recorded")
    reason_file: Path | None = None
    files: tuple[str, ...] = ()
    if share is not None:
        reason_file = reject_file(
            share, item.path, item.relative, reason, keep_original=keep_original
        )
        if record is not None or any(q.unit_id is not None for q in queued):
            files = write_feedback_files(engine, share, submission_id)
    _release(share, item, keep_original)
    return IntakeResult(
        shown,
        sha,
        "rejected",
        submission_id,
        unit_name=queued[0].unit_name if queued else None,
        reason=reason,
        stored_at=str(reason_file) if reason_file else None,
        feedback_files=files,
        new_alert_ids=queued[0].new_alert_ids if queued else (),
    )


# --- deliver ----------------------------------------------------------------------------------


def deliver(engine: Engine, send: Send) -> Delivery:
    """Send every due alert once through `send`; an outage leaves them pending for the next run,
    an alert out of attempts is marked failed (`Delivery.gave_up`: the caller must fail)."""
    from selfeval.alerts import deliver_pending

    return deliver_pending(engine, send)


# --- a batch ----------------------------------------------------------------------------------


def take_in(
    engine: Engine,
    share: Share | None,
    items: Sequence[InboxFile],
    *,
    received_at: Callable[[InboxFile], datetime],
    suites_dir: Path | None = None,
    keep_original: bool = False,
    read_until: float | None = None,
) -> list[IntakeResult]:
    """Read, check (in one batch) and commit each file; one result per item, in order.

    A file whose hash the warehouse holds is not checked again (loading it adds nothing: a
    duplicate). A warehouse or file-system failure on one file (database down, disk full, a
    folder that cannot be created) is "failed" for it and the others are still tried. A scan's
    claims are released whatever happens, so the next run may retry.

    `read_until` (a `time.monotonic()` value): no file is started after it; those left are
    "deferred" to the next run, so that slow files cannot make a batch overrun its time limit.
    """
    from selfeval.warehouse import processed_hashes

    results: dict[int, IntakeResult] = {}
    readable: list[tuple[int, InboxFile, Record]] = []
    for i, item in enumerate(items):
        if read_until is not None and time.monotonic() > read_until:
            _release(share, item, keep_original)
            results[i] = IntakeResult(
                encodable_name(item.relative), item.sha256, "deferred", reason=_OUT_OF_TIME
            )
            continue
        try:
            read_ = read(
                engine, share, item, received_at=received_at(item), keep_original=keep_original
            )
        except (WarehouseError, OSError) as exc:
            _release(share, item, keep_original)
            results[i] = _failed(item, exc)
            continue
        if isinstance(read_, IntakeResult):
            results[i] = read_
        else:
            readable.append((i, item, read_))
    known = processed_hashes(engine) if readable else set()
    fresh = [(i, record) for i, _, record in readable if record.source.sha256 not in known]
    checked = dict(
        zip((i for i, _ in fresh), check([r for _, r in fresh], suites_dir), strict=True)
    )
    for i, item, record in readable:
        try:
            results[i] = commit(
                engine,
                share,
                item,
                record,
                checked.get(i, ()),
                received_at=received_at(item),
                keep_original=keep_original,
            )
        except (WarehouseError, OSError) as exc:
            results[i] = _failed(item, exc)
    return [results[i] for i in range(len(items))]


_T = TypeVar("_T")
_OUT_OF_TIME = "not started: its batch ran out of time; left in the inbox for the next run"


def batches(items: Sequence[_T], most: int) -> list[list[_T]]:
    """`items` in order, cut into the fewest batches of at most `most`, their sizes differing by
    one at most (so that parallel workers finish together). The unit of work of a DAG run."""
    if most < 1:
        raise ValueError(f"a batch holds at least one file, not {most}")
    count = -(-len(items) // most)
    return [
        list(items[i * len(items) // count : (i + 1) * len(items) // count]) for i in range(count)
    ]


def _failed(item: InboxFile, exc: Exception) -> IntakeResult:
    return IntakeResult(encodable_name(item.relative), item.sha256, "failed", reason=str(exc))


def intake_once(
    engine: Engine,
    share: Share,
    *,
    owner: str,
    suites_dir: Path | None = None,
    scanned_at: datetime | None = None,
) -> list[IntakeResult]:
    """What one run of the intake DAG does before delivering, in one process: scan and claim the
    inbox, settle refused files and copies, then `take_in` the new files. One result per new file
    this run claimed, in scan order; the DAG runs the same steps as separate tasks."""
    when = scanned_at or datetime.now(UTC)
    found = scan(engine, share, owner=owner)
    return take_in(
        engine,
        share,
        found.new,
        received_at=lambda item: item.arrived_at(when),
        suites_dir=suites_dir,
    )


def take_in_paths(
    engine: Engine,
    share: Share | None,
    paths: Sequence[Path],
    *,
    received_at: datetime | None = None,
    suites_dir: Path | None = None,
) -> list[IntakeResult]:
    """`take_in` for files named on the command line (`selfeval load`): each is inspected as the
    scan would (a link, a special file or an oversized one is refused unopened, and told in
    rejected/ when there is a share), then copied, never moved. A file's modification time is
    when it was received unless `received_at` says otherwise. One result per path, in order."""
    results: dict[int, IntakeResult] = {}
    files: list[tuple[int, InboxFile]] = []
    for i, path in enumerate(paths):
        found = inspect_file(path, path.name)
        if isinstance(found, InboxFile):
            files.append((i, found))
            continue
        reason = "no such file" if found is None else found.reason
        stored = None
        if share is not None and found is not None:
            stored = str(reject_file(share, path, path.name, reason, keep_original=True))
        results[i] = IntakeResult(
            encodable_name(path.name), None, "rejected", reason=reason, stored_at=stored
        )
    taken = take_in(
        engine,
        share,
        [item for _, item in files],
        received_at=lambda item: received_at or item.arrived_at(datetime.now(UTC)),
        suites_dir=suites_dir,
        keep_original=True,
    )
    results.update(zip((i for i, _ in files), taken, strict=True))
    return [results[i] for i in range(len(paths))]
