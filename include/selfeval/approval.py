"""What the person who approves the annual publication reads: the draft and the reminders.

The annual DAG publishes a draft to drafts/<year>/, lists the reminders it would queue, then
waits for a person to approve in the Airflow UI (ADR 0016). This module writes that request in
Chinese (Markdown, as the UI renders it), from plain values: nothing here reads or sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from selfeval.alerts import PlannedReminder


@dataclass(frozen=True, slots=True)
class Draft:
    """What the draft step built for one fiscal year."""

    fiscal_year: int
    draft_folder: str | None  # None: the year has nothing to publish (no report, no draft)
    publish_folder: str
    submissions: int  # current reports of registry units, as published
    units_missing: int
    held: tuple[str, ...]  # unit names the registry lacks: held for review, in no total
    reminders: tuple[PlannedReminder, ...]
    deadline: date
    reminders_due: bool  # the deadline is over: reminders go out on approval


def subject(draft: Draft) -> str:
    return f"{draft.fiscal_year}年度自评汇总：请核对草稿后批准发布"


def body(draft: Draft) -> str:
    """The approval request: where the draft is, what approval does, whom reminders go to."""
    if draft.draft_folder is None:
        lines = [
            f"**没有草稿**：仓库中没有 {draft.fiscal_year} 年度在册单位的任何报告，无可发布的内容。",
            "",
            "**批准（Approve）后**：",
            "- 不发布（没有内容）；",
        ]
    else:
        lines = [
            f"**草稿**：`{draft.draft_folder}`（工作簿、CSV、网页，与正式发布的文件相同）。",
            f"依据 {draft.submissions} 份在册单位的报告；未提交单位 {draft.units_missing} 个。",
            "",
            "**批准（Approve）后**：",
            f"- 发布到 `{draft.publish_folder}`（替换该年度已发布的文件）；",
        ]
    if draft.reminders_due:
        fresh = [r for r in draft.reminders if not r.queued_before]
        lines.append(f"- 排队并发送下列 {len(fresh)} 份催报（已发过的不再发送）。")
    else:
        lines.append(
            f"- **不发送催报**：截止日期 {_date(draft.deadline)} 尚未过，截止后再运行本流程才会催报。"
        )
    lines += ["", "**拒绝（Reject）后**：不发布、不催报，草稿留作参考。", ""]
    if draft.held:
        lines += [
            f"**待核实单位**（不在单位名录中，不计入汇总、排名和统计）：{'、'.join(draft.held)}。"
            "在 units.csv 中补充单位或别名后自动计入。",
            "",
        ]
    heading = "**催报名单**" if draft.reminders_due else "**催报名单（截止日期后才会发送）**"
    lines.append(f"{heading}：" + ("无。" if not draft.reminders else ""))
    lines += _reminder_table(draft.reminders)
    return "\n".join(lines)


def _reminder_table(reminders: Sequence[PlannedReminder]) -> list[str]:
    if not reminders:
        return []
    rows = ["", "| 单位 | 原因 | 收件人 | 状态 |", "|---|---|---|---|"]
    for r in reminders:
        to = "、".join(r.recipients) or "（名录中无邮箱，仅写入反馈文件夹）"
        state = "已发过，不再发送" if r.queued_before else "待发送"
        rows.append(f"| {_cell(r.unit_name)} | {_cell(r.why)} | {_cell(to)} | {state} |")
    return rows


def _cell(text: str) -> str:
    # A report's words in a Markdown table cell: no row or column breaks.
    return text.replace("|", "｜").replace("\n", " ")


def _date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
