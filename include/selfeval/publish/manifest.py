"""manifest.json: what was published, from which submissions, when, with file checksums."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from selfeval import jsonio
from selfeval.publish.queries import VIEW_COLUMNS, DistrictData, Value
from selfeval.publish.sheets import Sheet

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _json_value(value: Value) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def build_manifest(
    data: DistrictData,
    sheets: tuple[Sheet, ...],
    files: dict[str, Path],
    *,
    now: datetime,
) -> dict[str, Any]:
    """The manifest as plain data; `files` maps a role (xlsx, html, csv:<slug>) to its path."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "fiscal_year": data.fiscal_year,
        "published_at": now.isoformat(),
        "generator": "selfeval.publish",
        "views": sorted(VIEW_COLUMNS),
        "submissions": [
            {
                "submission_id": s["submission_id"],
                "unit_id": s["unit_id"],
                "unit_name": s["unit_name"],
                "version": s["version"],
                "sha256": s["sha256"],
                "file_name": s["file_name"],
                "received_at": _json_value(s["received_at"]),
                "on_time": None if s["on_time"] is None else bool(s["on_time"]),
            }
            for s in data.submissions
        ],
        "sheets": [{"name": s.name, "slug": s.slug, "rows": len(s.rows)} for s in sheets],
        "files": [
            {
                "role": role,
                "name": path.name,
                "bytes": path.stat().st_size,
                "sha256": sha256_file(path),
            }
            for role, path in files.items()
        ],
    }


def write_manifest(manifest: dict[str, Any], path: Path) -> None:
    path.write_text(jsonio.dumps(manifest) + "\n", encoding="utf-8")
