"""Inline SVG bar charts whose text stays text (selectable, searchable, readable offline).

No script, no external font: the layout estimates text widths conservatively (a CJK character is
one em, anything else 0.6 em), so labels, bars and value texts get their own columns and cannot
overlap. Every string that reaches the SVG passes through `html_text`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from selfeval.publish.safety import html_text

WIDTH = 800
FONT_SIZE = 13
ROW_HEIGHT = 26
BAR_HEIGHT = 16
MAX_LABEL_WIDTH = 300
PAD = 10
FONT_FAMILY = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"


@dataclass(frozen=True, slots=True)
class Segment:
    value: Decimal
    color: str


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    value_text: str


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """A generous estimate of rendered width in px (CJK one em, the rest 0.6 em)."""
    return sum(
        size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 * size for ch in text
    )


def fit_label(text: str, max_width: float) -> str:
    """`text` cut with an ellipsis so that it fits in `max_width` px."""
    if text_width(text) <= max_width:
        return text
    while text and text_width(text + "…") > max_width:
        text = text[:-1]
    return text + "…"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: tuple[Bar, ...],
    scale_max: Decimal,
    legend: tuple[tuple[str, str], ...] = (),
    ticks: tuple[Decimal, ...] = (),
    tick_suffix: str = "",
) -> str:
    """A horizontal bar chart: label column, bar column (stacked segments), value column."""
    label_w = min(MAX_LABEL_WIDTH, max((text_width(b.label) for b in bars), default=0)) + PAD
    value_w = max((text_width(b.value_text) for b in bars), default=0) + PAD
    bar_x = label_w + PAD
    bar_w = WIDTH - bar_x - value_w - PAD
    scale = float(scale_max) if scale_max > 0 else 1.0
    top = ROW_HEIGHT if legend else 4
    height = top + ROW_HEIGHT * max(1, len(bars)) + (ROW_HEIGHT if ticks else 4)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{html_text(chart_id)}" class="chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{html_text(chart_id)}-title" font-family="{html_text(FONT_FAMILY)}" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{html_text(chart_id)}-title">{html_text(title)}</title>',
    ]
    x = bar_x
    for name, color in legend:
        out.append(f'<rect x="{_num(x)}" y="6" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{_num(x + 16)}" y="16.5" fill="#333">{html_text(name)}</text>')
        x += 16 + text_width(name) + 2 * PAD
    bottom = top + ROW_HEIGHT * max(1, len(bars))
    for t in ticks:  # grid lines first, so that the bars are drawn over them
        tx = bar_x + min(float(t) / scale, 1.0) * bar_w
        out.append(
            f'<line x1="{_num(tx)}" y1="{top}" x2="{_num(tx)}" y2="{_num(bottom + 2)}" '
            'stroke="#c8cdd3" stroke-width="1"/>'
        )
        out.append(
            f'<text class="tick" x="{_num(tx)}" y="{_num(bottom + 17)}" text-anchor="middle" '
            f'fill="#666">{html_text(format(t, "f") + tick_suffix)}</text>'
        )
    if not bars:
        out.append(f'<text x="{_num(bar_x)}" y="{top + 17}" fill="#666">无数据</text>')
    for i, bar in enumerate(bars):
        y = top + i * ROW_HEIGHT
        by = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        shown = fit_label(bar.label, MAX_LABEL_WIDTH)
        out.append(f'<g class="bar" data-label="{html_text(bar.label)}">')
        out.append(f"<title>{html_text(bar.label)}：{html_text(bar.value_text)}</title>")
        out.append(
            f'<text class="label" x="{_num(label_w)}" y="{_num(y + 17.5)}" text-anchor="end" '
            f'fill="#222">{html_text(shown)}</text>'
        )
        out.append(
            f'<rect x="{_num(bar_x)}" y="{_num(by)}" width="{_num(bar_w)}" '
            f'height="{BAR_HEIGHT}" fill="#eef1f5"/>'
        )
        seg_x = bar_x
        for seg in bar.segments:
            w = max(0.0, min(float(seg.value) / scale, 1.0) * bar_w)
            w = min(w, bar_x + bar_w - seg_x)
            if w > 0:
                out.append(
                    f'<rect x="{_num(seg_x)}" y="{_num(by)}" width="{_num(w)}" '
                    f'height="{BAR_HEIGHT}" fill="{seg.color}"/>'
                )
            seg_x += w
        out.append(
            f'<text class="value" x="{_num(bar_x + bar_w + PAD)}" y="{_num(y + 17.5)}" '
            f'fill="#222">{html_text(bar.value_text)}</text>'
        )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
