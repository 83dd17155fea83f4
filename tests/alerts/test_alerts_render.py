"""Rendering feedback and reminders: exact subjects, the report quoted, Chinese above English,
and untrusted report text escaped in HTML and Markdown."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

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
        "（文件 白鹤洞 自评.txt，第 1 版，收到时间 2025年3月20日 10:30（北京时间））。",
    ]
    error_block = [
        "1. 标题所述管理效能自评分 46.5 分与评分表各项之和 47.5 分不一致",
        "   报告原文（第86行）：「(二)管理效率分析(总分为50分，自评分为46.5分)」",
        "   如何修改：标题或正文中的分数应与《自评指标评分表》一致：请核对评分表各项得分与小计、总分，"
        "统一改正。",
    ]
    lines = text.splitlines()
    start = lines.index(error_block[0])
    assert lines[start : start + 3] == error_block
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


def _seed_feedback(seed: Path) -> str:
    from selfeval.checks import check_record
    from selfeval.extract import extract_file

    record = extract_file(seed)
    summary = replace(
        SUMMARY, unit_name=record.unit.name, file_name=seed.name, fiscal_year=record.fiscal_year
    )
    text = feedback_for_submission(
        summary, check_record(record), contact="区财政局绩效科 020-12345678"
    ).text
    return text.split("-" * 40)[0]


def test_seed_feedback_quotes_the_report_as_submitted_and_names_both_figures(
    seed_000: Path, seed_001: Path
) -> None:
    assert _seed_feedback(seed_000).splitlines()[7:14] == [
        "[错误（1 处，须改正）]",
        "",
        "1. 第118行“2024年年初结转和结 余25.04万元,2023年年末结转结余5.76万元,全部是非 财政结转结余。”中，"
        "2024年年初结转和结余为25.04万元，但2023年年末结转和结余为5.76万元，两者应当相等，相差19.28万元。"
        "请核对本年年初结转和结余或上年年末结转和结余。",
        "   如何修改：本年“年初结转和结余”应等于上年“年末结转和结余”：请核对两处数字及上年决算，改正有误的一处。",
        "",
        "请改正后将完整报告重新放入共享文件夹 inbox/（新文件将作为新版本处理）。",
        "",
    ]
    assert _seed_feedback(seed_001).splitlines()[9] == (
        "1. 第86行“（二）管理效率分析（总分为 50 分，自评分为 46.5 分）”写明管理效能自评分为46.5分，"
        "但评分表中管理效能各项得分合计为47.5分（3+3.5+4+14+10+9+4）。请核对标题或评分表，使两者一致。"
    )
    assert "如有疑问，请联系：区财政局绩效科 020-12345678。" in _seed_feedback(seed_001)


def test_a_reminder_says_what_by_when_where_which_formats_and_whom_to_ask(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SELFEVAL_CONTACT", "区财政局绩效科 张老师 020-12345678")
    out = reminder_missing("沙头街道", 2024)
    assert out.text.splitlines()[3:12] == [
        "截至目前，我们尚未收到沙头街道的2024 年度部门整体支出绩效自评报告。",
        "",
        "2024 年度报告的提交截止日期为 2025年3月31日。",
        "",
        "请将完整报告放入共享文件夹的 inbox/ 目录（可接受：Word 文档（.docx、.docm、.doc、.wps）、"
        "PDF（.pdf）、Excel 表格（.xlsx、.xlsm、.xls、.et）、文本文件（.txt、.md）、"
        "扫描图片（.png、.jpg、.jpeg、.tif、.tiff、.bmp））。",
        "",
        "如有疑问，请联系：区财政局绩效科 张老师 020-12345678。",
        "",
        "如已通过其他途径提交，请告知上述联系人，以免重复提醒。",
    ]


def test_every_accepted_suffix_is_named_in_the_reminders() -> None:
    from selfeval import settings
    from selfeval.alerts.render import accepted_formats

    zh, en = accepted_formats()
    assert all(suffix in zh and suffix in en for suffix in settings.REPORT_SUFFIXES)


def test_the_open_errors_reminder_is_not_the_first_feedback_again() -> None:
    from selfeval.alerts import reminder_open_errors

    first = feedback_for_submission(SUMMARY, [SCORE_001])
    again = reminder_open_errors(SUMMARY, [SCORE_001, WARNING], contact="区财政局绩效科")
    assert again.subject == (
        "【绩效自评提醒】白鹤洞街道 2024 年度报告仍有 1 处错误未改正 / Reminder: 1 error(s) still open"
    )
    assert again.text.splitlines()[:4] == [
        "白鹤洞街道 2024 年度绩效自评报告：仍有 1 处错误未改正",
        "====================",
        "",
        "白鹤洞街道于 2025年3月20日 10:30（北京时间） 提交的报告（文件 白鹤洞 自评.txt）"
        "经核对仍有以下 1 处错误，至今未收到改正后的版本。",
    ]
    assert "2024 年度报告的提交截止日期为 2025年3月31日。" in again.text
    assert "指标完成率超过 100%" not in again.text  # warnings are not repeated
    assert again.text != first.text
