"""Indicators told in prose: `党员培训工作完成率。年初目标 100%；完成情况：…培训率 100%。`

The indicator's level comes from the headings above it (产出指标 › 数量指标); the actual figure is
the one in the completion text that reads like the target (a percentage for a percentage, a count
for a count), preferring the one named like the indicator.
"""

from __future__ import annotations

import re

from selfeval.extract.figures import NUM, evidence, indicator
from selfeval.extract.layout import Paragraph
from selfeval.record import Indicator

_LEVEL2 = re.compile(
    r"(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|可持续发展|服务对象满意度)(指标)?"
)
_LEVEL1 = re.compile(r"(产出|效益|满意度|成本)指标")
_NARRATIVE = re.compile(
    r"^(?P<name>[^。；;:：]{2,40}?)[。.:：;；]\s*(?:年初目标|年度目标|目标值)(?:值)?(?:为)?[:：]?\s*"
    r"(?P<target>[^；;。]*?)\s*(?:[；;。]|$)\s*(?P<rest>.*)$"
)
_COMPLETION_LABEL = re.compile(r"^(?:完成情况|实际完成(?:情况|值)?|完成值)[:：]?\s*")
_PCT = re.compile(rf"(?P<num>{NUM})%(?P<tail>以上|以下)?")
_COUNT = re.compile(
    rf"(?<![\d.])(?P<num>{NUM})\s*(?P<unit>场次|人次|万人|平方米|公里|次|场|个|人|件|宗|项|户|家|篇|期|亩|吨|所|套|辆|台|份|册|株|座|条|间|处)"
)
_YEARISH = re.compile(r"^20\d{2}$")


def find_narrative_indicators(paragraphs: list[Paragraph]) -> list[Indicator]:
    found: list[Indicator] = []
    level1: str | None = None
    level2: str | None = None
    for i, para in enumerate(paragraphs):
        if para.heading:
            m2 = _LEVEL2.search(para.text)
            m1 = _LEVEL1.search(para.text)
            if m2 and not (m1 and m1.start() < m2.start() and not para.text[m1.end() :].strip()):
                if m1 and m1.group(0) in para.text and not m2.group(0).endswith(m1.group(0)):
                    level1, level2 = m1.group(0), None
                else:
                    level2 = m2.group(0)
            elif m1:
                level1, level2 = m1.group(0), None
            else:
                level1 = level2 = None
            continue
        m = _NARRATIVE.match(para.text)
        if m is None:
            continue
        name = m.group("name").strip()
        target = m.group("target").strip() or None
        rest = m.group("rest").strip()
        if not rest and i + 1 < len(paragraphs) and _COMPLETION_LABEL.match(paragraphs[i + 1].text):
            rest = paragraphs[i + 1].text
        rest = _COMPLETION_LABEL.sub("", rest)
        actual = _actual(name, target, rest)
        found.append(
            indicator(
                level1, level2, name, target, actual, None, evidence(para.first_line, para.text)
            )
        )
    return found


def _actual(name: str, target: str | None, rest: str) -> str | None:
    if not rest or not target:
        return None
    if "%" in target:
        matches = list(_PCT.finditer(rest))
        if not matches:
            return None
        stem = name[-3:] if len(name) >= 3 else name
        key = stem[-1]  # 率 / 度 …
        best = None
        for m in matches:
            before = rest[max(0, m.start() - 8) : m.start()]
            if "同比" in before or "增长" in before or "下降" in before:
                continue
            if stem[-2:] in before or key in before[-4:]:
                best = m
                break
            best = best or m
        if best is None:
            return None
        return best.group("num") + "%" + (best.group("tail") or "")
    if re.search(NUM, target):
        for m in _COUNT.finditer(rest):
            if not _YEARISH.match(m.group("num")):
                return m.group("num") + m.group("unit")
    return None
