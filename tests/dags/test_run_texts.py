"""What the data team reads in a run: the approval request, the run's note, a batch's label."""

from __future__ import annotations

from datetime import date

from selfeval.alerts import PlannedReminder
from selfeval.approval import Draft, body, subject

REMINDERS = (
    PlannedReminder("reminder_missing", "沙头街道", ("shatou@example.org",), "未提交", False),
    PlannedReminder(
        "reminder_open_errors", "钟村|街道", (), "当前报告（a.txt）仍有 1 项错误", True
    ),
)
DRAFT = Draft(
    fiscal_year=2024,
    draft_folder="/share/drafts/2024",
    publish_folder="/share/published/2024",
    submissions=2,
    units_missing=4,
    held=("新造镇",),
    reminders=REMINDERS,
    deadline=date(2025, 3, 31),
    reminders_due=True,
)


def test_the_approval_request_after_the_deadline() -> None:
    assert subject(DRAFT) == "2024年度自评汇总：请核对草稿后批准发布"
    assert body(DRAFT).splitlines() == [
        "**草稿**：`/share/drafts/2024`（工作簿、CSV、网页，与正式发布的文件相同）。",
        "依据 2 份在册单位的报告；未提交单位 4 个。",
        "",
        "**批准（Approve）后**：",
        "- 发布到 `/share/published/2024`（替换该年度已发布的文件）；",
        "- 排队并发送下列 1 份催报（已发过的不再发送）。",
        "",
        "**拒绝（Reject）后**：不发布、不催报，草稿留作参考。",
        "",
        "**待核实单位**（不在单位名录中，不计入汇总、排名和统计）：新造镇。在 units.csv 中补充单位或别名后自动计入。",
        "",
        "**催报名单**：",
        "",
        "| 单位 | 原因 | 收件人 | 状态 |",
        "|---|---|---|---|",
        "| 沙头街道 | 未提交 | shatou@example.org | 待发送 |",
        "| 钟村｜街道 | 当前报告（a.txt）仍有 1 项错误 | （名录中无邮箱，仅写入反馈文件夹） | 已发过，不再发送 |",
    ]  # fmt: skip


def test_the_approval_request_before_the_deadline_and_with_nothing_to_publish() -> None:
    from dataclasses import replace

    early = replace(DRAFT, draft_folder=None, held=(), reminders=(), reminders_due=False)
    assert body(early).splitlines() == [
        "**没有草稿**：仓库中没有 2024 年度在册单位的任何报告，无可发布的内容。",
        "",
        "**批准（Approve）后**：",
        "- 不发布（没有内容）；",
        "- **不发送催报**：截止日期 2025年3月31日 尚未过，截止后再运行本流程才会催报。",
        "",
        "**拒绝（Reject）后**：不发布、不催报，草稿留作参考。",
        "",
        "**催报名单（截止日期后才会发送）**：无。",
    ]


def test_the_runs_note() -> None:
    from selfeval_airflow.run_notes import run_note

    counts = {"loaded": 3, "duplicate": 0, "rejected": 1, "deferred": 0, "failed": 0}
    assert run_note({**counts, "with_errors": 3}) == (
        "本次收到 4 个文件：载入 3，其中有错误 3，拒收 1。\n\n"
        "4 file(s) in this run: 3 loaded, 3 with errors, 1 rejected."
    )
    assert run_note(dict.fromkeys(counts, 0)) == "本次没有新文件。\n\nNo new file in this run."


def test_a_batch_label_names_units_and_outcomes_within_the_map_index_column() -> None:
    from selfeval_airflow.tasks import outcome_label

    def brief(name: str, unit: str | None, outcome: str, errors: int = 0) -> dict[str, object]:
        return {"relative": name, "unit_name": unit, "outcome": outcome, "errors": errors}

    briefs = [
        brief("a.txt", "钟村街道", "loaded", 1),
        brief("b.txt", "钟村街道", "duplicate"),
        brief("扫描件.pdf", None, "rejected"),
    ]
    assert outcome_label("2/8 · 3 files: a.txt, b.txt, 扫描件.pdf", briefs) == (
        "2/8 · 钟村街道、扫描件.pdf · 载入 1，有错误 1，拒收 1（扫描件.pdf），重复 1"
    )
    many = [brief(f"{i}.txt", f"第{i}号单位名称很长的街道办事处", "loaded") for i in range(40)]
    label = outcome_label("1/1 · 40 files: …", many)
    assert len(label) <= 250 and label.endswith(" 等 40 个 · 载入 40"), label
    assert label.startswith("1/1 · 第0号单位名称很长的街道办事处、第1号")
