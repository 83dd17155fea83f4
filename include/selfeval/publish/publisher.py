"""publish_district_summary: read the views once, write every file, swap the year in atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from selfeval import settings
from selfeval.errors import NothingToPublish, PublishError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What one publication wrote: the year folder, its files and where the figures came from."""

    fiscal_year: int
    folder: Path
    files: tuple[Path, ...]
    manifest: Path
    published_at: datetime
    submissions: int
    units_missing: int


def file_names(year: int) -> dict[str, str]:
    """Role -> file name inside published/<year>/ (public: docs/publish.md)."""
    from selfeval.publish.sheets import SHEET_SLUGS

    stem = f"{settings.PUBLISH_FILE_PREFIX}_{year}"
    names = {"xlsx": f"{stem}.xlsx", "html": f"{stem}.html"}
    names.update({f"csv:{slug}": f"{stem}_{slug}.csv" for slug in SHEET_SLUGS.values()})
    return names


def publish_district_summary(
    engine: Engine, share: Path, year: int, *, now: datetime | None = None, draft: bool = False
) -> PublishResult:
    """Publish fiscal year `year` from the warehouse views into <share>/published/<year>/, or
    with `draft` into <share>/drafts/<year>/ (the same files, for a person to look at before
    approving the real publication; the published folder is not touched).

    Safe to re-run: the year's folder is rebuilt beside the old one and swapped in by rename, so
    a reader sees either the previous complete set of files or the new one.
    """
    from selfeval.publish.csvs import write_csv
    from selfeval.publish.html import render_html
    from selfeval.publish.manifest import MANIFEST_NAME, build_manifest, write_manifest
    from selfeval.publish.queries import read_district
    from selfeval.publish.sheets import build_sheets, status_of
    from selfeval.publish.workbook import write_workbook

    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise PublishError(f"fiscal year must be a four-digit year, got {year!r}")
    if now is None:
        now = datetime.now(ZoneInfo(settings.DAG_TIMEZONE))
    elif now.tzinfo is None:
        raise PublishError("now must be timezone-aware (the manifest records when, unambiguously)")
    share = Path(share)
    if not share.is_dir():
        raise PublishError(f"{share}: the shared folder does not exist or is not a folder")
    published = share / (settings.DRAFTS_DIR if draft else settings.PUBLISHED_DIR)
    target = published / str(year)
    if target.exists() and not target.is_dir():
        raise PublishError(f"{target}: exists and is not a folder")

    data = read_district(engine, year)
    if data.summary is None and not data.scorecard and not data.missing:
        raise NothingToPublish(
            f"the warehouse has no registered unit and no submission for fiscal year {year}"
        )
    sheets = build_sheets(data, now=now)
    names = file_names(year)
    title = f"{year}年度部门整体支出绩效自评汇总"

    published.mkdir(parents=True, exist_ok=True)
    with _year_lock(published, year):
        _remove_leftovers(published, year)
        work = Path(tempfile.mkdtemp(prefix=f".{year}.building-", dir=published))
        try:
            paths = {role: work / name for role, name in names.items()}
            for sheet in sheets:
                write_csv(sheet, paths[f"csv:{sheet.slug}"])
            status = status_of(data)
            write_workbook(sheets, paths["xlsx"], title=title, now=now, status=status)
            html = render_html(
                sheets, year=year, now=now, submissions=len(data.submissions), status=status
            )
            paths["html"].write_text(html, encoding="utf-8")
            manifest = build_manifest(data, sheets, paths, now=now)
            write_manifest(manifest, work / MANIFEST_NAME)
            _fsync_tree(work)
            os.chmod(work, 0o755)  # mkdtemp makes it 0700; readers on the share need to list it
            _swap_in(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    files = tuple(target / name for name in names.values())
    return PublishResult(
        fiscal_year=year,
        folder=target,
        files=files,
        manifest=target / MANIFEST_NAME,
        published_at=now,
        submissions=len(data.submissions),
        units_missing=len(data.missing),
    )


@contextlib.contextmanager
def _year_lock(published: Path, year: int) -> Iterator[None]:
    """Serialise publications of one year (two DAG runs, or the CLI during a run)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, the rename swap still keeps files whole
        yield
        return
    with (published / f".{year}.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_leftovers(published: Path, year: int) -> None:
    # Under the lock, any build or old folder of this year is from a run that died half-way.
    for pattern in (f".{year}.building-*", f".{year}.old-*"):
        for path in published.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some platforms cannot open a directory; the data files are synced already
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def _swap_in(new: Path, target: Path) -> None:
    """Make `new` the year folder. The old files are never rewritten in place."""
    if not target.exists():
        os.rename(new, target)
    elif _exchange(new, target):
        shutil.rmtree(new)  # `new` now holds the previous publication
    else:
        # Two renames: between them the folder is briefly absent, never half-written.
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
        os.rename(new, target)
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(target.parent)
