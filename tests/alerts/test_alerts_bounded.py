"""Delivery is bounded (issue 12): retries back off, an alert out of attempts is marked failed
and reported; a file name with control or bidi characters is shown escaped in the message.
Real warehouse (SQLite and PostgreSQL), real SMTP server on loopback, clock passed in."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from alerts.smtp_sink import body_text, free_port, smtp_sink
from selfeval import settings
from selfeval.alerts import deliver_pending, queue_feedback, smtp_sender
from selfeval.alerts.outbox import retry_delay
from selfeval.extract import extract_file
from selfeval.share import open_share
from selfeval.warehouse import load_submission, load_units
from selfeval.warehouse.schema import alert_outbox

pytestmark = pytest.mark.unit

SAMPLES_UNITS = Path(__file__).parents[2] / "samples" / "units.csv"
T0 = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
RLO_NAME = "report\u202etxt.exe\u0007.txt"


def _rows(engine: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(alert_outbox.c.status, alert_outbox.c.attempts).order_by(
                    alert_outbox.c.alert_id
                )
            )
        ]


def test_retry_delays_grow_and_are_capped() -> None:
    delays = [retry_delay(n) for n in range(1, 9)]
    assert delays == [
        timedelta(0),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=4),
        timedelta(hours=6),
        timedelta(hours=6),
        timedelta(hours=6),
    ]


def test_an_alert_is_tried_a_bounded_number_of_times_then_marked_failed(
    warehouse_engine: Any, tmp_path: Path, seed_001: Path
) -> None:
    engine = warehouse_engine
    share = open_share(tmp_path / "share")
    shutil.copy(SAMPLES_UNITS, share.units_csv)
    load_units(engine, share.units_csv)
    loaded = load_submission(engine, extract_file(seed_001), [], received_at=T0, file_name=RLO_NAME)
    queue_feedback(engine, share, loaded.submission_id)
    port = free_port()  # nothing listens: every attempt fails
    clock = [T0]
    history: list[tuple[int, int, int, tuple[int, ...]]] = []
    for _ in range(12):  # a run every 2 hours for a day
        with smtp_sender("127.0.0.1", port, timeout=5) as send:
            result = deliver_pending(engine, send, now=lambda: clock[0])
        history.append((len(result.failed), result.waiting, result.pending, result.gave_up))
        clock[0] += timedelta(hours=2)
    attempts = settings.ALERT_MAX_ATTEMPTS
    assert _rows(engine) == [("failed", attempts)]
    # tried at 0 h, 2 h (next run), 4 h, 6 h, 8 h (2 h delay), 12 h (4 h), then given up
    tried = [i for i, (failed, *_) in enumerate(history) if failed]
    assert tried == [0, 1, 2, 3, 4, 6]
    assert history[6][3] != () and all(h[3] == () for i, h in enumerate(history) if i != 6)
    assert history[-1] == (0, 0, 0, ())  # a failed alert is never tried again
    # The server back: a failed alert stays failed (the data team decides), nothing is sent.
    with smtp_sink(port) as (_, received), smtp_sender("127.0.0.1", port) as send:
        assert deliver_pending(engine, send, now=lambda: clock[0]).sent == ()
    assert received == []


def test_file_names_in_messages_are_escaped(
    warehouse_engine: Any, tmp_path: Path, seed_001: Path
) -> None:
    engine = warehouse_engine
    share = open_share(tmp_path / "share")
    shutil.copy(SAMPLES_UNITS, share.units_csv)
    load_units(engine, share.units_csv)
    loaded = load_submission(engine, extract_file(seed_001), [], received_at=T0, file_name=RLO_NAME)
    queued = queue_feedback(engine, share, loaded.submission_id)
    port = free_port()
    with smtp_sink(port) as (_, received), smtp_sender("127.0.0.1", port) as send:
        assert len(deliver_pending(engine, send).sent) == len(queued.new_alert_ids)
    text = body_text(received[0].message)
    assert "report\\u202etxt.exe\\u0007.txt" in text
    assert "\u202e" not in text and "\u0007" not in text
    for path in queued.feedback_files:
        assert "\u202e" not in Path(path).read_text(encoding="utf-8")
