"""The self-check page as server-rendered HTML: the form, the findings per file, the errors.

Chinese for the submitter, one language per line; everything from the upload (file names,
quoted sentences) is escaped text. No script: the form posts, the server answers a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from selfeval import settings
from selfeval.findings import Finding, severity_counts
from selfeval.refusals import ACCEPTED_ZH
from selfeval.selfcheck.run import SelfCheck

TITLE = "绩效自评报告自查"
STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0 auto;
       max-width: 60rem; padding: 1.5rem; color: #1f2328; line-height: 1.6; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
.lead, .privacy, .meta, .detail { color: #57606a; }
form { border: 1px solid #d0d7de; border-radius: 6px; padding: 1rem; background: #f6f8fa; }
button { font-size: 1rem; padding: .4rem 1.2rem; margin-top: .5rem; }
.report { border-top: 2px solid #d0d7de; margin-top: 1.5rem; }
.verdict { font-weight: bold; }
.verdict.ok { color: #1a7f37; }
.verdict.error, .refused .reason { color: #cf222e; }
.verdict.warning { color: #9a6700; }
.finding { margin: 1rem 0; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 4px; color: #fff;
         background: #cf222e; font-size: .875rem; margin-right: .5rem; }
.finding.warning .badge { background: #9a6700; }
blockquote { margin: .25rem 0; padding: .25rem .75rem; border-left: 4px solid #d0d7de;
             background: #f6f8fa; white-space: pre-wrap; }
.detail { font-size: .875rem; }
"""
ACCEPT = ",".join(settings.REPORT_SUFFIXES)
SEVERITY_ZH = {"error": "错误", "warning": "提示"}


def _layout(body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{TITLE}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="stylesheet" href="/style.css">\n</head>\n<body>\n'
        f"<h1>{TITLE}</h1>\n"
        '<p class="lead">提交前先在这里检查：选择报告文件，页面会列出区里检查时将会指出的问题，'
        "引用报告原文，并说明怎样改正。</p>\n"
        '<form method="post" action="/check" enctype="multipart/form-data">\n'
        '<label for="files">报告文件（可一次选择多个）：</label>\n'
        f'<input id="files" name="files" type="file" multiple required accept="{ACCEPT}">\n'
        f"<p>{escape(ACCEPTED_ZH)}</p>\n"
        '<button type="submit">开始检查</button>\n</form>\n'
        f"{body}"
        '<p class="privacy">上传的文件只用于这次检查：检查完即删除，不保存，也不会发送给任何人。'
        "正式提交仍请按区里的要求报送。</p>\n"
        "</body>\n</html>\n"
    )


def form_page() -> str:
    return _layout("")


def error_page(message: str) -> str:
    """The form again, above one Chinese message about the upload as a whole."""
    return _layout(
        f'<section class="report refused">\n<p class="reason">{escape(message)}</p>\n</section>\n'
    )


def results_page(results: Sequence[SelfCheck]) -> str:
    return _layout("".join(_report(r) for r in results))


def _report(r: SelfCheck) -> str:
    out = [
        f'<section class="report{" refused" if r.refused else ""}">',
        f"<h2>{escape(r.name)}</h2>",
    ]
    if r.refused is not None:
        out.append(f'<p class="reason">无法检查：{escape(r.refused_zh or "")}</p>')
        out.append(f'<p class="detail" lang="en">Reason: {escape(r.refused)}</p>')
        return "\n".join([*out, "</section>\n"])
    meta = [
        f"单位：{r.unit}" if r.unit else "单位：未读出",
        f"年度：{r.fiscal_year}年" if r.fiscal_year else "年度：未读出",
    ]
    out.append(f'<p class="meta">{escape("　".join(meta))}</p>')
    out.append(_verdict(r))
    if r.findings:
        out.append('<ol class="findings">')
        out.extend(_finding(f) for f in r.findings)
        out.append("</ol>")
    return "\n".join([*out, "</section>\n"])


def _verdict(r: SelfCheck) -> str:
    errors, warnings = severity_counts(r.findings)
    if errors:
        tail = f"，另有 {warnings} 条提示" if warnings else ""
        return f'<p class="verdict error">有 {errors} 处错误需要改正{tail}。请改正后再提交。</p>'
    if warnings:
        return f'<p class="verdict warning">没有错误；有 {warnings} 条提示，请核对后再提交。</p>'
    return '<p class="verdict ok">没有发现问题，可以提交。</p>'


def _finding(f: Finding) -> str:
    ev = f.evidence  # the place and the words as submitted, so the clerk can search for them
    where = "" if ev is None else ev.place or f"第{ev.line}行"
    quote = "" if ev is None else f"<blockquote>{escape(ev.printed or ev.text)}</blockquote>\n"
    return (
        f'<li class="finding {f.severity}">\n'
        f'<p class="where"><span class="badge">{SEVERITY_ZH[f.severity]}</span>{escape(where)}'
        f"{'：' if where else ''}{escape(f.subject)}</p>\n"
        f"{quote}"
        f'<p class="message">{escape(f.message_zh)}</p>\n'
        "</li>"
    )
