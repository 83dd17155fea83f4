"""The reader's vocabulary, loaded once from lexicon.json (data, not code).

Words are looked up on folded text (simplified characters, no spaces, no punctuation that tables
scatter into labels). `role_of` names the column a header cell stands for; `match_word` finds the
longest synonym of a concept at the end or the start of a label.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

_PUNCT = re.compile(r"[\s:：、,，.。()（）\[\]【】\"“”'‘’*★☆#|/\\_-]|\(?[A-Za-z](?:/[A-Za-z])?\)?$")


def fold_label(text: str) -> str:
    """A label reduced to its words: spaces, punctuation and column letters (A), (B/A) removed."""
    text = re.sub(r"[(（][A-Za-z/]+[)）]", "", text)
    return _PUNCT.sub("", text)


@dataclass(frozen=True, slots=True)
class Lexicon:
    money_units: dict[str, int]
    counters_after_wan: tuple[str, ...]
    roles: tuple[tuple[str, str], ...]  # (synonym, role), longest synonym first
    funds_rows: tuple[str, ...]
    total_rows: tuple[str, ...]
    subtotal_rows: tuple[str, ...]
    level1: frozenset[str]
    level2: frozenset[str]
    parent_of: dict[str, str]  # a 二级指标 → the 一级指标 it belongs to in the usual framework
    operators: tuple[tuple[str, str], ...]  # (word, canonical operator), longest first
    operator_suffixes: tuple[tuple[str, str], ...]
    narrative: dict[str, tuple[str, ...]]
    measure_units: tuple[str, ...]  # units an indicator value may carry, longest first
    part_categories: tuple[tuple[str, tuple[str, ...]], ...]  # (category, words), in order
    vocabulary: tuple[str, ...]  # every table word (roles, levels, row labels), longest first
    # each role word's first place in `roles` and its role: lookups by word, not by scanning
    role_rank: dict[str, tuple[int, str]] = field(default_factory=dict)

    def role_of(self, cell: str) -> str | None:
        """The column role a header cell names (`budget`, `score`, …), or None: the cell's own
        word, else the earliest-listed word that starts or ends it with at most 4 more chars."""
        folded = fold_label(cell)
        if not folded or len(folded) > 16:
            return None
        exact = self.role_rank.get(folded)
        if exact is not None:
            return exact[1]
        found = [
            hit
            for k in range(max(2, len(folded) - 4), len(folded))
            for hit in (self.role_rank.get(folded[:k]), self.role_rank.get(folded[-k:]))
            if hit is not None
        ]
        return min(found)[1] if found else None

    def is_level(self, cell: str) -> bool:
        folded = fold_label(re.sub(r"[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]", "", cell))
        return folded in self.level1 or folded in self.level2

    def words(self, concept: str) -> tuple[str, ...]:
        return self.narrative[concept]

    def category_of(self, part: str) -> str | None:
        """The category of a composition's part (财政拨款, 其他, 基本支出, 项目支出), or None."""
        for category, words in self.part_categories:
            if category == "其他":
                if any(part.startswith(w) or (w != "其他" and w in part) for w in words):
                    return category
            elif any(w in part for w in words):
                return category
        return None

    def canonical_total(self, label: str) -> str:
        """A total's label as the concept it names: 部门年度决算收入, 本年收入合计 → 决算收入."""
        if "总计" in label:
            return label  # 收入总计 includes carry-overs: not the year's income
        for concept, name in (("income_total", "决算收入"), ("expenditure_total", "决算支出")):
            for word in self.narrative[concept]:
                whole = len(word) >= 3 or label == word or label.endswith("年度" + word)
                if whole and label.endswith(word):
                    return name
        return label


@cache
def lexicon() -> Lexicon:
    """The vocabulary in lexicon.json, parsed once per process."""
    raw: dict[str, Any] = json.loads(
        (resources.files("selfeval.extract") / "lexicon.json").read_text("utf-8")
    )
    roles = sorted(
        ((w, role) for role, words in raw["table_roles"].items() for w in words),
        key=lambda pair: -len(pair[0]),
    )
    operators = sorted(
        ((w, op) for op, words in raw["operators"].items() for w in words),
        key=lambda pair: -len(pair[0]),
    )
    suffixes = sorted(
        ((w, op) for op, words in raw["operator_suffixes"].items() for w in words),
        key=lambda pair: -len(pair[0]),
    )
    narrative = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in raw["narrative"].items()}
    rank: dict[str, tuple[int, str]] = {}
    for n, (word, role) in enumerate(roles):
        rank.setdefault(word, (n, role))
    return Lexicon(
        role_rank=rank,
        money_units=dict(raw["money_units"]),
        counters_after_wan=tuple(raw["counters_after_wan"]),
        roles=tuple(roles),
        funds_rows=tuple(sorted(raw["funds_rows"], key=len, reverse=True)),
        total_rows=tuple(raw["total_rows"]),
        subtotal_rows=tuple(raw["subtotal_rows"]),
        level1=frozenset(raw["indicator_levels"]["level1"]),
        level2=frozenset(raw["indicator_levels"]["level2"]),
        parent_of={
            child: parent
            for parent, children in raw["indicator_levels"]["parents"].items()
            for child in children
        },
        operators=tuple(operators),
        operator_suffixes=tuple(suffixes),
        narrative=narrative,
        measure_units=tuple(sorted(raw["measure_units"], key=len, reverse=True)),
        part_categories=tuple((k, tuple(v)) for k, v in raw["part_categories"].items()),
        vocabulary=tuple(
            sorted(
                {w for w, _ in roles}
                | set(raw["funds_rows"])
                | set(raw["total_rows"])
                | set(raw["subtotal_rows"])
                | set(raw["indicator_levels"]["level1"])
                | set(raw["indicator_levels"]["level2"]),
                key=len,
                reverse=True,
            )
        ),
    )
