"""The self-contained HTML report: summary, four inline-SVG charts and the published tables.

Nothing is loaded from anywhere: no script at all, one inline stylesheet allowed by its hash in a
Content-Security-Policy, system CJK fonts. The charts are drawn from the same `Sheet` rows the
workbook is written from, so both show the same numbers.

Printing is part of the design: the summary and charts print on portrait A4, every wide table
on its own landscape pages, tables wrap to the page width instead of being cut, header rows repeat
on each page, and the collapsed sections print open.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from decimal import Decimal

from selfeval.dates import human_time
from selfeval.publish.charts import Axis, Bar, Segment, bar_chart, data_axis
from selfeval.publish.safety import html_text
from selfeval.publish.sheets import OVER_100_LEGEND, Sheet, Status, format_value

HUNDRED = Decimal(100)
WRAP_AFTER = 24  # characters; longer text cells may wrap in the HTML tables
SHORT = 6  # characters; text cells this short never wrap, not even to fit a printed page
COLOR_SCORE = "#2f6db5"
COLOR_RATE = "#3a8f5c"
COLOR_OVER = "#b35c00"  # a rate above 100 %
COLOR_FISCAL = "#2f6db5"
COLOR_OTHER = "#f0a030"
COLOR_ERROR = "#c0392b"
COLOR_WARNING = "#e6a23c"

STYLE = """
body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif;
margin:24px auto;max-width:1100px;padding:0 16px;color:#222;line-height:1.5}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
p.meta{color:#555;margin:0 0 16px}
p.status{margin:8px 0 16px;padding:8px 12px;border:2px solid;font-weight:bold}
p.provisional{border-color:#c0392b;background:#fdecea;color:#8e1f14}
p.final{border-color:#3a8f5c;background:#eaf6ee;color:#1f5c36}
p.legend{font-size:13px;color:#555;margin:-8px 0 16px}
figure{margin:12px 0 24px}figcaption{font-weight:bold;margin-bottom:6px}
figcaption small{font-weight:normal;color:#555}
svg.chart{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;margin:6px 0 16px;font-size:13px}
div.scroll{overflow-x:auto;max-width:100%}
th,td{border:1px solid #d0d5db;padding:3px 8px;vertical-align:top;white-space:nowrap}
td.w{white-space:normal;min-width:18em;max-width:36em}
th{background:#ddebf7;text-align:left;position:sticky;top:0}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.over{background:#fff1dc;color:#8a4500;font-weight:bold}td.over::after{content:" \\25B2"}
details{margin:8px 0}summary{cursor:pointer;font-weight:bold;font-size:16px;margin:16px 0 4px}
@page{size:A4 portrait;margin:12mm}
@page wide{size:A4 landscape;margin:10mm}
@media print{
body{margin:0;max-width:none;padding:0 2px;font-size:10pt}
h2{break-after:avoid}figure,p.status{break-inside:avoid}
section.wide{page:wide}
div.scroll{overflow:visible}
section.wide table{width:100%;font-size:8pt}
th{position:static;white-space:nowrap}
td{white-space:normal;overflow-wrap:anywhere}th,td{padding:2px 3px}
td.s{white-space:nowrap}
td.w{min-width:0;max-width:none}
thead{display:table-header-group}tr{break-inside:avoid}
details::details-content{content-visibility:visible;display:contents}
summary{list-style:none;break-after:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
""".strip()


def csp(style: str) -> str:
    """A policy that forbids every fetch and script; only our own stylesheet may apply."""
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
        "script-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _table(sheet: Sheet) -> str:
    head = "".join(f"<th>{html_text(c.header)}</th>" for c in sheet.columns)
    body = []
    for r, row in enumerate(sheet.rows):
        cells = []
        for c, value in enumerate(row):
            kind = sheet.kind(r, c)
            shown = format_value(value, kind)
            if sheet.over_100(r, c):
                cls = ' class="n over"'
            elif kind != "text" and value is not None:
                cls = ' class="n"'
            elif len(shown) > WRAP_AFTER:  # long sentences wrap
                cls = ' class="w"'
            else:  # short labels stay on one line, also in print
                cls = ' class="s"' if len(shown) <= SHORT else ""
            cells.append(f"<td{cls}>{html_text(shown)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(sheet.columns)}">无</td></tr>')
    legend = f'<p class="legend">{html_text(OVER_100_LEGEND)}</p>' if sheet.has_over_100() else ""
    return (
        f'<div class="scroll"><table id="table-{html_text(sheet.slug)}"><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table></div>{legend}"
    )


def _rows(sheet: Sheet) -> list[dict[str, object]]:
    keys = [c.key for c in sheet.columns]
    return [dict(zip(keys, row, strict=True)) for row in sheet.rows]


def _dec(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def _count(value: object) -> Decimal:
    return _dec(value) or Decimal(0)


def _axis_note(axis: Axis, suffix: str) -> str:
    """Said under a chart whose bars do not start at zero, so that nobody reads lengths as ratios."""
    if axis.from_zero:
        return ""
    return f"（横轴自 {format(axis.low, 'f')}{suffix} 起，不从 0 开始）"


def charts(sheets: dict[str, Sheet]) -> list[tuple[str, str]]:
    """(caption, svg) of the four charts, drawn from the 汇总 and 单位得分 sheets."""
    units = _rows(sheets["单位得分"])
    summary = {row[0]: row[1] for row in sheets["汇总"].rows}

    ranked = [u for u in units if _dec(u["total_score"]) is not None]
    score_axis = data_axis([_dec(u["total_score"]) or Decimal(0) for u in ranked], top=HUNDRED)
    score_bars = tuple(
        Bar(
            f"{format_value(u['score_rank'], 'int')}. {u['unit_name'] or ''}",  # type: ignore[arg-type]
            (Segment(_dec(u["total_score"]) or Decimal(0), COLOR_SCORE),),
            format_value(u["total_score"], "score"),  # type: ignore[arg-type]
        )
        for u in ranked
    )

    def rate_key(u: dict[str, object]) -> tuple[int, Decimal]:
        rate = _dec(u["execution_rate_pct"])
        return (1, Decimal(0)) if rate is None else (0, -rate)

    by_rate = sorted(units, key=rate_key)
    rates = [r for u in units if (r := _dec(u["execution_rate_pct"])) is not None]
    rate_axis = data_axis(rates)
    rate_bars = []
    for u in by_rate:
        rate = _dec(u["execution_rate_pct"])
        over = rate is not None and rate > HUNDRED
        rate_bars.append(
            Bar(
                str(u["unit_name"] or ""),
                (Segment(rate or Decimal(0), COLOR_OVER if over else COLOR_RATE),),
                "未填报"
                if rate is None
                else format_value(rate, "rate") + "%" + (" ▲" if over else ""),
            )
        )

    fiscal = _dec(summary.get("财政拨款占支出比例"))
    other = _dec(summary.get("其他资金占支出比例"))
    district_text = " · ".join(
        f"{name} {format_value(v, 'pct')}%"
        for name, v in (("财政拨款", fiscal), ("其他", other))
        if v is not None
    )
    fund_bars = [
        Bar(
            "全区合计",
            (
                Segment(fiscal or Decimal(0), COLOR_FISCAL),
                Segment(other or Decimal(0), COLOR_OTHER),
            ),
            district_text or "未填报",
        )
    ]
    for u in units:
        share = _dec(u["fiscal_share_pct"])
        fund_bars.append(
            Bar(
                str(u["unit_name"] or ""),
                (Segment(share or Decimal(0), COLOR_FISCAL),),
                "未填报" if share is None else f"财政拨款 {format_value(share, 'pct')}%",
            )
        )

    def finding_key(u: dict[str, object]) -> tuple[Decimal, Decimal, str]:
        return (
            -_count(u["open_errors"]),
            -_count(u["open_warnings"]),
            str(u["unit_name"]),
        )

    by_findings = sorted(units, key=finding_key)
    finding_max = max(
        [
            Decimal(1),
            *(_count(u["open_errors"]) + _count(u["open_warnings"]) for u in units),
        ]
    )
    finding_bars = tuple(
        Bar(
            str(u["unit_name"] or ""),
            (
                Segment(_dec(u["open_errors"]) or Decimal(0), COLOR_ERROR),
                Segment(_dec(u["open_warnings"]) or Decimal(0), COLOR_WARNING),
            ),
            f"错误 {format_value(u['open_errors'] or 0, 'int')} · "  # type: ignore[arg-type]
            f"提示 {format_value(u['open_warnings'] or 0, 'int')}",  # type: ignore[arg-type]
        )
        for u in by_findings
    )
    pct_ticks = (Decimal(0), Decimal(50), HUNDRED)
    rate_legend = (
        (("执行率", COLOR_RATE), ("超过 100%", COLOR_OVER))
        if rates and max(rates) > HUNDRED
        else ()
    )
    return [
        (
            "自评得分排名" + _axis_note(score_axis, "分"),
            bar_chart(
                chart_id="chart-score",
                title="自评得分排名",
                bars=score_bars,
                scale_min=score_axis.low,
                scale_max=score_axis.high,
                ticks=score_axis.ticks,
                tick_suffix="分",
            ),
        ),
        (
            "各单位预算执行率" + _axis_note(rate_axis, "%"),
            bar_chart(
                chart_id="chart-execution",
                title="各单位预算执行率",
                bars=tuple(rate_bars),
                scale_min=rate_axis.low,
                scale_max=rate_axis.high,
                legend=rate_legend,
                ticks=rate_axis.ticks,
                tick_suffix="%",
                reference=HUNDRED,
            ),
        ),
        (
            "支出资金来源构成",
            bar_chart(
                chart_id="chart-funds",
                title="支出资金来源构成",
                bars=tuple(fund_bars),
                scale_max=HUNDRED,
                legend=(("财政拨款", COLOR_FISCAL), ("其他资金", COLOR_OTHER)),
                ticks=pct_ticks,
                tick_suffix="%",
            ),
        ),
        (
            "各单位未解决的数据问题",
            bar_chart(
                chart_id="chart-findings",
                title="各单位未解决的数据问题",
                bars=finding_bars,
                scale_max=finding_max,
                legend=(("错误", COLOR_ERROR), ("提示", COLOR_WARNING)),
            ),
        ),
    ]


def _caption(caption: str) -> str:
    # A chart's name, and in smaller type any note in brackets after it.
    name, _, note = caption.partition("（")
    return html_text(name) + (f"<small>（{html_text(note)}</small>" if note else "")


def _section(title: str, body: str, *, wide: bool) -> str:
    cls = ' class="wide"' if wide else ""
    return f"<section{cls}><h2>{html_text(title)}</h2>{body}</section>"


def render_html(
    sheets: tuple[Sheet, ...], *, year: int, now: datetime, submissions: int, status: Status
) -> str:
    """The whole report as one HTML document."""
    by_name = {s.name: s for s in sheets}
    title = f"{year}年度部门整体支出绩效自评汇总"
    kind = "provisional" if status.provisional else "final"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{html_text(csp(STYLE))}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{html_text(title)}（{status.label}）</title>",
        f"<style>{STYLE}</style>",
        "</head><body>",
        f"<h1>{html_text(title)}</h1>",
        f'<p class="status {kind}" id="status">{html_text(status.text())}</p>',
        f'<p class="meta">发布时间：{html_text(human_time(now))} · '
        f"依据 {submissions} 份已提交报告（每个单位取最新版本）；"
        "所有数字取自数据仓库视图，与同目录的 Excel 工作簿和 CSV 文件一致。</p>",
        _section("汇总", _table(by_name["汇总"]), wide=False),
        "<section><h2>图表</h2>",
    ]
    for caption, svg in charts(by_name):
        parts.append(f"<figure><figcaption>{_caption(caption)}</figcaption>{svg}</figure>")
    parts.append("</section>")
    parts.append(_section("所属区小计", _table(by_name["所属区"]), wide=True))
    parts.append(_section("单位得分", _table(by_name["单位得分"]), wide=True))
    for name in ("数据质量", "未提交", "收支", "绩效指标"):
        sheet = by_name[name]
        parts.append(
            f'<section class="wide"><details{" open" if name in ("数据质量", "未提交") else ""}>'
            f"<summary>{html_text(name)}（{len(sheet.rows)} 行）</summary>"
            f"{_table(sheet)}</details></section>"
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
