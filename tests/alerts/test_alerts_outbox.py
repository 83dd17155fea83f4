"""The outbox against a real warehouse (SQLite and PostgreSQL) and a real SMTP server on loopback:
feedback queued once per (submission, recipient), reminders once per (kind, unit, year,
recipient), each unit only its own findings, delivered exactly once across an outage."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from alerts.findings_examples import CARRY_000, SCORE_001
from alerts.smtp_sink import Received, body_html, body_text, free_port, smtp_sink
from selfeval.alerts import (
    deliver_pending,
    file_sender,
    queue_feedback,
    queue_reminders,
    smtp_sender,
)
from selfeval.alerts.feedback import UNMATCHED_UNIT_DIR
from selfeval.extract import extract_file
from selfeval.share import open_share
from selfeval.warehouse import load_submission, load_units
from selfeval.warehouse.schema import alert_outbox, unit

pytestmark = pytest.mark.unit

SAMPLES_UNITS = Path(__file__).parents[2] / "samples" / "units.csv"
RECEIVED = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
ZHONGCUN = ("zhongcun.caiwu@example.org", "zhongcun.jixiao@example.org")
BAIHEDONG = ("baihedong.caiwu@example.org",)


@pytest.fixture
def loaded(warehouse_engine: Any, tmp_path: Path, seed_paths: list[Path]) -> dict[str, Any]:
    """Both seeds loaded with their real inconsistencies as findings; returns ids and the share."""
    share = open_share(tmp_path / "share")
    shutil.copy(SAMPLES_UNITS, share.units_csv)
    load_units(warehouse_engine, share.units_csv)
    ids = {}
    for seed, findings in ((seed_paths[0], [CARRY_000]), (seed_paths[1], [SCORE_001])):
        result = load_submission(
            warehouse_engine,
            extract_file(seed),
            findings,
            received_at=RECEIVED,
            file_name=seed.name,
        )
        ids[seed.name[:3]] = result.submission_id
    return {"engine": warehouse_engine, "share": share, "000": ids["000"], "001": ids["001"]}


def _outbox(engine: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                alert_outbox.c.submission_id,
                alert_outbox.c.recipient,
                alert_outbox.c.status,
                alert_outbox.c.attempts,
            ).order_by(alert_outbox.c.alert_id)
        ).all()
    return [tuple(r) for r in rows]


def test_queue_once_per_submission_and_own_contacts_only(loaded: dict[str, Any]) -> None:
    engine, share = loaded["engine"], loaded["share"]
    q0 = queue_feedback(engine, share, loaded["000"])
    q1 = queue_feedback(engine, share, loaded["001"])
    assert (q0.unit_name, q0.recipients) == ("钟村街道", ZHONGCUN)
    assert (q1.unit_name, q1.recipients) == ("白鹤洞街道", BAIHEDONG)
    assert len(q0.new_alert_ids) == 2 and len(q1.new_alert_ids) == 1
    # Re-running queues nothing new.
    assert queue_feedback(engine, share, loaded["000"]).new_alert_ids == ()
    assert _outbox(engine) == [
        (loaded["000"], ZHONGCUN[0], "pending", 0),
        (loaded["000"], ZHONGCUN[1], "pending", 0),
        (loaded["001"], BAIHEDONG[0], "pending", 0),
    ]
    folder = share.feedback / "白鹤洞街道"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        Path(f).name for f in q1.feedback_files
    )
    md = (folder / Path(q1.feedback_files[0]).name).read_text(encoding="utf-8")
    assert "(二)管理效率分析(总分为50分，自评分为46.5分)" in md
    assert "25.04" not in md  # the other unit's finding never appears here


def test_delivery_exactly_once_across_an_smtp_outage(loaded: dict[str, Any]) -> None:
    engine, share = loaded["engine"], loaded["share"]
    queue_feedback(engine, share, loaded["000"])
    queue_feedback(engine, share, loaded["001"])
    port = free_port()  # nothing listens here yet: the server is "down"
    with smtp_sender("127.0.0.1", port, timeout=5) as send:
        down = deliver_pending(engine, send)
    assert down.sent == () and down.pending == 3 and down.stopped_early
    assert [e.split(":")[0] for _, e in down.failed] == ["ConnectionRefusedError"]
    assert [r[2:] for r in _outbox(engine)] == [("pending", 1), ("pending", 0), ("pending", 0)]

    received: list[Received]
    with smtp_sink(port) as (_, received), smtp_sender("127.0.0.1", port) as send:
        up = deliver_pending(engine, send)
        again = deliver_pending(engine, send)
    assert len(up.sent) == 3 and up.failed == () and up.pending == 0
    assert again.sent == () and again.pending == 0
    assert [r[2:] for r in _outbox(engine)] == [("sent", 2), ("sent", 1), ("sent", 1)]
    assert sorted(r.envelope_to[0] for r in received) == sorted(ZHONGCUN + BAIHEDONG)
    (bhd,) = [r.message for r in received if r.envelope_to == list(BAIHEDONG)]
    assert bhd["Subject"].startswith("【绩效自评反馈】白鹤洞街道 2024 年度：1 处错误")
    assert "(二)管理效率分析(总分为50分，自评分为46.5分)" in body_text(bhd)
    assert "(二)管理效率分析(总分为50分，自评分为46.5分)" in body_html(bhd)
    for r in received:  # one unit never sees another's findings
        other = "25.04" if r.envelope_to == list(BAIHEDONG) else "46.5分"
        assert other not in body_text(r.message)
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(alert_outbox.c.last_error).where(alert_outbox.c.sent_at.is_(None))
            ).all()
            == []
        )


def test_file_sender_writes_one_eml_per_alert(loaded: dict[str, Any]) -> None:
    engine, share = loaded["engine"], loaded["share"]
    queue_feedback(engine, share, loaded["001"])
    result = deliver_pending(engine, file_sender(share.outbox))
    (alert_id,) = result.sent
    (eml,) = share.outbox.iterdir()
    assert eml.name == f"alert-{alert_id}.eml"
    assert "baihedong.caiwu@example.org" in eml.read_text(encoding="utf-8")


def _reminders(engine: Any) -> list[tuple[Any, ...]]:
    """(kind, unit, fiscal year, submission, recipient, status, attempts) of every reminder."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                alert_outbox.c.kind,
                unit.c.name,
                alert_outbox.c.fiscal_year,
                alert_outbox.c.submission_id,
                alert_outbox.c.recipient,
                alert_outbox.c.status,
                alert_outbox.c.attempts,
            )
            .join(unit, unit.c.unit_id == alert_outbox.c.unit_id)
            .where(alert_outbox.c.kind != "feedback")
            .order_by(alert_outbox.c.alert_id)
        ).all()
    return [tuple(r) for r in rows]


def test_reminders_queued_once_across_annual_runs(loaded: dict[str, Any]) -> None:
    engine, share = loaded["engine"], loaded["share"]
    queue_feedback(engine, share, loaded["000"])  # same submission and recipients as a reminder
    first = queue_reminders(engine, share, 2024)
    assert first.missing_units == ("冲口街道", "大石街道", "沙头街道", "石围塘街道")
    assert first.open_error_units == ("钟村街道", "白鹤洞街道")
    assert sorted(Path(f).relative_to(share.feedback).as_posix() for f in first.feedback_files)[
        :2
    ] == ["冲口街道/2024_reminder_missing.html", "冲口街道/2024_reminder_missing.md"]
    assert len(first.feedback_files) == 2 * 6
    assert len(first.new_alert_ids) == 4 + 3
    # The second annual run (or a retry) queues nothing.
    second = queue_reminders(engine, share, 2024)
    assert second.missing_units == first.missing_units and second.new_alert_ids == ()
    missing, open_errors = "reminder_missing", "reminder_open_errors"
    assert _reminders(engine) == [
        (missing, "冲口街道", 2024, None, "chongkou.caiwu@example.org", "pending", 0),
        (missing, "大石街道", 2024, None, "dashi.caiwu@example.org", "pending", 0),
        (missing, "沙头街道", 2024, None, "shatou.caiwu@example.org", "pending", 0),
        (missing, "石围塘街道", 2024, None, "shiweitang.caiwu@example.org", "pending", 0),
        (open_errors, "钟村街道", 2024, loaded["000"], ZHONGCUN[0], "pending", 0),
        (open_errors, "钟村街道", 2024, loaded["000"], ZHONGCUN[1], "pending", 0),
        (open_errors, "白鹤洞街道", 2024, loaded["001"], BAIHEDONG[0], "pending", 0),
    ]
    # Another fiscal year is another reminder: nobody has submitted for 2023.
    other = queue_reminders(engine, share, 2023)
    assert other.open_error_units == () and len(other.new_alert_ids) == 7


def test_reminders_delivered_once_to_own_contacts(loaded: dict[str, Any]) -> None:
    engine, share = loaded["engine"], loaded["share"]
    queue_reminders(engine, share, 2024)
    port = free_port()
    with smtp_sender("127.0.0.1", port, timeout=5) as send:
        down = deliver_pending(engine, send)  # server down: everything stays pending
    assert down.sent == () and down.pending == 7 and down.stopped_early

    received: list[Received]
    with smtp_sink(port) as (_, received):
        with smtp_sender("127.0.0.1", port) as send:
            up = deliver_pending(engine, send)
        assert len(up.sent) == 7 and up.failed == () and up.pending == 0
        # The next annual run: nothing queued again, nothing sent again.
        assert queue_reminders(engine, share, 2024).new_alert_ids == ()
        with smtp_sender("127.0.0.1", port) as send:
            again = deliver_pending(engine, send)
        assert again.sent == () and again.pending == 0
    assert len(received) == 7
    assert [r[5:] for r in _reminders(engine)] == [("sent", 2)] + [("sent", 1)] * 6
    by_rcpt: dict[str, list[Any]] = {}
    for r in received:
        by_rcpt.setdefault(r.envelope_to[0], []).append(r.message)
    missing = [f"{u}.caiwu@example.org" for u in ("chongkou", "dashi", "shatou", "shiweitang")]
    assert sorted(by_rcpt) == sorted([*ZHONGCUN, *BAIHEDONG, *missing])
    assert all(len(r.envelope_to) == 1 for r in received)
    assert all(len(messages) == 1 for messages in by_rcpt.values())
    (shatou,) = by_rcpt["shatou.caiwu@example.org"]
    assert shatou["Subject"].startswith("【绩效自评提醒】沙头街道 2024 年度自评报告尚未提交")
    (bhd,) = by_rcpt[BAIHEDONG[0]]
    assert bhd["Subject"].startswith("【绩效自评提醒】白鹤洞街道 2024 年度报告仍有 1 处错误未改正")
    assert "(二)管理效率分析(总分为50分，自评分为46.5分)" in body_text(bhd)
    assert "(二)管理效率分析(总分为50分，自评分为46.5分)" in body_html(bhd)
    for recipient, messages in by_rcpt.items():  # each unit hears only about itself
        unit_name = messages[0]["Subject"].split("】")[1].split(" ")[0]
        assert recipient in _contacts(unit_name), (recipient, unit_name)
        if recipient not in ZHONGCUN:
            assert "25.04" not in body_text(messages[0])
        if recipient not in BAIHEDONG:
            assert "46.5分" not in body_text(messages[0])


def _contacts(unit_name: str) -> list[str]:
    for line in SAMPLES_UNITS.read_text(encoding="utf-8").splitlines()[1:]:
        name, _, _, emails = line.split(",")
        if name == unit_name:
            return emails.split(";")
    raise AssertionError(f"{unit_name} is not in {SAMPLES_UNITS}")


def test_feedback_of_an_unmatched_unit_goes_to_the_unmatched_folder(
    warehouse_engine: Any, tmp_path: Path, seed_001: Path
) -> None:
    """The name a report states is the submitter's choice: it never names a feedback folder."""
    share = open_share(tmp_path / "share")
    record = extract_file(seed_001)
    stated = record.unit.name
    assert stated  # the report does state a name; the registry is empty, so it matches nothing
    loaded = load_submission(
        warehouse_engine, record, [SCORE_001], received_at=RECEIVED, file_name=seed_001.name
    )
    assert loaded.unit_id is None
    queued = queue_feedback(warehouse_engine, share, loaded.submission_id)
    assert (queued.recipients, queued.new_alert_ids) == ((), ())
    assert sorted(p.name for p in share.feedback.iterdir()) == [UNMATCHED_UNIT_DIR]
    assert {Path(f).parent for f in queued.feedback_files} == {share.feedback / UNMATCHED_UNIT_DIR}
    assert stated in Path(queued.feedback_files[0]).read_text(encoding="utf-8")
