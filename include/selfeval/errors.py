"""One exception class per failure kind. All are picklable: they cross Airflow worker processes."""

from __future__ import annotations

from selfeval.names import display_name


class SelfevalError(Exception):
    """Base class: every error selfeval raises on purpose."""


class UnreadableReport(SelfevalError):
    """A submitted file cannot be read as a report (missing, a directory, binary, empty, undecodable)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{display_name(self.path)}: {self.reason}"


class RejectedReport(UnreadableReport):
    """A readable report the warehouse will not accept as it is (a figure beyond range or
    precision, a NUL character, a value the database refuses): rejected with the reason."""


class ReaderFailed(UnreadableReport):
    """Reading a report crashed or exceeded its CPU or memory limit: that report is rejected."""


class ChangedSinceScan(UnreadableReport):
    """The inbox file is no longer the one the scan found (replaced or removed): left for the
    next run, which sees it afresh."""


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


class NothingToPublish(PublishError):
    """The warehouse has no registry unit and no submission for the year: nothing to publish."""


class ConfigError(SelfevalError):
    """A required setting (share folder, warehouse URL, connection) is missing or wrong."""
