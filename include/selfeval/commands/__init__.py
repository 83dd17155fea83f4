"""The `selfeval` sub-commands, one module each (see `selfeval.cli`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from selfeval import settings
from selfeval.errors import ConfigError
from selfeval.share import Share, resolve_share


def optional_share(value: Path | None) -> Share | None:
    """The share from --share, else $SELFEVAL_SHARE (`resolve_share`); None when neither is set.

    For commands that can work without a share (a warehouse URL is enough). A share that is set
    but unusable (not a directory) is still an error.
    """
    try:
        return resolve_share(value)
    except ConfigError:
        if value is not None or os.environ.get(settings.SHARE_ENV, "").strip():
            raise
        return None


def add_location_arguments(parser: argparse.ArgumentParser) -> None:
    """--warehouse and --share, worded the same for every command that takes them."""
    parser.add_argument(
        "--warehouse",
        metavar="URL",
        help=f"SQLAlchemy URL (default: ${settings.WAREHOUSE_URL_ENV}, else <share>/warehouse.db)",
    )
    parser.add_argument(
        "--share", type=Path, help=f"the shared folder (default: ${settings.SHARE_ENV})"
    )


def add_suites_argument(parser: argparse.ArgumentParser) -> None:
    """--suites DIR, for the commands that run the checks (`check`, `serve`)."""
    parser.add_argument(
        "--suites",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of expectation suites (default: $SELFEVAL_EXPECTATIONS_DIR or expectations/)",
    )
