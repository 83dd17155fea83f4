"""The consolidation view as server-rendered HTML pages, in Chinese.

Unit names, file names, reasons and quotes come from submitters: every text goes through
`html_text` on its way out. Links inside the view are relative (the view may be mounted under any
prefix); links to Airflow runs open in the whole window (`target="_top"`: the view is framed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from selfeval.alerts.render import fix_hint
from selfeval.consolidation.queries import (
    Cell,
    Matrix,
    OpenFinding,
    Rejection,
    Run,
    UnitDetail,
    UnitYear,
)
from selfeval.dates import human_time
from selfeval.publish.safety import html_text as esc
from selfeval.refusals import reason_zh

TITLE = "绩效自评汇总"

_STATE_WORDS = {
    "success": "成功",
    "failed": "失败",
    "running": "运行中",
    "queued": "排队中",
    "upstream_failed": "上游失败",
    "skipped": "跳过",
}
# A status label's first characters → its colour class.
_TAG_CLASSES = (
    ("已提交", "ok"),
    ("按时", "ok"),
    ("逾期", "late"),
    ("未提交", "missing"),
    ("被拒", "bad"),
    ("错误", "bad"),
    ("提示", "warn"),
)

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5rem;color:#1a1a1a}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.8rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.6rem 0}
th,td{border:1px solid #ccc;padding:.35rem .6rem;text-align:left;vertical-align:top}
thead th{background:#f2f2f2}
.tag{display:inline-block;border-radius:.8rem;padding:0 .5rem;margin:.1rem;font-size:.85rem}
.ok{background:#e3f4e1}.late{background:#fff0c2}.missing{background:#eee;color:#555}
.bad{background:#fbdada}.warn{background:#fdebd3}.unregistered{background:#e2e8fb}
blockquote{margin:.3rem 0;padding:.3rem .6rem;border-left:3px solid #999;background:#fafafa;
white-space:pre-wrap}
.note{color:#555}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else esc(human_time(moment))


def _tags(labels: Sequence[str]) -> str:
    out = []
    for label in labels:
        css = next((c for prefix, c in _TAG_CLASSES if label.startswith(prefix)), "")
        out.append(f'<span class="tag {css}">{esc(label)}</span>')
    return "".join(out) or "—"


def _run_link(run: Run | None) -> str:
    if run is None:
        return "—"
    state = _STATE_WORDS.get(run.state, run.state)
    return (
        f'<a href="{esc(run.url)}" target="_top">{esc(run.dag_id)} · {esc(run.run_id)}</a>'
        f"（{esc(state)}）"
    )


def run_at(runs: Sequence[Run], moment: datetime | None) -> Run | None:
    """The run that was going when the warehouse recorded something at `moment`."""
    if moment is None:
        return None
    return next((r for r in runs if r.covers(moment)), None)


def _rejections_table(rejections: Sequence[Rejection], runs: Sequence[Run], *, unit: bool) -> str:
    head = "<th>单位（报告所写）</th>" if unit else ""
    rows = []
    for j in rejections:
        who = f"<td>{esc(j.unit_name or '（未识别）')}</td>" if unit else ""
        year = "—" if j.fiscal_year is None else f"{j.fiscal_year}年度"
        rows.append(
            f"<tr><td>{esc(j.file_name)}</td>{who}<td>{esc(year)}</td>"
            f"<td>{_when(j.received_at)}</td>"
            f'<td>{esc(reason_zh(j.reason))}<br><span lang="en">{esc(j.reason)}</span></td>'
            f"<td>{_run_link(run_at(runs, j.loaded_at))}</td></tr>\n"
        )
    return (
        f"<table>\n<thead><tr><th>文件</th>{head}<th>年度</th><th>收到时间</th>"
        "<th>被拒原因</th><th>处理它的运行</th></tr></thead>\n<tbody>\n"
        f"{''.join(rows)}</tbody>\n</table>\n"
    )


def _runs_table(runs: Sequence[Run]) -> str:
    if not runs:
        return '<p class="note">没有找到运行记录。</p>\n'
    rows = "".join(
        f"<tr><td>{esc(r.dag_id)}</td><td>{_run_link(r)}</td><td>{_when(r.started)}</td>"
        f"<td>{_when(r.ended)}</td></tr>\n"
        for r in runs
    )
    return (
        "<table>\n<thead><tr><th>DAG</th><th>运行</th><th>开始</th><th>结束</th></tr></thead>\n"
        f"<tbody>\n{rows}</tbody>\n</table>\n"
    )


def matrix_page(matrix: Matrix, runs: Sequence[Run] = (), *, recent_runs: int = 10) -> str:
    """The units × years matrix, the rejected files no unit can be told about, the latest runs."""
    year_heads = "".join(f"<th>{y}年度</th>" for y in matrix.years)
    body_rows = []
    for row in matrix.rows:
        name = f'<a href="{esc(row.key.path)}">{esc(row.unit_name)}</a>'
        if not row.registered:
            name += '<br><span class="tag unregistered">未在单位名录中，待核实</span>'
        cells = "".join(f"<td>{_tags(row.cells[y].labels())}</td>" for y in matrix.years)
        body_rows.append(f"<tr><th>{name}</th><td>{esc(row.district or '—')}</td>{cells}</tr>\n")
    body = [
        f"<h1>{TITLE}</h1>\n",
        '<p class="note">每个单位每个年度的提交情况，数据来自数据仓库，本页只读。</p>\n',
        '<p class="note">“未在单位名录中”：报告所写的单位在单位名录中找不到，报告暂存待核实，不计入区汇总、排名和统计；在名录中补充该单位或别名后自动计入。</p>\n',
    ]
    if not matrix.rows:
        body.append("<p>数据仓库中还没有单位或报告。</p>\n")
    else:
        body.append(
            f"<table>\n<thead><tr><th>单位</th><th>所属区</th>{year_heads}</tr></thead>\n"
            f"<tbody>\n{''.join(body_rows)}</tbody>\n</table>\n"
        )
    if matrix.unplaced:
        body.append("<h2>无法确定单位或年度的被拒文件</h2>\n")
        body.append(_rejections_table(matrix.unplaced, runs, unit=True))
    body.append("<h2>最近的运行</h2>\n")
    body.append(_runs_table(runs[:recent_runs]))
    return _page(TITLE, "".join(body))


def what_to_fix(check_id: str, severity: str) -> str:
    """The same advice the unit's feedback gives for this kind of finding."""
    return fix_hint(check_id, severity)[0]


def _finding(f: OpenFinding) -> str:
    word = "错误" if f.severity == "error" else "提示"
    css = "bad" if f.severity == "error" else "warn"
    where = "" if f.evidence_line is None else f"（第{f.evidence_line}行）"
    quote = (
        f"<p>报告原文{esc(where)}：</p>\n<blockquote>{esc(f.evidence_text)}</blockquote>\n"
        if f.evidence_text
        else ""
    )
    return (
        f'<li><span class="tag {css}">{word}</span> {esc(f.message_zh)}\n'
        f"{quote}<p>如何修改：{esc(what_to_fix(f.check_id, f.severity))}</p>\n"
        f'<p class="note">检查项：{esc(f.check_id)}</p></li>\n'
    )


def _current(cell: Cell, runs: Sequence[Run]) -> str:
    c = cell.current
    if c is None:
        return ""
    timing = {True: "按时", False: "逾期", None: "不明"}[c.on_time]
    return (
        "<table>\n<tbody>\n"
        f"<tr><th>当前版本</th><td>第{c.version or '—'}版：{esc(c.file_name)}</td></tr>\n"
        f"<tr><th>收到时间</th><td>{_when(c.received_at)}（{timing}）</td></tr>\n"
        f"<tr><th>载入它的运行</th><td>{_run_link(run_at(runs, c.loaded_at))}</td></tr>\n"
        "</tbody>\n</table>\n"
    )


def _year(y: UnitYear, runs: Sequence[Run]) -> str:
    parts = [f"<h2>{y.fiscal_year}年度</h2>\n<p>{_tags(y.cell.labels())}</p>\n"]
    parts.append(_current(y.cell, runs))
    if y.findings:
        parts.append(f"<h3>待改正的问题（{len(y.findings)}项）</h3>\n<ol>\n")
        parts.extend(_finding(f) for f in y.findings)
        parts.append("</ol>\n")
    elif y.cell.current is not None:
        parts.append("<p>当前版本没有待改正的问题。</p>\n")
    if y.cell.rejections:
        parts.append(f"<h3>被拒的文件（{len(y.cell.rejections)}份）</h3>\n")
        parts.append(_rejections_table(y.cell.rejections, runs, unit=False))
    return "".join(parts)


def unit_page(detail: UnitDetail, runs: Sequence[Run] = ()) -> str:
    """One unit: per year its status, current version, open findings with quotes and what to
    fix, and its rejected files with the reasons."""
    row = detail.row
    body = [
        '<p><a href="../">← 返回汇总</a></p>\n',
        f"<h1>{esc(row.unit_name)}</h1>\n",
        f"<p>所属区：{esc(row.district or '—')}</p>\n",
    ]
    if not row.registered:
        body.append(
            '<p><span class="tag unregistered">未在单位名录中，待核实</span></p>\n'
            "<p>报告所写的单位在单位名录中找不到：请核实后在单位名录中补充该单位或别名。</p>\n"
        )
    if not detail.years:
        body.append("<p>该单位还没有任何年度的记录。</p>\n")
    body.extend(_year(y, runs) for y in detail.years)
    return _page(f"{row.unit_name} - {TITLE}", "".join(body))


def message_page(message: str, detail: str | None = None) -> str:
    """A page that says why the view cannot be shown (the detail as the system put it)."""
    more = "" if detail is None else f'<p class="note">{esc(detail)}</p>\n'
    return _page(TITLE, f"<h1>{TITLE}</h1>\n<p>{esc(message)}</p>\n{more}")
