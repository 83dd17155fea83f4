"""What the consolidation view shows, read from the warehouse: the views for current
submissions, open findings and missing units, the registry (`unit`) for who is expected, and the
`submission` table for rejected files (no view holds them). Read-only: one connection, SELECTs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine, RowMapping


@dataclass(frozen=True, slots=True)
class Run:
    """One Airflow DAG run as plain data: the adapter reads them, the library never imports
    Airflow. `url` opens the run in the Airflow UI."""

    dag_id: str
    run_id: str
    state: str
    started: datetime | None
    ended: datetime | None
    url: str

    def covers(self, moment: datetime) -> bool:
        """True when `moment` falls while this run was going (a running run has no end yet)."""
        if self.started is None:
            return False
        return _utc(self.started) <= moment and (self.ended is None or moment <= _utc(self.ended))


@dataclass(frozen=True, slots=True)
class UnitKey:
    """A matrix row: a registry unit, or a name a report states that the registry lacks."""

    unit_id: int | None
    reported_name: str | None = None

    @property
    def path(self) -> str:
        """The unit page's path below the view's root."""
        from urllib.parse import quote

        if self.unit_id is not None:
            return f"units/{self.unit_id}"
        return f"reported/{quote(self.reported_name or '', safe='')}"


@dataclass(frozen=True, slots=True)
class Current:
    """A unit's current (latest accepted) submission for a year."""

    submission_id: int
    version: int | None
    file_name: str
    received_at: datetime | None
    loaded_at: datetime | None
    on_time: bool | None
    open_errors: int
    open_warnings: int


@dataclass(frozen=True, slots=True)
class Rejection:
    """A file the intake rejected, with the reason recorded in the warehouse."""

    submission_id: int
    file_name: str
    unit_key: UnitKey | None
    unit_name: str | None
    fiscal_year: int | None
    received_at: datetime | None
    loaded_at: datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class Cell:
    """One unit and year of the matrix."""

    expected: bool  # an active registry unit: missing when it has no current submission
    current: Current | None = None
    rejections: tuple[Rejection, ...] = ()

    def labels(self) -> tuple[str, ...]:
        """The statuses, in words: 已提交 / 按时 / 逾期 / 未提交 / 被拒N份 / 错误N项 / 提示N项."""
        out: list[str] = []
        c = self.current
        if c is not None:
            out.append("已提交")
            out.append({True: "按时", False: "逾期", None: "提交时间不明"}[c.on_time])
        elif self.expected:
            out.append("未提交")
        if self.rejections:
            out.append(f"被拒{len(self.rejections)}份")
        if c is not None and c.open_errors:
            out.append(f"错误{c.open_errors}项")
        if c is not None and c.open_warnings:
            out.append(f"提示{c.open_warnings}项")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    key: UnitKey
    unit_name: str
    district: str | None
    registered: bool
    cells: Mapping[int, Cell]


@dataclass(frozen=True, slots=True)
class Matrix:
    """Units × years; rejected files that name no unit or no year are listed apart."""

    years: tuple[int, ...]
    rows: tuple[MatrixRow, ...]
    unplaced: tuple[Rejection, ...]

    def table(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each row as (unit name, one '、'-joined status string per year): what tests assert."""
        return [
            (r.unit_name, tuple("、".join(r.cells[y].labels()) for y in self.years))
            for r in self.rows
        ]


@dataclass(frozen=True, slots=True)
class OpenFinding:
    check_id: str
    severity: str
    message_zh: str
    observed: str | None
    expected: str | None
    evidence_line: int | None
    evidence_text: str | None


@dataclass(frozen=True, slots=True)
class UnitYear:
    fiscal_year: int
    cell: Cell
    findings: tuple[OpenFinding, ...] = ()


@dataclass(frozen=True, slots=True)
class UnitDetail:
    row: MatrixRow
    years: tuple[UnitYear, ...] = field(default=())


# --- reading -------------------------------------------------------------------------------------


def _utc(value: Any) -> Any:
    """A timestamp as an aware UTC datetime: SQLite hands back text or naive UTC values."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _rows(conn: Connection, sql: str, **params: Any) -> list[RowMapping]:
    from sqlalchemy import text

    return [r._mapping for r in conn.execute(text(sql), params)]


def _registry(conn: Connection) -> list[RowMapping]:
    return _rows(conn, "SELECT unit_id, name, district, active FROM unit ORDER BY name, unit_id")


def _currents(conn: Connection) -> list[RowMapping]:
    return _rows(
        conn,
        """
        SELECT l.submission_id, l.unit_id, l.unit_name, l.district, l.fiscal_year, l.version,
               l.file_name, l.received_at, l.on_time, s.loaded_at,
               COALESCE(c.open_errors, 0) AS open_errors,
               COALESCE(c.open_warnings, 0) AS open_warnings
        FROM v_latest_submission l
        JOIN submission s ON s.submission_id = l.submission_id
        LEFT JOIN v_unit_scorecard c ON c.submission_id = l.submission_id
        WHERE l.fiscal_year IS NOT NULL
        """,
    )


def _rejections(conn: Connection) -> list[RowMapping]:
    return _rows(
        conn,
        """
        SELECT s.submission_id, s.file_name, s.unit_id, u.name AS unit_name,
               s.reported_unit_name, s.fiscal_year, s.received_at, s.loaded_at,
               s.rejection_reason
        FROM submission s LEFT JOIN unit u ON u.unit_id = s.unit_id
        WHERE s.status = 'rejected'
        ORDER BY s.received_at, s.submission_id
        """,
    )


def _findings(conn: Connection, submission_ids: Sequence[int]) -> list[RowMapping]:
    if not submission_ids:
        return []
    from sqlalchemy import bindparam, text

    sql = text(
        """
        SELECT submission_id, check_id, severity, message_zh, observed, expected,
               evidence_line, evidence_text
        FROM v_open_findings WHERE submission_id IN :ids
        ORDER BY submission_id, CASE severity WHEN 'error' THEN 0 ELSE 1 END,
                 evidence_line, finding_id
        """
    ).bindparams(bindparam("ids", expanding=True))
    return [r._mapping for r in conn.execute(sql, {"ids": list(submission_ids)})]


def _current(r: RowMapping) -> Current:
    return Current(
        submission_id=int(r["submission_id"]),
        version=r["version"],
        file_name=str(r["file_name"]),
        received_at=_utc(r["received_at"]),
        loaded_at=_utc(r["loaded_at"]),
        on_time=None if r["on_time"] is None else bool(r["on_time"]),
        open_errors=int(r["open_errors"]),
        open_warnings=int(r["open_warnings"]),
    )


def _key(unit_id: Any, reported: Any) -> UnitKey | None:
    if unit_id is not None:
        return UnitKey(int(unit_id))
    return UnitKey(None, str(reported)) if reported else None


def _rejection(r: RowMapping) -> Rejection:
    key = _key(r["unit_id"], r["reported_unit_name"])
    return Rejection(
        submission_id=int(r["submission_id"]),
        file_name=str(r["file_name"]),
        unit_key=key,
        unit_name=r["unit_name"] or r["reported_unit_name"],
        fiscal_year=r["fiscal_year"],
        received_at=_utc(r["received_at"]),
        loaded_at=_utc(r["loaded_at"]),
        reason=str(r["rejection_reason"] or ""),
    )


def read_matrix(engine: Engine) -> Matrix:
    """Every active registry unit, every unit that submitted or was rejected, for every year
    anyone submitted or was rejected."""
    with engine.connect() as conn:
        registry = _registry(conn)
        currents = _currents(conn)
        rejected = [_rejection(r) for r in _rejections(conn)]
    return _assemble(registry, currents, rejected)


def _assemble(
    registry: Iterable[RowMapping],
    currents: Iterable[RowMapping],
    rejected: Sequence[Rejection],
) -> Matrix:
    names: dict[UnitKey, tuple[str, str | None, bool]] = {}
    active: set[UnitKey] = set()
    for u in registry:
        key = UnitKey(int(u["unit_id"]))
        names[key] = (str(u["name"]), u["district"], True)
        if u["active"]:
            active.add(key)
    current: dict[tuple[UnitKey, int], Current] = {}
    for r in currents:
        key = _key(r["unit_id"], r["unit_name"]) or UnitKey(None, "")
        names.setdefault(key, (str(r["unit_name"] or ""), r["district"], False))
        current[(key, int(r["fiscal_year"]))] = _current(r)
    placed: dict[tuple[UnitKey, int], list[Rejection]] = {}
    unplaced: list[Rejection] = []
    for j in rejected:
        if j.unit_key is None or j.fiscal_year is None:
            unplaced.append(j)
            continue
        names.setdefault(j.unit_key, (j.unit_name or "", None, False))
        placed.setdefault((j.unit_key, int(j.fiscal_year)), []).append(j)
    years = tuple(sorted({y for _, y in current} | {y for _, y in placed}, reverse=True))
    shown = [
        k for k in names if k in active or any((k, y) in current or (k, y) in placed for y in years)
    ]
    # Registry units first by name, then the names the registry lacks (held for review).
    shown.sort(key=lambda k: (not names[k][2], names[k][0], k.unit_id or 0))
    rows = tuple(
        MatrixRow(
            key=k,
            unit_name=names[k][0],
            district=names[k][1],
            registered=names[k][2],
            cells={
                y: Cell(k in active, current.get((k, y)), tuple(placed.get((k, y), ())))
                for y in years
            },
        )
        for k in shown
    )
    return Matrix(years, rows, tuple(unplaced))


def read_unit(engine: Engine, key: UnitKey) -> UnitDetail | None:
    """One unit's row with, per year, its open findings; None when the unit is unknown."""
    matrix = read_matrix(engine)
    row = next((r for r in matrix.rows if r.key == key), None)
    if row is None:
        return None
    ids = [c.current.submission_id for c in row.cells.values() if c.current is not None]
    with engine.connect() as conn:
        found = _findings(conn, ids)
    by_submission: dict[int, list[OpenFinding]] = {}
    for f in found:
        by_submission.setdefault(int(f["submission_id"]), []).append(
            OpenFinding(
                check_id=str(f["check_id"]),
                severity=str(f["severity"]),
                message_zh=str(f["message_zh"]),
                observed=None if f["observed"] is None else str(f["observed"]),
                expected=None if f["expected"] is None else str(f["expected"]),
                evidence_line=f["evidence_line"],
                evidence_text=f["evidence_text"],
            )
        )
    years = tuple(
        UnitYear(
            y,
            cell,
            tuple(by_submission.get(cell.current.submission_id, ()))
            if cell.current is not None
            else (),
        )
        for y, cell in row.cells.items()
        if cell.labels()
    )
    return UnitDetail(row, years)
