"""Numbers, amounts and percentages as reports print them, read into exact Decimals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from selfeval import settings
from selfeval.record import Evidence, Indicator, Money, SourceUnit

NUM = r"\d+(?:\.\d+)?"
UNIT = r"亿元|万元|元"
MONEY = rf"(?P<num>{NUM})\s*(?P<unit>{UNIT})"
MONEY_RE = re.compile(MONEY)
PCT_RE = re.compile(rf"(?P<num>{NUM})%")
_OP = re.compile(
    r"(≥|≤|>|<|=|≠|不少于|不低于|不小于|大于等于|以上|不超过|不高于|不大于|小于等于|以下|达到|达)"
)
_OP_CANON = {
    "不少于": "≥",
    "不低于": "≥",
    "不小于": "≥",
    "大于等于": "≥",
    "以上": "≥",
    "达到": "≥",
    "达": "≥",
    "不超过": "≤",
    "不高于": "≤",
    "不大于": "≤",
    "小于等于": "≤",
    "以下": "≤",
}
_SENTENCE_END = "。；;!?！？"


def dec(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def money(num: str, unit: str, raw: str) -> Money:
    """Convert exactly to 万元 by a power-of-ten shift: 1234567.89元 → 123.456789万元."""
    value = Decimal(num).scaleb(settings.UNIT_TO_WAN_EXPONENT[unit])
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1))  # 1.25亿元 → 12500, not 1.25E+4
    src: SourceUnit = unit  # type: ignore[assignment]
    return Money(wan=value, unit=src, raw=raw)


def money_from_match(m: re.Match[str]) -> Money:
    """The amount in a match of a pattern built on MONEY; raw is the number with its unit."""
    return money(m.group("num"), m.group("unit"), m.string[m.start("num") : m.end("unit")])


def parse_measure(text: str | None) -> tuple[str | None, Decimal | None]:
    """Read an indicator value such as `完成率≥90%`, `不少于8场`, `95%以上` into (operator, number)."""
    if not text:
        return None, None
    number = re.search(NUM, text)
    if number is None:
        return None, None
    value = dec(number.group(0))
    op: str | None = None
    for m in _OP.finditer(text):
        token = m.group(1)
        if token in ("以上", "以下") and m.start() < number.end():
            continue
        op = _OP_CANON.get(token, token)
        break
    return op or "=", value


def percent(text: str | None) -> Decimal | None:
    if not text:
        return None
    m = PCT_RE.search(text)
    return dec(m.group("num")) if m else None


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end): from after the previous sentence end to the next."""
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return left, right


def clip(text: str, start: int = 0, end: int | None = None) -> str:
    """Quote at most EVIDENCE_MAX_CHARS of a sentence, centred on the figure."""
    limit = settings.EVIDENCE_MAX_CHARS
    text = text.strip()
    if len(text) <= limit:
        return text
    end = len(text) if end is None else end
    centre = (start + end) // 2
    left = max(0, min(centre - limit // 2, len(text) - limit))
    snippet = text[left : left + limit]
    return ("…" if left > 0 else "") + snippet + ("…" if left + limit < len(text) else "")


def evidence(line: int, sentence: str, start: int = 0, end: int | None = None) -> Evidence:
    return Evidence(line=line, text=clip(sentence, start, end))


def indicator(
    level1: str | None,
    level2: str | None,
    name: str,
    target: str | None,
    actual: str | None,
    completion: str | None,
    ev: Evidence,
) -> Indicator:
    """An indicator with its target, actual and completion read into operators and numbers."""
    t_op, t_num = parse_measure(target)
    a_op, a_num = parse_measure(actual)
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        target=target,
        actual=actual,
        completion=completion,
        target_op=t_op,
        target_num=t_num,
        actual_op=a_op,
        actual_num=a_num,
        completion_pct=percent(completion),
        evidence=ev,
    )
