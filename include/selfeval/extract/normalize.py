"""Fold the many ways a report prints the same text into one form the extractors can read.

Everything here works on one line at a time and is pure: full-width forms, traditional characters,
LaTeX operators, markdown emphasis, OCR spaces inside words and numbers, thousands separators.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
# Characters next to which a space carries no meaning in Chinese text.
_TIGHT = _CJK + "“”‘’《》【】、，。；：！？（）()%:;,=≥≤<>≠×÷Σ"

_LATEX = (
    (r"\geqslant", "≥"),
    (r"\leqslant", "≤"),
    (r"\geq", "≥"),
    (r"\leq", "≤"),
    (r"\ge", "≥"),
    (r"\le", "≤"),
    (r"\neq", "≠"),
    (r"\ne", "≠"),
    (r"\times", "×"),
    (r"\div", "÷"),
    (r"\Sigma", "Σ"),
    (r"\sum", "Σ"),
    (r"\%", "%"),
    (r"\*", "*"),
    (r"\_", "_"),
    (r"\sim", "~"),
    (r"\{", "{"),
    (r"\}", "}"),
)
_LATEX_TEXT = re.compile(r"\\(?:text|mathrm|textbf)\{([^{}]*)\}")
_LATEX_SPACE = re.compile(r"\\[,;:! ]")
_EMPHASIS = re.compile(r"\*\*|__|`")
_SPACES = re.compile(r"[ \u00a0\u2002-\u200b\u3000]+")
_SPACE_TIGHT_AFTER = re.compile(rf"(?<=[{_TIGHT}]) +")
_SPACE_TIGHT_BEFORE = re.compile(rf" +(?=[{_TIGHT}])")
_SPACE_IN_DECIMAL = re.compile(r"(?<=\d)\. +(?=\d)|(?<=\d) +\.(?=\d)")
_SPACE_BEFORE_PCT = re.compile(r"(?<=\d) +(?=%)")
# PDF exports that space decimal digits in threes: "1046.372 6" is 1046.3726
_SPACE_DECIMAL_GROUP = re.compile(r"(?<![\d.])(\d+\.\d{3}) (\d)(?![\d.%])")
_SPACED_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3}), (?=\d{3}(?:\.\d|\s*[万亿]?元))")
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])")
_WIDE_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:，\d{3})+")
_WIDE_THOUSANDS_TAIL = re.compile(r"\.\d|\s*[万亿]?元")
_OPERATORS = ((">=", "≥"), ("<=", "≤"), ("≧", "≥"), ("≦", "≤"), ("﹪", "%"), ("％", "%"))
# Thousands groups are matched as whole runs and the tail tested once per run: a pattern with
# the tail in a lookahead after the groups backtracks through every group from every start,
# which takes seconds on one long line of "1 234 234 …" (quadratic). Each run is joined only
# when the tail follows it.
_SPACE_THOUSANDS_RUN = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})+")
_SPACE_THOUSANDS_TAIL = re.compile(r"\.\d")


def _join_runs(run: re.Pattern[str], tail: re.Pattern[str], separator: str, cell: str) -> str:
    """Drop `separator` inside every match of `run` that `tail` follows (linear in the cell)."""

    def join(m: re.Match[str]) -> str:
        if tail.match(cell, m.end()):
            return m.group(0).replace(separator, "")
        return m.group(0)

    return run.sub(join, cell)


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Full-width ASCII (！ to ～) to ASCII, except the Chinese comma, which separates clauses.
    for code in range(0xFF01, 0xFF5F):
        if code != 0xFF0C:
            table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    for line in _ts_characters().splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            simplified = parts[1].split(" ")[0]
            if len(simplified) == 1 and parts[0] != simplified:
                table[ord(parts[0])] = simplified
    return table


def _ts_characters() -> str:
    """OpenCC's traditional→simplified character table (Apache-2.0), shipped with its package."""
    return (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text("utf-8")


def fold_characters(text: str) -> str:
    """Full-width to ASCII and traditional to simplified, character by character."""
    return text.translate(_table())


_PINYIN_GLOSS = re.compile(
    r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüɑńňǹḿ]{1,7}[)）]"
)  # 萬(wàn)元


# OCR: letters read in place of digits inside a number (IO, lO0 for 10, 100), and W / X read
# in place of ≤ / × before one; only between Chinese text, digits and %, never inside a word
_OCR_DIGITS = re.compile(
    r"(?<![A-Za-z])(?:[IlO0-9]*[Il][IlO0-9]*[O0-9]|[O0-9][IlO0-9]*[Il])(?![A-Za-z])"
)
_OCR_OPERATOR = re.compile(r"(?<=[\u4e00-\u9fff)）,，])([WX])(?=[IlO0-9]*\d)")
_OCR_TRANSLATE = str.maketrans({"I": "1", "l": "1", "O": "0"})


@cache
def _ocr_words() -> tuple[tuple[str, str], ...]:
    data = json.loads((resources.files("selfeval.extract") / "ocr.json").read_text("utf-8"))
    return tuple(data["words"].items())


def _ocr(text: str) -> str:
    for wrong, right in _ocr_words():
        if wrong in text:
            text = text.replace(wrong, right)
    if "W" in text or "X" in text:
        text = _OCR_OPERATOR.sub(lambda m: "≤" if m.group(1) == "W" else "×", text)
    if "I" in text or "l" in text:
        text = _OCR_DIGITS.sub(_ocr_number, text)
    return text


def _ocr_number(m: re.Match[str]) -> str:
    token = m.group(0)
    # a lone I or l is a letter; two or more characters with a digit or an O are a number
    if len(token) < 2 or not re.search(r"[0-9O]", token):
        return token
    return token.translate(_OCR_TRANSLATE)


@lru_cache(maxsize=16384)
def normalize_line(line: str) -> str:
    """Return `line` folded for extraction. Tabs (table cell separators) are kept."""
    text = _ocr(fold_characters(line))
    if "(" in text or "（" in text:
        text = _PINYIN_GLOSS.sub("", text)  # 萬(wàn)元: a reading aid, not part of the text
    for old, new in _OPERATORS:
        text = text.replace(old, new)
    if "\\" in text or "$" in text:
        text = _LATEX_TEXT.sub(r"\1", text)
        for old, new in _LATEX:
            text = text.replace(old, new)
        text = _LATEX_SPACE.sub(" ", text).replace("$", "")
    text = _EMPHASIS.sub("", text)
    return "\t".join(_tighten(cell) for cell in text.split("\t"))


def _tighten(cell: str) -> str:
    cell = _SPACES.sub(" ", cell).strip()
    if not cell:
        return cell
    if "，" in cell:
        cell = _join_runs(_WIDE_THOUSANDS, _WIDE_THOUSANDS_TAIL, "，", cell)
    if " " in cell:
        cell = _decimal_spaces(cell)  # first: "10 245. 38" → "10 245.38" → "10245.38"
        cell = _join_runs(_SPACE_THOUSANDS_RUN, _SPACE_THOUSANDS_TAIL, " ", cell)
        cell = _SPACE_BEFORE_PCT.sub("", cell)
        cell = _SPACE_DECIMAL_GROUP.sub(r"\1\2", cell)
    if "," in cell:
        cell = _SPACED_THOUSANDS.sub(r"\1,", cell)  # 1, 234.56万元: a PDF's space after the comma
        cell = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), cell)
    if " " in cell:
        cell = _SPACE_TIGHT_AFTER.sub("", cell)
        cell = _SPACE_TIGHT_BEFORE.sub("", cell)
    return cell


_LIST_START = re.compile(r"^(?:[-*•#]+ *)?\d{1,2}\. +\S")


def _decimal_spaces(cell: str) -> str:
    # "27888. 37" is one number, but "1. 2024年…" at the start of a line is a list number.
    start = _LIST_START.match(cell)
    if start is None:
        return _SPACE_IN_DECIMAL.sub(".", cell)
    head_end = start.end() - 1
    return cell[:head_end] + _SPACE_IN_DECIMAL.sub(".", cell[head_end:])


_GLOSS_ANY = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüɑńňǹḿ]{1,7}[)）]")


def as_printed(text: str) -> str:
    """Text as the submitter printed it, for names and quotes: characters kept (traditional
    stays traditional), only reading aids (pinyin glosses) and runs of spaces removed."""
    text = _GLOSS_ANY.sub("", text) if ("(" in text or "（" in text) else text
    text = _SPACES.sub(" ", text).strip()
    if " " in text:
        text = _SPACE_TIGHT_AFTER.sub("", text)
        text = _SPACE_TIGHT_BEFORE.sub("", text)
    return text


def join_decimal_groups(text: str) -> str:
    """Undo a PDF export's spacing of decimal digits in threes (`1046.372 6` → `1046.3726`)."""
    return _SPACE_DECIMAL_GROUP.sub(r"\1\2", text) if " " in text else text
