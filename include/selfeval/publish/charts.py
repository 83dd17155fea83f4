"""Inline SVG bar charts whose text stays text (selectable, searchable, readable offline).

No script, no external font: the layout estimates text widths conservatively (a CJK character is
one em, anything else 0.6 em), so labels, bars and value texts get their own columns and cannot
overlap. Every string that reaches the SVG passes through `html_text`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

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


@dataclass(frozen=True, slots=True)
class Axis:
    """Where the bars start and end, and the labelled ticks between (all in the data's unit)."""

    low: Decimal
    high: Decimal
    ticks: tuple[Decimal, ...]

    @property
    def from_zero(self) -> bool:
        """Bars start at 0 (the axis holds it), so their lengths compare as ratios."""
        return self.low <= 0


_NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def _nice_step(rough: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^k at least `rough`."""
    magnitude = Decimal(1).scaleb(rough.adjusted())
    return next(step * magnitude for step in _NICE_STEPS if step * magnitude >= rough)


def _to_step(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    return (value / step).to_integral_value(rounding=rounding) * step


def data_axis(
    values: list[Decimal], *, top: Decimal | None = None, min_span: Decimal = Decimal(10)
) -> Axis:
    """An axis that fits the values: from a round floor a little below the smallest to a round
    ceiling at or above the largest (`top`, e.g. 100 points, when nothing exceeds it), at least
    `min_span` wide, so that 95 and 97.38 look different and a 3-point gap is not blown up into
    a tenfold one. Never below 0 when no value is."""
    if not values:
        high = top if top is not None else Decimal(100)
        return Axis(Decimal(0), high, (Decimal(0), high))
    lo, hi = min(values), max(values)
    window = max((hi - lo) * Decimal("1.25"), min_span)
    step = _nice_step(window / 5)
    high = top if top is not None and hi <= top else _to_step(hi, step, ROUND_CEILING)
    low = _to_step(min(lo - (hi - lo) * Decimal("0.1"), high - window), step, ROUND_FLOOR)
    if lo >= 0:
        low = max(low, Decimal(0))
    ticks = []
    tick = _to_step(low, step, ROUND_CEILING)
    while tick <= high:
        ticks.append(tick.normalize() if tick else Decimal(0))
        tick += step
    return Axis(low, high, tuple(ticks))


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: tuple[Bar, ...],
    scale_max: Decimal,
    scale_min: Decimal = Decimal(0),
    legend: tuple[tuple[str, str], ...] = (),
    ticks: tuple[Decimal, ...] = (),
    tick_suffix: str = "",
    reference: Decimal | None = None,
) -> str:
    """A horizontal bar chart: label column, bar column (stacked segments), value column.

    Bars start at `scale_min` (a value at or below it draws no bar); `reference` (100 %) is a
    darker line when it lies on the axis."""
    label_w = min(MAX_LABEL_WIDTH, max((text_width(b.label) for b in bars), default=0)) + PAD
    value_w = max((text_width(b.value_text) for b in bars), default=0) + PAD
    bar_x = label_w + PAD
    bar_w = WIDTH - bar_x - value_w - PAD
    origin = float(scale_min)
    scale = float(scale_max - scale_min) if scale_max > scale_min else 1.0

    def x_of(value: float) -> float:
        return bar_x + min(max(value - origin, 0.0) / scale, 1.0) * bar_w

    zero = x_of(0.0)  # where bars start: 0 when the axis holds it, else the axis start
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
        tx = x_of(float(t))
        color = "#59616b" if reference is not None and t == reference else "#c8cdd3"
        out.append(
            f'<line x1="{_num(tx)}" y1="{top}" x2="{_num(tx)}" y2="{_num(bottom + 2)}" '
            f'stroke="{color}" stroke-width="1"/>'
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
        x = zero
        for k, seg in enumerate(bar.segments):
            value = float(seg.value)
            # The first segment runs from 0 (leftwards for a negative value) or the axis start;
            # a stacked one continues where the previous one ended.
            stacked = min(x + max(value, 0.0) / scale * bar_w, bar_x + bar_w)
            end = x_of(value) if k == 0 else stacked
            left, width = min(x, end), abs(end - x)
            if width > 0:
                out.append(
                    f'<rect x="{_num(left)}" y="{_num(by)}" width="{_num(width)}" '
                    f'height="{BAR_HEIGHT}" fill="{seg.color}"/>'
                )
            x = max(x, end)
        out.append(
            f'<text class="value" x="{_num(bar_x + bar_w + PAD)}" y="{_num(y + 17.5)}" '
            f'fill="#222">{html_text(bar.value_text)}</text>'
        )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
