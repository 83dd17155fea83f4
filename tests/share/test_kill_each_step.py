"""Kill the intake at each step boundary (issue 12): the process dies (os._exit in a forked
child, no cleanup runs) at the first time it reaches the step, then the next run completes the
work. Whatever the step, every loaded report has its feedback queued exactly once per contact
and its feedback files written, every rejected one its reason, and the inbox ends empty."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from selfeval import intake
from selfeval.intake import intake_once
from selfeval.share import open_share
from selfeval.warehouse import load_units
from selfeval.warehouse.schema import alert_outbox, submission, unit
from share.hostile import hostile_reports

pytestmark = pytest.mark.unit

SAMPLES_UNITS = Path(__file__).parents[2] / "samples" / "units.csv"
STEPS = ("queued", "loaded", "feedback-written", "archived", "rejection-recorded")
KILLED = 137


def _run_and_die_at(engine: Any, share: Any, step: str) -> int:
    """Run the intake in a forked child that dies the first time it reaches `step`."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        status = 0
        try:
            engine.dispose(close=False)  # the parent's pooled connections are not ours

            def die(reached: str) -> None:
                if reached == step:
                    os._exit(KILLED)

            intake.CHECKPOINT = die
            intake_once(engine, share, owner="selfeval_intake/killed")
        except BaseException:
            status = 1
        os._exit(status)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("step", STEPS)
def test_feedback_is_queued_exactly_once_whatever_step_the_run_dies_at(
    step: str, warehouse_engine: Any, tmp_path: Path, seed_paths: list[Path]
) -> None:
    engine = warehouse_engine
    share = open_share(tmp_path / "share")
    shutil.copy(SAMPLES_UNITS, share.units_csv)
    load_units(engine, share.units_csv)
    shutil.copy(seed_paths[0], share.inbox / "钟村.txt")
    shutil.copy(seed_paths[1], share.inbox / "白鹤洞.txt")
    (share.inbox / "金额13位.txt").write_bytes(hostile_reports(seed_paths[0])["金额13位.txt"])
    (share.inbox / "空白.txt").write_bytes(b"")

    assert _run_and_die_at(engine, share, step) == KILLED
    intake_once(engine, share, owner="selfeval_intake/next")

    with engine.connect() as conn:
        told = conn.execute(
            select(
                submission.c.file_name,
                submission.c.status,
                func.count(alert_outbox.c.alert_id),
                func.count(func.distinct(alert_outbox.c.recipient)),
            )
            .select_from(
                submission.outerjoin(
                    alert_outbox, alert_outbox.c.submission_id == submission.c.submission_id
                )
            )
            .group_by(submission.c.file_name, submission.c.status)
        ).all()
        units = dict(
            conn.execute(
                select(submission.c.file_name, unit.c.name).join(
                    unit, unit.c.unit_id == submission.c.unit_id
                )
            ).all()
        )
    assert sorted(tuple(r) for r in told) == [
        ("白鹤洞.txt", "accepted", 1, 1),
        ("空白.txt", "rejected", 0, 0),
        ("金额13位.txt", "rejected", 2, 2),
        ("钟村.txt", "accepted", 2, 2),
    ]
    assert list(share.inbox.iterdir()) == []
    assert sorted(p.name.split("__", 1)[1] for p in share.archive.rglob("*.txt")) == [
        "白鹤洞.txt", "钟村.txt",
    ]  # fmt: skip
    assert sorted(p.name for p in share.rejected.glob("*.reason.txt")) == [
        "空白.txt.reason.txt", "金额13位.txt.reason.txt",
    ]  # fmt: skip
    # Feedback files for every report whose unit is known, loaded or rejected.
    folders = {p.parent.name for p in share.feedback.rglob("*.md")}
    assert folders == {units["钟村.txt"], units["白鹤洞.txt"]}
    assert len(list(share.feedback.rglob("*.md"))) == 3
