"""Versioned, idempotent loading of one report (its record and findings) into the warehouse.

Rules (docs/adr/0004-warehouse.md):
- a file is identified by its SHA-256: the same file twice adds nothing;
- a different file for the same unit and fiscal year is version n+1 and supersedes the current one;
- one submission loads in one transaction: a failure leaves nothing of it behind;
- the warehouse adds its own findings: `unit.unknown` when the report names no registry unit, and
  `carryover.cross_year` when year Y's opening carry-over differs from year Y-1's closing one.
  The cross-year finding sits on the year-Y submission, whichever of the two years loads last.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from selfeval import jsonio, settings
from selfeval.dates import local, submission_deadline
from selfeval.errors import RejectedReport, WarehouseError
from selfeval.findings import Finding
from selfeval.record import Money, Record, record_from_dict
from selfeval.warehouse.registry import UNIT_UNKNOWN
from selfeval.warehouse.versions import order_versions, utc, versions_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

CROSS_YEAR = "carryover.cross_year"
REJECTED = "report.rejected"

# Called inside the load's transaction with the submission id: the feedback is queued there, so
# a committed load always has its feedback queued (no crash window between the two).
Within = Callable[["Connection", int], object]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What loading one report did."""

    submission_id: int
    status: Literal["loaded", "duplicate"]
    version: int | None
    unit_id: int | None
    superseded: tuple[int, ...]
    # Findings the warehouse itself added to this submission (unit.unknown, carryover.cross_year).
    findings: tuple[Finding, ...]
    # Other submissions whose warehouse findings this load re-evaluated (the next year's report).
    updated_submissions: tuple[int, ...] = ()


def on_time(fiscal_year: int | None, received_at: datetime) -> bool | None:
    """Received by the deadline (local date, settings.DAG_TIMEZONE) in fiscal_year + 1."""
    if fiscal_year is None:
        return None
    return local(received_at).date() <= submission_deadline(fiscal_year)


def load_submission(
    engine: Engine,
    record: Record,
    findings: Sequence[Finding],
    *,
    received_at: datetime,
    file_name: str,
    within: Within | None = None,
) -> LoadResult:
    """Load one report with its findings in one transaction (see the module docstring).

    `within(conn, submission_id)` runs in that transaction (also for a duplicate, which makes
    it idempotent). A value the database refuses raises `RejectedReport`: the report, not the
    warehouse, is at fault; any other database error raises `WarehouseError`.
    """
    from sqlalchemy import select
    from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError, StatementError

    from selfeval.warehouse.schema import submission

    sha = record.source.sha256
    if not sha:
        raise WarehouseError(f"{file_name}: the record has no sha256: cannot load it")

    def attempt() -> LoadResult:
        with engine.begin() as conn:
            dup = conn.execute(
                select(
                    submission.c.submission_id, submission.c.version, submission.c.unit_id
                ).where(submission.c.sha256 == sha)
            ).first()
            if dup is not None:
                result = LoadResult(
                    dup.submission_id, "duplicate", dup.version, dup.unit_id, (), ()
                )
            else:
                result = _load(conn, record, findings, received_at=received_at, file_name=file_name)
            if within is not None:
                within(conn, result.submission_id)
            return result

    try:
        try:
            return attempt()
        except IntegrityError as exc:
            # Another worker committed the same file after this transaction looked for its hash
            # (two runs met on one file): asked again, it is a duplicate of that load.
            if "sha256" not in str(exc.orig):
                raise
            return attempt()
    except (DataError, UnicodeError, ValueError) as exc:
        raise RejectedReport(file_name, _refused(exc)) from exc
    except StatementError as exc:
        if isinstance(exc.orig, UnicodeError | ValueError):  # a NUL, a surrogate
            raise RejectedReport(file_name, _refused(exc)) from exc
        reason = str(exc).splitlines()[0]
        raise WarehouseError(f"{file_name}: not loaded (nothing was written): {reason}") from exc
    except SQLAlchemyError as exc:
        # The transaction rolled back: nothing of this file is in the warehouse.
        reason = str(exc).splitlines()[0]
        raise WarehouseError(f"{file_name}: not loaded (nothing was written): {reason}") from exc


def _refused(exc: BaseException) -> str:
    detail = (str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0][:200]
    return f"the warehouse refuses a value of this report ({detail})"


def _load(
    conn: Connection,
    record: Record,
    findings: Sequence[Finding],
    *,
    received_at: datetime,
    file_name: str,
) -> LoadResult:
    from sqlalchemy import func, insert, select, update

    from selfeval.warehouse.registry import match_unit
    from selfeval.warehouse.schema import submission, unit

    unit_id = match_unit(conn, record.unit.name, record.unit.district)
    year = record.fiscal_year
    if unit_id is not None:
        # Serialise concurrent loads for one unit so two files cannot both become version n+1.
        conn.execute(select(unit.c.unit_id).where(unit.c.unit_id == unit_id).with_for_update())
    elif conn.dialect.name == "postgresql":
        # A unit the registry lacks has no row to lock (and NULL escapes the unique version
        # key): lock the name and year it reports until this transaction ends.
        conn.execute(select(func.pg_advisory_xact_lock(_lock_key(record.unit.name, year))))
    same = [
        submission.c.status.in_(("accepted", "superseded")),
        submission.c.fiscal_year == year
        if year is not None
        else submission.c.fiscal_year.is_(None),
    ]
    if unit_id is not None:
        same.append(submission.c.unit_id == unit_id)
    else:
        same.append(submission.c.unit_id.is_(None))
        name = record.unit.name
        same.append(
            submission.c.reported_unit_name == name
            if name
            else submission.c.reported_unit_name.is_(None)
        )
    earlier = versions_of(conn, same)
    new_version = max((r.version or 0 for r in earlier), default=0) + 1
    current = tuple(r.submission_id for r in earlier if r.status == "accepted")
    total = record.total_score.score if record.total_score else None
    if total is None:
        total = next((s.score for s in record.scores if s.kind == "total"), None)
    submission_id = conn.execute(
        insert(submission)
        .values(
            sha256=record.source.sha256,
            file_name=file_name,
            unit_id=unit_id,
            reported_unit_name=record.unit.name,
            reported_district=record.unit.district,
            fiscal_year=year,
            version=new_version,
            status="accepted",
            received_at=utc(received_at),
            loaded_at=datetime.now(UTC),
            on_time=on_time(year, received_at),
            total_score=total,
            total_score_max=record.total_score.max if record.total_score else None,
            record_json=jsonio.dumps(record.to_dict(), indent=None),
        )
        .returning(submission.c.submission_id)
    ).scalar_one()
    if current:
        conn.execute(
            update(submission)
            .where(submission.c.submission_id.in_(current))
            .values(status="superseded", superseded_by=submission_id)
        )
    new_version, current = order_versions(conn, same, submission_id, new_version, current)
    _insert_facts(conn, submission_id, record)
    added: list[Finding] = []
    if unit_id is None:
        added.append(_unknown_unit(record))
    _insert_findings(conn, submission_id, findings, source="checks")
    _insert_findings(conn, submission_id, added, source="warehouse")
    updated: list[int] = []
    if unit_id is not None and year is not None:
        added.extend(_cross_year(conn, unit_id, year - 1, record, submission_id))
        nxt = _current(conn, unit_id, year + 1)
        if nxt is not None:
            _cross_year(conn, unit_id, year, nxt[1], nxt[0], previous=record)
            updated.append(nxt[0])
    return LoadResult(
        submission_id=submission_id,
        status="loaded",
        version=new_version,
        unit_id=unit_id,
        superseded=current,
        findings=tuple(added),
        updated_submissions=tuple(updated),
    )


def _lock_key(name: str | None, year: int | None) -> int:
    """A signed 64-bit advisory lock key for the versions of one reported name and year."""
    digest = hashlib.sha256(f"selfeval.versions\0{name}\0{year}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def record_rejection(
    engine: Engine,
    *,
    sha256: str,
    file_name: str,
    reason: str,
    received_at: datetime,
    record: Record | None = None,
    within: Within | None = None,
) -> int:
    """Record a file that was rejected; the same file again returns the existing row's id.

    With the `record` of a readable report, the rejected submission names its unit (matched in
    the registry) and carries one `report.rejected` finding with the reason, so the feedback
    tells the unit; `within(conn, submission_id)` runs in the same transaction to queue it.
    """
    from sqlalchemy import select

    from selfeval.warehouse.schema import submission

    with engine.begin() as conn:
        existing = conn.execute(
            select(submission.c.submission_id).where(submission.c.sha256 == sha256)
        ).scalar_one_or_none()
        if existing is not None:
            sid = int(existing)
        else:
            sid = _insert_rejection(conn, sha256, file_name, reason, received_at, record)
        if within is not None:
            within(conn, sid)
        return sid


def _stated(value: str | None, limit: int) -> str | None:
    """Text from a rejected report that can be stored as is, else None."""
    from selfeval.numbers_policy import check_text

    if value is None or len(value) > limit or check_text(value) is not None:
        return None
    return value


def _insert_rejection(
    conn: Connection,
    sha256: str,
    file_name: str,
    reason: str,
    received_at: datetime,
    record: Record | None,
) -> int:
    from sqlalchemy import insert

    from selfeval.refusals import reason_zh
    from selfeval.warehouse.registry import match_unit, unit_of_file
    from selfeval.warehouse.schema import submission

    name = district = None
    unit_id = year = None
    if record is not None:
        name = _stated(record.unit.name, 200)
        district = _stated(record.unit.district, 100)
        unit_id = match_unit(conn, name, district) if name else None
        fy = record.fiscal_year
        year = fy if fy is not None and abs(fy) <= settings.RECORD_INT_MAX else None
    if unit_id is None:
        # an unreadable file still tells whose it is by its folder or its name
        unit_id = unit_of_file(conn, file_name)
    if year is None:
        stated_year = _YEAR_IN_NAME.search(file_name)
        year = int(stated_year.group(1)) if stated_year else None
    sid = int(
        conn.execute(
            insert(submission)
            .values(
                sha256=sha256,
                file_name=file_name,
                unit_id=unit_id,
                reported_unit_name=name,
                reported_district=district,
                fiscal_year=year,
                status="rejected",
                received_at=utc(received_at),
                loaded_at=datetime.now(UTC),
                rejection_reason=reason,
            )
            .returning(submission.c.submission_id)
        ).scalar_one()
    )
    if record is not None or unit_id is not None:
        rejected = Finding(
            check=REJECTED,
            severity="error",
            subject="report",
            observed=None,
            expected=None,
            tolerance=None,
            message_zh=f"文件 {file_name} 未被接收：{reason_zh(reason)}",
            message_en=f"The file {file_name} was not accepted: {reason}. Correct it and submit "
            "it again.",
            evidence=None,
        )
        _insert_findings(conn, sid, [rejected], source="warehouse")
    return sid


# --- facts ---------------------------------------------------------------------------------------


def _money(m: Money | None, prefix: str, *, raw: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {f"{prefix}_wan": None if m is None else m.wan}
    if raw:
        out[f"{prefix}_raw"] = None if m is None else m.raw
    return out


def _insert_facts(conn: Connection, sid: int, record: Record) -> None:
    from sqlalchemy import insert

    from selfeval.settings import DIMENSION_ALIASES
    from selfeval.warehouse import schema as t

    for seq, c in enumerate(record.compositions):
        composition_id = conn.execute(
            insert(t.composition)
            .values(
                submission_id=sid,
                seq=seq,
                label=c.label,
                total_unit=None if c.total is None else c.total.unit,
                evidence_line=c.evidence.line,
                evidence_text=c.evidence.text,
                **_money(c.total, "total"),
            )
            .returning(t.composition.c.composition_id)
        ).scalar_one()
        parts = [
            {
                "composition_id": composition_id,
                "submission_id": sid,
                "seq": pseq,
                "name": p.name,
                "category": p.category,
                "amount_unit": None if p.amount is None else p.amount.unit,
                "share_pct": p.share_pct,
                "evidence_line": c.evidence.line,
                "evidence_text": c.evidence.text,
                **_money(p.amount, "amount"),
            }
            for pseq, p in enumerate(c.parts)
        ]
        if parts:
            conn.execute(insert(t.composition_part), parts)

    def rows(table: Any, items: list[dict[str, Any]]) -> None:
        if items:
            conn.execute(insert(table), items)

    def ev(e: Any) -> dict[str, Any]:
        return {"evidence_line": e.line, "evidence_text": e.text}

    rows(
        t.execution,
        [
            {
                "submission_id": sid,
                "seq": seq,
                "label": e.label,
                "rate_pct": e.rate_pct,
                **_money(e.budget, "budget"),
                **_money(e.executed, "executed"),
                **_money(e.initial_budget, "initial_budget"),
                "max_score": e.max,
                "score": e.score,
                **ev(e.evidence),
            }
            for seq, e in enumerate(record.executions)
        ],
    )
    rows(
        t.score,
        [
            {
                "submission_id": sid,
                "seq": seq,
                "group_name": s.group,
                "group_dimension": _fold(s.group, DIMENSION_ALIASES),
                "name": s.name,
                "kind": s.kind,
                "dimension": s.dimension,
                "max_score": s.max,
                "score": s.score,
                **ev(s.evidence),
            }
            for seq, s in enumerate(record.scores)
        ],
    )
    rows(
        t.section_score,
        [
            {
                "submission_id": sid,
                "seq": seq,
                "name": s.name,
                "dimension": s.dimension,
                "max_score": s.max,
                "score": s.score,
                **ev(s.evidence),
            }
            for seq, s in enumerate(record.section_scores)
        ],
    )
    rows(
        t.indicator,
        [
            {
                "submission_id": sid,
                "seq": seq,
                "level1": i.level1,
                "level2": i.level2,
                "name": i.name,
                "target": i.target,
                "actual": i.actual,
                "completion": i.completion,
                "target_op": i.target_op,
                "target_num": i.target_num,
                "actual_op": i.actual_op,
                "actual_num": i.actual_num,
                "completion_pct": i.completion_pct,
                "weight": i.weight,
                "score": i.score,
                "target_value": i.target_value,
                "actual_value": i.actual_value,
                "unit": i.unit,
                "direction": i.direction,
                **ev(i.evidence),
            }
            for seq, i in enumerate(record.indicators)
        ],
    )
    rows(
        t.yoy_change,
        [
            {
                "submission_id": sid,
                "seq": seq,
                "label": c.label,
                "current_wan": c.current.wan if c.current else None,
                "prior_wan": c.prior.wan if c.prior else None,
                "change_wan": c.change.wan if c.change else None,
                "change_raw": c.change.raw if c.change else None,
                "growth_pct": c.growth_pct,
                **ev(c.evidence),
            }
            for seq, c in enumerate(record.changes)
        ],
    )
    rows(
        t.carryover,
        [
            {
                "submission_id": sid,
                "seq": seq,
                "label": c.label,
                "year": c.year,
                "position": c.position,
                "amount_unit": c.amount.unit,
                **_money(c.amount, "amount"),
                **ev(c.evidence),
            }
            for seq, c in enumerate(record.carryovers)
        ],
    )


def _fold(group: str | None, aliases: dict[str, str]) -> str | None:
    """履职效能 (50分) → 履职效能: the dimension a score-table group names, if any."""
    if not group:
        return None
    compact = "".join(group.split())
    for alias in sorted(aliases, key=len, reverse=True):
        if compact.startswith(alias):
            return aliases[alias]
    return None


def _text(value: Decimal | str | None) -> str | None:
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _insert_findings(
    conn: Connection, sid: int, findings: Sequence[Finding], *, source: str
) -> None:
    from sqlalchemy import insert

    from selfeval.warehouse.schema import finding

    if not findings:
        return
    conn.execute(
        insert(finding),
        [
            {
                "submission_id": sid,
                "check_id": f.check,
                "severity": f.severity,
                "subject": f.subject,
                "observed": _text(f.observed),
                "expected": _text(f.expected),
                "tolerance": f.tolerance,
                "message_zh": f.message_zh,
                "message_en": f.message_en,
                "source": source,
                "evidence_line": None if f.evidence is None else f.evidence.line,
                "evidence_text": None if f.evidence is None else f.evidence.text,
            }
            for f in findings
        ],
    )


# --- the warehouse's own findings ------------------------------------------------------------------


def _unknown_unit(record: Record) -> Finding:
    name = record.unit.name
    stated = f"“{name}”" if name else "（未识别到单位名称）"
    return Finding(
        check=UNIT_UNKNOWN,
        severity="warning",
        subject="unit",
        observed=name,
        expected=None,
        tolerance=None,
        message_zh=(
            f"报告中的单位名称{stated}不在单位名录中，报告已暂存待核实，暂不计入区汇总、排名和统计；"
            "请核对单位全称或联系区财政部门补充名录，补充后自动计入。"
        ),
        message_en=(
            f"The report's unit name {name!r} matches no unit in the registry (units.csv): it is "
            "held for review and counts in no district total, ranking or count until the unit "
            "or an alias is added, then it is matched again."
        ),
        evidence=None,
    )


def _current(conn: Connection, unit_id: int, year: int) -> tuple[int, Record] | None:
    from sqlalchemy import select

    from selfeval.warehouse.schema import submission

    row = conn.execute(
        select(submission.c.submission_id, submission.c.record_json).where(
            submission.c.unit_id == unit_id,
            submission.c.fiscal_year == year,
            submission.c.status == "accepted",
        )
    ).first()
    if row is None or row.record_json is None:
        return None
    return row.submission_id, record_from_dict(jsonio.loads(row.record_json))


def _cross_year(
    conn: Connection,
    unit_id: int,
    previous_year: int,
    record: Record,
    submission_id: int,
    *,
    previous: Record | None = None,
) -> list[Finding]:
    """(Re)evaluate year Y's opening carry-over against year Y-1's closing one, on Y's submission."""
    from sqlalchemy import delete

    from selfeval.warehouse.schema import finding

    conn.execute(
        delete(finding).where(
            finding.c.submission_id == submission_id,
            finding.c.check_id == CROSS_YEAR,
            finding.c.source == "warehouse",
        )
    )
    if previous is None:
        found = _current(conn, unit_id, previous_year)
        if found is None:
            return []
        previous = found[1]
    # the rule, its tolerance and its words live in selfeval/checks/rules/carryover_cross_year.py
    from selfeval.checks import check_across_years

    findings = list(check_across_years(record, previous))
    if findings:
        _insert_findings(conn, submission_id, findings, source="warehouse")
    return findings
