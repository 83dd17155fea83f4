"""An unreadable file is told to its unit in Chinese when its folder or name says whose it is,
and the unit counts as having submitted an unreadable file, not as missing."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from selfeval.alerts import queue_reminders
from selfeval.intake import intake_once
from selfeval.share import open_share
from selfeval.warehouse import connect, load_units, upgrade
from selfeval.warehouse.schema import alert_outbox, submission

pytestmark = pytest.mark.unit

UNITS = Path(__file__).resolve().parents[2] / "samples" / "units.csv"
BINARY = bytes(range(256)) * 8


def test_an_unreadable_file_in_a_units_folder_is_told_to_that_unit_in_chinese(
    tmp_path: Path,
) -> None:
    share = open_share(tmp_path / "share")
    shutil.copy(UNITS, share.units_csv)
    (share.inbox / "钟村街道").mkdir()
    (share.inbox / "钟村街道" / "2024年自评报告.txt").write_bytes(BINARY)
    (share.inbox / "无名文件.txt").write_bytes(BINARY + b"\x01")
    engine = connect(f"sqlite:///{tmp_path / 'warehouse.db'}")
    try:
        upgrade(engine)
        load_units(engine, share.units_csv)
        results = intake_once(engine, share, owner="test/1")
        assert sorted((r.relative, r.outcome) for r in results) == [
            ("无名文件.txt", "rejected"),
            ("钟村街道/2024年自评报告.txt", "rejected"),
        ]
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    submission.c.file_name, submission.c.unit_id, submission.c.fiscal_year
                ).order_by(submission.c.file_name)
            ).all()
            alerts = conn.execute(
                select(
                    alert_outbox.c.kind, alert_outbox.c.recipient, alert_outbox.c.body_text
                ).order_by(alert_outbox.c.recipient)
            ).all()
        assert [(r.file_name, r.unit_id is not None, r.fiscal_year) for r in rows] == [
            ("无名文件.txt", False, None),
            ("钟村街道/2024年自评报告.txt", True, 2024),
        ]
        assert [(a.kind, a.recipient) for a in alerts] == [
            ("feedback", "zhongcun.caiwu@example.org"),
            ("feedback", "zhongcun.jixiao@example.org"),
        ]
        lines = alerts[0].body_text.splitlines()
        item = lines.index("[错误（1 处，须改正）]") + 2
        assert lines[item : item + 2] == [
            "1. 文件 钟村街道/2024年自评报告.txt 未被接收：这不是一份可以读取的报告（不是文字、Word、"
            "PDF 或 Excel 文件的内容）。请上传Word（.docx）、PDF、Excel（.xlsx/.xls）、WPS 或文本"
            "（.txt）格式的报告。",
            "   如何修改：请提交一份可以读取的完整报告：另存为 Word（.docx）或 PDF，不加密码，"
            "不超过 5 MB。",
        ]
        feedback = list((share.root / "feedback").rglob("*.md"))
        assert [p.parent.name for p in feedback] == ["钟村街道"]

        reminders = queue_reminders(engine, share, 2024, now=datetime(2025, 4, 15, tzinfo=UTC))
        assert reminders.new_alert_ids
        with engine.connect() as conn:
            subjects = {
                r.recipient: r.subject
                for r in conn.execute(
                    select(alert_outbox.c.recipient, alert_outbox.c.subject).where(
                        alert_outbox.c.kind == "reminder_missing"
                    )
                )
            }
        assert subjects["zhongcun.caiwu@example.org"] == (
            "【绩效自评提醒】钟村街道 2024 年度自评报告文件无法读取，请重新提交"
            " / Reminder: the 2024 report file could not be read"
        )
        assert subjects["shatou.caiwu@example.org"] == (
            "【绩效自评提醒】沙头街道 2024 年度自评报告尚未提交"
            " / Reminder: 2024 self-evaluation report not received"
        )
    finally:
        engine.dispose()
