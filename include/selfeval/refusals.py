"""Why a file was refused, said in Chinese to the person who sent it.

The readers give their reasons in English, one line each (`UnreadableReport.reason`,
`Refused.reason`), for the data team and the logs. `reason_zh` finds the Chinese sentence for
such a reason in one table kept here, so the wording stays in one voice; a reason no pattern
knows gets a general sentence and the English reason is kept beside it by the caller, never
dropped. A leaf module: settings and the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selfeval import settings

_Zh = str | Callable[[re.Match[str]], str]

_RESEND = "请用 Word、WPS 或 Excel 重新另存后再上传。"
_FORMATS = "Word（.docx）、PDF、Excel（.xlsx/.xls）、WPS 或文本（.txt）"
_FORMAT_NAMES = {"Word": "Word 文件", "Excel": "Excel 文件", "PDF": "PDF 文件", "image": "图片"}
_OLD_FORMATS = {
    "Word 97-2003": "Word 97-2003 文件（.doc）",
    "WPS Writer": "WPS 文字文件（.wps）",
    "WPS Spreadsheets": "WPS 表格文件（.et）",
    "Excel 97-2003": "Excel 97-2003 文件（.xls）",
}
_KINDS = {"amount (万元)": "金额", "score": "分数", "percentage": "百分比"}


def megabytes(size: int) -> str:
    """A byte count as people say it: 5 MB, 12.4 MB."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def too_large(size: int) -> str:
    """The reason a file of `size` bytes is refused unread: over `settings.MAX_REPORT_BYTES`."""
    return f"too large for a report: {size} bytes (limit {settings.MAX_REPORT_BYTES})"


LIMIT_ZH = f"单个文件不超过 {megabytes(settings.MAX_REPORT_BYTES)}"
ACCEPTED_ZH = f"可以上传{_FORMATS}，也可以上传扫描件（PDF 或图片）；{LIMIT_ZH}。"


def _too_large(m: re.Match[str]) -> str:
    size = f"（{megabytes(int(m['size']))}）" if m["size"] else ""
    return (
        f"文件太大{size}，超过了上限：{LIMIT_ZH}。一份报告通常只有几十 KB 到几 MB，"
        "请确认没有选错文件；如果插入了大图片，请压缩图片后再上传。"
    )


def _damaged(m: re.Match[str]) -> str:
    what = _FORMAT_NAMES.get(m["what"], "文件")
    return f"这个{what}已损坏，无法打开。{_RESEND}"


def _old_format(m: re.Match[str]) -> str:
    what = next((zh for en, zh in _OLD_FORMATS.items() if en in m["what"]), "旧版 Office 文件")
    if m["how"].startswith("needs"):
        return f"这是{what}，本机无法转换这种格式。请另存为 .{m['to']} 后再上传。"
    return f"这是{what}，转换失败（文件可能已损坏或设有密码）。请另存为 .{m['to']} 后再上传。"


def _at(m: re.Match[str]) -> str:
    return f"报告第{m['line']}行" if m["line"] else "报告中"


def _figure(m: re.Match[str]) -> str:
    kind = _KINDS.get(m["kind"], "数字")
    return (
        f"{_at(m)}的{kind}“{m['value']}”超出了可以接受的范围或位数，"
        "请核对这个数字（是否多打了数字或小数位）后再上传。"
    )


def _control(m: re.Match[str]) -> str:
    return f"{_at(m)}含有不可见的控制字符（空字符），不是纯文本。请重新另存为文本或 Word 文件后再上传。"


# (pattern on the English reason, the Chinese sentence or a function of the match), in order.
_TABLE: tuple[tuple[re.Pattern[str], _Zh], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"^too large for a report(?::\s*(?P<size>\d+) bytes)?", _too_large),
        (r"^is empty", "文件是空的（0 字节），没有内容。请检查是否选对了文件。"),
        (r"^contains only white space", "文件里只有空白，没有文字。请检查是否选对了文件。"),
        (
            r"^is binary|^is a ZIP file but not a Word|^is an OLE|"
            r"^is a PDF, not text|^is a ZIP/Office file, not text",
            f"这不是一份可以读取的报告（不是文字、Word、PDF 或 Excel 文件的内容）。请上传{_FORMATS}格式的报告。",
        ),
        (
            r"^cannot be decoded|byte-order mark but is not valid|unpaired surrogates",
            "文件的文字编码无法识别（不是 UTF-8，也不是 GB18030/GBK 或 Big5 编码的中文）。"
            "请把报告另存为 UTF-8 编码的文本，或直接上传 Word 文件。",
        ),
        (
            r"ZIP bomb|^is a ZIP/Office file that expands",
            "这个压缩文件解压后异常巨大，不是一份报告，已拒收。" + _RESEND,
        ),
        (
            r"^is a ZIP/Office file with \d+ parts",
            "这个文件包含的部件异常多，不是一份报告，已拒收。" + _RESEND,
        ),
        (
            r"password-protected|encrypted",
            "文件设置了密码（已加密），无法打开。请取消密码后再上传。",
        ),
        (
            r"declares a DTD",
            "文件中含有 Office 软件从不写入的内容（DTD 声明），作为可疑文件拒收。" + _RESEND,
        ),
        (
            r"^is (?:a |an )?(?P<what>Word|Excel|PDF|image)\b.*(cannot be read|without)|"
            r"^is a damaged ZIP/Office file|^is a PDF without pages",
            _damaged,
        ),
        (
            r"^is a PDF of \d+ pages",
            f"PDF 页数太多（超过 {settings.PDF_MAX_PAGES} 页），不像是一份报告。请只上传报告本身。",
        ),
        (
            r"^is a scanned PDF of over",
            f"扫描的 PDF 超过 {settings.OCR_MAX_PAGES} 页，无法逐页识别文字。"
            "请上传 Word 文件，或由 Word 另存的 PDF。",
        ),
        (
            r"OCR is not installed",
            "这是扫描件（图片或没有文字层的 PDF），本机无法识别其中的文字。"
            "请上传 Word 文件，或由 Word 另存的 PDF。",
        ),
        (
            r"^has a sheet",
            "Excel 工作表过大（行数或列数超过上限），不像是一份报告。请只保留报告所在的工作表。",
        ),
        (
            r"^is (?P<what>.*?),? (?:which|that) (?P<how>needs LibreOffice|LibreOffice)"
            r".*save it as \.(?P<to>\w+)",
            _old_format,
        ),
        (
            r"of CPU|needs more than .* of memory|took longer than",
            "读取这个文件用时过长或占用内存过多，不像是一份报告，已拒收。" + _RESEND,
        ),
        (
            r"reader (crash|died|failed)|stopped without a result|cannot be read by the|no reader",
            "读取程序处理这个文件时出错，已拒收；区数据组会看到并处理。也可以先另存为 Word 文件再上传。",
        ),
        (
            r"^the checks failed",
            "检查程序处理这份报告时出错；区数据组会看到并处理。",
        ),
        (
            r"^(?:line (?P<line>\d+): )?(?P<kind>amount \(万元\)|score|percentage) (?P<value>\S+) is ",
            _figure,
        ),
        (r"^(?:line (?P<line>\d+): )?contains a NUL character", _control),
        (r"^is a directory", "这是一个文件夹，不是报告文件。"),
        (r"^no such file", "找不到这个文件。"),
        (r"^no file matches", "没有文件符合这个路径模式。"),
        (r"^is a folder without report files", "这个文件夹里没有报告文件。"),
        (
            r"symbolic link|not a regular file|hard link",
            "这不是一个普通文件（可能是链接），请直接提交报告文件本身。",
        ),
        (r"^permission denied|^cannot be read", "没有权限读取这个文件，或文件无法读取。"),
        (r"^the file name is not valid text", "文件名不是有效的文字（UTF-8），请重命名后再提交。"),
        (
            r"^a hidden or temporary file name",
            "文件名像是临时文件（以“.”或“~”开头，或以 .tmp、.part 等结尾），请重命名后再提交。",
        ),
    )
)
UNKNOWN_ZH = "无法读取这个文件。区数据组会看到原因并处理。"


def reason_zh(reason: str) -> str:
    """The Chinese sentence for an English refusal reason (`UNKNOWN_ZH` when none fits)."""
    for pattern, zh in _TABLE:
        m = pattern.search(reason)
        if m is None:
            continue
        return zh if isinstance(zh, str) else zh(m)
    return UNKNOWN_ZH
