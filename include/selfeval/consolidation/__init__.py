"""The consolidation view: units × years (submitted, on time, late, missing, rejected, open
errors), and per unit its open findings with their quotes and what to fix and its rejected
files with the reasons, as Chinese HTML pages. Reads the warehouse, writes nothing; no Airflow
(the plugin in plugins/ hands in the runs to link to, as `Run`s).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from selfeval.consolidation.queries import (
    Cell,
    Matrix,
    Rejection,
    Run,
    UnitDetail,
    UnitKey,
    read_matrix,
    read_unit,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = [
    "Cell",
    "Matrix",
    "Rejection",
    "Run",
    "UnitDetail",
    "UnitKey",
    "consolidation_page",
    "read_matrix",
    "read_unit",
    "unit_detail_page",
]


def consolidation_page(engine: Engine, runs: Sequence[Run] = ()) -> str:
    """The matrix page of the warehouse behind `engine`."""
    from selfeval.consolidation.pages import matrix_page

    return matrix_page(read_matrix(engine), runs)


def unit_detail_page(engine: Engine, key: UnitKey, runs: Sequence[Run] = ()) -> str | None:
    """One unit's page, or None when the warehouse knows no such unit."""
    from selfeval.consolidation.pages import unit_page

    detail = read_unit(engine, key)
    return None if detail is None else unit_page(detail, runs)
