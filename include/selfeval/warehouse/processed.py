"""What the warehouse already holds of a file, by content hash: the intake asks before it reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True, slots=True)
class Processed:
    """The submission a processed hash became."""

    submission_id: int
    status: str  # "accepted" | "superseded" | "rejected"
    rejection_reason: str | None
    has_record: bool  # findings were stored, so there is feedback to (re)write


def processed_hashes(engine: Engine) -> set[str]:
    """The content hashes the warehouse already holds (table `submission`, column sha256)."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import submission

    with engine.connect() as conn:
        return {str(sha) for sha in conn.execute(select(submission.c.sha256)).scalars()}


def processed_state(engine: Engine, sha256: str) -> Processed | None:
    """The submission the file with this hash became, or None when it is new."""
    from sqlalchemy import exists, select

    from selfeval.warehouse.schema import finding, submission

    told = exists().where(finding.c.submission_id == submission.c.submission_id)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                submission.c.submission_id,
                submission.c.status,
                submission.c.rejection_reason,
                told.label("has_record"),
            ).where(submission.c.sha256 == sha256)
        ).first()
    if row is None:
        return None
    return Processed(
        int(row.submission_id), str(row.status), row.rejection_reason, bool(row.has_record)
    )
