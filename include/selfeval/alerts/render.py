"""Feedback and reminders as words: plain text, Markdown and HTML, Chinese first, English below.

One `Document` is built per message and rendered three ways, so the e-mail and the files under
feedback/<unit>/ always say the same thing. Everything quoted from a report is untrusted: HTML
output escapes it and Markdown output backslash-escapes the characters Markdown would act on.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from selfeval import settings
from selfeval.alerts.config import mail_config
from selfeval.dates import human_date, human_time, local, submission_deadline
from selfeval.findings import Finding
from selfeval.teamconfig import team_config

_UNKNOWN_UNIT_ZH = "（未识别的单位）"
_UNKNOWN_UNIT_EN = "(unit not recognised)"

# What to do about a finding, by the family of its check (the part of check_id before the dot).
_FIX_HINTS: dict[str, tuple[str, str]] = {
    "carryover": (
        "本年“年初结转和结余”应等于上年“年末结转和结余”：请核对两处数字及上年决算，改正有误的一处。",
        "This year's opening carry-over must equal last year's closing carry-over: check both "
        "figures against last year's final accounts and correct the wrong one.",
    ),
    "score": (
        "标题或正文中的分数应与《自评指标评分表》一致：请核对评分表各项得分与小计、总分，"
        "统一改正。",
        "Scores stated in headings or text must match the score table: check the items, "
        "subtotals and total of the table and correct them consistently.",
    ),
    "composition": (
        "各组成部分之和应等于合计，占比应与金额一致：请核对各项金额和占比。",
        "The parts must add up to the stated total and the shares must match the amounts: "
        "check each amount and percentage.",
    ),
    "execution": (
        "预算执行率应等于执行数除以预算数：请核对预算数、执行数和执行率。",
        "The execution rate must equal executed / budget: check the budget, the executed "
        "amount and the rate.",
    ),
    "report": (
        "请提交一份可以读取的完整报告：另存为 Word（.docx）或 PDF，不加密码，不超过 5 MB。",
        "Submit a readable copy of the whole report: saved as Word (.docx) or PDF, without a "
        "password, at most 5 MB.",
    ),
    "unit": (
        "报告中的单位名称未能与单位名录对应：请使用单位全称，或联系区财政局更新名录。",
        "The unit named in the report is not in the registry: use the unit's full name or ask "
        "the district team to update the registry.",
    ),
}
_FIX_ERROR = (
    "请核对报告中与此相关的数字（正文与表格），改正有误的一处，使其前后一致。",
    "Check the related figures (text and tables), correct whichever is wrong so they agree.",
)
_FIX_WARNING = (
    "请核实此处是否准确；如确有误，请修改。",
    "Please verify this; if it is wrong, correct it.",
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")


@dataclass(frozen=True, slots=True)
class SubmissionSummary:
    """What the feedback says about the submission itself (from the warehouse)."""

    submission_id: int
    unit_name: str | None
    district: str | None
    fiscal_year: int | None
    version: int | None
    file_name: str
    sha256: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Rendered:
    """One message, ready to queue and to write to feedback/."""

    subject: str
    text: str
    markdown: str
    html: str


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    fields: tuple[tuple[str, str, bool], ...]  # (label, value, value is a quote from the report)


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    items: tuple[Item, ...] = ()
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageHalf:
    """One language's half of a message."""

    title: str
    paragraphs: tuple[str, ...]
    sections: tuple[Section, ...]
    closing: tuple[str, ...]
    lang: str = "zh"

    @property
    def colon(self) -> str:
        return "：" if self.lang == "zh" else ": "

    def quote(self, text: str) -> str:
        return f"「{text}」" if self.lang == "zh" else f"“{text}”"


# --- numbers and words ---------------------------------------------------------------------------


def fix_hint(check_id: str, severity: str) -> tuple[str, str]:
    """What to do about a finding of this check, in Chinese and English: the advice every
    message gives (feedback, reminders, the consolidation view)."""
    family = check_id.split(".", 1)[0]
    family = "score" if family == "section_score" else family
    if family in _FIX_HINTS:
        return _FIX_HINTS[family]
    return _FIX_ERROR if severity == "error" else _FIX_WARNING


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    rank = {"error": 0, "warning": 1}
    return sorted(
        findings,
        key=lambda f: (rank.get(f.severity, 2), f.evidence.line if f.evidence else 10**9),
    )


def _where(f: Finding, line_word: str) -> str:
    ev = f.evidence
    assert ev is not None
    return ev.place or line_word.format(ev.line)


def _finding_item_zh(n: int, f: Finding) -> Item:
    fields: list[tuple[str, str, bool]] = []
    quote = None if f.evidence is None else f.evidence.printed or f.evidence.text
    if quote is not None and quote not in f.message_zh:  # most messages quote it themselves
        fields.append((f"报告原文（{_where(f, '第{}行')}）", quote, True))
    fields.append(("如何修改", fix_hint(f.check, f.severity)[0], False))
    return Item(f"{n}. {f.message_zh}", tuple(fields))


def _finding_item_en(n: int, f: Finding) -> Item:
    fields: list[tuple[str, str, bool]] = []
    quote = None if f.evidence is None else f.evidence.printed or f.evidence.text
    if f.evidence is not None and quote is not None and quote not in f.message_en:
        fields.append((f"Report text (line {f.evidence.line})", quote, True))
    fields.append(("What to fix", fix_hint(f.check, f.severity)[1], False))
    return Item(f"{n}. {f.message_en}", tuple(fields))


def _received(s: SubmissionSummary) -> str:
    """The district's local time: what submitters read on their clocks."""
    return human_time(s.received_at)


def _received_en(s: SubmissionSummary) -> str:
    return f"{local(s.received_at):%Y-%m-%d %H:%M} ({settings.DAG_TIMEZONE})"


_FORMAT_GROUPS = (
    ("Word 文档", "Word", (".docx", ".docm", ".doc", ".wps")),
    ("PDF", "PDF", (".pdf",)),
    ("Excel 表格", "Excel", (".xlsx", ".xlsm", ".xls", ".et")),
    ("文本文件", "text", (".txt", ".md")),
    ("扫描图片", "scanned images", (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")),
)


def accepted_formats() -> tuple[str, str]:
    """The formats the intake takes (settings.REPORT_SUFFIXES), in words, Chinese and English."""
    zh, en = [], []
    for name_zh, name_en, suffixes in _FORMAT_GROUPS:
        taken = [x for x in suffixes if x in settings.REPORT_SUFFIXES]
        if taken:
            zh.append(f"{name_zh}（{'、'.join(taken)}）")
            en.append(f"{name_en} ({', '.join(taken)})")
    return "、".join(zh), ", ".join(en)


def _where_to_send(
    fiscal_year: int | None, contact: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Where, by when, in which formats and whom to ask: the close of every reminder."""
    formats_zh, formats_en = accepted_formats()
    folder = f"{settings.INBOX_DIR}/"
    zh = [f"请将完整报告放入共享文件夹的 {folder} 目录（可接受：{formats_zh}）。"]
    en = [f"Drop the whole report into the shared folder's {folder} ({formats_en})."]
    if fiscal_year is not None:
        deadline = submission_deadline(fiscal_year)
        zh.insert(0, f"{fiscal_year} 年度报告的提交截止日期为 {human_date(deadline)}。")
        en.insert(0, f"Reports for {fiscal_year} are due by {deadline.isoformat()}.")
    zh.append(f"如有疑问，请联系：{contact}。")
    en.append(f"Questions: {contact}.")
    note = team_config().reminder_note  # the team's own words, in Chinese: [reminders] note
    if note:
        zh.append(note)
    return tuple(zh), tuple(en)


def feedback_for_submission(
    summary: SubmissionSummary, findings: Sequence[Finding], *, contact: str | None = None
) -> Rendered:
    """The feedback for one submission: its findings by severity, or a short receipt when clean."""
    contact = contact or mail_config().contact
    unit_zh = summary.unit_name or _UNKNOWN_UNIT_ZH
    unit_en = summary.unit_name or _UNKNOWN_UNIT_EN
    year = summary.fiscal_year
    year_zh = f"{year} 年度" if year else "（年度未识别）"
    year_en = f"fiscal year {year}" if year else "(fiscal year not recognised)"
    version = f"第 {summary.version} 版，" if summary.version else ""
    version_en = f"version {summary.version}, " if summary.version else ""
    ordered = _ordered(findings)
    errors = [f for f in ordered if f.severity == "error"]
    warnings = [f for f in ordered if f.severity != "error"]
    received_zh = (
        f"已收到{unit_zh}提交的{year_zh}部门整体支出绩效自评报告"
        f"（文件 {summary.file_name}，{version}收到时间 {_received(summary)}）。"
    )
    received_en = (
        f"We received the {year_en} performance self-evaluation report of {unit_en} "
        f"(file {summary.file_name}, {version_en}received {_received_en(summary)})."
    )
    if not ordered:
        subject = (
            f"【绩效自评回执】{unit_zh} {year_zh}：已收到，未发现问题 / Receipt: no issues found"
        )
        zh = MessageHalf(
            f"{unit_zh} {year_zh}绩效自评报告：回执",
            (received_zh, "自动核对未发现问题，无需进一步处理。谢谢！"),
            (),
            (),
        )
        en = MessageHalf(
            f"{unit_en}, {year_en}: receipt",
            (
                received_en,
                "The automatic checks found no issues; nothing more is needed. Thank you!",
            ),
            (),
            (),
            lang="en",
        )
        return _render(subject, zh, en)

    subject = (
        f"【绩效自评反馈】{unit_zh} {year_zh}：{len(errors)} 处错误，{len(warnings)} 处提醒"
        f" / Feedback: {len(errors)} error(s), {len(warnings)} warning(s)"
    )
    resubmit_zh = (
        "请改正后将完整报告重新放入共享文件夹 inbox/（新文件将作为新版本处理）。"
        if errors
        else "提醒事项无需重新提交；如确有误，请改正后重新放入共享文件夹 inbox/。"
    )
    resubmit_en = (
        "Please correct the report and drop the whole file into the shared folder's inbox/ "
        "again (it is processed as a new version)."
        if errors
        else "Warnings need no resubmission; if something is wrong, drop a corrected file into "
        "inbox/."
    )
    zh_sections: list[Section] = []
    en_sections: list[Section] = []
    if errors:
        zh_sections.append(
            Section(
                f"错误（{len(errors)} 处，须改正）",
                tuple(_finding_item_zh(i, f) for i, f in enumerate(errors, 1)),
            )
        )
        en_sections.append(
            Section(
                f"Errors ({len(errors)}, must be corrected)",
                tuple(_finding_item_en(i, f) for i, f in enumerate(errors, 1)),
            )
        )
    if warnings:
        zh_sections.append(
            Section(
                f"提醒（{len(warnings)} 处，请核实）",
                tuple(_finding_item_zh(i, f) for i, f in enumerate(warnings, 1)),
            )
        )
        en_sections.append(
            Section(
                f"Warnings ({len(warnings)}, please verify)",
                tuple(_finding_item_en(i, f) for i, f in enumerate(warnings, 1)),
            )
        )
    zh = MessageHalf(
        f"{unit_zh} {year_zh}绩效自评报告：核对反馈",
        (received_zh, "自动核对发现以下问题，每条均引用报告原文并注明所在位置。"),
        tuple(zh_sections),
        (resubmit_zh, f"如有疑问，请联系：{contact}。"),
    )
    en = MessageHalf(
        f"{unit_en}, {year_en}: feedback",
        (received_en, "The automatic checks found the issues below, each quoting the report."),
        tuple(en_sections),
        (resubmit_en, f"Questions: {contact}."),
        lang="en",
    )
    return _render(subject, zh, en)


def reminder_missing(unit_name: str, fiscal_year: int, *, contact: str | None = None) -> Rendered:
    """A reminder to a unit that has not submitted its report for the year: what is missing,
    by when, where to put it, in which formats, and whom to ask."""
    contact = contact or mail_config().contact
    close_zh, close_en = _where_to_send(fiscal_year, contact)
    subject = (
        f"【绩效自评提醒】{unit_name} {fiscal_year} 年度自评报告尚未提交"
        f" / Reminder: {fiscal_year} self-evaluation report not received"
    )
    zh = MessageHalf(
        f"{unit_name}：{fiscal_year} 年度绩效自评报告尚未收到",
        (
            f"截至目前，我们尚未收到{unit_name}的{fiscal_year} 年度部门整体支出绩效自评报告。",
            *close_zh,
            "如已通过其他途径提交，请告知上述联系人，以免重复提醒。",
        ),
        (),
        (),
    )
    en = MessageHalf(
        f"{unit_name}: {fiscal_year} self-evaluation report not received",
        (
            f"We have not received the {fiscal_year} performance self-evaluation report of "
            f"{unit_name}.",
            *close_en,
            "If you sent it another way, tell the contact above.",
        ),
        (),
        (),
        lang="en",
    )
    return _render(subject, zh, en)


def reminder_unreadable(
    unit_name: str, fiscal_year: int, file_name: str, reason: str, *, contact: str | None = None
) -> Rendered:
    """A reminder to a unit whose only file for the year could not be read: submitted, not
    missing — it needs a readable copy."""
    from selfeval.refusals import reason_zh

    contact = contact or mail_config().contact
    close_zh, close_en = _where_to_send(fiscal_year, contact)
    subject = (
        f"【绩效自评提醒】{unit_name} {fiscal_year} 年度自评报告文件无法读取，请重新提交"
        f" / Reminder: the {fiscal_year} report file could not be read"
    )
    zh = MessageHalf(
        f"{unit_name}：{fiscal_year} 年度绩效自评报告文件无法读取",
        (
            f"我们收到了{unit_name}提交的文件 {file_name}，但无法读取：{reason_zh(reason)}",
            "请提交一份可以读取的报告（例如另存为 .docx 或 .pdf，不加密码）。",
            *close_zh,
        ),
        (),
        (),
    )
    en = MessageHalf(
        f"{unit_name}: the {fiscal_year} report file could not be read",
        (
            f"We received the file {file_name} from {unit_name} but could not read it: {reason}.",
            "Please submit a readable copy (e.g. saved as .docx or .pdf, without a password).",
            *close_en,
        ),
        (),
        (),
        lang="en",
    )
    return _render(subject, zh, en)


def reminder_open_errors(
    summary: SubmissionSummary, findings: Sequence[Finding], *, contact: str | None = None
) -> Rendered:
    """A reminder that a unit's current submission still has errors: the errors again, what to
    do and by when — not the first feedback word for word."""
    contact = contact or mail_config().contact
    unit_zh = summary.unit_name or _UNKNOWN_UNIT_ZH
    unit_en = summary.unit_name or _UNKNOWN_UNIT_EN
    errors = [f for f in _ordered(findings) if f.severity == "error"]
    year = summary.fiscal_year
    subject = (
        f"【绩效自评提醒】{unit_zh} {year} 年度报告仍有 {len(errors)} 处错误未改正"
        f" / Reminder: {len(errors)} error(s) still open"
    )
    close_zh, close_en = _where_to_send(year, contact)
    zh = MessageHalf(
        f"{unit_zh} {year} 年度绩效自评报告：仍有 {len(errors)} 处错误未改正",
        (
            f"{unit_zh}于 {_received(summary)} 提交的报告（文件 {summary.file_name}）"
            f"经核对仍有以下 {len(errors)} 处错误，至今未收到改正后的版本。",
        ),
        (
            Section(
                f"未改正的错误（{len(errors)} 处）",
                tuple(_finding_item_zh(i, f) for i, f in enumerate(errors, 1)),
            ),
        ),
        ("请改正后重新提交，新文件将作为新版本处理。", *close_zh),
    )
    en = MessageHalf(
        f"{unit_en}, {year}: {len(errors)} error(s) still open",
        (
            f"The report {unit_en} sent on {_received_en(summary)} (file {summary.file_name}) "
            f"still has the {len(errors)} error(s) below; no corrected version has arrived.",
        ),
        (
            Section(
                f"Open errors ({len(errors)})",
                tuple(_finding_item_en(i, f) for i, f in enumerate(errors, 1)),
            ),
        ),
        ("Correct them and submit again; the new file is processed as a new version.", *close_en),
        lang="en",
    )
    return _render(subject, zh, en)


# --- rendering -----------------------------------------------------------------------------------


def _render(subject: str, zh: MessageHalf, en: MessageHalf) -> Rendered:
    return Rendered(
        subject=subject,
        text=_text(zh) + "\n\n" + "-" * 40 + "\n\n" + _text(en),
        markdown=_markdown(zh) + "\n---\n\n" + _markdown(en),
        html=_html(subject, zh, en),
    )


def _text(part: MessageHalf) -> str:
    lines = [part.title, "=" * 20, ""]
    for p in part.paragraphs:
        lines += [p, ""]
    for section in part.sections:
        lines += [f"[{section.heading}]", ""]
        for item in section.items:
            lines.append(item.title)
            for label, value, quoted in item.fields:
                shown = part.quote(value) if quoted else value
                lines.append(f"   {label}{part.colon}{shown}")
            lines.append("")
    for p in part.closing:
        lines += [p, ""]
    return "\n".join(lines).rstrip() + "\n"


def md_escape(text: str) -> str:
    """Backslash-escape what Markdown would turn into markup or raw HTML; digits and dots stay."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def _markdown(part: MessageHalf) -> str:
    lines = [f"# {md_escape(part.title)}", ""]
    for p in part.paragraphs:
        lines += [md_escape(p), ""]
    for section in part.sections:
        lines += [f"## {md_escape(section.heading)}", ""]
        for item in section.items:
            lines += [f"### {md_escape(item.title)}", ""]
            for label, value, quoted in item.fields:
                shown = part.quote(md_escape(value)) if quoted else md_escape(value)
                lines.append(f"- **{md_escape(label)}**{part.colon}{shown}")
            lines.append("")
    for p in part.closing:
        lines += [md_escape(p), ""]
    return "\n".join(lines)


def _html_part(part: MessageHalf, lang: str) -> str:
    e = html.escape
    out = [f'<section lang="{lang}">', f"<h1>{e(part.title)}</h1>"]
    out += [f"<p>{e(p)}</p>" for p in part.paragraphs]
    for section in part.sections:
        out.append(f"<h2>{e(section.heading)}</h2>")
        for item in section.items:
            out.append(f"<h3>{e(item.title)}</h3>")
            out.append("<ul>")
            for label, value, quoted in item.fields:
                shown = f"<q>{e(value)}</q>" if quoted else e(value)
                out.append(f"<li><strong>{e(label)}</strong>{part.colon}{shown}</li>")
            out.append("</ul>")
    out += [f"<p>{e(p)}</p>" for p in part.closing]
    out.append("</section>")
    return "\n".join(out)


def _html(subject: str, zh: MessageHalf, en: MessageHalf) -> str:
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="zh-CN">',
            '<head><meta charset="utf-8">',
            f"<title>{html.escape(subject)}</title>",
            "<style>body{font-family:sans-serif;max-width:48em;margin:1em auto;line-height:1.5}"
            "q{background:#fff3cd}q::before{content:'「'}q::after{content:'」'}</style>",
            "</head>",
            "<body>",
            _html_part(zh, "zh-CN"),
            "<hr>",
            _html_part(en, "en"),
            "</body>",
            "</html>",
            "",
        ]
    )
