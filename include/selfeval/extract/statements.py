"""Figures stated in sentences: unit, year, total score, compositions, executions, carry-overs,
section scores. Each extractor takes the laid-out paragraphs and returns record parts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from selfeval import settings
from selfeval.extract.figures import MONEY, NUM, dec, evidence, money_from_match, sentence_span
from selfeval.extract.layout import Paragraph
from selfeval.record import (
    Carryover,
    Composition,
    Evidence,
    Execution,
    Money,
    Part,
    SectionScore,
    TotalScore,
    Unit,
)

_CJK = r"\u4e00-\u9fff"


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    line: int
    para: Paragraph
    start: int


def sentences(paragraphs: list[Paragraph], ends: str = "。！？!?") -> Iterator[Sentence]:
    pattern = _sentence_pattern(ends)
    for para in paragraphs:
        for m in pattern.finditer(para.text):
            if m.group(0).strip():
                yield Sentence(m.group(0), para.line_at(m.start()), para, m.start())


@lru_cache(maxsize=8)
def _sentence_pattern(ends: str) -> re.Pattern[str]:
    cls = re.escape(ends)
    return re.compile(rf"[^{cls}]*[{cls}]|[^{cls}]+$")


# --- unit and year -------------------------------------------------------------------------------

_ORG_SUFFIX = r"街道办事处|街道|镇人民政府|镇|乡人民政府|乡|局|委员会|办公室|中心|管理处|服务中心"
_START = rf"(?:(?<![{_CJK}])|(?<=年度)|(?<=年)|(?<=省))"
_UNIT_PATTERNS = (
    re.compile(
        rf"{_START}(?P<city>[{_CJK}]{{2,4}}?市)(?P<district>[{_CJK}]{{1,4}}?[区县])(?:人民政府)?"
        rf"(?P<name>[{_CJK}]{{1,10}}?(?:{_ORG_SUFFIX}))"
    ),
    re.compile(
        rf"{_START}(?P<district>[{_CJK}]{{1,4}}?[区县])(?:人民政府)?"
        rf"(?P<name>[{_CJK}]{{1,10}}?(?:{_ORG_SUFFIX}))"
    ),
    re.compile(rf"{_START}(?P<name>[{_CJK}]{{2,6}}?街道(?:办事处)?)"),
)


_YEAR_PREFIX = re.compile(r"20\d{2}\s*年度?")
_PLACE_ONLY = re.compile(rf"[{_CJK}]{{1,6}}?(?:省|市|州|盟|区|县|旗)")
_TITLE_UNIT = re.compile(
    rf"^(?P<unit>[{_CJK}（）()]{{2,24}}?)\s*20\d{{2}}\s*年度?[{_CJK}（）()]{{0,20}}(?:绩效|自评)"
)


def find_unit(paragraphs: list[Paragraph]) -> Unit:
    # the title names the unit before the year: 红河州数据发展中心2024年度…绩效自评报告
    for para in paragraphs[:3]:
        m = _TITLE_UNIT.match(para.text.strip())
        if m is None:
            continue
        name = m.group("unit")
        if _PLACE_ONLY.fullmatch(name):
            break  # 湘潭县2021年度…: the title names the place; the unit is named below it
        for pattern in _UNIT_PATTERNS:
            found = pattern.fullmatch(name)
            if found:
                groups = found.groupdict()
                return Unit(groups.get("name"), groups.get("district"), groups.get("city"))
        return Unit(name=name)
    # "2024年度广州市…" — a year in front of the city is not part of its name.
    head = _YEAR_PREFIX.sub(" ", " ".join(p.text for p in paragraphs[:8]))
    whole = _YEAR_PREFIX.sub(" ", " ".join(p.text for p in paragraphs))
    for text in (head, whole):
        for pattern in _UNIT_PATTERNS:
            m = pattern.search(text)
            if m:
                groups = m.groupdict()
                return Unit(
                    name=groups.get("name"),
                    district=groups.get("district"),
                    city=groups.get("city"),
                )
    return Unit()


_YEAR_TITLE = re.compile(r"(20\d{2})\s*年度?")
_YEAR_ANY = re.compile(r"(20\d{2})年")


def find_fiscal_year(paragraphs: list[Paragraph]) -> int | None:
    for para in paragraphs[:5]:
        if "绩效" in para.text or "自评" in para.text:
            m = _YEAR_TITLE.search(para.text)
            if m:
                return int(m.group(1))
    counts = Counter(int(m.group(1)) for p in paragraphs for m in _YEAR_ANY.finditer(p.text))
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


# --- scores stated in sentences ------------------------------------------------------------------

_SCORE_WORD = r"(?:自评得分|自评分|自评得|实际得分|得分|评分|自评)"
_MAX_WORD = r"(?:总分值|总分|满分|分值)"
_SECTION_PATTERNS = (
    # （总分为 50 分，自评分为 46.5 分）
    re.compile(
        rf"[(（]?\s*{_MAX_WORD}(?:为|是|:)?(?P<max>{NUM})分\s*[,，;；]?\s*"
        rf"{_SCORE_WORD}(?:为|是|:)?(?P<score>{NUM})分\s*[)）]?"
    ),
    # 本部分得分48分（满分50分）
    re.compile(
        rf"(?:本部分|该部分|本项|本维度)?{_SCORE_WORD}(?:为|是|:)?(?P<score>{NUM})分\s*"
        rf"[(（,，]\s*{_MAX_WORD}(?:为|是)?(?P<max>{NUM})分\s*[)）]?"
    ),
    # 履职效能（50分）自评得分47.5分
    re.compile(
        rf"[(（](?P<max>{NUM})分[)）]\s*[,，:：]?\s*{_SCORE_WORD}(?:为|是|:)?(?P<score>{NUM})分"
    ),
)
_SECTION = _SECTION_PATTERNS[0]
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[.、]?|[a-zA-Z][.、)])\s*"
)
_NAME_SUFFIX = re.compile(r"(?:情况)?(?:分析|部分|指标|维度|情况)$")
_TOTAL = re.compile(
    rf"(?:整体|总体|综合|部门整体支出绩效)?自评(?:结果|总得分|得分|总分|综合得分|分数|分)"
    rf"(?:为|是|:|达)?(?P<score>{NUM})分"
)
_MAX_IN_SENTENCE = re.compile(rf"(?<!自评)(?:满分|总分)(?:为|是)?(?P<max>{NUM})分")


_TOTAL_CONTEXT = re.compile(r"整体|总体|综合|自评结果|总得分")


def _section_matches(text: str) -> list[re.Match[str]]:
    """Section-score statements in `text`, leaving out those that state the report's total."""
    found: list[re.Match[str]] = []
    for pattern in _SECTION_PATTERNS:
        for m in pattern.finditer(text):
            if _TOTAL_CONTEXT.search(text[max(0, m.start() - 16) : m.start()]):
                continue
            if not any(m.start() < f.end() and f.start() < m.end() for f in found):
                found.append(m)
    return sorted(found, key=lambda m: m.start())


def dimension_of(name: str | None) -> str | None:
    if not name:
        return None
    bare = _NAME_SUFFIX.sub("", _NUMBERING.sub("", name)).strip()
    if bare in settings.DIMENSION_ALIASES:
        return settings.DIMENSION_ALIASES[bare]
    for alias in sorted(settings.DIMENSION_ALIASES, key=len, reverse=True):
        if alias in bare:
            return settings.DIMENSION_ALIASES[alias]
    return None


def find_section_scores(paragraphs: list[Paragraph]) -> list[SectionScore]:
    found: list[SectionScore] = []
    heading = ""
    for para in paragraphs:
        for sent in sentences([para], ends="。！？!?；;"):
            for m in _section_matches(sent.text):
                name = _section_name(sent.text[: m.start()]) or (
                    "" if para.heading else _section_name(heading)
                )
                score = dec(m.group("score"))
                if not name or score is None:
                    continue
                found.append(
                    SectionScore(
                        name=name,
                        dimension=dimension_of(name),
                        max=dec(m.group("max")),
                        score=score,
                        evidence=evidence(sent.para.line_at(sent.start + m.start()), sent.text),
                    )
                )
        if para.heading:
            heading = para.text
    return found


def _section_name(before: str) -> str:
    """The dimension named before a score statement: "（一）履职效能分析：本部分" → 履职效能分析."""
    before = re.sub(r"(?:本部分|该部分|本项|本维度|部分)?[\s:：,，]*$", "", before)
    m = re.search(rf"[{_CJK}A-Za-z0-9.、()（）]+$", before)
    if m is None:
        return ""
    name = _NUMBERING.sub("", m.group(0)).strip(" (（")
    return re.sub(r"[(（].*$", "", name)


def find_total_score(paragraphs: list[Paragraph]) -> TotalScore | None:
    for sent in sentences(paragraphs):
        if _section_matches(sent.text):
            continue
        m = _TOTAL.search(sent.text)
        if m is None:
            continue
        score = dec(m.group("score"))
        if score is None:
            continue
        max_m = _MAX_IN_SENTENCE.search(sent.text)
        return TotalScore(
            score=score,
            max=dec(max_m.group("max")) if max_m else None,
            evidence=evidence(sent.para.line_at(sent.start + m.start()), sent.text, m.start()),
        )
    return None


# --- compositions ---------------------------------------------------------------------------------

_TOTAL_AMOUNT = re.compile(
    rf"(?P<label>(?:部门)?(?:年度|本年|全年|本年度)?决算(?:总)?(?P<k1>收入|支出)(?:合计|总额|总计)?"
    rf"|(?:本年|全年|年度|本年度)(?P<k2>收入|支出)(?:合计|总额|总计)"
    rf"|(?P<k3>收入|支出)(?:合计|总额|总计))"
    rf"(?:为|共|是|达|共计|合计)?\s*{MONEY}"
)
_BASIS = re.compile(
    r"按(?P<basis>资金来源|支出性质|经济分类|功能分类|支出类型|资金性质|收入来源)"
    r"(?:分|看|划分|来看|区分|分类)?[,，:：]?"
)
_EXECUTED_AMOUNT = re.compile(
    rf"(?:执行数|实际支出|支出数|执行金额|已支出|累计支出|决算支出|支出合计|总支出)(?:为|是|共)?{MONEY}"
)
_PART = re.compile(rf"(?P<name>[{_CJK}“”\"]{{2,30}}?)(?:为|共|是|达|计)?{MONEY}")
_SHARE = re.compile(
    rf"(?:占(?:本年度|本年|全年|总|部门|年度)?(?:决算)?(?:收入|支出)?(?:总额|合计|总数)?(?:的)?(?:比重|比例)?"
    rf"(?:为|达)?|占比(?:为)?|比重(?:为)?|比例(?:为)?)\s*(?P<pct>{NUM})%"
)
_BARE_SHARE = re.compile(rf"[(（]\s*(?:占)?\s*(?P<pct>{NUM})%\s*[)）]")
_PART_PREFIX = re.compile(r"^(?:其中|包括|分别为|分别是|为|：|:|、|及|和|以及)+")


def category_of(name: str) -> str | None:
    if "非财政" in name or name.startswith("其他") or "其他资金" in name:
        return "其他"
    if any(k in name for k in ("财政拨款", "一般公共预算", "政府性基金", "国有资本经营预算")):
        return "财政拨款"
    if "基本支出" in name:
        return "基本支出"
    if "项目支出" in name:
        return "项目支出"
    return None


def _parts(text: str, offset: int) -> list[tuple[Part, int]]:
    """Parts named with amounts in `text`, each with the end offset of its amount."""
    found: list[tuple[str, Money, int, int]] = []
    for m in _PART.finditer(text):
        name = _PART_PREFIX.sub("", m.group("name")).strip('“”"')
        if len(name) < 2 or name.startswith("占") or "结转" in name or "结余" in name:
            continue
        found.append((name, money_from_match(m), m.start(), m.end()))
    shares: dict[int, Decimal] = {}
    for pattern in (_SHARE, _BARE_SHARE):
        for s in pattern.finditer(text):
            owner = None
            for i, (_, _, _, end) in enumerate(found):
                if end <= s.start() and (i + 1 == len(found) or found[i + 1][2] >= s.start()):
                    owner = i
            pct = dec(s.group("pct"))
            if owner is not None and owner not in shares and pct is not None:
                shares[owner] = pct
    return [
        (Part(name=n, category=category_of(n), amount=a, share_pct=shares.get(i)), end + offset)
        for i, (n, a, _, end) in enumerate(found)
    ]


def find_compositions(paragraphs: list[Paragraph]) -> list[Composition]:
    found: list[Composition] = []
    for sent in sentences(paragraphs):
        text = sent.text
        for m in _TOTAL_AMOUNT.finditer(text):
            kind = m.group("k1") or m.group("k2") or m.group("k3")
            rest_end = len(text)
            nxt = _TOTAL_AMOUNT.search(text, m.end())
            if nxt:
                rest_end = nxt.start()
            rest = text[m.end() : rest_end]
            if "其中" not in rest[:12] and not _SHARE.search(rest):
                continue
            parts = [p for p, _ in _parts(rest, m.end())]
            if not parts:
                continue
            found.append(
                Composition(
                    label=f"决算{kind}",
                    total=money_from_match(m),
                    parts=tuple(parts),
                    evidence=evidence(sent.para.line_at(sent.start + m.start()), text, m.start()),
                )
            )
        for b in _BASIS.finditer(text):
            end = len(text)
            nxt_basis = _BASIS.search(text, b.end())
            if nxt_basis:
                end = nxt_basis.start()
            clause = text[b.end() : end]
            parts = [p for p, _ in _parts(clause, b.end())]
            if len(parts) < 2 or any(_same_parts(c.parts, parts) for c in found):
                continue  # 决算支出 X，按支出性质分：… states one breakdown, not two
            total = _preceding_total(sent.para, sent.start + b.start())
            kind = "收入" if "收入" in b.group("basis") else "支出"
            found.append(
                Composition(
                    label=f"{kind}按{b.group('basis')}",
                    total=total,
                    parts=tuple(parts),
                    evidence=evidence(sent.para.line_at(sent.start + b.start()), text, b.start()),
                )
            )
    return found


def _same_parts(a: tuple[Part, ...], b: list[Part]) -> bool:
    return [(p.name, p.amount) for p in a] == [(p.name, p.amount) for p in b]


def _preceding_total(para: Paragraph, offset: int) -> Money | None:
    last = None
    for m in _EXECUTED_AMOUNT.finditer(para.text, 0, offset):
        last = m
    if last is None:
        return None
    inner = re.search(MONEY, last.group(0))
    return money_from_match(inner) if inner else None


# --- executions -----------------------------------------------------------------------------------

_ADJUSTED_BUDGET = re.compile(rf"调整后(?:的)?(?:部门)?预算(?:数|金额)?(?:为|是|共)?{MONEY}")
_BUDGET = re.compile(
    rf"(?:全年支出预算|支出预算(?:数)?|财政拨款预算(?:数)?|全年预算(?:数)?|年初预算(?!收入|支出)(?:数)?"
    rf"|预算数|预算金额|预算总额|年度预算(?:数)?)(?:为|是|共)?{MONEY}"
)
_EXECUTED = re.compile(
    rf"(?:执行数|实际完成支出|全年实际支出|实际支出(?:数)?|支出数|执行金额|已支出|累计支出|实际执行)"
    rf"(?:为|是|共)?{MONEY}"
)
_PLAIN_SPENT = re.compile(rf"(?<![预算])支出(?:了)?(?:为|是|共)?{MONEY}")
_RATE = re.compile(
    rf"(?P<kw>预算资金支出率|预算执行率|预算完成率|完成预算的|为预算的|支出进度|执行率)"
    rf"(?:为|是|达|达到)?(?P<pct>{NUM})%"
)
_OPENING_BUDGET = re.compile(rf"年初预算(?P<kind>收入|支出)(?:为|是|共)?{MONEY}")
_COST_CLAUSE = re.compile(r"[^;；。]+")


def _execution_label(text: str, at: int, keyword: str) -> str:
    """What an execution statement is about, judged from the words up to its budget or rate."""
    if keyword == "预算资金支出率":
        return "预算资金支出率"
    before = text[: at + 8]
    if "三公" in before:
        return "三公经费"
    if "公用经费" in before:
        return "公用经费"
    if "财政拨款" in before:
        return "财政拨款"
    if "收入" in before[-12:]:
        return "收入"
    return "支出"


def find_executions(paragraphs: list[Paragraph]) -> list[Execution]:
    found: list[Execution] = []
    for sent in sentences(paragraphs):
        text = sent.text
        line = sent.line
        for m in _OPENING_BUDGET.finditer(text):
            found.append(
                Execution(
                    label=m.group("kind"),
                    budget=money_from_match(m),
                    executed=None,
                    rate_pct=None,
                    evidence=evidence(sent.para.line_at(sent.start + m.start()), text, m.start()),
                )
            )
        found.extend(_cost_controls(sent))
        budget = _ADJUSTED_BUDGET.search(text) or _BUDGET.search(text)
        rate = _RATE.search(text)
        if rate and rate.group("kw") == "执行率" and "预算" not in text:
            rate = None
        executed = _EXECUTED.search(text) if (budget or rate) else None
        if executed is None and budget is not None and rate is not None:
            executed = _PLAIN_SPENT.search(text, budget.end())
        if budget is None and rate is None:
            continue
        if budget is None and executed is None and rate is not None:
            label = _execution_label(text, rate.start(), rate.group("kw"))
        elif rate is not None:
            label = _execution_label(text, (budget or rate).start(), rate.group("kw"))
        else:
            label = _execution_label(text, budget.start() if budget else 0, "")
        if budget is not None and executed is None and rate is None:
            continue  # a budget alone says nothing about execution
        first = min(x.start() for x in (budget, executed, rate) if x is not None)
        found.append(
            Execution(
                label=label,
                budget=money_from_match(budget) if budget else None,
                executed=money_from_match(executed) if executed else None,
                rate_pct=dec(rate.group("pct")) if rate else None,
                evidence=evidence(sent.para.line_at(sent.start + first), text, first),
            )
        )
        del line
    return found


def _cost_controls(sent: Sentence) -> list[Execution]:
    """实际支出公用经费总额（133.58万元）≤预算安排公用经费总额（133.58万元）."""
    found = []
    for clause in _COST_CLAUSE.finditer(sent.text):
        text = clause.group(0)
        if "实际支出" not in text or "预算安排" not in text:
            continue
        executed = re.search(rf"实际支出[^(（]{{0,20}}[(（]{MONEY}[)）]", text)
        budget = re.search(rf"预算安排[^(（]{{0,20}}[(（]{MONEY}[)）]", text)
        if executed is None or budget is None:
            continue
        label = "三公经费" if "三公" in text else "公用经费" if "公用经费" in text else "支出"
        at = clause.start()
        found.append(
            Execution(
                label=label,
                budget=money_from_match(budget),
                executed=money_from_match(executed),
                rate_pct=None,
                evidence=evidence(sent.para.line_at(sent.start + at), text),
            )
        )
    return found


# --- carry-overs ----------------------------------------------------------------------------------

_CARRY = re.compile(
    rf"(?:(?P<year>20\d{{2}})年(?:度)?)?"
    rf"(?P<label>(?P<when>年初|年末|期初|期末|上年)(?:累计)?结转(?:和|及|与)?(?:结余)?(?:资金)?"
    rf"|(?P<when2>年初|年末|期初|期末)结余(?:资金)?|结转下年(?:使用|度)?(?:资金)?)"
    rf"(?:总额|合计)?(?:为|共|是|合计|共计)?{MONEY}"
)


def find_carryovers(paragraphs: list[Paragraph], fiscal_year: int | None) -> list[Carryover]:
    found: list[Carryover] = []
    for sent in sentences(paragraphs, ends="。！？!?；;,，"):
        for m in _CARRY.finditer(sent.text):
            when = m.group("when") or m.group("when2") or ""
            position = "opening" if when in ("年初", "期初", "上年") else "closing"
            year = int(m.group("year")) if m.group("year") else fiscal_year
            if when == "上年" and year is not None and not m.group("year"):
                year -= 1
                position = "closing"
            full = _full_sentence(sent)
            found.append(
                Carryover(
                    label=m.group("label"),
                    year=year,
                    position=position,  # type: ignore[arg-type]
                    amount=money_from_match(m),
                    evidence=Evidence(
                        line=sent.para.line_at(sent.start + m.start()), text=evidence(0, full).text
                    ),
                )
            )
    return found


def _full_sentence(sent: Sentence) -> str:
    left, right = sentence_span(sent.para.text, sent.start, sent.start + len(sent.text))
    return sent.para.text[left:right]
