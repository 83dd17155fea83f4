"""The `selfeval` sub-commands, one module each (see `selfeval.cli`)."""

from __future__ import annotations

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
