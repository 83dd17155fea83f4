"""The shared folder submitters drop reports into, and what happens to each file there.

Layout under the root (settings names every folder)::

    inbox/        submitters drop files here, in any sub-folders
    archive/      every processed original, kept by content hash, never deleted
    rejected/     unreadable files, each with a <name>.reason.txt beside it
    feedback/     feedback per unit (written by selfeval.alerts)
    published/    district summaries (written by selfeval.publish)
    outbox/       alerts as .eml files when no SMTP server is configured
    units.csv     the unit registry

Files are identified by the SHA-256 of their bytes, never by name: a renamed copy of a processed
report is recognised, and a changed file under an old name is new. Names come from submitters, so
they are only ever used after `safe_name()`; paths are never built from a name with separators.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfeval import settings
from selfeval.errors import ConfigError, SelfevalError, encodable_name, printable

if TYPE_CHECKING:
    from selfeval.findings import Finding
    from selfeval.record import Record

# Files an editor or a copy in progress leaves behind: picking them up would load half a report.
_TRANSIENT_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp")
_TRANSIENT_PREFIXES = (".", "~$", "~")
# 255 bytes is the usual file-name limit; keep well under it so prefixes and suffixes still fit.
_SAFE_NAME_MAX_BYTES = 120
_SUFFIX_MAX_CHARS = 12
_HARD_LINK = "a hard link to a file elsewhere, not a file of its own: copy the file instead"


@dataclass(frozen=True, slots=True)
class Share:
    """The shared folder. Build it with `resolve_share()` / `open_share()`."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / settings.INBOX_DIR

    @property
    def archive(self) -> Path:
        return self.root / settings.ARCHIVE_DIR

    @property
    def rejected(self) -> Path:
        return self.root / settings.REJECTED_DIR

    @property
    def feedback(self) -> Path:
        return self.root / settings.FEEDBACK_DIR

    @property
    def published(self) -> Path:
        return self.root / settings.PUBLISHED_DIR

    @property
    def outbox(self) -> Path:
        return self.root / settings.OUTBOX_DIR

    @property
    def units_csv(self) -> Path:
        return self.root / settings.UNITS_CSV

    def folders(self) -> tuple[Path, ...]:
        return (
            self.inbox,
            self.archive,
            self.rejected,
            self.feedback,
            self.published,
            self.outbox,
        )


@dataclass(frozen=True, slots=True)
class InboxFile:
    """A candidate report found in the inbox, with the hash of its bytes at scan time.

    `device` and `inode` name the file the scan hashed, so that reading it later can tell a
    file swapped in since (a link, another file) from the one scanned; `mtime_ns` is when it
    arrived, which orders versions (0 when unknown).
    """

    path: str
    relative: str
    sha256: str
    size: int
    device: int = 0
    inode: int = 0
    mtime_ns: int = 0

    @property
    def name(self) -> str:
        return Path(self.relative).name

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form, to pass between Airflow tasks."""
        return {
            "path": self.path,
            "relative": self.relative,
            "sha256": self.sha256,
            "size": self.size,
            "device": self.device,
            "inode": self.inode,
            "mtime_ns": self.mtime_ns,
        }

    def arrived_at(self, scanned_at: datetime) -> datetime:
        """When the file reached the inbox: its modification time, never later than the scan."""
        if not self.mtime_ns:
            return scanned_at
        return min(datetime.fromtimestamp(self.mtime_ns / 1e9, tz=UTC), scanned_at)


def inbox_file_from_dict(d: Mapping[str, Any]) -> InboxFile:
    return InboxFile(
        path=str(d["path"]),
        relative=str(d["relative"]),
        sha256=str(d["sha256"]),
        size=int(d["size"]),
        device=int(d.get("device", 0)),
        inode=int(d.get("inode", 0)),
        mtime_ns=int(d.get("mtime_ns", 0)),
    )


@dataclass(frozen=True, slots=True)
class Refused:
    """A file the scan will not hand to the extractor, and why (it goes to rejected/)."""

    path: str
    relative: str
    reason: str


@dataclass(frozen=True, slots=True)
class InboxScan:
    """What a scan found: files to process, copies of processed files, files refused outright."""

    new: tuple[InboxFile, ...]
    duplicates: tuple[InboxFile, ...]
    refused: tuple[Refused, ...]


# --- locating the share ------------------------------------------------------------------------


def resolve_share(
    value: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> Share:
    """The share at `value`, else at $SELFEVAL_SHARE. Does not create anything."""
    env = os.environ if environ is None else environ
    raw = os.fspath(value) if value is not None else env.get(settings.SHARE_ENV, "")
    if not str(raw).strip():
        raise ConfigError(
            f"no shared folder configured: pass one, set the Airflow Variable "
            f"{settings.SHARE_VARIABLE!r} or the environment variable {settings.SHARE_ENV}"
        )
    root = Path(str(raw).strip()).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root}: the shared folder is not a directory")
    return Share(root)


def prepare_share(share: Share) -> Share:
    """Create the share's folders if missing (idempotent)."""
    try:
        for folder in share.folders():
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{share.root}: cannot create the shared folder layout: {exc}") from exc
    return share


def open_share(
    value: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> Share:
    """Resolve the share and make sure its folders exist."""
    return prepare_share(resolve_share(value, environ=environ))


# --- names ---------------------------------------------------------------------------------------


def safe_name(name: str) -> str:
    """A file name that is safe to create anywhere: one component, printable, bounded length.

    Keeps the readable part (Chinese included) so people recognise their file; control and
    format characters, separators and undecodable bytes become "_"; leading dots are dropped so
    nothing turns hidden; the suffix survives truncation.
    """
    text = unicodedata.normalize("NFC", name)
    chars: list[str] = []
    for ch in text:
        if ch in "/\\:" or unicodedata.category(ch).startswith("C") or ch in "\u2028\u2029":
            chars.append("_")
        else:
            chars.append(ch)
    cleaned = "".join(chars).strip().lstrip(".").strip()
    if cleaned in ("", "_", "__"):
        cleaned = "file"
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or not stem or len(suffix) > _SUFFIX_MAX_CHARS or " " in suffix:
        stem, suffix = cleaned, ""
    tail = f".{suffix}" if suffix else ""
    budget = _SAFE_NAME_MAX_BYTES - len(tail.encode("utf-8"))
    encoded = stem.encode("utf-8")
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", errors="ignore").rstrip() or "file"
    return stem + tail


# --- scanning ------------------------------------------------------------------------------------


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_transient(name: str) -> bool:
    return name.startswith(_TRANSIENT_PREFIXES) or name.lower().endswith(_TRANSIENT_SUFFIXES)


def _transient_reason(name: str, info: os.stat_result, now: float) -> str | None:
    """None while a temporary-looking file may still be written; then why it is refused."""
    if now - info.st_mtime < settings.TRANSIENT_GRACE_SECONDS:
        return None
    hours = settings.TRANSIENT_GRACE_SECONDS // 3600
    return (
        f"a hidden or temporary file name (starts with '.' or '~', or ends in .tmp, .part …), "
        f"unchanged for over {hours} h: rename it without that prefix or suffix"
    )


def _walk(inbox: Path) -> Iterator[tuple[Path, str]]:
    """Every entry below inbox as (path, relative), sorted, never following symbolic links."""
    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False):
        base = Path(dirpath)
        # Hidden folders (.git, .Trash) are not submissions; symlinked folders are entries below.
        keep: list[str] = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            if (base / d).is_symlink():
                filenames.append(d)
            else:
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = base / name
            yield path, path.relative_to(inbox).as_posix()


def scan_inbox(share: Share, *, processed: Collection[str] = frozenset()) -> InboxScan:
    """Find report candidates in inbox/ (recursively), by content hash. Reads, never moves.

    `processed` holds the hashes already in the warehouse (`processed_hashes(engine)`); a file
    with such a hash, or a second copy of a file seen earlier in this scan, is a duplicate.
    Symbolic links, special files and oversized files are refused without being opened.
    """
    new: list[InboxFile] = []
    duplicates: list[InboxFile] = []
    refused: list[Refused] = []
    seen: set[str] = set(processed)
    if not share.inbox.is_dir():
        return InboxScan((), (), ())
    now = time.time()
    for path, relative in _walk(share.inbox):
        try:
            relative.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are no text cannot travel between tasks as JSON
            refused.append(
                Refused(str(path), relative, "the file name is not valid text (UTF-8): rename it")
            )
            continue
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue  # removed while we were scanning: nothing to do
        if _is_transient(path.name):
            # An upload or an editor's file in progress; one left for hours is told, not ignored.
            why = _transient_reason(path.name, info, now)
            if why is not None:
                refused.append(Refused(str(path), relative, why))
            continue
        if stat.S_ISLNK(info.st_mode):
            refused.append(Refused(str(path), relative, "a symbolic link, not a file"))
            continue
        if not stat.S_ISREG(info.st_mode):
            refused.append(Refused(str(path), relative, "not a regular file"))
            continue
        if info.st_nlink > 1:
            refused.append(Refused(str(path), relative, _HARD_LINK))
            continue
        if info.st_size > settings.MAX_REPORT_BYTES:
            refused.append(
                Refused(
                    str(path),
                    relative,
                    f"too large for a report: {info.st_size} bytes "
                    f"(limit {settings.MAX_REPORT_BYTES})",
                )
            )
            continue
        try:
            digest = file_sha256(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            refused.append(Refused(str(path), relative, f"cannot be read: {exc.strerror or exc}"))
            continue
        item = InboxFile(
            path=str(path),
            relative=relative,
            sha256=digest,
            size=info.st_size,
            device=info.st_dev,
            inode=info.st_ino,
            mtime_ns=info.st_mtime_ns,
        )
        if digest in seen:
            duplicates.append(item)
        else:
            seen.add(digest)
            new.append(item)
    return InboxScan(tuple(new), tuple(duplicates), tuple(refused))


def processed_hashes(engine: Any) -> set[str]:
    """The content hashes the warehouse already holds (table `submission`, column sha256)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return {str(row[0]) for row in conn.execute(text("SELECT sha256 FROM submission"))}


# --- moving files out of the inbox ---------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)  # atomic on one file system: never half a file in archive/
    except OSError as exc:
        if exc.errno != 18:  # EXDEV: the share spans file systems
            raise
        shutil.move(str(source), str(target))


def archive_path(share: Share, sha256: str, name: str) -> Path:
    """Where the original with this hash and name is kept: archive/<aa>/<sha256>__<name>."""
    return share.archive / sha256[:2] / f"{sha256}__{safe_name(name)}"


def archive_file(share: Share, item: InboxFile) -> Path | None:
    """Move a processed original into archive/, keyed by its hash, and record where it came from.

    The sidecar <archived>.json lists every arrival (original relative path, time). A second
    copy with identical bytes and name adds an arrival and is not stored twice. A file whose
    bytes changed since the scan (a corrected report saved over it) is not the one that was
    loaded: it stays in the inbox for the next run, and None is returned. A file already
    archived by another run (the annual DAG and the intake can meet) is not an error.
    """
    source = Path(item.path)
    target = archive_path(share, item.sha256, item.name)
    if not source.exists():
        if target.exists():
            return target
        raise SelfevalError(
            f"{encodable_name(item.relative)}: gone from the inbox before archiving"
        )
    digest = file_sha256(source)
    if digest != item.sha256:
        return None
    sidecar = target.with_name(target.name + ".json")
    arrivals: list[dict[str, Any]] = []
    if sidecar.exists():
        arrivals = list(json.loads(sidecar.read_text(encoding="utf-8")).get("arrivals", []))
    arrivals.append({"original": encodable_name(item.relative), "archived_at": _now()})
    if target.exists():
        source.unlink()  # identical bytes are already kept under this very name
    else:
        _move(source, target)
    meta = {"sha256": digest, "size": target.stat().st_size, "arrivals": arrivals}
    sidecar.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def reject_file(share: Share, path: str | os.PathLike[str], relative: str, reason: str) -> Path:
    """Move an unusable file to rejected/ and write <name>.reason.txt beside it.

    Returns the reason file. A file that vanished meanwhile still gets its reason written, so the
    submitter learns what happened.
    """
    source = Path(path)
    base = safe_name(Path(relative).name)
    share.rejected.mkdir(parents=True, exist_ok=True)
    if not (source.exists() or source.is_symlink()):
        earlier = _earlier_reason(share, relative, reason)
        if earlier is not None:
            return earlier  # rejected already, by a run that got there first
    target = share.rejected / base
    counter = 2
    while target.exists() or target.is_symlink() or _reason_path(target).exists():
        stem, dot, suffix = base.rpartition(".")
        target = share.rejected / (f"{stem}~{counter}.{suffix}" if dot else f"{base}~{counter}")
        counter += 1
    digest = None
    kept = "-"
    try:
        info: os.stat_result | None = source.lstat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
        try:
            digest = file_sha256(source)
        except OSError:
            digest = None
        _move(source, target)
        kept = target.name
    elif info is not None:
        # A link or a special file is removed, never kept: rejected/ must hold no live links,
        # FIFOs or second names of files elsewhere.
        with contextlib.suppress(FileNotFoundError):
            source.unlink()
        kept = "removed (a link or special file is not kept)"
    reason_file = _reason_path(target)
    lines = [
        f"file: {encodable_name(relative)}",
        f"reason: {reason}",
        f"sha256: {digest or '-'}",
        f"rejected_at: {_now()}",
        f"kept: {kept}",
        "",
    ]
    reason_file.write_text("\n".join(lines), encoding="utf-8")
    return reason_file


def _earlier_reason(share: Share, relative: str, reason: str) -> Path | None:
    wanted = (f"file: {encodable_name(relative)}", f"reason: {reason}")
    for candidate in share.rejected.glob("*.reason.txt"):
        lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
        if tuple(lines[:2]) == wanted:
            return candidate
    return None


def _reason_path(target: Path) -> Path:
    return target.with_name(target.name + ".reason.txt")


# --- the intake of one file ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What became of one inbox file: loaded, a duplicate of a loaded file, or rejected."""

    relative: str
    sha256: str
    outcome: str  # "loaded" | "duplicate" | "rejected" | "deferred" (changed since the scan)
    submission_id: int | None
    unit_name: str | None
    errors: int
    warnings: int
    reason: str | None
    stored_at: str | None  # archive/ path, or the rejected/ reason file
    feedback_files: tuple[str, ...]
    new_alert_ids: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
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
        }


# A test seam: the kill-at-each-step test sets this to stop the process at a step boundary
# ("queued" inside the load's transaction, "loaded", "feedback-written", "archived",
# "rejection-recorded"). None in production.
CHECKPOINT: Callable[[str], None] | None = None


def _checkpoint(step: str) -> None:
    if CHECKPOINT is not None:
        CHECKPOINT(step)


def _extract_copy(copy: str, name: str) -> Record:
    """Extract our private copy of an inbox file as the file `name` (runs in the limited child
    of `read_scanned`). Going through `extract_file` keeps every format it reads."""
    from selfeval.extract import extract_file

    record = extract_file(copy)
    return replace(record, source=replace(record.source, path=encodable_name(name)))


@functools.cache
def warm_reader() -> None:
    """Import the reader and build its tables once in this process, before forking a parse:
    each child then inherits them instead of rebuilding them (~100 ms per file)."""
    from selfeval.extract import extract_text

    extract_text("部门整体支出绩效自评报告 1 万元 100%")


def read_scanned(item: InboxFile) -> Record:
    """Extract the very file the scan found, without following links, under CPU/memory limits.

    Raises `ChangedSinceScan` when the path is gone or holds another file now (the next scan
    sees it afresh) and `UnreadableReport` (or a subclass) for every other failure, including a
    crash or a limit hit while parsing.
    """
    from selfeval.errors import ChangedSinceScan, ReaderFailed, UnreadableReport
    from selfeval.limits import limits_for, run_limited

    name = item.path
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(item.path, flags)
    except FileNotFoundError as exc:
        raise ChangedSinceScan(name, "gone from the inbox since the scan") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # swapped for a symbolic link after the scan
            raise UnreadableReport(name, "a symbolic link, not a file") from exc
        raise UnreadableReport(name, f"cannot be read ({exc.strerror or exc})") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableReport(name, "not a regular file")
        if info.st_nlink > 1:
            raise UnreadableReport(name, _HARD_LINK)
        if item.inode and (info.st_dev, info.st_ino) != (item.device, item.inode):
            raise ChangedSinceScan(name, "replaced since the scan: left for the next run")
        data = handle.read(settings.MAX_REPORT_BYTES + 1)
    if len(data) > settings.MAX_REPORT_BYTES:
        limit = settings.MAX_REPORT_BYTES
        raise UnreadableReport(
            name, f"too large for a report (over {limit} bytes; the limit is {limit} bytes)"
        )
    warm_reader()
    try:
        # The reader gets a private copy of the verified bytes, under the same (safe) name so
        # that its suffix still names the format: nothing it opens can be swapped or linked.
        with tempfile.TemporaryDirectory(prefix="selfeval-read-") as private:
            copy = Path(private) / safe_name(Path(item.relative).name)
            copy.write_bytes(data)
            cpu, memory = limits_for(data[: settings.SNIFF_BYTES])
            return run_limited(
                name, _extract_copy, str(copy), name, cpu_seconds=cpu, memory_bytes=memory
            )
    except UnreadableReport:
        raise
    except Exception as exc:  # a reader bug on hostile input rejects that report, nothing more
        raise ReaderFailed(name, reader_failure(exc)) from exc


def reader_failure(exc: BaseException) -> str:
    """The reason a report is rejected when reading it raised `exc` (a bug, not the report's)."""
    detail = printable(str(exc))[:200]
    return f"the reader failed on this file ({type(exc).__name__}: {detail}); the data team sees it"


def read_inbox_file(
    engine: Any, share: Share, item: InboxFile, *, received_at: datetime
) -> Record | IntakeResult:
    """Extract one inbox file and accept its record, or reject it and return the result.

    A rejection is an outcome, not a failure: whatever the bytes (unreadable, a link swapped in,
    a reader crash, a figure beyond `numbers_policy`), the file is recorded as a rejected
    submission, moved to rejected/ with its reason, and its unit told when the report names
    one. A file gone or replaced since the scan is "deferred" to the next scan, untouched.
    """
    from selfeval.errors import ChangedSinceScan, UnreadableReport
    from selfeval.numbers_policy import check_record

    try:
        record = read_scanned(item)
    except ChangedSinceScan as exc:
        release_claim(share, item.sha256)
        return IntakeResult(
            encodable_name(item.relative), item.sha256, "deferred", None, None, 0, 0,
            exc.reason, None, (), (),
        )  # fmt: skip
    except UnreadableReport as exc:
        return reject_inbox_file(engine, share, item, exc.reason, received_at=received_at)
    reason = check_record(record)
    if reason is not None:
        return reject_inbox_file(
            engine, share, item, reason, received_at=received_at, record=record
        )
    return record


def reject_inbox_file(
    engine: Any,
    share: Share,
    item: InboxFile,
    reason: str,
    *,
    received_at: datetime,
    record: Record | None = None,
) -> IntakeResult:
    """Record the rejection (with the unit's feedback queued in the same transaction when the
    record names a unit), move the file to rejected/ with its reason, write the feedback files."""
    from selfeval.alerts.outbox import Queued, queue_feedback_in, write_feedback_files
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
        within=None
        if record is None
        else lambda conn, sid: queued.append(queue_feedback_in(conn, sid)),
    )
    _checkpoint("rejection-recorded")
    reason_file = reject_file(share, item.path, item.relative, reason)
    files = write_feedback_files(engine, share, submission_id) if record is not None else ()
    release_claim(share, item.sha256)
    return IntakeResult(
        shown, sha, "rejected", submission_id, queued[0].unit_name if queued else None, 0, 0,
        reason, str(reason_file), files, queued[0].new_alert_ids if queued else (),
    )  # fmt: skip


def load_inbox_file(
    engine: Any,
    share: Share,
    item: InboxFile,
    record: Record,
    findings: Sequence[Finding],
    *,
    received_at: datetime,
) -> IntakeResult:
    """Load one checked report with its feedback queued in the same transaction, then write the
    feedback files and archive the original.

    A report the warehouse refuses (`RejectedReport`) is rejected like an unreadable one. Any
    other failure (warehouse down, disk full) raises and leaves the file in the inbox. Each step
    is idempotent and the feedback is committed with the load, so a run that stopped half-way
    is completed by the next one: the hash is then already loaded, and the scan rewrites the
    feedback files and archives the file (`settle_scan`).
    """

    try:
        return _load_inbox_file(engine, share, item, record, findings, received_at=received_at)
    finally:
        release_claim(share, item.sha256)  # loaded, rejected, or failed: the next run may retry


def _load_inbox_file(
    engine: Any,
    share: Share,
    item: InboxFile,
    record: Record,
    findings: Sequence[Finding],
    *,
    received_at: datetime,
) -> IntakeResult:
    from selfeval.alerts.outbox import Queued, queue_feedback_in, write_feedback_files
    from selfeval.errors import RejectedReport
    from selfeval.warehouse import load_submission

    shown = encodable_name(item.relative)
    queued: list[Queued] = []

    def queue_within(conn: Any, submission_id: int) -> None:
        queued.append(queue_feedback_in(conn, submission_id))
        _checkpoint("queued")  # inside the transaction, before the commit

    try:
        loaded = load_submission(
            engine,
            record,
            findings,
            received_at=received_at,
            file_name=shown,
            within=queue_within,
        )
    except RejectedReport as exc:
        return reject_inbox_file(
            engine, share, item, exc.reason, received_at=received_at, record=record
        )
    _checkpoint("loaded")
    files = write_feedback_files(engine, share, loaded.submission_id)
    _checkpoint("feedback-written")
    # archive the bytes that were loaded; a file saved over since then waits for the next scan
    archived = archive_file(share, replace(item, sha256=record.source.sha256))
    _checkpoint("archived")
    every = (*findings, *loaded.findings)
    return IntakeResult(
        relative=shown,
        sha256=record.source.sha256,
        outcome="loaded" if loaded.status == "loaded" else "duplicate",
        submission_id=loaded.submission_id,
        unit_name=queued[-1].unit_name if queued else None,
        errors=sum(1 for f in every if f.severity == "error"),
        warnings=sum(1 for f in every if f.severity == "warning"),
        reason=None
        if archived
        else "changed since it was read: left in the inbox for the next run",
        stored_at=str(archived) if archived else None,
        feedback_files=files,
        new_alert_ids=queued[-1].new_alert_ids if queued else (),
    )


# --- claims: one run owns a file from its scan to its final state ----------------------------


def _claim_path(share: Share, sha256: str) -> Path:
    return share.root / settings.CLAIMS_DIR / sha256


def claim(share: Share, sha256: str, *, owner: str, now: float | None = None) -> bool:
    """Claim the file with this hash for the run `owner`; False when another run holds it.

    The intake and the annual DAG scan the same inbox: a claimed file is not processed (nor
    rejected as missing) by the other. A claim of an earlier run of the same DAG (owners are
    "<dag_id>/<run_id>", one run at a time), or older than `settings.CLAIM_STALE_SECONDS`, is
    from a run that died and is taken over.
    """
    path = _claim_path(share, sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    when = time.time() if now is None else now
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        try:
            held = path.read_text(encoding="utf-8").split("\n")[0]
            age = when - path.stat().st_mtime
        except FileNotFoundError:
            return claim(share, sha256, owner=owner, now=now)  # released meanwhile
        if held == owner:
            return True
        # Owners are "<dag_id>/<run_id>" and a DAG runs once at a time: a claim of an earlier
        # run of the same DAG is left over from a run that died, as is any stale claim.
        same_flow = held.partition("/")[0] == owner.partition("/")[0]
        if not same_flow and age < settings.CLAIM_STALE_SECONDS:
            return False
        tmp = path.with_name(f".{sha256}.{os.getpid()}")
        tmp.write_text(f"{owner}\n", encoding="utf-8")
        os.replace(tmp, path)
        return True
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"{owner}\n")
    return True


def release_claim(share: Share, sha256: str) -> None:
    """Give the file with this hash up (it reached its final state, or was deferred)."""
    with contextlib.suppress(FileNotFoundError):
        _claim_path(share, sha256).unlink()


def claim_scan(share: Share, scan: InboxScan, *, owner: str) -> InboxScan:
    """The part of `scan` this run owns: new files and copies it could claim, all refused ones."""
    return InboxScan(
        new=tuple(f for f in scan.new if claim(share, f.sha256, owner=owner)),
        duplicates=tuple(f for f in scan.duplicates if claim(share, f.sha256, owner=owner)),
        refused=scan.refused,
    )


def settle_scan(
    share: Share, scan: InboxScan, *, processed: Collection[str], engine: Any = None
) -> list[str]:
    """Move what a scan will not process out of the inbox: refused files to rejected/, copies of
    already-processed files to archive/ (or rejected/ when that hash was rejected). A second copy
    of a file not loaded yet stays for the next run, so it shares the fate of the first.

    With `engine`, a copy of a processed file also completes what a run that died half-way left
    undone: the feedback files are (re)written and a rejected file gets its reason. Returns one
    line per move.
    """
    done: list[str] = []
    for refused in scan.refused:
        reject_file(share, refused.path, refused.relative, refused.reason)
        done.append(f"rejected {encodable_name(refused.relative)}: {refused.reason}")
    for duplicate in scan.duplicates:
        if duplicate.sha256 in processed and Path(duplicate.path).exists():
            state = None if engine is None else _processed_state(engine, duplicate.sha256)
            if state is not None and state[1] == "rejected":
                reject_file(share, duplicate.path, duplicate.relative, state[2] or "rejected")
                if state[3]:
                    _rewrite_feedback(engine, share, state[0])
                done.append(
                    f"rejected copy of a rejected file {encodable_name(duplicate.relative)}"
                )
            else:
                if state is not None:
                    _rewrite_feedback(engine, share, state[0])
                archive_file(share, duplicate)
                done.append(f"archived copy of a loaded file {encodable_name(duplicate.relative)}")
        if duplicate.sha256 in processed:
            # A copy of a file new in this scan shares that file's claim: it is kept.
            release_claim(share, duplicate.sha256)
    return done


def _processed_state(engine: Any, sha256: str) -> tuple[int, str, str | None, bool] | None:
    """(submission id, status, rejection reason, has a record) of a processed hash."""
    from sqlalchemy import exists, select

    from selfeval.warehouse.schema import finding, submission

    told = exists().where(finding.c.submission_id == submission.c.submission_id)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                submission.c.submission_id,
                submission.c.status,
                submission.c.rejection_reason,
                told.label("has_record"),
            ).where(submission.c.sha256 == sha256)
        ).first()
    if row is None:
        return None
    return int(row.submission_id), str(row.status), row.rejection_reason, bool(row.has_record)


def _rewrite_feedback(engine: Any, share: Share, submission_id: int) -> None:
    from selfeval.alerts.outbox import write_feedback_files

    write_feedback_files(engine, share, submission_id)


# --- one intake, in one process -------------------------------------------------------------


def intake_once(
    engine: Any,
    share: Share,
    *,
    owner: str,
    suites_dir: Path | None = None,
    scanned_at: datetime | None = None,
) -> list[IntakeResult]:
    """What one run of the intake DAG does, in one process: scan and claim the inbox, settle
    refused files and copies, read each new file, check the readable ones in one batch (a
    report the checks crash on is rejected alone), load or reject each. One result per new
    file this run claimed, in scan order; the DAG runs the same steps as separate tasks."""
    from selfeval.pipeline import check_isolated

    when = scanned_at or datetime.now(UTC)
    done = processed_hashes(engine)
    found = claim_scan(share, scan_inbox(share, processed=done), owner=owner)
    settle_scan(share, found, processed=done, engine=engine)
    results: dict[int, IntakeResult] = {}
    readable: list[tuple[int, InboxFile, Record]] = []
    for i, item in enumerate(found.new):
        read = read_inbox_file(engine, share, item, received_at=item.arrived_at(when))
        if isinstance(read, IntakeResult):
            results[i] = read
        else:
            readable.append((i, item, read))
    checked = check_isolated([record for _, _, record in readable], suites_dir)
    for (i, item, record), findings in zip(readable, checked, strict=True):
        received_at = item.arrived_at(when)
        if isinstance(findings, str):
            results[i] = reject_inbox_file(
                engine, share, item, findings, received_at=received_at, record=record
            )
        else:
            checked_findings: Sequence[Finding] = findings
            results[i] = load_inbox_file(
                engine, share, item, record, checked_findings, received_at=received_at
            )
    return [results[i] for i in range(len(found.new))]
