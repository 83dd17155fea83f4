"""Versioned, idempotent loading: the acceptance scenario of issue 4 on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from warehouse_support import RECEIVED, RECEIVED_LATE, rows

from selfeval.errors import WarehouseError
from selfeval.extract import extract_file
from selfeval.findings import Finding
from selfeval.record import Carryover, Evidence, Money, Record, Source
from selfeval.warehouse import load_submission, load_units, record_rejection
from selfeval.warehouse.load import on_time

pytestmark = pytest.mark.unit

D = Decimal


def _heading_finding(record: Record) -> Finding:
    """The finding the checks raise on seed 001 (heading 46.5 vs table 47.5)."""
    heading = next(s for s in record.section_scores if s.dimension == "管理效能")
    return Finding(
        check="score.section_vs_table",
        severity="error",
        subject="管理效能",
        observed=heading.score,
        expected=D("47.5"),
        tolerance=D("0.05"),
        message_zh="管理效率分析标题中的自评分与评分表不一致",
        message_en="heading score differs from the score table",
        evidence=heading.evidence,
    )


def _load(engine: Any, path: Path, received: datetime = RECEIVED, findings: Any = None) -> Any:
    record = extract_file(path)
    found = findings(record) if findings else []
    return load_submission(engine, record, found, received_at=received, file_name=path.name)


def test_seeds_twice_then_corrected_001(
    warehouse_engine: Any,
    units_csv: Path,
    seed_000: Path,
    seed_001: Path,
    corrected_seed_001: Path,
    snapshot: Any,
) -> None:
    engine = warehouse_engine
    assert load_units(engine, units_csv) == 2
    first = [
        _load(engine, seed_000),
        _load(engine, seed_001, findings=lambda r: [_heading_finding(r)]),
    ]
    assert [(r.status, r.version, r.superseded, r.findings) for r in first] == [
        ("loaded", 1, (), ()),
        ("loaded", 1, (), ()),
    ]
    zhongcun, baihedong = first[0].unit_id, first[1].unit_id
    assert zhongcun is not None and baihedong is not None and zhongcun != baihedong
    after_first = snapshot()

    again = [
        _load(engine, seed_000),
        _load(engine, seed_001, findings=lambda r: [_heading_finding(r)]),
    ]
    assert [(r.status, r.submission_id, r.version) for r in again] == [
        ("duplicate", first[0].submission_id, 1),
        ("duplicate", first[1].submission_id, 1),
    ]
    assert snapshot() == after_first

    corrected = _load(engine, corrected_seed_001, RECEIVED_LATE)
    assert (corrected.status, corrected.version, corrected.unit_id, corrected.superseded) == (
        "loaded",
        2,
        baihedong,
        (first[1].submission_id,),
    )
    assert _load(engine, corrected_seed_001, RECEIVED_LATE).status == "duplicate"

    assert rows(
        engine,
        "SELECT file_name, version, status, superseded_by FROM submission ORDER BY submission_id",
    ) == [
        ("000_1783cb38f1062c04.txt", 1, "accepted", None),
        ("001_909bae87fb1bd3ad.txt", 1, "superseded", corrected.submission_id),
        ("001_corrected.txt", 2, "accepted", None),
    ]
    latest = rows(
        engine,
        "SELECT unit_name, district, fiscal_year, version, file_name, on_time, total_score"
        " FROM v_latest_submission ORDER BY unit_name",
    )
    assert [(r[0], r[1], r[2], r[3], r[4], bool(r[5]), D(str(r[6]))) for r in latest] == [
        (
            "广州市番禺区人民政府钟村街道办事处",
            "番禺区",
            2024,
            1,
            "000_1783cb38f1062c04.txt",
            True,
            D(97),
        ),
        # The correction came late, but the unit's first version met the deadline.
        (
            "广州市荔湾区人民政府白鹤洞街道办事处",
            "荔湾区",
            2024,
            2,
            "001_corrected.txt",
            True,
            D("97.38"),
        ),
    ]
    # The corrected figure: the heading now states 47.5, like the score table.
    assert rows(
        engine,
        "SELECT ss.score FROM section_score ss JOIN v_latest_submission v"
        " ON v.submission_id = ss.submission_id WHERE ss.name = '管理效率分析'",
    ) == [(pytest.approx(47.5),)]
    # The superseded version's finding is closed; nothing else is open for the two units.
    assert rows(engine, "SELECT check_id FROM finding") == [("score.section_vs_table",)]
    assert rows(engine, "SELECT COUNT(*) FROM v_open_findings") == [(0,)]
    # No duplicate rows: each fact table holds exactly what the three distinct files stated.
    records = [extract_file(p) for p in (seed_000, seed_001, corrected_seed_001)]
    counts = snapshot()
    assert counts["composition"] == sum(len(r.compositions) for r in records) == 6
    assert counts["composition_part"] == sum(len(c.parts) for r in records for c in r.compositions)
    assert counts["indicator"] == sum(len(r.indicators) for r in records) == 46
    assert counts["score"] == sum(len(r.scores) for r in records)
    assert counts["carryover"] == 4
    summary = rows(engine, "SELECT * FROM v_district_year_summary")
    assert len(summary) == 1
    assert [_dec(v) for v in summary[0]] == [
        2024, 2, 2, 2, 0,
        D("41833.23"), D("39424.42"), D("98.76"), D("99.75"), D("0.25"),
        D("97.19"), D("97"), D("97.38"), 0, 0,
    ]  # fmt: skip
    # The district rate adds up only 支出 statements giving both amounts (白鹤洞's); 钟村's is
    # the 预算完成率100% it prints, not 92.50 % from its 年初预算 against its 决算 total.
    card = rows(
        engine,
        "SELECT unit_name, version, total_score, score_rank, duty_score, management_score,"
        " budget_wan, executed_wan, execution_rate_pct, fiscal_share_pct, open_errors,"
        " open_warnings FROM v_unit_scorecard ORDER BY score_rank",
    )
    assert [tuple(_dec(v) for v in r) for r in card] == [
        ("广州市荔湾区人民政府白鹤洞街道办事处", 2, D("97.38"), 1, D("49.88"), D("47.5"),
         D("11661.19"), D("11516.76"), D("98.76"), D("99.46"), 0, 0),
        ("广州市番禺区人民政府钟村街道办事处", 1, D("97"), 2, None, None,
         D("30172.04"), D("27907.66"), D("100"), D("99.88"), 0, 0),
    ]  # fmt: skip
    assert rows(engine, "SELECT COUNT(*) FROM v_missing_units") == [(0,)]


def _dec(value: Any) -> Any:
    """Compare numbers by value across backends (PostgreSQL: Decimal, SQLite: float)."""
    if isinstance(value, float | Decimal):
        return D(str(value)).normalize() if value != int(value) else D(int(value))
    return value


def test_amounts_are_exact_decimals(warehouse_engine: Any, seed_000: Path) -> None:
    from sqlalchemy import select

    from selfeval.warehouse.schema import composition, execution

    _load(warehouse_engine, seed_000)
    with warehouse_engine.connect() as conn:
        totals = conn.execute(select(composition.c.label, composition.c.total_wan)).all()
        budget = conn.execute(
            select(execution.c.budget_wan).where(execution.c.label == "支出")
        ).scalar_one()
    assert [(label, type(v), v) for label, v in totals] == [
        ("决算收入", Decimal, D("27888.37")),
        ("决算支出", Decimal, D("27907.66")),
    ]
    assert budget == D("30172.04")


def test_a_failure_half_way_leaves_nothing(
    warehouse_engine: Any, units_csv: Path, seed_001: Path, corrected_seed_001: Path, snapshot: Any
) -> None:
    load_units(warehouse_engine, units_csv)
    first = _load(warehouse_engine, seed_001)
    before = snapshot()
    bad = Finding("x", "fatal", "x", None, None, None, "x", "x", None)  # type: ignore[arg-type]
    # The bad finding is inserted last, after the submission row, the superseding update and
    # every fact row: the CHECK constraint on severity fails the whole transaction.
    with pytest.raises(
        WarehouseError, match=r"001_corrected.txt: not loaded \(nothing was written\)"
    ):
        _load(warehouse_engine, corrected_seed_001, findings=lambda r: [bad])
    assert snapshot() == before
    assert rows(warehouse_engine, "SELECT submission_id, version, status FROM submission") == [
        (first.submission_id, 1, "accepted")
    ]
    retry = _load(warehouse_engine, corrected_seed_001)
    assert (retry.status, retry.version, retry.superseded) == ("loaded", 2, (first.submission_id,))


def test_unknown_unit_is_loaded_and_flagged(
    warehouse_engine: Any, tmp_path: Path, seed_000: Path, seed_001: Path
) -> None:
    units = tmp_path / "only_zhongcun.csv"
    units.write_text(
        "name,aliases,district,emails\n钟村街道,钟村街,番禺区,a@example.org\n", "utf-8"
    )
    load_units(warehouse_engine, units)
    known, unknown = _load(warehouse_engine, seed_000), _load(warehouse_engine, seed_001)
    assert known.unit_id is not None and known.findings == ()
    assert unknown.unit_id is None
    assert [(f.check, f.severity, f.observed) for f in unknown.findings] == [
        ("unit.unknown", "warning", "白鹤洞街道办事处")
    ]
    assert rows(
        warehouse_engine,
        "SELECT unit_id, unit_name, check_id, severity FROM v_open_findings",
    ) == [(None, "白鹤洞街道办事处", "unit.unknown", "warning")]
    summary = rows(
        warehouse_engine,
        "SELECT units_expected, units_submitted, open_warning_findings FROM v_district_year_summary",
    )
    assert summary == [(1, 1, 0)]  # held for review: in no count (migration 0007)


def _next_year(record: Record, opening: str, sha: str) -> Record:
    """The unit's report for the following year, stating only its opening carry-over."""
    return dataclasses.replace(
        record,
        source=Source(path=f"{sha}.txt", sha256=sha * 64, format="text", encoding="utf-8"),
        fiscal_year=2025,
        compositions=(),
        executions=(),
        scores=(),
        section_scores=(),
        indicators=(),
        total_score=None,
        carryovers=(
            Carryover(
                label="年初结转和结余",
                year=2025,
                position="opening",
                amount=Money(D(opening), "万元", f"{opening}万元"),
                evidence=Evidence(12, f"2025年年初结转和结余{opening}万元。"),
            ),
        ),
    )


@pytest.mark.parametrize("order", ["2024 first", "2025 first"])
def test_cross_year_carryover_in_either_order(
    warehouse_engine: Any, units_csv: Path, seed_001: Path, order: str
) -> None:
    load_units(warehouse_engine, units_csv)
    y2024 = extract_file(seed_001)  # closing 2024: 152.56 万元
    y2025 = _next_year(y2024, "150.00", "a")
    loads = [(y2024, seed_001.name), (y2025, "2025.txt")]
    if order == "2025 first":
        loads.reverse()
    results = [
        load_submission(warehouse_engine, r, [], received_at=RECEIVED, file_name=n)
        for r, n in loads
    ]
    found = rows(
        warehouse_engine,
        "SELECT fiscal_year, check_id, severity, observed, expected, tolerance, evidence_line"
        " FROM v_open_findings",
    )
    assert [(*r[:5], _dec(r[5]), r[6]) for r in found] == [
        (2025, "carryover.cross_year", "error", "150.00", "152.56", D("0.01"), 12)
    ]
    if order == "2024 first":
        assert [f.check for f in results[1].findings] == ["carryover.cross_year"]
    else:
        assert results[1].updated_submissions == (results[0].submission_id,)
    # A corrected 2025 report that carries 152.56 over closes the finding.
    fixed = _next_year(y2024, "152.56", "b")
    load_submission(warehouse_engine, fixed, [], received_at=RECEIVED, file_name="2025b.txt")
    assert rows(warehouse_engine, "SELECT COUNT(*) FROM v_open_findings") == [(0,)]


def test_cross_year_within_printed_precision_is_no_finding(
    warehouse_engine: Any, units_csv: Path, seed_001: Path
) -> None:
    load_units(warehouse_engine, units_csv)
    y2024 = extract_file(seed_001)
    load_submission(warehouse_engine, y2024, [], received_at=RECEIVED, file_name="a")
    # 152.6 printed with one decimal covers 152.55..152.65: 152.56 is within it.
    result = load_submission(
        warehouse_engine, _next_year(y2024, "152.6", "c"), [], received_at=RECEIVED, file_name="b"
    )
    assert result.findings == ()


def test_rejection_is_recorded_once(warehouse_engine: Any) -> None:
    first = record_rejection(
        warehouse_engine,
        sha256="f" * 64,
        file_name="scan.pdf",
        reason="binary",
        received_at=RECEIVED,
    )
    again = record_rejection(
        warehouse_engine,
        sha256="f" * 64,
        file_name="scan.pdf",
        reason="binary",
        received_at=RECEIVED,
    )
    assert first == again
    assert rows(warehouse_engine, "SELECT status, rejection_reason FROM submission") == [
        ("rejected", "binary")
    ]
    assert rows(warehouse_engine, "SELECT COUNT(*) FROM v_latest_submission") == [(0,)]


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2025-03-31T23:30:00+08:00", True),
        ("2025-03-31T16:30:00+00:00", False),  # 00:30 on 1 April in Guangzhou
        ("2025-03-31T12:00:00", True),  # naive: local time
        ("2025-04-01T00:00:00+08:00", False),
    ],
)
def test_on_time_uses_the_local_deadline(received: str, expected: bool) -> None:
    assert on_time(2024, datetime.fromisoformat(received)) is expected
    assert on_time(None, datetime.fromisoformat(received)) is None
