"""The shared folder submitters drop reports into: its layout and the file-system work on it
(scan, read the bytes scanned, archive, reject, claim). No SQL and no reading of reports: the
order of the steps and the warehouse belong to `selfeval.intake`.

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
import hashlib
import json
import os
import shutil
import stat
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from selfeval import settings
from selfeval.errors import ChangedSinceScan, ConfigError, SelfevalError, UnreadableReport
from selfeval.names import encodable_name, safe_name
from selfeval.refusals import too_large

# Files an editor or a copy in progress leaves behind: picking them up would load half a report.
_TRANSIENT_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp")
_TRANSIENT_PREFIXES = (".", "~$", "~")
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

    Reading it later (`read_scanned_bytes`, perhaps on another machine) checks the bytes
    against `sha256`, not the device and inode: a network file system numbers devices per
    client. `mtime_ns` is when it arrived, which orders versions (0 when unknown).
    """

    path: str
    relative: str
    sha256: str
    size: int
    mtime_ns: int = 0

    @property
    def name(self) -> str:
        return Path(self.relative).name

    def to_dict(self, *, portable: bool = False) -> dict[str, Any]:
        """Plain JSON form, to pass between Airflow tasks; `portable` leaves out the path on this
        machine (the receiver finds the file under its own inbox: `inbox_file_from_dict`)."""
        return {
            **({} if portable else {"path": self.path}),
            "relative": self.relative,
            "sha256": self.sha256,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
        }

    def arrived_at(self, scanned_at: datetime) -> datetime:
        """When the file reached the inbox: its modification time, never later than the scan."""
        if not self.mtime_ns:
            return scanned_at
        return min(datetime.fromtimestamp(self.mtime_ns / 1e9, tz=UTC), scanned_at)


def inbox_file_from_dict(d: Mapping[str, Any], inbox: Path | None = None) -> InboxFile:
    """The file `to_dict` describes; with `inbox`, the one at its relative path there."""
    return InboxFile(
        path=str(d["path"] if inbox is None else inbox / d["relative"]),
        relative=str(d["relative"]),
        sha256=str(d["sha256"]),
        size=int(d["size"]),
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


# --- scanning ------------------------------------------------------------------------------------


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def is_transient(name: str) -> bool:
    """A hidden file or one an upload or an editor is still writing (~$x.docx, x.part …)."""
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


def walk_folder(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every entry below `folder` as (path, relative), sorted, never following symbolic links;
    hidden folders skipped. The inbox scan and `selfeval check FOLDER` both walk this way."""
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
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
            yield path, path.relative_to(folder).as_posix()


def scan_inbox(share: Share, *, processed: Collection[str] = frozenset()) -> InboxScan:
    """Find report candidates in inbox/ (recursively), by content hash. Reads, never moves.

    `processed` holds the hashes already in the warehouse (`warehouse.processed_hashes`); a file
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
    for path, relative in walk_folder(share.inbox):
        try:
            relative.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are no text cannot travel between tasks as JSON
            refused.append(
                Refused(str(path), relative, "the file name is not valid text (UTF-8): rename it")
            )
            continue
        if is_transient(path.name):
            # An upload or an editor's file in progress; one left for hours is told, not ignored.
            try:
                why = _transient_reason(path.name, path.lstat(), now)
            except FileNotFoundError:
                continue
            if why is not None:
                refused.append(Refused(str(path), relative, why))
            continue
        found = inspect_file(path, relative)
        if found is None:
            continue  # removed while we were scanning: nothing to do
        if isinstance(found, Refused):
            refused.append(found)
        elif found.sha256 in seen:
            duplicates.append(found)
        else:
            seen.add(found.sha256)
            new.append(found)
    return InboxScan(tuple(new), tuple(duplicates), tuple(refused))


def inspect_file(path: Path, relative: str) -> InboxFile | Refused | None:
    """One candidate: hashed when it is a regular file of its own within the size limit, else
    refused without being opened; None when it is gone. The scan and `selfeval load` both ask."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return Refused(str(path), relative, "a symbolic link, not a file")
    if not stat.S_ISREG(info.st_mode):
        return Refused(str(path), relative, "not a regular file")
    if info.st_nlink > 1:
        return Refused(str(path), relative, _HARD_LINK)
    if info.st_size > settings.MAX_REPORT_BYTES:
        return Refused(str(path), relative, too_large(info.st_size))
    try:
        digest = file_sha256(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Refused(str(path), relative, f"cannot be read: {exc.strerror or exc}")
    return InboxFile(
        path=str(path),
        relative=relative,
        sha256=digest,
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
    )


def read_scanned_bytes(item: InboxFile) -> bytes:
    """The bytes of the very file the scan found, read without following links.

    Raises `ChangedSinceScan` when the path is gone or holds another file now (the next scan
    sees it afresh) and `UnreadableReport` when it is a link, not a regular file of its own, or
    too large.
    """
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
        data = handle.read(settings.MAX_REPORT_BYTES + 1)
    if len(data) > settings.MAX_REPORT_BYTES:
        limit = settings.MAX_REPORT_BYTES
        raise UnreadableReport(
            name, f"too large for a report (over {limit} bytes; the limit is {limit} bytes)"
        )
    # The bytes, not the inode, say whether this is the file scanned: the task may run on
    # another machine, whose mount of the share has its own device numbers (and, on some
    # network file systems, its own inode numbers). A copy of the same bytes is the same report.
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise ChangedSinceScan(name, "replaced since the scan: left for the next run")
    return data


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


def _store(source: Path, target: Path, *, keep_original: bool) -> None:
    """Move `source` to `target`, or with `keep_original` copy it there (atomically as well)."""
    if not keep_original:
        _move(source, target)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def archive_path(share: Share, sha256: str, name: str) -> Path:
    """Where the original with this hash and name is kept: archive/<aa>/<sha256>__<name>."""
    return share.archive / sha256[:2] / f"{sha256}__{safe_name(name)}"


def archive_file(share: Share, item: InboxFile, *, keep_original: bool = False) -> Path | None:
    """Move a processed original into archive/, keyed by its hash, and record where it came from.

    The sidecar <archived>.json lists every arrival (original relative path, time). A second
    copy with identical bytes and name adds an arrival and is not stored twice. A file whose
    bytes changed since the scan (a corrected report saved over it) is not the one that was
    loaded: it stays in the inbox for the next run, and None is returned. A file already
    archived by another run (the annual DAG and the intake can meet) is not an error. With
    `keep_original` (files named on the command line, not dropped in the inbox) a copy is
    archived and the original left where it is.
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
    if not target.exists():
        _store(source, target, keep_original=keep_original)
    elif not keep_original:
        source.unlink()  # identical bytes are already kept under this very name
    meta = {"sha256": digest, "size": target.stat().st_size, "arrivals": arrivals}
    sidecar.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def reject_file(
    share: Share,
    path: str | os.PathLike[str],
    relative: str,
    reason: str,
    *,
    keep_original: bool = False,
) -> Path:
    """Move an unusable file to rejected/ and write <name>.reason.txt beside it.

    Returns the reason file. A file that vanished meanwhile still gets its reason written, so the
    submitter learns what happened. With `keep_original` a copy goes to rejected/ and the file
    (a link or special file included) is left where it is.
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
        _store(source, target, keep_original=keep_original)
        kept = target.name
    elif info is not None and keep_original:
        kept = "not kept (a link or special file)"
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
