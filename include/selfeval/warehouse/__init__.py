"""The SQL warehouse: schema, migrations, unit registry, versioned loading and consumer views.

`import selfeval.warehouse` stays cheap: SQLAlchemy and Alembic load when a function is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from selfeval.warehouse.db import connect, grant_reader, resolve_url, upgrade
    from selfeval.warehouse.load import LoadResult, load_submission, record_rejection
    from selfeval.warehouse.processed import Processed, processed_hashes, processed_state
    from selfeval.warehouse.registry import load_units, match_unit

_EXPORTS = {
    "connect": "db",
    "resolve_url": "db",
    "upgrade": "db",
    "grant_reader": "db",
    "load_units": "registry",
    "match_unit": "registry",
    "LoadResult": "load",
    "load_submission": "load",
    "record_rejection": "load",
    "Processed": "processed",
    "processed_hashes": "processed",
    "processed_state": "processed",
}

__all__ = [
    "LoadResult",
    "Processed",
    "connect",
    "grant_reader",
    "load_submission",
    "load_units",
    "match_unit",
    "processed_hashes",
    "processed_state",
    "record_rejection",
    "resolve_url",
    "upgrade",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'selfeval.warehouse' has no attribute {name!r}")
    return getattr(importlib.import_module(f"selfeval.warehouse.{module}"), name)
