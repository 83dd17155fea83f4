"""One exception class per failure kind. All are picklable: they cross Airflow worker processes."""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """`text` with control and bidi-override characters escaped, safe to print in one line."""
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )


class SelfevalError(Exception):
    """Base class: every error selfeval raises on purpose."""


class UnreadableReport(SelfevalError):
    """A submitted file cannot be read as a report (missing, a directory, binary, empty, undecodable)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{printable(self.path)}: {self.reason}"


class SuiteError(SelfevalError):
    """An expectation suite in expectations/ is missing or malformed."""


class WarehouseError(SelfevalError):
    """The warehouse cannot be reached, migrated or written."""


class RegistryError(SelfevalError):
    """The unit registry (units.csv) is missing or malformed."""


class AlertError(SelfevalError):
    """An alert could not be rendered or delivered."""


class PublishError(SelfevalError):
    """A district summary could not be published."""


class ConfigError(SelfevalError):
    """A required setting (share folder, warehouse URL, connection) is missing or wrong."""
