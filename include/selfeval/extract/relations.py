"""Figures stated in sentences, read by relation cues instead of one pattern per phrasing.

Each paragraph's quantities are found once (quantities.py). A quantity's *label* is the text
between the previous quantity (or clause start) and itself, less the cue words; its *context* is
that same stretch of text with the cues kept. Relations then attach quantities to each other:
- a total and its parts (其中 / 包括 / 分别为 / "X中"), each part's share (占 … %);
- a budget, an executed amount and a rate (预算 / 执行 / 执行率 / 完成预算的), where the
  arithmetic (rate = executed ÷ budget) chooses which budget a rate was computed against;
- a current amount and its change against the prior year (比上年 / 较上年 / 与…相比 + 增加 /
  减少 / 增长 / 下降), signed from the words, zipped pairs (收、支 … 分别 A、B) in order;
- a maximum and a score (满分 / (20分) / 总分为 … 得 / 自评分为).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from selfeval.extract.figures import clip
from selfeval.extract.layout import Paragraph
from selfeval.extract.lexicon import lexicon
from selfeval.extract.quantities import (
    Quantity,
    adding_up,
    agrees_as_printed,
    find_quantities,
    is_list_separator,
)
from selfeval.record import (
    Change,
    Composition,
    Direction,
    Evidence,
    Execution,
    Indicator,
    Money,
    Part,
    SectionScore,
    TotalScore,
)

_CLAUSE = "，,；;：:。！？!?"
_SENTENCE_END = "。！？!?"
_LABEL_TRIM = re.compile(
    r"^(?:其中|包括|分别为|分别是|分别|此外|另外|以及|及|和|与|为|是|共|达|计|合计为|总计为|"
    r"年度|全年|本年度|本年|当年|[、:：,，;；\s()（）])+"
)
_LABEL_TAIL = re.compile(r"(?:为|是|共|达到?|总额|金额|共计|合计为|的)+$")
_YEAR_PREFIX = re.compile(r"^(?:20\d{2}年度?|\d{4}年)")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff“”\"A-Za-z]+")


@dataclass(frozen=True, slots=True)
class _Q:
    q: Quantity
    context: str  # text since the previous quantity (cues kept)
    label: str  # the words naming it (cues removed)
    sentence: int  # index of the sentence in the paragraph


def _label(context: str) -> str:
    # the last clause of the context names the quantity
    cut = max(context.rfind(ch) for ch in _CLAUSE)
    text = context[cut + 1 :] if cut >= 0 else context
    if len(text.strip()) < 2 and cut >= 0:
        text = context
    text = _YEAR_PREFIX.sub("", text.strip())
    text = _LABEL_TRIM.sub("", text)
    text = _LABEL_TAIL.sub("", text)
    runs = _CJK_RUN.findall(text)
    return runs[-1] if runs else ""


def _quantities(para: Paragraph) -> tuple[_Q, ...]:
    """The paragraph's quantities with their labels: found once, read by every relation."""
    return _quantities_of(para.text)


@lru_cache(maxsize=1024)
def _quantities_of(text: str) -> tuple[_Q, ...]:
    out: list[_Q] = []
    prev_end = 0
    sentence = 0
    for q in find_quantities(text):
        context = text[prev_end : q.start]
        sentence += sum(context.count(ch) for ch in _SENTENCE_END)
        if not _in_instruction(text, q.start):
            out.append(_Q(q, context, _label(context), sentence))
        prev_end = q.end
    return tuple(out)


def _in_instruction(text: str, at: int) -> bool:
    """`预算执行率未达到90%的需说明原因(100字以内)`: a form's instruction to the one filling it
    in, whose numbers are thresholds, not the unit's figures. Judged on the quantity's clause."""
    start = max(text.rfind(ch, 0, at) for ch in _CLAUSE) + 1
    ends = [e for e in (text.find(ch, at) for ch in _CLAUSE) if e >= 0]
    clause = text[start : min(ends) if ends else len(text)]
    return any(cue in clause for cue in lexicon().words("instruction_cues"))


def _has(text: str, concept: str) -> str | None:
    for word in lexicon().words(concept):
        if word in text:
            return word
    return None


def _evidence(para: Paragraph, start: int, end: int) -> Evidence:
    text = para.text
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    sentence = text[left:right]
    return Evidence(line=para.line_at(start), text=clip(sentence, start - left, end - left))


def _is_change(item: _Q) -> bool:
    ctx = item.context
    return bool(_has(ctx, "increase") or _has(ctx, "decrease")) and (
        "上年" in ctx
        or "同比" in ctx
        or "相比" in ctx
        or "各" in ctx
        or "分别" in ctx
        or (item.q.kind == "pct" and not _has(ctx, "share_cues"))
    )


# --- compositions -------------------------------------------------------------------------------


def find_compositions(paragraphs: Sequence[Paragraph]) -> list[Composition]:
    out: list[Composition] = []
    for para in paragraphs:
        qs = _quantities(para)
        i = 0
        while i < len(qs):
            head_at = _part_start(qs, i)
            if head_at is None:
                i += 1
                continue
            head, first = head_at
            parts, end = _parts(qs, first, qs[head].label if head is not None else "")
            if head is not None:
                parts, end = _completed(qs, head, parts, end)
            named = _NAMED_TOTAL.search(qs[first].context) if head is None else None
            if parts and named is not None:
                out.append(
                    Composition(
                        label=named.group(1),
                        total=None,
                        parts=tuple(parts),
                        evidence=_evidence(para, qs[first].q.start, qs[end - 1].q.end),
                    )
                )
            if len(parts) >= 1 and head is not None:
                h = qs[head]
                label = lexicon().canonical_total(h.label) if h.label else "合计"
                by = _BY_CLASS.search(qs[first].context)
                money = h.q.money
                again = money is not None and any(
                    c.total is not None and c.total.wan == money.wan for c in out
                )
                primary = all(p.category for p in parts)
                if by is not None and (again or not primary):
                    # 支出按经济分类: a breakdown other than the usual one (基本/项目 支出,
                    # 财政拨款/其他 收入), or a total already broken down once
                    label = label.removeprefix("决算") + "按" + by.group(1)
                out.append(
                    Composition(
                        label=label,
                        total=h.q.money,
                        parts=tuple(parts),
                        evidence=_evidence(para, h.q.start, qs[end - 1].q.end),
                    )
                )
            i = max(end, i + 1)
    out += _totals_after_parts(paragraphs, out)
    out += _all_of_one_kind(paragraphs, out)
    out += _including(paragraphs, out)
    return out + _shares_of_named_totals(paragraphs, out)


_INCLUDING = re.compile(r"[(（]\s*(?:含|包含|包括)([\u4e00-\u9fff]{2,10})\s*$")


def _including(paragraphs: Sequence[Paragraph], found: Sequence[Composition]) -> list[Composition]:
    """`部门财政资金收入1714.26万元(含上年结转38.40万元)`: a total and the part it includes; the
    rest of it is a part too where the report states that amount elsewhere (total − part, exact:
    本年收入1675.86万元), named by its label there. Nothing is taken without that amount."""
    amounts = [q for para in paragraphs for q in _quantities(para) if q.q.money is not None]
    totals = {c.total.wan for c in found if c.total is not None}
    out: list[Composition] = []
    for para in paragraphs:
        qs = _quantities(para)
        for k in range(len(qs) - 1):
            whole, part = qs[k].q.money, qs[k + 1].q.money
            m = _INCLUDING.search(qs[k + 1].context)
            if whole is None or part is None or m is None or whole.wan in totals:
                continue
            rest = whole.wan - part.wan
            other = next(
                (q for q in amounts if q.q.money is not None and q.q.money.wan == rest and q.label),
                None,
            )
            if other is None or other.q.money is None:
                continue
            name = m.group(1)
            out.append(
                Composition(
                    label=f"{qs[k].label}(含{name})",
                    total=whole,
                    parts=(
                        Part(other.label, lexicon().category_of(other.label), other.q.money, None),
                        Part(name, lexicon().category_of(name), part, None),
                    ),
                    evidence=_evidence(para, qs[k].q.start, qs[k + 1].q.end),
                )
            )
    return out


_ALL_OF = re.compile(
    r"^\s*[,，]?\s*(?:全部|均|全额)(?:为|是|来自|属于)([\u4e00-\u9fff]{2,12}?)(?=[,，。；;]|$)"
)


def _all_of_one_kind(
    paragraphs: Sequence[Paragraph], found: Sequence[Composition]
) -> list[Composition]:
    """`收入合计2981.62万元，全部为财政拨款收入，占收入合计的100%`: a total whose one part is
    all of it — the words say the part's amount is the total's; a share printed after it is
    kept as printed."""
    out: list[Composition] = []
    totals = {c.total.wan for c in found if c.total is not None}
    for para in paragraphs:
        qs = _quantities(para)
        for k, item in enumerate(qs):
            money = item.q.money
            m = _ALL_OF.match(para.text[item.q.end :]) if money is not None else None
            if m is None or money is None or money.wan in totals or not item.label:
                continue
            if not re.search(r"(?:合计|总计|总额|收入|支出)$", item.label):
                continue  # a total of the year's funds, not a carry-over described in words
            share = qs[k + 1] if k + 1 < len(qs) else None
            pct = (
                share.q.value
                if share is not None
                and share.q.kind == "pct"
                and share.sentence == item.sentence
                and _has(share.context, "share_cues")
                else None
            )
            name = m.group(1)
            out.append(
                Composition(
                    label=item.label,
                    total=money,
                    parts=(Part(name, lexicon().category_of(name), money, pct),),
                    evidence=_evidence(
                        para, item.q.start, share.q.end if pct is not None and share else item.q.end
                    ),
                )
            )
    return out


_YEAR_TOTAL = re.compile(r"全年[\u4e00-\u9fff]{0,8}$")


def _totals_after_parts(
    paragraphs: Sequence[Paragraph], found: Sequence[Composition]
) -> list[Composition]:
    """`A x万元，B y万元，C z万元，合计T万元`: parts listed first, the total after them — taken
    only when the parts add up to the total as printed (the arithmetic decides what belongs)."""
    out: list[Composition] = []
    # a total already broken down into several parts; one broken down into a single 其中 part
    # (合计4638.4万元(其中建安工程4482.375万元)) may still sum the parts before it
    totals = {c.total.wan for c in found if c.total is not None and len(c.parts) > 1}
    held = {p.amount.wan for c in found for p in c.parts if p.amount is not None}
    for para in paragraphs:
        qs = _quantities(para)
        for k, item in enumerate(qs):
            money = item.q.money
            if money is None or money.wan in totals or not item.label:
                continue
            year_total = _YEAR_TOTAL.search(item.context) is not None
            if not year_total and not any(w in item.label for w in ("合计", "总计")):
                continue
            before = [
                (q, q.q.money)
                for q in qs[:k]
                if q.q.money is not None
                # 合计 sums its sentence; 全年… may sum the sentences before it
                and (q.sentence == item.sentence or year_total)
                and q.q.money.wan not in held  # a part of a part (其中…) is not a part
                and not re.search(r"[(（][^)）]*$", q.context)  # not inside (其中…)
                and not _is_change(q)
            ]
            start = adding_up([m.wan for _, m in before], money.wan)
            if start is not None:
                run = before[start:]
                out.append(
                    Composition(
                        label=item.label,
                        total=money,
                        parts=tuple(
                            Part(q.label or "其他", lexicon().category_of(q.label), m, None)
                            for q, m in run
                        ),
                        evidence=_evidence(para, run[0][0].q.start, item.q.end),
                    )
                )
                out += _parallel_breakdown(found, [m for _, m in run], money, para, item)
    return out


def _parallel_breakdown(
    found: Sequence[Composition], parts: Sequence[Money], total: Money, para: Paragraph, item: _Q
) -> list[Composition]:
    """`一批…2416.8万元(其中建安工程2351.06万元)，二批…(其中建安工程1522.415万元)…，合计…
    4638.4万元(其中建安工程4482.375万元)`: when every part and the total each name one 其中 part
    by the same word, those 其中 parts are a breakdown of their own, taken where they add up."""

    def only_part(whole: Money) -> tuple[str, Part] | None:
        for c in found:
            if c.total == whole and len(c.parts) == 1 and c.parts[0].amount is not None:
                return c.label, c.parts[0]
        return None

    of_total = only_part(total)
    of_parts = [only_part(m) for m in parts]
    if of_total is None or any(p is None or p[1].name != of_total[1].name for p in of_parts):
        return []
    subs = [(label, p) for label, p in (x for x in of_parts if x is not None)]
    name, whole = of_total[1].name, of_total[1].amount
    if whole is None or sum(p.amount.wan for _, p in subs if p.amount) != whole.wan:
        return []
    return [
        Composition(
            label=f"{name}({item.label})",
            total=whole,
            parts=tuple(Part(f"{label}·{name}", p.category, p.amount, None) for label, p in subs),
            evidence=_evidence(para, item.q.start, item.q.end),
        )
    ]


_SHARE_OF = re.compile(r"占([\u4e00-\u9fff]{2,14}?)(?:总额|总数|合计)?的?\s*$")
_SHARE_OF_PRINTED = re.compile(r"占([\u4e00-\u9fff]{2,14}?)(?:总额|总数|合计)?\s*$")


def _join_breakdown(found: list[Composition], whole: str, part: _Q, share: Decimal) -> int | None:
    """`项目支出724.25万元，占总支出的45.65%` in a later paragraph: a part of a breakdown stated
    earlier (总支出 1586.40 万元 … 其中基本支出 …), joined to it where the share agrees with
    part ÷ total as printed. The index of the breakdown joined, or None."""
    money = part.q.money
    word = whole.removeprefix("总").removesuffix("总额")
    if money is None or len(word) < 2:
        return None
    for n in range(len(found) - 1, -1, -1):
        c = found[n]
        if c.total is None or not c.total.wan or word not in c.label:
            continue
        if any(p.name == part.label or p.amount == money for p in c.parts):
            continue
        if not agrees_as_printed(share, money.wan / c.total.wan * 100):
            continue
        name = part.label or "其中"
        found[n] = replace(
            c, parts=(*c.parts, Part(name, lexicon().category_of(name), money, share))
        )
        return n
    return None


def _shares_of_named_totals(
    paragraphs: Sequence[Paragraph], found: list[Composition]
) -> list[Composition]:
    """`涉及资金7.85亿元，占项目支出总额的89.3%`: a part and its share of a total named there and
    stated earlier in the report (项目支出 8.79亿元), when no breakdown holds that part already."""
    known: dict[str, _Q] = {}
    held = {p.amount.wan for c in found for p in c.parts if p.amount is not None}
    out: list[Composition] = []
    for para in paragraphs:
        qs = _quantities(para)
        for k, item in enumerate(qs):
            if item.q.kind == "money" and item.label and not _is_change(item):
                known.setdefault(item.label, item)
            m = _SHARE_OF.search(item.context) if item.q.kind == "pct" else None
            part = qs[k - 1] if k > 0 else None
            whole: _Q | None = None
            inner = _SHARE_OF_PRINTED.search(qs[k - 1].context) if k > 1 else None
            if item.q.kind == "pct" and item.context.strip() == "的" and inner is not None:
                # 占项目支出总额3104.52万元的88.14%: the total printed inside the clause
                m, whole, part = inner, qs[k - 1], qs[k - 2]
            if m is None or part is None or part.q.money is None or part.q.kind != "money":
                continue
            if part.q.money.wan in held:
                continue
            whole = (
                whole
                or known.get(m.group(1))
                or next((q for name, q in known.items() if name.endswith(m.group(1))), None)
                or next(
                    (q for name, q in known.items() if _whole_key(name) == _whole_key(m.group(1))),
                    None,
                )
            )
            if whole is None:
                joined = _join_breakdown(found, m.group(1), part, item.q.value)
                if joined is not None:
                    held.add(part.q.money.wan)
                continue
            if whole is part or whole.q.money is None:
                continue
            out.append(
                Composition(
                    label=f"{part.label or '其中'}占{m.group(1)}",
                    total=whole.q.money,
                    parts=(
                        Part(
                            name=part.label or "其中",
                            category=lexicon().category_of(part.label),
                            amount=part.q.money,
                            share_pct=item.q.value,
                        ),
                    ),
                    evidence=_evidence(para, part.q.start, item.q.end),
                )
            )
    return out


def _whole_key(name: str) -> str:
    """A total's name without the year and total words: 本年支出合计, 支出合计 → 支出."""
    return re.sub(r"(?:合计|总计|总额|总数)$", "", re.sub(r"^(?:本年度?|年度|全年|当年)", "", name))


_BY_CLASS = re.compile(r"按([\u4e00-\u9fff]{2,8}?)(?:划分|分类|分)(?=[,，:：])")


_NAMED_TOTAL = re.compile(r"(?:^|[，,；;。])\s*([\u4e00-\u9fff]{0,6}(?:总计|合计|总额))(?:包括|由)")


def _part_start(qs: Sequence[_Q], i: int) -> tuple[int | None, int] | None:
    """(index of the total, index of the first part) when a list of parts starts at `i`."""
    item = qs[i]
    if item.q.kind != "money":
        return None
    if _names(item.label, "budget") or (_names(item.label, "executed") and "执行" in item.label):
        return None  # 其中财政拨款调整后预算…执行数…: a budget line, not a part
    by = _BY_CLASS.search(item.context)
    if by is not None:
        # 按资金来源划分，A…、B…: the parts of the latest total, maybe a sentence back
        for k in range(i - 1, max(-1, i - 13), -1):
            cand = qs[k]
            if cand.q.kind == "money" and any(
                w in cand.label for w in (*lexicon().words("totals"), "决算")
            ):
                return k, i
        return None
    named = _NAMED_TOTAL.search(item.context)
    if named is not None:
        return None, i  # 收入总计包括A和B: the total is named, not printed
    cue = any(w in item.context for w in lexicon().words("part_cues"))
    inner = re.search(r"([\u4e00-\u9fff]{2,12})中(?:[:：,，]|[\u4e00-\u9fff])", item.context)
    if not cue and inner is None:
        return None
    if inner is not None and not cue:
        name = inner.group(1)
        for k in range(i - 1, -1, -1):
            if qs[k].q.kind == "money" and qs[k].label and name.endswith(qs[k].label[-4:]):
                return k, i
        return None
    for k in range(i - 1, -1, -1):
        cand = qs[k]
        if cand.q.kind != "money" or _is_change(cand):
            continue
        # the total stands in this sentence or the one before, or before a sentence that only
        # says how it changed (收入:792.22万元。同比上年度增加…。其中:财政拨款收入…)
        between = qs[k + 1 : i]
        only_changes = bool(between) and all(_is_change(x) for x in between)
        if i - k > 4 or (cand.sentence < item.sentence - 1 and not only_changes):
            break
        return k, i
    return None


def _completed(qs: Sequence[_Q], head: int, parts: list[Part], end: int) -> tuple[list[Part], int]:
    """`其中：人员经费548.32万元，主要包括基本工资…等；公用经费77.55万元，主要包括…`: a list of
    parts that a clause of explanation interrupted goes on after it. The amounts that follow in
    the paragraph (at most three) are taken as further parts only where they make the parts add
    up exactly to the total; otherwise the parts stay as they were."""
    total = qs[head].q.money
    if total is None or not parts or any(p.amount is None for p in parts):
        return parts, end
    running = sum((p.amount.wan for p in parts if p.amount is not None), Decimal(0))
    more: list[Part] = []
    for k in range(end, min(end + 6, len(qs))):
        item = qs[k]
        money = item.q.money
        if _is_change(item):
            continue  # …，同比上年度增加209.28万元，增加35.9%；其他收入…: a part's change
        if running >= total.wan or money is None or not item.label or len(more) == 3:
            break
        running += money.wan
        name = re.sub(r"^.*(?:包括|由)", "", item.label)
        more.append(Part(name, lexicon().category_of(name), money, None))
        if running == total.wan:
            return parts + more, k + 1
    return parts, end


def _parts(qs: Sequence[_Q], first: int, whole: str) -> tuple[list[Part], int]:
    parts: list[Part] = []
    k = first
    start_sentence = qs[first].sentence
    # (其中建安工程…): parts opened inside brackets end where the bracket closes
    bracketed = re.search(r"[(（][^)）]*$", qs[first].context) is not None
    while k < len(qs):
        item = qs[k]
        if item.q.kind == "pct" and "分别" in item.context and parts:
            # A…、B…，分别占p%、q%: shares zipped onto the parts in order
            zipped = _zipped(qs, k)
            for n, share_item in enumerate(zipped[-len(parts) :]):
                at = len(parts) - min(len(zipped), len(parts)) + n
                parts[at] = replace(parts[at], share_pct=share_item.q.value)
            k += len(zipped)
            break
        if item.q.kind != "money":
            break
        if k > first and (
            _names(item.label, "executed")
            or _names(item.label, "budget")
            or item.sentence != start_sentence
            or _is_change(item)
            or any(w in item.context for w in ("此外", "另外", "另有"))
            or (bracketed and re.search(r"[)）]", item.context))
            or (_has(item.context, "part_cues") and re.search("[;；]", item.context))
        ):
            break
        share: Decimal | None = None
        nxt = qs[k + 1] if k + 1 < len(qs) else None
        step = 1
        if (
            nxt is not None
            and nxt.q.kind == "pct"
            and nxt.sentence == item.sentence
            and "分别" not in nxt.context
            and (_has(nxt.context, "share_cues") or nxt.context.strip(" ,，(（") == "")
        ):
            share = nxt.q.value
            step = 2
        name = re.sub(r"^.*(?:包括|由)", "", item.label or "") or "其他"
        if whole and name.startswith(whole + "中"):
            name = name[len(whole) + 1 :]  # 基本支出中人员经费 → 人员经费
        parts.append(
            Part(
                name=name,
                category=lexicon().category_of(name),
                amount=item.q.money,
                share_pct=share,
            )
        )
        k += step
    return parts, k


# --- executions ---------------------------------------------------------------------------------


def find_executions(paragraphs: Sequence[Paragraph]) -> list[Execution]:
    out: list[Execution] = []
    earlier: list[_Q] = []  # every quantity read so far in the report
    for para in paragraphs:
        qs = _quantities(para)
        by_sentence: dict[int, list[_Q]] = {}
        clause = 0
        for item in qs:
            clause += sum(item.context.count(ch) for ch in "。！？!?；;")
            by_sentence.setdefault(clause, []).append(item)
        for items in by_sentence.values():
            found = _execution(para, items)
            if isinstance(found, list):
                out.extend(found)
            elif found is not None:
                out.append(_budget_before(found, earlier))
            earlier.extend(items)
    return _initial_stated_apart(out, earlier)


def _initial_stated_apart(found: list[Execution], items: Sequence[_Q]) -> list[Execution]:
    """`年初预算2310.50万元，年中追加较多` in one place, the year's budget, spending and rate in
    another: the one initial budget the report states is its main execution's (the first row
    with a budget and an executed amount), where that row has none and its budget differs — the
    year's budget is what the initial one became. Two initial amounts, or none: nothing."""
    cues = lexicon().words("part_cues")
    amounts = {
        item.q.money.wan: item.q.money
        for item in items
        if item.q.money is not None
        and _names(item.label, "initial_budget")
        and not _is_change(item)
        and not any(cue in item.context for cue in cues)  # 其中：年初预算安排项目支出…: a part's
    }
    if len(amounts) != 1:
        return found
    (initial,) = amounts.values()
    for n, row in enumerate(found):
        if row.budget is None or row.executed is None:
            continue
        if row.initial_budget is None and row.budget.wan != initial.wan:
            found[n] = replace(row, initial_budget=initial)
        break
    return found


def _budget_before(found: Execution, previous: Sequence[_Q]) -> Execution:
    """`全年预算数为X…；全年执行数为Y…，预算执行率为p%`: a rate and an executed amount whose budget
    was stated before (the clause before, or an earlier sentence: 全年预算收入X); taken, nearest
    first, only when the arithmetic says so (Y ÷ X = p % within the printed precision)."""
    if found.budget is not None or found.executed is None or found.rate_pct is None:
        return found
    for item in reversed(previous):
        money = item.q.money
        if money is None or not _names(item.label, "budget") or not money.wan:
            continue
        if agrees_as_printed(found.rate_pct, found.executed.wan / money.wan * 100):
            return replace(found, budget=money, label=_execution_label([item]))
    # 按每生每年800元的标准安排，共计174.40万元 … 实际支出168.73万元，预算执行率96.75%: an amount
    # not named a budget, taken only where a rate printed to two decimals agrees with it
    exponent = found.rate_pct.as_tuple().exponent
    if isinstance(exponent, int) and exponent <= -2:
        for item in reversed(previous):
            money = item.q.money
            if money is None or not money.wan or _is_change(item):
                continue
            if agrees_as_printed(found.rate_pct, found.executed.wan / money.wan * 100):
                return replace(found, budget=money)
    return found


def _names(label: str, concept: str) -> bool:
    """`label` names the concept: one of its words ends or starts it (全年预算, 预算安排…)."""
    bare = re.sub(r"(?:为|是|共|达|计|总额|总数|数)+$", "", label) or label
    if any(
        x.endswith(w) or x.startswith(w) for w in lexicon().words(concept) for x in (label, bare)
    ):
        return True
    if concept == "executed" and bare in lexicon().words("executed_alone"):
        return True  # 年初预算X，决算Y: 决算 alone (not 决算收入) is what was spent
    # 实际完成支出, 全年累计支出: 支出 with a word saying it is what was spent (not 基本支出)
    return concept == "executed" and (
        bare == "支出"
        or (
            bare.endswith("支出")
            and any(q in bare[:-2] for q in lexicon().words("executed_qualifiers"))
        )
    )


def _execution(para: Paragraph, items: Sequence[_Q]) -> Execution | list[Execution] | None:
    budgets: list[_Q] = []
    initial: list[_Q] = []
    executed: list[_Q] = []
    rates: list[_Q] = []
    for item in items:
        ctx = item.context
        if item.q.kind == "pct" and _has(ctx[-12:], "rate"):
            if not _TARGET_CUE.search(ctx):
                rates.append(item)
        elif item.q.kind == "money" and not _is_change(item):
            label = item.label
            if re.search(r"预算(?:收入|支出)$", label):
                (initial if "年初" in label else budgets).append(item)
            elif _names(label, "initial_budget"):
                initial.append(item)
            elif _names(label, "budget"):
                budgets.append(item)
            elif _names(label, "executed"):
                executed.append(item)
    if not (budgets or initial or executed):
        if len(rates) == 1 and rates[0].label and _has(rates[0].label, "rate"):
            only = rates[0]  # a rate stated on its own: 部门预算资金支出率98.76%
            return Execution(
                label=_rate_label(para.text, only),
                budget=None,
                executed=None,
                rate_pct=only.q.value,
                evidence=_evidence(para, only.q.start, only.q.end),
            )
        return None
    if not rates and not executed:
        return _budget_only(para, budgets + initial)
    if not rates and not (executed and (budgets or initial)):
        return None
    rate = rates[0] if rates else None
    spent = executed[-1] if executed else None
    budget = budgets[-1] if budgets else None
    init = initial[0] if initial else None
    if budget is None and init is not None:
        budget, init = init, None
    elif budget is not None and init is not None and rate is not None and spent is not None:
        # the rate tells which budget it was computed against
        b, i0, e = budget.q.value, init.q.value, spent.q.value
        r = rate.q.value
        if i0 and b and abs(e / i0 * 100 - r) < abs(e / b * 100 - r):
            budget, init = init, budget
    if spent is None and budget is None:
        return None
    anchor = [x for x in (budget, spent, rate, init) if x is not None]
    start = min(x.q.start for x in anchor)
    end = max(x.q.end for x in anchor)
    label = _execution_label(anchor)
    return Execution(
        label=label,
        budget=budget.q.money if budget else None,
        executed=spent.q.money if spent else None,
        rate_pct=rate.q.value if rate else None,
        evidence=_evidence(para, start, end),
        initial_budget=init.q.money if init else None,
    )


_SUBJECT_LEAD = re.compile(r"^(?:部门|单位|本部门|本单位|我[镇乡局街校院]|20\d{2}年度?)+")


def _rate_label(text: str, rate: _Q) -> str:
    """A lone rate's label: its own words (预算资金支出率), or, when those are only a rate word
    (预算完成率), the subject that opens its sentence (财政拨款已完成…)."""
    label = re.sub(r"^.*(?:得出|得到|计算|实现|部门|单位|我[镇乡局街校院])", "", rate.label)
    if label not in lexicon().words("rate"):
        return label
    start = max((text.rfind(ch, 0, rate.q.start) for ch in _SENTENCE_END), default=-1) + 1
    subject = re.match(r"[\u4e00-\u9fff]{2,8}?(?=已|的|,|，|预算|完成)", text[start:])
    return subject.group(0) if subject else label


def _budget_only(para: Paragraph, items: Sequence[_Q]) -> list[Execution] | None:
    """年初预算收入X万元、年初预算支出Y万元: budgets stated alone, one per subject (收入 / 支出)."""
    found: list[Execution] = []
    for item in items:
        m = re.search(r"预算(收入|支出)$", item.label)
        if m is None or item.q.money is None:
            continue
        found.append(
            Execution(
                label=m.group(1),
                budget=item.q.money,
                executed=None,
                rate_pct=None,
                evidence=_evidence(para, item.q.start, item.q.end),
            )
        )
    return found or None


def _execution_label(items: Sequence[_Q]) -> str:
    """What was budgeted and spent: the words the budget's and the executed amount's labels
    share (预算安排公用经费总额 / 实际支出公用经费总额 → 公用经费), else the budget's label less
    the budget words (部门整体支出年初预算 → 部门整体支出), else 支出."""
    labels = [i.label for i in items[:2] if i.label]
    if len(labels) == 2:
        shared = _shared_words(*labels)
        if len(shared) >= 2:
            return shared
    for item in items[:2]:
        label = item.label
        for concept in ("initial_budget", "budget", "executed"):
            for word in lexicon().words(concept):
                if word in label:
                    label = label.replace(word, "")
        label = re.sub(r"^(?:我[镇乡局街校院]|本单位|本部门|部门|年度|全年|年中|累计)+", "", label)
        label = re.sub(r"(?:总额|总数|累计)$", "", re.sub(r"[“”\"'‘’]", "", label))
        if len(label) >= 2:
            return label
    return "支出"


# --- year-over-year changes ---------------------------------------------------------------------


def find_changes(paragraphs: Sequence[Paragraph]) -> list[Change]:
    out: list[Change] = []
    for para in paragraphs:
        qs = _quantities(para)
        subjects: list[list[_Q]] = []  # the latest non-change amounts (a zipped list or one)
        k = 0
        while k < len(qs):
            item = qs[k]
            if item.q.kind == "money" and not _is_change(item):
                group = _zipped(qs, k)
                subjects.append(_zipped_labels(group))
                k += len(group)
                continue
            if not _is_change(item) or item.q.kind not in ("money", "pct"):
                k += 1
                continue
            amounts = _zipped(qs, k) if item.q.kind == "money" else []
            k += len(amounts)
            rates: list[_Q] = []
            if (
                k < len(qs) and qs[k].q.kind == "pct" and _is_change(qs[k])
            ) or item.q.kind == "pct":
                rates = _zipped(qs, k)
                k += len(rates)
            subject = subjects[-1] if subjects else []
            named = _changed_subject(item.context)
            if (
                named
                and width_one(amounts, rates)
                and not any(len(_cjk(named) & _cjk(s.label)) >= 2 for s in subject)
            ):
                subject = []  # 与上年相比，本年收入合计增加…: it names what changed; no amount here
            width = max(len(amounts), len(rates))
            if width > 1 and len(subject) != width:
                subject = (subject * width)[:width] if len(subject) == 1 else []
            for n in range(max(width, 1)):
                cur = subject[n] if n < len(subject) else (subject[0] if subject else None)
                amt = amounts[n] if n < len(amounts) else None
                rt = rates[n] if n < len(rates) else None
                if amt is None and rt is None:
                    continue
                first = amt or rt
                assert first is not None
                # a zipped list's sign word stands before its first member (各减少A、B万元)
                negative = _negative((amounts or rates)[0].context)
                rate_sign = _negative(rates[0].context) if rates and _signed(rates[0]) else None
                rate_negative = negative if rate_sign is None else rate_sign
                out.append(
                    Change(
                        label=(cur.label if cur else (named or first.label)) or "",
                        current=cur.q.money if cur else None,
                        prior=None,
                        change=_signed_money(amt, negative) if amt else None,
                        growth_pct=(-rt.q.value if rate_negative else rt.q.value) if rt else None,
                        evidence=_evidence(para, (cur or first).q.start, (rt or first).q.end),
                    )
                )
    return [_current_stated_elsewhere(c, paragraphs) for c in out]


_ZIPPED_NAMES = re.compile(
    r"([\u4e00-\u9fff]{1,6}(?:、[\u4e00-\u9fff]{1,8})+)(?:各|分别|均)(?:是|为|达)?\s*$"
)


def _zipped_labels(group: list[_Q]) -> list[_Q]:
    """`收、支总计各是A、B万元`: the names listed before 各 / 分别, sharing the last one's tail
    (收总计, 支总计), label the amounts in order; kept as read where the counts differ."""
    m = _ZIPPED_NAMES.search(group[0].context) if len(group) > 1 else None
    if m is None:
        return group
    heads = _LABEL_TRIM.sub("", _YEAR_PREFIX.sub("", m.group(1))).split("、")  # 本年度收、支…
    if len(heads) != len(group):
        return group
    # 收、支总计: the last name carries a total's word the others share; 工资福利支出、商品和
    # 服务支出: whole names, nothing shared
    tail = next((w for w in lexicon().words("totals") if heads[-1].endswith(w)), "")
    width = len(heads[-1]) - len(tail)
    if not tail or any(len(h) != width for h in heads[:-1]):
        return [replace(q, label=name) for q, name in zip(group, heads, strict=True)]
    names = [*heads[:-1], heads[-1][:width]]
    return [replace(q, label=name + tail) for q, name in zip(group, names, strict=True)]


def _negative(context: str) -> bool:
    """The last change word before a quantity says 减少 / 下降 (not 增加 after it)."""
    down = _has(context, "decrease")
    up = _has(context, "increase")
    return down is not None and (up is None or context.rfind(down) > context.rfind(up))


def _signed(item: _Q) -> bool:
    return _has(item.context, "decrease") is not None or _has(item.context, "increase") is not None


def _current_stated_elsewhere(change: Change, paragraphs: Sequence[Paragraph]) -> Change:
    """`与上年相比，本年收入合计增加1236.47万元，增长6.07%` with 本年收入合计 stated in another
    sentence: that amount is the current value where the arithmetic agrees (the change over the
    prior it implies is the growth printed)."""
    if change.current is not None or change.change is None or change.growth_pct is None:
        return change
    for para in paragraphs:
        for item in _quantities(para):
            money = item.q.money
            if (
                money is None
                or _whole_key(item.label) != _whole_key(change.label)
                or _is_change(item)
            ):
                continue
            prior = money.wan - change.change.wan
            if prior > 0 and agrees_as_printed(change.growth_pct, change.change.wan / prior * 100):
                return replace(change, current=money)
    return change


_NAMED_CHANGE = re.compile(
    r"(?:相比|同比)[，,]\s*([\u4e00-\u9fff、]{2,12}?)(?:各|分别|均)?(?:增加|减少|增长|下降|上升|降低)了?\s*$"
)


def _changed_subject(context: str) -> str | None:
    """`与上年相比，本年收入合计增加…`: the words naming what changed, after the comparison."""
    m = _NAMED_CHANGE.search(context)
    return m.group(1) if m else None


def _cjk(text: str | None) -> set[str]:
    return {ch for ch in text or "" if "\u4e00" <= ch <= "\u9fff"}


def width_one(amounts: Sequence[_Q], rates: Sequence[_Q]) -> bool:
    return max(len(amounts), len(rates)) <= 1


def _signed_money(item: _Q, negative: bool) -> Money | None:
    money = item.q.money
    if money is None or not negative:
        return money
    return Money(wan=-money.wan, unit=money.unit, raw=money.raw)


def _zipped(qs: Sequence[_Q], k: int) -> list[_Q]:
    """`qs[k]` and the quantities of its kind that follow it joined only by 、 (A、B)."""
    group = [qs[k]]
    j = k + 1
    while j < len(qs) and qs[j].q.kind == qs[k].q.kind and is_list_separator(qs[j].context):
        group.append(qs[j])
        j += 1
    return group


# --- section scores -----------------------------------------------------------------------------

_MAX_CUE = re.compile(r"(?:满分|总分为?|分值为?|权重为?|[(（])\s*$")
_SCORE_CUE = re.compile(r"(?:得分?为?|自评分为?|自评得分为?|评分为?|实得)\s*$")
_NAME = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:部分|情况|方面)?\s*[(（]?\s*$")


def find_section_scores(paragraphs: Sequence[Paragraph]) -> list[SectionScore]:
    out: list[SectionScore] = []
    for para in paragraphs:
        qs = [x for x in _quantities(para) if x.q.kind == "score"]
        k = 0
        while k < len(qs):
            a = qs[k]
            b = qs[k + 1] if k + 1 < len(qs) else None
            a_max = bool(_MAX_CUE.search(a.context))
            pair = b is not None and b.sentence == a.sentence and len(b.context) <= 12
            if pair and b is not None:
                b_max = bool(_MAX_CUE.search(b.context))
                if a_max and not b_max:
                    mx, sc, named = a, b, a
                elif b_max and not a_max:
                    mx, sc, named = b, a, a
                else:
                    k += 1
                    continue
                name = _score_name(named.context)
                if name and not _WHOLE_NAME.search(name):
                    out.append(
                        SectionScore(
                            name=name,
                            dimension=None,
                            max=mx.q.value,
                            score=sc.q.value,
                            evidence=_evidence(para, a.q.start, b.q.end),
                        )
                    )
                    k += 2
                    continue
            k += 1
    return out


_WHOLE_NAME = re.compile(r"综合|整体|总体|总分|自评|我[镇乡局街校院]")


def _score_name(context: str) -> str | None:
    text = re.sub(r"(?:满分|总分为?|分值为?|得分?为?|自评分为?|自评得分为?)\s*$", "", context)
    text = re.sub(r"[(（]\s*$", "", text).rstrip(" :：,，")
    cut = max(text.rfind(ch) for ch in "，,；;：:。、")
    text = text[cut + 1 :]
    m = _NAME.search(text)
    if m is None:
        return None
    name = m.group(1)
    name = re.sub(r"^(?:其中|分项看|分别|在|对|从|按照?|[一二三四五六七八九十]+是)", "", name)
    return name if len(name) >= 2 else None


# --- the total score ----------------------------------------------------------------------------

_TOTAL_TAIL = re.compile(r"(?:为|是|:|：|\||达到?|\s)*$")
_WHOLE = re.compile(r"整体|综合|总体|项目|部门|自评|评价|最终|总")
_NOT_TOTAL = re.compile(r"平均|最高|最低|扣|满分|上限|以上|以下|不低于|不少于")


def find_total_score(paragraphs: Sequence[Paragraph]) -> TotalScore | None:
    """The report's total score: a score whose cue says it is the whole (综合得分, 自评总得分 …).

    A sentence outranks a heading when both state one (the sentence is the statement).
    """
    found = _total_scores(paragraphs)
    return found[0] if found else None


TOTAL_DIMENSION = "总分"


def restated_totals(paragraphs: Sequence[Paragraph]) -> list[SectionScore]:
    """The total stated again elsewhere with another figure (a heading's 自评得分95.5分 against the
    sentence's 94.5分): kept as section scores of the dimension 总分, so a check can compare."""
    found = _total_scores(paragraphs)
    if not found:
        return []
    chosen = found[0]
    project = "项目" in chosen.evidence.text
    return [
        SectionScore(
            name=TOTAL_DIMENSION,
            dimension=TOTAL_DIMENSION,
            max=None,
            score=t.score,
            evidence=t.evidence,
        )
        for t in found[1:]
        if t.score != chosen.score and ("项目" in t.evidence.text) == project
    ]


def _total_scores(paragraphs: Sequence[Paragraph]) -> list[TotalScore]:
    """Every statement of the whole report's score, the one to take first."""
    ranked: list[tuple[int, int, TotalScore]] = []
    order = 0
    for para in paragraphs:
        _after_score = False  # a score right after another is the second of a (max, score) pair
        for item in _quantities(para):
            # a bare number (a counter may be the next word run on: 总分:94项目…)
            bare = item.q.kind in ("number", "count") and item.q.value <= 100
            if item.q.kind != "score" and not bare:
                _after_score = False
                continue
            order += 1
            ctx = _TOTAL_TAIL.sub("", item.context)
            if bare and not ctx.endswith(lexicon().words("total_score_bare")):
                continue  # a bare number is a score only straight after 总分 / 综合得分 …
            cue = next((w for w in lexicon().words("total_score") if ctx.endswith(w)), None)
            if cue is None or (len(item.context) <= 8 and order > 1 and _after_score):
                _after_score = True
                continue
            before = ctx[: len(ctx) - len(cue)][-6:]
            if _NOT_TOTAL.search(before + cue):
                continue
            _after_score = True
            if cue in ("得分", "总分", "评分") and not _WHOLE.search(before):
                continue
            rank = 1 if para.heading else 0
            total = TotalScore(
                score=item.q.value, max=None, evidence=_evidence(para, item.q.start, item.q.end)
            )
            ranked.append((rank, order, total))
    return [t for _, _, t in sorted(ranked, key=lambda x: x[:2])]


# --- indicators stated in sentences -------------------------------------------------------------

_TARGET_CUE = re.compile(
    r"(?P<name>[^，,；;。:：]*?)(?:[:：])?\s*(?:年初|年度|全年)?(?:绩效)?目标(?:值)?(?:为|是)?\s*"
    r"(?P<op>[≥≤<>=]|不低于|不少于|不超过|不高于|达到)?\s*$"
)
_NAME_LEAD = re.compile(
    r"^(?:\d+[.、]|[(（]?[一二三四五六七八九十\d]+[)）、.]|其中|[^，,]*指标[。:：])+"
)


def find_indicators(paragraphs: Sequence[Paragraph]) -> list[Indicator]:
    """`X目标≥90%，实际达到95.6%` and its kin: a target and the actual that follows it."""
    out: list[Indicator] = []
    for para in paragraphs:
        qs = [x for x in _quantities(para) if x.q.kind not in ("year", "money", "score")]
        for k, item in enumerate(qs):
            m = _TARGET_CUE.search(item.context)
            if m is None:
                continue
            name = _NAME_LEAD.sub("", m.group("name").strip()).strip(" :：")
            name = re.sub(r"^.*[。]", "", name)
            if len(name) < 2:
                continue
            later = [
                x
                for x in qs[k + 1 : k + 3]
                # 6月末在校学生2648人: a month or a day names when, not what was achieved
                if not (x.q.unit in ("月", "日") and item.q.unit not in ("月", "日"))
            ]
            actual = later[0] if later else None
            if actual is not None and (
                actual.sentence != item.sentence
                or any(ch in actual.context for ch in "；;")
                or _TARGET_CUE.search(actual.context)
            ):
                actual = None
            op = m.group("op")
            canon = {"不低于": "≥", "不少于": "≥", "达到": "≥", "不超过": "≤", "不高于": "≤"}
            op = canon.get(op or "", op)
            target_text = (op or "") + item.q.raw
            unit = item.q.unit if item.q.kind in ("pct", "count") else None
            direction: Direction | None = (
                "higher"
                if op in ("≥", ">")
                else "lower"
                if op in ("≤", "<")
                else "equal"
                if op == "="
                else None
            )
            end = actual.q.end if actual else item.q.end
            out.append(
                Indicator(
                    level1=None,
                    level2=None,
                    name=name,
                    target=target_text,
                    actual=actual.q.raw if actual else None,
                    completion=None,
                    target_op=op,
                    target_num=item.q.value,
                    actual_op=None,
                    actual_num=actual.q.value if actual else None,
                    completion_pct=None,
                    evidence=_evidence(para, item.q.start - len(m.group(0)), end),
                    target_value=item.q.value,
                    actual_value=actual.q.value if actual else None,
                    unit=unit,
                    direction=direction,
                )
            )
    return out


def _shared_words(a: str, b: str) -> str:
    """The longest run of CJK characters both labels contain, less 总额/数 and quotes."""
    a = re.sub(r"[“”\"'‘’]", "", a)
    b = re.sub(r"[“”\"'‘’]", "", b)
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    best = re.sub(r"(?:总额|总数|数|的)+$", "", best)
    for word in (*lexicon().words("budget"), *lexicon().words("executed")):
        best = best.replace(word, "") if len(best) > len(word) + 1 else best
    return best


# --- the fiscal year ----------------------------------------------------------------------------

_EVALUATED_YEAR = re.compile(r"评价年度\s*[:：]?\s*(20\d{2})")
_YEAR_OF_REPORT = re.compile(r"(20\d{2})\s*年度")
_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年(?![\d月])")
_TITLE_WORDS = ("绩效", "自评", "决算", "评价")


def find_fiscal_year(lines: Sequence[str]) -> int | None:
    """The year evaluated: 评价年度, else the first `20xx年度` near the top, else the year of a
    title line; never a date the form was filled in (填报日期 2024年3月)."""
    head = [x for x in (line.strip() for line in lines[:60]) if x][:40]
    for line in head:
        m = _EVALUATED_YEAR.search(line)
        if m:
            return int(m.group(1))
    for line in head[:12]:
        if "日期" in line or "时间" in line:
            continue
        m = _YEAR_OF_REPORT.search(line)
        if m:
            return int(m.group(1))
    for line in head[:12]:
        if any(w in line for w in _TITLE_WORDS) and "日期" not in line:
            m = _YEAR_IN_TITLE.search(line)
            if m:
                return int(m.group(1))
    return None


# --- breakdowns the executions spell out --------------------------------------------------------


def part_executions(
    paragraphs: Sequence[Paragraph], compositions: Sequence[Composition]
) -> list[Execution]:
    """`全年预算数为X，其中…项目支出b；全年执行数为Y，其中…项目支出e，…其中项目支出执行率为p%`:
    a part's own rate, its budget and executed amount the same-named parts of two breakdowns —
    taken only where e ÷ b agrees with p as printed."""
    out: list[Execution] = []
    for para in paragraphs:
        for item in _quantities(para):
            if item.q.kind != "pct" or not item.label:
                continue
            rate_word = next((w for w in lexicon().words("rate") if item.label.endswith(w)), None)
            name = item.label.removesuffix(rate_word or "").removeprefix("其中")
            if rate_word is None or len(name) < 2:
                continue
            amounts = [
                p.amount
                for c in compositions
                for p in c.parts
                if p.name == name and p.amount is not None and p.amount.wan
            ]
            pair = next(
                (
                    (b, e)
                    for b, e in itertools.permutations(amounts, 2)
                    if agrees_as_printed(item.q.value, e.wan / b.wan * 100)
                ),
                None,
            )
            if pair is not None:
                out.append(
                    Execution(
                        label=name,
                        budget=pair[0],
                        executed=pair[1],
                        rate_pct=item.q.value,
                        evidence=_evidence(para, item.q.start, item.q.end),
                    )
                )
    return out


def executions_summing(executions: Sequence[Execution]) -> list[Composition]:
    """A department's budget or spending stated as a whole, then class by class (一般公共服务支出(类):
    年初预算…，支出决算…): when the later rows' amounts add up exactly to an earlier row's, that
    row is their total — the arithmetic, not the wording, decides."""
    out: list[Composition] = []
    for column, word in (("budget", "预算数"), ("executed", "执行数")):
        amounts = [(e, getattr(e, column)) for e in executions]
        for k, (whole, total) in enumerate(amounts):
            if total is None:
                continue
            later = [(e, m) for e, m in amounts[k + 1 :] if m is not None]
            for end in range(2, len(later) + 1):
                run = later[:end]
                if sum(m.wan for _, m in run) == total.wan:
                    out.append(
                        Composition(
                            label=f"{whole.label}{word}",
                            total=total,
                            parts=tuple(
                                Part(e.label, lexicon().category_of(e.label), m, None)
                                for e, m in run
                            ),
                            evidence=whole.evidence,
                        )
                    )
                    break
    return out


_RATE_OF = re.compile(r"占([\u4e00-\u9fff]{2,14}?)的?\s*$")


def executions_as_shares(paragraphs: Sequence[Paragraph]) -> list[Execution]:
    """`实际支出451.08万元，占实际到位资金的97.23%，占调整后项目预算的65.53%`: an executed
    amount's rate against each budget it names, the budget stated earlier in the report; taken
    only when the arithmetic agrees (451.08 ÷ 463.92 = 97.23 %)."""
    out: list[Execution] = []
    earlier: list[_Q] = []
    for para in paragraphs:
        qs = _quantities(para)
        for k, item in enumerate(qs):
            m = _RATE_OF.search(item.context) if item.q.kind == "pct" else None
            # 占A的p%，占B的q%: both rates are of the amount before the first of them
            spent = next((q for q in reversed(qs[:k]) if q.q.kind != "pct"), None)
            if m is None or spent is None or spent.q.money is None:
                continue
            if not _names(spent.label, "executed"):
                continue
            for budget in reversed(earlier):
                money = budget.q.money
                if money is None or not money.wan or len(_cjk(budget.label) & _cjk(m.group(1))) < 2:
                    continue
                if agrees_as_printed(item.q.value, spent.q.money.wan / money.wan * 100):
                    out.append(
                        Execution(
                            label=m.group(1),
                            budget=money,
                            executed=spent.q.money,
                            rate_pct=item.q.value,
                            evidence=_evidence(para, spent.q.start, item.q.end),
                        )
                    )
                    break
        earlier.extend(qs)
    return out
