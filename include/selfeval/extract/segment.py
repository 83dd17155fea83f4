"""Cut table rows whose cells were run together (`年度资金总额86.484.697.9%`) into cells.

Word-processor exports and document-sharing sites print a form's rows with no separator between
cells. The cuts come from what the reader already knows: the table vocabulary (header words,
indicator levels, row labels), the start of a value (a number, an operator such as ≥ or 不少于),
and the end of a value (its unit from the lexicon). Digits run together across cells stay one
token here; the form reader splits them where the arithmetic admits it.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from selfeval.extract.lexicon import lexicon
from selfeval.extract.normalize import fold_characters
from selfeval.extract.quantities import DAY, MONTH

_CJK = "\u4e00-\u9fff"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lex = lexicon()
    # two-character words cut only where they name a column or a total (分值, 得分, 合计):
    # 效益 or 产出 inside a longer name must not cut it
    short = {w for w, _ in lex.roles} | set(lex.total_rows) | set(lex.subtotal_rows)
    words = "|".join(
        re.escape(w) for w in lex.vocabulary if len(w) >= 3 or (len(w) == 2 and w in short)
    )
    # 4项目立项…: a unit that opens a word (项 of 项目) is not the value's unit
    opening = lex.words("words_opening_with_a_unit")
    units = "|".join(
        re.escape(u)
        + "".join(f"(?!{re.escape(w[len(u) :])})" for w in opening if w.startswith(u) and w != u)
        for u in lex.measure_units
    )
    ops = "|".join(re.escape(w) for w, _ in lex.operators)
    vocab = re.compile(rf"(?:{words})(?:\s*[(（][^()（）]{{0,12}}[)）])*")
    value = re.compile(rf"(?:{ops})?\s*\d+(?:\.\d+)?\s*(?:{units})?(?:\s*(?:以上|以内|以下))?")
    return vocab, value


def is_glued(text: str) -> bool:
    """A line that is a form row run together: long, no separators, table words and values."""
    if re.search(r"[\t|]| {2,}", text):
        return False
    folded = fold_characters(text)
    if _VALUES_ONLY.match(folded):
        return True  # only values, the rest of a row a page break cut (100%2018)
    if len(text) < 10:
        return False
    vocab, _ = _patterns()
    hits = len(vocab.findall(folded))
    numbers = len(re.findall(r"\d+(?:\.\d+)?(?![\d.]*[年月日])", folded))  # dates are no values
    if hits >= 3 or (hits >= 1 and numbers >= 2) or (hits >= 2 and numbers >= 1):
        return True
    if (
        numbers >= 1
        and len(text) <= 40
        and not re.search(r"[，。；,;]", text)
        and any(folded.startswith(w) for w in lexicon().level1 | lexicon().level2)
    ):
        # 时效指标11月底之前完成100%: a row whose other values went on to the next line
        return True
    # a row without table words: a name, then two or more values run together to the end
    return _TRAILING_VALUES.match(folded) is not None


def segment(text: str) -> list[str]:
    """`text` cut into cells at table words and at the starts and ends of values."""
    folded = fold_characters(text)
    vocab, value = _patterns()
    cuts: set[int] = {0, len(text)}
    levels = lexicon().level1 | lexicon().level2
    last: re.Match[str] | None = None
    for m in vocab.finditer(folded):
        word = re.sub(r"[(（].*$", "", m.group(0)).strip()
        repeated = last is not None and last.end() == m.start() and last.group(0) == m.group(0)
        last = m
        if repeated and word in levels:
            # 财务管理财务管理制度有效性: the label, then a name opening with it
            cuts.add(m.start())
            continue
        after_words = (
            m.start() > 0
            and m.start() not in cuts
            and re.match(f"[{_CJK}]", folded[m.start() - 1]) is not None
        )
        value_next = re.match(r"\s*[≥≤<>=\d]", folded[m.end() :]) is not None
        if after_words and (word in levels or value_next):
            # 群众满意度, 制度执行率100%: a table word ending a name (a value follows it, or it
            # names a level) is part of the name, not a column of its own
            continue
        cuts.update((m.start(), m.end()))
    for m in _NAME_START.finditer(folded):
        cuts.add(m.start())  # 指标1 starts a name; the name goes on after it
    pos = 0
    while pos < len(folded):
        found = value.search(folded, pos)
        if found is None:
            break
        start, end = found.start(), found.end()
        month = _MONTH.match(folded, end) if folded[end - 1 : end] == "年" else None
        if month is not None:
            end = month.end()  # 2021年12月: a year and its month are one date
        elif folded[end - 1 : end] == "月" and (day := _DAY.match(folded, end)) is not None:
            end = day.end()  # 12月15日: a month and its day
        if folded[end - 1 : end] in ("月", "日"):
            # 11月底前, 12月中旬: a date is one value with the words that place it in the month
            end += next(
                (len(w) for w in lexicon().words("date_suffixes") if folded.startswith(w, end)), 0
            )
        inside_word = start > 0 and re.match(r"[A-Za-z]", folded[start - 1]) is not None
        if not inside_word and found.group(0).strip():
            cuts.update((start, end))
        pos = max(end, start + 1)
    # a value never starts inside a vocabulary word or a name's 指标1
    for m in vocab.finditer(folded):
        for c in list(cuts):
            if m.start() < c < m.end():
                cuts.discard(c)
    for m in _NAME_START.finditer(folded):
        for c in list(cuts):
            if m.start() < c <= m.end():
                cuts.discard(c)
    for m in _MAX_IN_BRACKETS.finditer(folded):
        for c in list(cuts):
            if m.start() < c < m.end():
                cuts.discard(c)  # (20分) is a maximum printed with its label, one piece
        if re.match(f"[{_CJK}]", folded[m.end() : m.end() + 1]):
            cuts.add(m.end())  # 目标设定(12分)依据充分性(4分): the label ends with its maximum
    for m in _LABEL_BRACKETS.finditer(folded):
        for c in list(cuts):
            if m.start() < c < m.end():
                cuts.discard(c)  # 年末结余率(结余数/预算数): a label's own note, not a column
    ordered = sorted(cuts)
    merged: list[str] = []
    spaced = True  # whether whitespace stood before the piece (the line's start counts)
    for a, b in itertools.pairwise(ordered):
        piece = text[a:b]
        cell = piece.strip(" :：,，")
        glued = not spaced and not piece[:1].isspace()
        spaced = piece[-1:].isspace()
        if not cell:
            spaced = spaced or bool(piece)
            continue
        if (
            merged
            and glued
            and _DIGIT_RUN.match(cell)
            and _DIGIT_RUN.match(merged[-1])
            and not merged[-1].endswith("%")
        ):
            merged[-1] += cell  # digits run together stay one token for the arithmetic
        else:
            merged.append(cell)
    return [
        piece
        for cell in _names_opening_with_a_quantity(merged)
        for doubled in _text_target_and_actual(cell)
        for piece in _weight_and_score(doubled)
    ]


_DOUBLED = re.compile(rf"^([{_CJK}“”\"()（）]{{2,}}?)([{_CJK}]{{2,6}})\2$")


def _text_target_and_actual(cell: str) -> list[str]:
    """`设备采购验收质量合格合格`: a name, then the same words as target and actual (合格 | 合格,
    有所增加 | 有所增加) run together; cut where the words repeat at the cell's end."""
    m = _DOUBLED.match(cell)
    if m is None:
        return [cell]
    return [m.group(1), m.group(2), m.group(2)]


def _names_opening_with_a_quantity(cells: list[str]) -> list[str]:
    """`数量指标300吨食用油储备落实率100%`: a quantity with its unit at the start of a row or
    right after a level word, followed by words, opens the name (300吨食用油储备落实率); a bare
    number there is a maximum and stays a cell of its own."""
    levels = lexicon().level1 | lexicon().level2
    out: list[str] = []
    k = 0
    while k < len(cells):
        cell = cells[k]
        after_level = not out or fold_characters(out[-1]) in levels
        nxt = cells[k + 1] if k + 1 < len(cells) else ""
        if (
            after_level
            and _QUANTITY_WITH_UNIT.match(fold_characters(cell))
            and re.match(f"[{_CJK}]", nxt)
            and fold_characters(nxt) not in levels
        ):
            out.append(cell + nxt)
            k += 2
            continue
        out.append(cell)
        k += 1
    return out


def _weight_and_score(cell: str) -> list[str]:
    """`2018` at a row's end is 分值 20 run into 得分 18: split when one cut gives a maximum of
    at most 100 and a score not above it; otherwise keep the digits as they are."""
    if not re.fullmatch(r"\d{3,6}(?:\.\d{1,2})?", cell) or float(cell) <= 100:
        return [cell]
    found: list[list[str]] = []
    for cut in range(1, len(cell)):
        head, tail = cell[:cut], cell[cut:]
        if (
            "." in head
            or tail.startswith(".")
            or (len(tail) > 1 and tail[0] == "0" and tail[1] != ".")
        ):
            continue
        if int(head) <= 100 and float(tail) <= int(head) and not head.startswith("0"):
            found.append([head, tail])
    return found[0] if len(found) == 1 else [cell]


_TRAILING_VALUES = re.compile(
    r"^[\u4e00-\u9fff“”\"()（）A-Za-z]{2,30}(?:[≥≤<>=]?\d+(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,3})?){2,}$"
)
_NAME_START = re.compile(r"指标\s*\d{1,2}(?=\s*[:：\u4e00-\u9fff])(?!\s*[年月日号])\s*[:：]?")
_VALUES_ONLY = re.compile(r"^[≥≤<>=]?\d+(?:\.\d+)?%(?:[≥≤<>=]?\d+(?:\.\d+)?%?)+$")
_MAX_IN_BRACKETS = re.compile(r"[(（]\s*\d{1,3}(?:\.\d)?\s*分\s*[)）]")
_LABEL_BRACKETS = re.compile(r"(?<=[\u4e00-\u9fff])[(（][\u4e00-\u9fff/／×÷]{2,16}[)）]")
_MONTH = re.compile(rf"{MONTH}(?:\d{{1,2}}日)?")
_DAY = re.compile(DAY)
_DIGIT_RUN = re.compile(r"^[\d.]+%?$")
_QUANTITY_WITH_UNIT = re.compile(rf"^\d+(?:\.\d+)?[{_CJK}]{{1,2}}$")
