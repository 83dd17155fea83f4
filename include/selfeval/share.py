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

import hashlib
import json
import os
import shutil
import stat
import unicodedata
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfeval import settings
from selfeval.errors import ConfigError, SelfevalError, encodable_name

if TYPE_CHECKING:
    from selfeval.findings import Finding
    from selfeval.record import Record

# Files an editor or a copy in progress leaves behind: picking them up would load half a report.
_TRANSIENT_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp")
_TRANSIENT_PREFIXES = (".", "~$", "~")
# 255 bytes is the usual file-name limit; keep well under it so prefixes and suffixes still fit.
_SAFE_NAME_MAX_BYTES = 120
_SUFFIX_MAX_CHARS = 12


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
    """A candidate report found in the inbox, with the hash of its bytes at scan time."""

    path: str
    relative: str
    sha256: str
    size: int

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
        }


def inbox_file_from_dict(d: Mapping[str, Any]) -> InboxFile:
    return InboxFile(
        path=str(d["path"]),
        relative=str(d["relative"]),
        sha256=str(d["sha256"]),
        size=int(d["size"]),
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
            if _is_transient(name):
                continue
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
        if stat.S_ISLNK(info.st_mode):
            refused.append(Refused(str(path), relative, "a symbolic link, not a file"))
            continue
        if not stat.S_ISREG(info.st_mode):
            refused.append(Refused(str(path), relative, "not a regular file"))
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
        item = InboxFile(path=str(path), relative=relative, sha256=digest, size=info.st_size)
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
    if source.is_symlink() or source.exists():
        if source.is_file() and not source.is_symlink():
            try:
                digest = file_sha256(source)
            except OSError:
                digest = None
        _move(source, target)
    reason_file = _reason_path(target)
    lines = [
        f"file: {encodable_name(relative)}",
        f"reason: {reason}",
        f"sha256: {digest or '-'}",
        f"rejected_at: {_now()}",
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
    outcome: str  # "loaded" | "duplicate" | "rejected"
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


def read_inbox_file(
    engine: Any, share: Share, item: InboxFile, *, received_at: datetime
) -> Record | IntakeResult:
    """Extract one inbox file; an unreadable one is rejected here and its result returned.

    A rejection is an outcome, not a failure: the file is recorded as a rejected submission
    and moved to rejected/ with its reason.
    """
    from selfeval.errors import UnreadableReport
    from selfeval.extract import extract_file
    from selfeval.warehouse import record_rejection

    try:
        return extract_file(item.path)
    except UnreadableReport as exc:
        submission_id = record_rejection(
            engine,
            sha256=item.sha256,
            file_name=encodable_name(item.relative),
            reason=exc.reason,
            received_at=received_at,
        )
        reason_file = reject_file(share, item.path, item.relative, exc.reason)
        return IntakeResult(
            encodable_name(item.relative), item.sha256, "rejected", submission_id, None, 0, 0,
            exc.reason, str(reason_file), (), (),
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
    """Load one checked report, queue its feedback, then archive the original.

    Anything that goes wrong (warehouse down, disk full) raises and leaves the file in the inbox
    for the next run. Each step is idempotent, so a run that stopped half-way is completed by
    the next one: the file's hash is then already loaded, and only the feedback and the
    archiving are (re)done.
    """
    from selfeval.alerts import queue_feedback
    from selfeval.warehouse import load_submission

    shown = encodable_name(item.relative)
    loaded = load_submission(engine, record, findings, received_at=received_at, file_name=shown)
    queued = queue_feedback(engine, share, loaded.submission_id)
    # archive the bytes that were loaded; a file saved over since then waits for the next scan
    archived = archive_file(share, replace(item, sha256=record.source.sha256))
    every = (*findings, *loaded.findings)
    return IntakeResult(
        relative=shown,
        sha256=record.source.sha256,
        outcome="loaded" if loaded.status == "loaded" else "duplicate",
        submission_id=loaded.submission_id,
        unit_name=queued.unit_name,
        errors=sum(1 for f in every if f.severity == "error"),
        warnings=sum(1 for f in every if f.severity == "warning"),
        reason=None
        if archived
        else "changed since it was read: left in the inbox for the next run",
        stored_at=str(archived) if archived else None,
        feedback_files=queued.feedback_files,
        new_alert_ids=queued.new_alert_ids,
    )


def settle_scan(share: Share, scan: InboxScan, *, processed: Collection[str]) -> list[str]:
    """Move what a scan will not process out of the inbox: refused files to rejected/, copies of
    already-loaded files to archive/. A second copy of a file not loaded yet stays for the next
    run, so it shares the fate (archive or rejected) of the first. Returns one line per move."""
    done: list[str] = []
    for refused in scan.refused:
        reject_file(share, refused.path, refused.relative, refused.reason)
        done.append(f"rejected {encodable_name(refused.relative)}: {refused.reason}")
    for duplicate in scan.duplicates:
        if duplicate.sha256 in processed and Path(duplicate.path).exists():
            archive_file(share, duplicate)
            done.append(f"archived copy of a loaded file {encodable_name(duplicate.relative)}")
    return done
