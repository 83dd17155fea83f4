"""Evidence as submitted: the words a figure was read from, found again in the submitted line.

The reader quotes normalised text (full-width forms folded, spaces in numbers closed, traditional
characters simplified), which a submitter cannot search for in the report. Each quote is mapped
back onto the line it came from by walking the line and its normalised form side by side; where
the normalisation was not one character for one (an operator word such as 不低于 became ≥, a row
quoted cell by cell), the submitted line itself stands as the quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import fields, is_dataclass, replace
from functools import lru_cache
from typing import Any, TypeVar

from selfeval.extract.figures import clip
from selfeval.extract.normalize import fold_characters, normalize_line
from selfeval.record import Evidence, Indicator

T = TypeVar("T")
_ELLIPSIS = "…"
_HAN = re.compile(r"[\u4e00-\u9fff]")


def with_submitted_words(item: T, lines: Sequence[str], places: Sequence[str] | None) -> T:
    """`item` (a Record or any part of one) with every Evidence's `printed` and `place` set from
    the submitted `lines` (1-based as in Evidence.line) and their described `places`."""
    if isinstance(item, Evidence):
        return _located(item, lines, places)  # type: ignore[return-value]
    if isinstance(item, tuple):
        return tuple(with_submitted_words(x, lines, places) for x in item)  # type: ignore[return-value]
    if not is_dataclass(item) or isinstance(item, type):
        return item
    changes: dict[str, Any] = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, Evidence | tuple) or is_dataclass(value):
            new = with_submitted_words(value, lines, places)
            if new is not value:
                changes[f.name] = new
    return replace(item, **changes) if changes else item


def _located(ev: Evidence, lines: Sequence[str], places: Sequence[str] | None) -> Evidence:
    if not 1 <= ev.line <= len(lines):
        return ev
    place = places[ev.line - 1] if places is not None else f"第{ev.line}行"
    return replace(ev, printed=printed_words(lines[ev.line - 1], ev.text), place=place or None)


@lru_cache(maxsize=4096)
def printed_words(raw: str, quoted: str) -> str | None:
    """The words of `quoted` (normalised, maybe clipped with …) as they stand in `raw`."""
    if not raw.strip():
        return None
    core = quoted.strip(_ELLIPSIS)
    norm = normalize_line(raw)
    at = norm.find(core) if core else -1
    positions = _alignment(raw, norm) if at >= 0 else None
    if positions is None or at < 0:
        # a row quoted cell by cell, a sentence running over lines, a changed word: the line
        return clip(raw.replace("\t", " | ").strip())
    words = raw[positions[at] : positions[at + len(core) - 1] + 1]
    head = _ELLIPSIS if quoted.startswith(_ELLIPSIS) else ""
    tail = _ELLIPSIS if quoted.endswith(_ELLIPSIS) else ""
    return head + words + tail


def with_printed_names(
    indicators: Sequence[Indicator], lines: Sequence[str]
) -> tuple[Indicator, ...]:
    """Each indicator named in the characters its line was typed in (補貼耕地面積, not 补贴耕地面积).

    An indicator's name is the unit's own words: feedback quotes it and a reader searches the
    report for it. Folding stays where it serves matching (levels, dimensions, labels). Reading
    aids the normalisation dropped (a pinyin gloss) stay out; a name not found whole on its
    line (a row put together from several lines) keeps the folded form.
    """
    return tuple(_printed_name(i, lines) for i in indicators)


def _printed_name(indicator: Indicator, lines: Sequence[str]) -> Indicator:
    line = indicator.evidence.line
    if not 1 <= line <= len(lines) or not indicator.name:
        return indicator
    name = printed_characters(lines[line - 1], indicator.name)
    return indicator if name in (None, indicator.name) else replace(indicator, name=name)


@lru_cache(maxsize=4096)
def printed_characters(raw: str, folded: str) -> str | None:
    """`folded` with each Chinese character as `raw` has it (traditional stays traditional;
    full-width digits and brackets stay folded); None where `folded` is not in the normalised
    line or the normalisation was not character by character."""
    plain = fold_characters(raw)
    at = plain.find(folded) if len(plain) == len(raw) else -1
    if at >= 0:  # the name as typed, whatever else the line holds (a formula, a changed word)
        chars = [(raw[k], plain[k]) for k in range(at, at + len(folded))]
    else:
        norm = normalize_line(raw)
        at = norm.find(folded)
        positions = _alignment(raw, norm) if at >= 0 else None
        if positions is None:
            return None
        chars = [(raw[positions[k]], norm[k]) for k in range(at, at + len(folded))]
    return "".join(typed if _HAN.match(typed) else normal for typed, normal in chars)


@lru_cache(maxsize=1024)
def _alignment(raw: str, norm: str) -> tuple[int, ...] | None:
    """For each character of `norm`, the index of the submitted character it came from; None
    where the normalisation did more than fold, drop or keep characters one by one."""
    out: list[int] = []
    j = 0
    for i, ch in enumerate(raw):
        if j < len(norm) and fold_characters(ch) == norm[j]:
            out.append(i)
            j += 1
    return tuple(out) if j == len(norm) else None
