"""Feedback files: feedback/<unit>/<stem>.md and .html, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from selfeval.alerts.render import Rendered
from selfeval.names import safe_name

if TYPE_CHECKING:
    from selfeval.share import Share

UNMATCHED_UNIT_DIR = "未识别单位"


def unit_folder(share: Share, unit_name: str | None) -> Path:
    """feedback/<unit>/: the unit name made safe, or a folder for reports naming no known unit."""
    return share.feedback / safe_name(unit_name or UNMATCHED_UNIT_DIR)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_feedback(
    share: Share, unit_name: str | None, stem: str, rendered: Rendered
) -> tuple[Path, Path]:
    """Write the Markdown and HTML forms; returns (markdown, html)."""
    folder = unit_folder(share, unit_name)
    name = safe_name(stem)
    md, page = folder / f"{name}.md", folder / f"{name}.html"
    write_atomic(md, rendered.markdown)
    write_atomic(page, rendered.html)
    return md, page
