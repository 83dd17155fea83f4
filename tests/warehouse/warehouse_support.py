"""Constants and helpers the warehouse tests import (fixtures are in conftest.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

UNITS_CSV = """单位名称,别名,所属区,联系邮箱
广州市番禺区人民政府钟村街道办事处,钟村街道;钟村街、钟村街道办事处,番禺区,zhongcun@example.org
广州市荔湾区人民政府白鹤洞街道办事处,白鹤洞街道、白鹤洞街,荔湾区,baihedong@example.org;caiwu@example.org
"""

# On time: before 31 March 2025, Beijing time.
RECEIVED = datetime.fromisoformat("2025-03-20T10:00:00+08:00")
RECEIVED_LATE = datetime.fromisoformat("2025-04-10T09:00:00+08:00")

# The newest migration: what `selfeval db upgrade` leaves a warehouse at.
HEAD = "0007"

FACT_TABLES = (
    "unit",
    "unit_alias",
    "submission",
    "composition",
    "composition_part",
    "execution",
    "score",
    "section_score",
    "indicator",
    "carryover",
    "yoy_change",
    "finding",
    "alert_outbox",
)


def rows(engine: Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]
