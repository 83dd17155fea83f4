"""The versions of one unit's report for one year: numbered by arrival, the latest current.

Shared by the load (a new file) and the registry (held reports re-matched to their unit).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from selfeval.dates import local

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def utc(moment: datetime) -> datetime:
    return local(moment).astimezone(UTC)  # a naive time is a local time of the district


def versions_of(conn: Connection, same: list[Any]) -> Sequence[Any]:
    """The accepted and superseded submissions of one unit (or unmatched name) and year."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import submission

    return conn.execute(
        select(
            submission.c.submission_id,
            submission.c.version,
            submission.c.status,
            submission.c.received_at,
            submission.c.file_name,
        ).where(*same)
    ).all()


def order_versions(
    conn: Connection,
    same: list[Any],
    submission_id: int,
    version: int,
    superseded: tuple[int, ...],
) -> tuple[int, tuple[int, ...]]:
    """Number the versions of one unit and year by arrival, not by the order loads finish.

    Files are ordered by received_at (when each reached the inbox), then file name, then id;
    the last is current. Nothing changes when the new file is also the latest to arrive (the
    usual case). Returns the new submission's version and the submissions it superseded.
    """
    from sqlalchemy import update

    from selfeval.warehouse.schema import submission

    rows = versions_of(conn, same)
    ordered = sorted(rows, key=lambda r: (utc(r.received_at), r.file_name, r.submission_id))
    latest = ordered[-1].submission_id
    wanted = {r.submission_id: i + 1 for i, r in enumerate(ordered)}
    if latest == submission_id and all(wanted[r.submission_id] == r.version for r in rows):
        return version, superseded
    # Two passes: the unique (unit, year, version) key must hold after every statement.
    for r in rows:
        conn.execute(
            update(submission)
            .where(submission.c.submission_id == r.submission_id)
            .values(version=-wanted[r.submission_id])
        )
    for r in rows:
        is_latest = r.submission_id == latest
        conn.execute(
            update(submission)
            .where(submission.c.submission_id == r.submission_id)
            .values(
                version=wanted[r.submission_id],
                status="accepted" if is_latest else "superseded",
                superseded_by=None if is_latest else latest,
            )
        )
    return wanted[submission_id], superseded if latest == submission_id else ()


def renumber_versions(conn: Connection, unit_id: int, year: int | None) -> None:
    """Number the accepted and superseded versions of one unit and year by arrival (the latest
    current, the others superseded by it): after reports held for review joined the unit."""
    from selfeval.warehouse.schema import submission

    same = [
        submission.c.status.in_(("accepted", "superseded")),
        submission.c.unit_id == unit_id,
        submission.c.fiscal_year == year
        if year is not None
        else submission.c.fiscal_year.is_(None),
    ]
    rows = versions_of(conn, same)
    if rows:
        latest = max(rows, key=lambda r: (utc(r.received_at), r.file_name, r.submission_id))
        # version 0 matches no row: the versions are always written again
        order_versions(conn, same, latest.submission_id, 0, ())
