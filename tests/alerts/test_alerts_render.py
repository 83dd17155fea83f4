"""Rendering feedback and reminders: exact subjects, the report quoted, Chinese above English,
and untrusted report text escaped in HTML and Markdown."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from alerts.findings_examples import CARRY_000, SCORE_001, WARNING
from selfeval.alerts import SubmissionSummary, feedback_for_submission, reminder_missing
from selfeval.record import Evidence

pytestmark = pytest.mark.unit

SUMMARY = SubmissionSummary(
    submission_id=7,
    unit_name="白鹤洞街道",
    district="荔湾区",
    fiscal_year=2024,
    version=1,
    file_name="白鹤洞 自评.txt",
    sha256="b5df364da49d" + "0" * 52,
    received_at=datetime(2025, 3, 20, 2, 30, tzinfo=UTC),
)


def test_feedback_lists_findings_by_severity_and_quotes_the_report() -> None:
    out = feedback_for_submission(SUMMARY, [WARNING, SCORE_001])
    assert out.subject == (
        "【绩效自评反馈】白鹤洞街道 2024 年度：1 处错误，1 处提醒"
        " / Feedback: 1 error(s), 1 warning(s)"
    )
    text = out.text
    assert text.splitlines()[:4] == [
        "白鹤洞街道 2024 年度绩效自评报告：核对反馈",
        "====================",
        "",
        "已收到白鹤洞街道提交的2024 年度部门整体支出绩效自评报告"
        "（文件 白鹤洞 自评.txt，第 1 版，收到时间 2025-03-20 10:30 CST）。",
    ]
    error_block = [
        "1. 标题所述管理效能自评分 46.5 分与评分表各项之和 47.5 分不一致",
        "   报告原文（第 86 行）：「(二)管理效率分析(总分为50分，自评分为46.5分)」",
        "   报告所列：46.5",
        "   核对应为：47.5（允许误差 ±0.05）",
        "   如何修改：标题或正文中的分数应与《自评指标评分表》一致：请核对评分表各项得分与小计、总分，"
        "统一改正。",
    ]
    lines = text.splitlines()
    start = lines.index(error_block[0])
    assert lines[start : start + 5] == error_block
    # Errors before warnings; the Chinese half before the English half.
    assert text.index("[错误（1 处，须改正）]") < text.index("[提醒（1 处，请核实）]")
    assert text.index("请改正后") < text.index("Errors (1, must be corrected)")
    assert "   Report text (line 86): “(二)管理效率分析(总分为50分，自评分为46.5分)”" in lines


def test_clean_report_gets_a_short_receipt() -> None:
    out = feedback_for_submission(replace(SUMMARY, unit_name="钟村街道", version=2), [])
    assert (
        out.subject
        == "【绩效自评回执】钟村街道 2024 年度：已收到，未发现问题 / Receipt: no issues found"
    )
    assert "自动核对未发现问题，无需进一步处理。谢谢！" in out.text
    assert "错误" not in out.text
    assert len(out.text.splitlines()) == 16


def test_untrusted_report_text_is_escaped_in_html_and_markdown() -> None:
    hostile = replace(
        CARRY_000,
        evidence=Evidence(3, '<script>alert("x")</script> **粗体** [链接](http://evil) & 46.5'),
    )
    out = feedback_for_submission(replace(SUMMARY, file_name="<img src=x>.txt"), [hostile])
    assert "<script>" not in out.html and "<img" not in out.html
    assert (
        "<q>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; **粗体** [链接](http://evil)"
        " &amp; 46.5</q>" in out.html
    )
    assert (
        '「\\<script\\>alert("x")\\</script\\> \\*\\*粗体\\*\\* \\[链接\\](http://evil) \\& 46.5」'
        in out.markdown
    )
    assert "&lt;img src=x&gt;.txt" in out.html
    assert out.html.index('lang="zh-CN"') < out.html.index('<section lang="en">')


def test_unknown_unit_and_year_are_said_plainly() -> None:
    out = feedback_for_submission(replace(SUMMARY, unit_name=None, fiscal_year=None), [CARRY_000])
    assert out.subject.startswith("【绩效自评反馈】（未识别的单位） （年度未识别）：1 处错误")


def test_reminder_for_a_missing_report() -> None:
    out = reminder_missing("沙头街道", 2024)
    assert out.subject == (
        "【绩效自评提醒】沙头街道 2024 年度自评报告尚未提交"
        " / Reminder: 2024 self-evaluation report not received"
    )
    assert "尚未收到沙头街道的2024 年度部门整体支出绩效自评报告" in out.text
