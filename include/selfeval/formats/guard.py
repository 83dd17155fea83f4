"""Checks run on a file's bytes before any parser sees them, so hostile files stay inert.

They read only what a ZIP's central directory declares and byte patterns; no XML is parsed
here. Declared sizes are binding: Python's zipfile never inflates a part beyond its declared
size, so the limits below also bound what the parsers decompress.
"""

from __future__ import annotations

import io
import re
import zipfile

from selfeval import settings
from selfeval.errors import UnreadableReport

_DOCTYPE = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)
_DOCTYPE_UTF16 = tuple("<!DOCTYPE".encode(e) for e in ("utf-16-le", "utf-16-be")) + tuple(
    "<!doctype".encode(e) for e in ("utf-16-le", "utf-16-be")
)
_RATIO_FLOOR = 256 * 1024  # parts smaller than this cannot bomb anything


def guard_zip(data: bytes, path: str) -> list[str]:
    """The part names of a ZIP (Office) file, after checking it is no bomb and has no DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableReport(path, f"is a damaged ZIP/Office file ({exc})") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > settings.ZIP_MAX_ENTRIES:
            raise UnreadableReport(
                path,
                f"is a ZIP/Office file with {len(infos)} parts "
                f"(limit {settings.ZIP_MAX_ENTRIES}): not a report",
            )
        total = sum(info.file_size for info in infos)
        if total > settings.ZIP_MAX_UNCOMPRESSED_BYTES:
            raise UnreadableReport(
                path,
                f"is a ZIP/Office file that expands to {total} bytes "
                f"(limit {settings.ZIP_MAX_UNCOMPRESSED_BYTES}): not a report",
            )
        for info in infos:
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > _RATIO_FLOOR and ratio > settings.ZIP_MAX_RATIO:
                raise UnreadableReport(
                    path,
                    f"is a ZIP/Office file whose part {info.filename!r} expands {ratio:.0f} times "
                    f"(limit {settings.ZIP_MAX_RATIO}): a ZIP bomb, not a report",
                )
            if info.flag_bits & 0x1:
                raise UnreadableReport(path, "is a password-protected ZIP file: send it without")
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                part = archive.read(info)
            except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
                raise UnreadableReport(path, f"is a damaged ZIP/Office file ({exc})") from exc
            if _DOCTYPE.search(part) or any(d in part for d in _DOCTYPE_UTF16):
                raise UnreadableReport(
                    path,
                    f"is an Office file whose part {info.filename!r} declares a DTD "
                    "(<!DOCTYPE>/<!ENTITY>), which Office never writes: refused as hostile",
                )
        return [info.filename for info in infos]
