"""Read the 自评表 forms: funds blocks, indicator tables and score tables, however flattened.

A form arrives as grid rows (Word, Excel), tab or pipe rows, space-aligned columns, one cell per
line, or rows run together. All of these become one stream of cells, each knowing its line and
whether it starts a row. Header cells name column roles through the lexicon (年初预算数 →
initial_budget, 分值 → max, 年度指标值 → target …); the rows under a header are read against
those roles. Where a row has fewer cells than the header has roles (merged cells, blank cells
dropped by the flattening, cells run together) every order-keeping assignment is tried and the
arithmetic chooses: rate = executed ÷ budget, score = max × rate, score ≤ max. Numbers are never
changed; a row that no assignment explains is left out rather than guessed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from selfeval.extract.amount_tables import read_amount_tables, read_labelled_runs
from selfeval.extract.criteria import read_criteria_rows
from selfeval.extract.figures import clip
from selfeval.extract.grids import html_rows
from selfeval.extract.interleaved import read_interleaved_rows
from selfeval.extract.layout import is_page_marker
from selfeval.extract.lexicon import Lexicon, fold_label, lexicon
from selfeval.extract.normalize import as_printed, join_decimal_groups, normalize_line
from selfeval.extract.quantities import (
    YEAR_MONTH,
    Measure,
    adding_up,
    agrees_as_printed,
    find_quantities,
    is_date,
    read_measure,
    to_money,
)
from selfeval.extract.segment import is_glued, segment
from selfeval.extract.statements import dimension_of
from selfeval.record import (
    Composition,
    Direction,
    Evidence,
    Execution,
    Indicator,
    Money,
    Part,
    Score,
    TotalScore,
)

FUNDS_DIMENSION = "预算执行"
_FUNDS_ROW = "年度资金总额"
FUNDS_ROLES = ("initial_budget", "budget", "executed", "max", "rate", "score")
VALUE_ROLES = ("target", "actual", "completion", "max", "score", "note")
_NUMBER = re.compile(r"^[-+]?\d{1,15}(?:\.\d{1,10})?$")
_PCT = re.compile(r"^(\d{1,15}(?:\.\d{1,10})?)%$")
_BLANK = {"", "-", "—", "--", "——", "/", "－", "—-", "…", "……", "无"}
_GROUP_MAX = re.compile(r"[(（]\s*(?:[\u4e00-\u9fff]{0,6})?(\d{1,3}(?:\.\d+)?)\s*分?\s*[)）]")
_VALUEISH = re.compile(r"^[≥≤<>=]?\s*-?\d|^\d|%$|^[≥≤<>=]")
_SENTENCE = re.compile(r"[。；;]")
_SPACE_SPLIT = re.compile(r"[ \u3000]+")
_WIDE_SPLIT = re.compile(r"[ \u3000]{2,}")
_RULE = re.compile(r"^:?-{2,}:?$")
_MEASURE_START = re.compile(
    r"^\s*(?:[≥≤<>=≠~～]|不少于|不低于|不小于|不超过|不高于|不大于|大于|小于|低于|高于|达到|控制在|约)?\s*\d"
)
_HEADING = re.compile(r"^(?:#+|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_PROSE = re.compile(r"[，。；！？]")
_CLAUSE_END = re.compile(r"[，,。；;]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _is_prose(text: str) -> bool:
    """Running text, not a cell: Chinese sentence punctuation in a line of some length."""
    return len(text) > 16 and _PROSE.search(text) is not None


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # normalised
    printed: str  # as submitted (traditional characters kept), for names
    line: int
    row_start: bool
    row_text: str  # the row (or line) it came from, for evidence
    gapped: bool = False  # its row had empty cells (tab or pipe columns, blanks left out)


@dataclass(slots=True)
class FormFigures:
    executions: list[Execution] = field(default_factory=list)
    compositions: list[Composition] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    table_lines: set[int] = field(default_factory=set)  # lines read as a form's cells
    indicators: list[Indicator] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    total: TotalScore | None = None


# --- cells --------------------------------------------------------------------------------------


def _looks_valueish(token: str) -> bool:
    return bool(_VALUEISH.search(token)) or token in _BLANK or bool(_MEASURE_START.match(token))


def _head_of(pieces: list[str]) -> str:
    """The cells up to the last value: a note after the values may be a sentence."""
    last = max((k for k, p in enumerate(pieces) if _looks_valueish(p)), default=len(pieces) - 1)
    return " ".join(pieces[: last + 1])


def _with_units(tokens: list[str]) -> list[str]:
    """`≥60 篇` printed with a space: a unit on its own goes back to its number."""
    units = set(lexicon().measure_units)
    out: list[str] = []
    for token in tokens:
        if out and token in units and re.search(r"\d$", out[-1]):
            out[-1] += token
        else:
            out.append(token)
    return out


def split_row(raw: str) -> list[str]:
    """Cells of one flattened line, before normalisation."""
    line = join_decimal_groups(raw.strip(" \r\n\u3000"))  # a tab row's blank cells are kept
    line = _SPACED_MAX.sub(r"\1\2分\3", line)  # (20 分): one maximum, not two cells
    wrapped = _WRAPPED_SCORE.match(line)
    if wrapped is not None and "\t" not in line and "|" not in line:
        # `5 明确性(5 分)`: the row above's 得分 wrapped to the start of this line, then the
        # next row's label with its 分值
        return [wrapped.group(1), *split_row(line[wrapped.end() :])]
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    if "|" in line:
        inner = line
        return [c.strip() for c in inner.split("|")]
    wide = _WIDE_SPLIT.split(line)
    if len(wide) >= 3:
        return [c.strip() for c in wide]
    tokens = _with_units(_SPACE_SPLIT.split(line))
    if len(tokens) >= 2 and all(_NUMBER.match(t) for t in tokens):
        return tokens  # `5 4`: a row's 分值 and 得分 wrapped to a line of their own
    lex = lexicon()
    candidates: list[list[str]] = []
    if len(tokens) >= 3 and not _PROSE.search(line) and not _HEADING.match(line):
        valueish = sum(1 for t in tokens[:8] if _looks_valueish(t))
        roles = sum(1 for t in tokens if _role(lex, normalize_line(t)) is not None)
        if (valueish >= 2 and not _SENTENCE.search(" ".join(tokens[:3]))) or (
            roles >= 2 and not _SENTENCE.search(line)
        ):
            candidates.append(tokens)
    printed = as_printed(line)
    if is_glued(printed) and not _HEADING.match(printed) and not _is_prose(printed):
        candidates.append(segment(printed))
    if len(tokens) >= 3 and not _HEADING.match(line):
        # a run-together header and its values apart by spaces, a note after them
        pieces = [
            piece
            for token in tokens
            for piece in (segment(as_printed(token)) if is_glued(as_printed(token)) else [token])
        ]
        header = sum(1 for p in pieces if _role(lex, normalize_line(p)) is not None) >= 3
        if header and len(pieces) > len(tokens) and not _PROSE.search(_head_of(pieces)):
            candidates.append(pieces)
    if not candidates and _CLAUSE_END.search(printed):
        # a row run together with its note's sentence after the values (…12月中旬2016受演出
        # 任务影响，跟团学习延后): the row up to the sentence, the sentence its last cell
        cut = _CLAUSE_END.search(printed)
        head = printed[: cut.start()] if cut else ""
        folded = normalize_line(head)
        if is_glued(head) and any(folded.startswith(w) for w in lex.level1 | lex.level2):
            cells = segment(head)
            if len(cells) >= 4:
                cells[-1] += printed[len(head) :]
                return cells
    if not candidates:
        tail = re.split(r"[。；;]", line)[-1]
        if tail.strip() and tail != line and not _PROSE.search(tail):
            # a note's sentence, then the next row on the same printed line
            cells = split_row(tail)
            if len(cells) >= 3:
                return [line[: len(line) - len(tail)].strip(), *cells]
        return [line]
    # a header printed with letter spacing (`绩 效 指 标一级指标…`) cuts better by its words
    return max(
        candidates,
        key=lambda cells: sum(1 for c in cells if _role(lex, normalize_line(c)) is not None),
    )


def _join_quoted_cells(lines: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """A tab row saved from a spreadsheet with a cell broken over lines inside quotes
    (`"预算编制` / `准确性"	5	5`): the lines of one quoted cell are one row."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    joined = 0
    for no, raw in lines:
        if pending is not None:
            pending = (pending[0], pending[1] + raw)
            joined += 1
            if pending[1].count('"') % 2 == 0 or joined >= 5:  # a lone quote ends in 5 lines
                out.append((pending[0], pending[1].replace('"', "")))
                pending, joined = None, 0
            continue
        if "\t" in raw and raw.count('"') % 2 == 1:
            pending = (no, raw)
            continue
        out.append((no, raw.replace('"', "") if "\t" in raw else raw))
    if pending is not None:
        out.append(pending)
    return out


def _join_pipe_cells(lines: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """A pipe table printed one cell per line, a cell broken over lines (`在职人员` / `控制率 |`):
    lines without a pipe between lines that end with one are the start of the next cell."""
    kept = [(no, raw) for no, raw in lines if raw.strip()]
    out: list[tuple[int, str]] = []
    carry: tuple[int, str] | None = None
    for k, (no, raw) in enumerate(kept):
        text = raw.strip(" \r\n\u3000")  # tabs kept: a tab row's blank cells count
        if carry is not None:
            no, text = carry[0], carry[1] + text
            carry = None
        prev_pipe = bool(out) and out[-1][1].rstrip().endswith("|")
        nxt = kept[k + 1][1].strip() if k + 1 < len(kept) else ""
        if (
            "|" not in text
            and prev_pipe
            and nxt.endswith("|")
            and nxt.count("|") == 1
            and len(text) <= 12
        ):
            carry = (no, text)
            continue
        out.append((no, text))
    if carry is not None:
        out.append(carry)
    return out


def _rows(lines: Iterable[tuple[int, str]]) -> Iterable[tuple[int, list[str]]]:
    """Each line's cells; an HTML table's rows with their spans resolved."""
    pending: list[tuple[int, str]] = []
    for no, raw in _join_pipe_cells(_join_quoted_cells(lines)):
        if pending or "<table" in raw.lower():
            pending.append((no, raw))
            if "</table>" not in raw.lower():
                continue
            fragment = "\n".join(r for _, r in pending)
            first = pending[0][0]
            start = fragment.lower().find("<table")
            end = fragment.lower().rfind("</table>") + len("</table>")
            before, after = fragment[:start], fragment[end:]
            pending = []
            if before.strip():
                yield first, split_row(before)
            for offset, cells in html_rows(fragment[start:end]):
                yield first + offset + fragment[:start].count("\n"), cells
            if after.strip():
                yield no, split_row(after)
            continue
        if raw.strip() and not (is_page_marker(raw) and not _NUMBER.match(raw.strip())):
            yield no, split_row(raw)
    for no, raw in pending:
        yield no, split_row(raw)


_GLUED_RUN = re.compile(r"\d[\d.]*%[\d.]*|\d[\d.]*\.[\d.]*\.[\d.]*")
_BRACKETED_NOTE = re.compile(r"^[(（][\u4e00-\u9fff]{2,12}[)）]$")
_OPERATOR_CHARS = "≥≤<>=≧≦﹦＝═"  # an operator as printed, before normalisation
_GLUED_TARGET = re.compile(
    rf"^(?P<label>.*[\u4e00-\u9fff)）])\s*"
    rf"(?P<measure>[{_OPERATOR_CHARS}]\s*\d[\d.]*\s*[%‰\u4e00-\u9fff]{{0,3}})$"
)


def _unglue(part: str) -> list[str]:
    """A row printed with no separator between its cells: the name and its target
    (缴费覆盖率=100%), and before the name the row's 一级 / 二级 labels (产出指标数量指标…).
    Only a cell that starts a row and ends in an operator and a measure is taken apart: after a
    name, 完成率≥90% is a target with its label."""
    text = part.strip()
    m = _GLUED_TARGET.match(text)
    if m is None or len(text) > 60 or _PROSE.search(text):
        return [part]
    label, out = m.group("label"), []
    lex = lexicon()
    while True:
        cut = next(
            (
                n
                for n in range(min(len(label) - 2, 10), 1, -1)
                if lex.is_level(normalize_line(label[:n])) and len(_CJK.findall(label[n:])) >= 2
            ),
            None,
        )
        if cut is None:
            break
        out.append(label[:cut])
        label = label[cut:]
    if len(_CJK.findall(label)) < 2 or lex.is_level(normalize_line(label)):
        return [part]
    return [*out, label, m.group("measure")]


def cells_of(lines: Iterable[tuple[int, str]]) -> list[Cell]:
    """The stream of non-empty cells of every line, in reading order."""
    out: list[Cell] = []
    for no, row in _one_cell_per_line(list(_rows(lines))):
        parts: list[str] = []
        for part in _join_split_measures(row):
            if parts and _BRACKETED_NOTE.match(part.strip()) and _CJK.search(parts[-1][-1:]):
                parts[-1] += part.strip()  # 可行性 (政策完善): a name's note after a space
                continue
            # a row's name starts its line or follows the last row's values
            starts_row = not parts or _value(normalize_line(parts[-1])) is not None
            parts.extend(_unglue(part) if starts_row else [part])
        row_text = " | ".join(p for p in (normalize_line(x) for x in parts) if p)
        gapped = len(parts) > 1 and any(not p.strip() for p in parts)
        first = True
        for part in parts:
            text = normalize_line(part)
            if not text or _RULE.match(text):
                continue  # a markdown rule under a header row is no cell
            out.append(Cell(text, as_printed(part), no, first, row_text, gapped))
            first = False
    return out


_OPERATOR_CELL = re.compile(rf"^[{_OPERATOR_CHARS}]$")
_SPACED_MAX = re.compile(r"([(（])\s*(\d{1,3}(?:\.\d)?)\s*分\s*([)）])")
_SERIAL = re.compile(r"\d{1,3}")
_WRAPPED_SCORE = re.compile(
    r"^(\d{1,3}(?:\.\d{1,2})?)\s+(?=[\u4e00-\u9fff][^()（）]{0,16}[(（]\s*\d{1,3}(?:\.\d)?\s*分\s*[)）])"
)


def _one_cell_per_line(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """A pipe table printed one cell per line (`足额保障率 |` / `= |` / `100 |` / `% |` / `|`):
    an empty cell's line (`|` alone) between cells is a blank cell, which keeps the next values
    in their columns; an operator, its number and its unit on lines of their own are one cell."""

    def single(cells: list[str]) -> bool:
        return len(cells) == 2 and cells[1].strip() == ""

    out: list[tuple[int, list[str]]] = []
    k = 0
    while k < len(rows):
        no, cells = rows[k]
        before = out[-1][1] if out else []
        after = rows[k + 1][1] if k + 1 < len(rows) else []
        if cells == ["", ""] and single(before) and single(after) and before[0]:
            out.append((no, ["—", ""]))  # a blank cell between two cells of the run
            k += 1
            continue
        texts = [c[0].strip() for _, c in rows[k : k + 3] if single(c)]
        if single(cells) and _OPERATOR_CELL.match(normalize_line(cells[0])) and len(texts) >= 2:
            joined = _join_split_measures(texts)
            if len(joined[0]) > len(texts[0]):
                taken = len(texts) - len(joined) + 1
                out.append((no, [joined[0], ""]))
                k += taken
                continue
        out.append((no, cells))
        k += 1
    return out


def _join_split_measures(parts: list[str]) -> list[str]:
    """A target printed over three cells, operator | value | unit (`≧ | 100 | %`), is one cell."""
    units = set(lexicon().measure_units)
    out: list[str] = []
    k = 0
    while k < len(parts):
        cell = parts[k].strip()
        nxt = parts[k + 1].strip() if k + 1 < len(parts) else ""
        if _OPERATOR_CELL.match(normalize_line(cell)) and _NUMBER.match(nxt):
            unit = parts[k + 2].strip() if k + 2 < len(parts) else ""
            if unit in units:
                out.append(cell + nxt + unit)
                k += 3
                continue
            out.append(cell + nxt)
            k += 2
            continue
        out.append(parts[k])
        k += 1
    return out


# --- value parsing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    number: Decimal | None  # None: a blank cell (—, -)
    pct: bool
    text: str


@lru_cache(maxsize=8192)
def _value(token: str) -> Value | None:
    t = token.replace(" ", "").rstrip("分")
    if t in _BLANK:
        return Value(None, False, token)
    if _NUMBER.match(t):
        return Value(Decimal(t), False, token)
    m = _PCT.match(t)
    if m:
        return Value(Decimal(m.group(1)), True, token)
    return None


def _fit_funds(values: Sequence[Value], roles: Sequence[str]) -> dict[str, Value] | None:
    """Assign `values` (in order) to `roles` (in order); the arithmetic picks among assignments."""
    if not values:
        return None
    if len(values) > len(roles):
        values = values[: len(roles)]
    best: tuple[float, dict[str, Value]] | None = None
    for chosen in itertools.combinations(range(len(roles)), len(values)):
        assign = {roles[i]: v for i, v in zip(chosen, values, strict=True)}
        plaus = _plausibility(assign)
        if plaus is None:
            continue
        # prefer leaving out later roles (a trailing blank) over earlier ones
        plaus -= 0.01 * sum(chosen)
        if best is None or plaus > best[0]:
            best = (plaus, assign)
    return best[1] if best else None


def _plausibility(a: dict[str, Value]) -> float | None:
    score = 0.3 * sum(1 for v in a.values() if v.number is not None)  # more roles explained
    for role, v in a.items():
        if v.pct and role != "rate":
            return None
        if role == "rate" and v.number is not None and not v.pct:
            score -= 1.0
    num = {k: v.number for k, v in a.items() if v.number is not None}
    budget, executed, rate = num.get("budget"), num.get("executed"), num.get("rate")
    if rate is not None and rate > 300:
        score -= 3.0  # an execution rate over 300 % is a misreading, not a report
    if budget is not None and executed is not None and rate is not None and budget:
        computed = executed / budget * 100
        if agrees_as_printed(rate, computed):
            # a rate printed as 0 agrees with any small quotient: weak evidence
            score += 3.0 if rate or not executed else 0.5
        else:
            score -= 1.0
    initial = num.get("initial_budget")
    if initial and budget:
        # a year's budget is rarely a hundredth or a hundred times what it started as
        score += 0.5 if Decimal("0.5") <= budget / initial <= 2 else -0.5
    mx, sc = num.get("max"), num.get("score")
    if mx is not None:
        score += 0.5 if mx <= 100 and mx == mx.to_integral_value() else -2.0
    if mx is not None and sc is not None:
        if sc > mx * Decimal("1.2"):
            score -= 2.0
        if rate is not None:
            capped = min(mx, mx * rate / 100)
            score += 2.0 if abs(sc - capped) <= Decimal("0.6") else 0.0
    return score


def _split_glued(digits: str, count: int) -> list[list[str]]:
    """Ways to cut a run of digits such as `310.2154.7410` into `count` plausible numbers."""
    out: list[list[str]] = []

    def ok(piece: str) -> bool:
        if not piece or piece.startswith(".") or piece.endswith(".") or piece.count(".") > 1:
            return False
        if len(piece) > 1 and piece[0] == "0" and piece[1] != ".":
            return False
        whole, _, frac = piece.partition(".")
        return len(frac) <= 4 and len(whole) <= 9

    def walk(rest: str, parts: list[str]) -> None:
        if len(out) > 2000:
            return
        if len(parts) == count - 1:
            if ok(rest):
                out.append([*parts, rest])
            return
        for cut in range(1, len(rest)):
            head = rest[:cut]
            if ok(head):
                walk(rest[cut:], [*parts, head])

    walk(digits, [])
    return out


# --- the reader ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Header:
    roles: list[str]
    kind: str  # "funds" or "indicators"
    stream: bool = False  # printed one cell per line: line ends say nothing about rows
    block_max: Decimal | None = None  # 预算执行情况(万元)(20分): the block's 分值 in its title
    serial: bool = False  # a 序号 column before the labels: rows open with their number
    title: Cell | None = None  # the cell that printed it


def _strip_parens(text: str) -> str:
    return re.sub(r"[(（][^()（）]*[)）]", "", text)


def _role(lex: Lexicon, cell: str) -> str | None:
    return _role_of(cell) if lex is lexicon() else None


@lru_cache(maxsize=8192)
def _role_of(cell: str) -> str | None:
    lex = lexicon()
    base = _strip_parens(cell)
    if not fold_label(base):
        return None
    return lex.role_of(base)


def _header_at(cells: Sequence[Cell], i: int, lex: Lexicon) -> tuple[_Header, int] | None:
    """A run of header cells starting at `i` (fragments such as 年初 + 预算数 joined)."""
    roles: list[str] = []
    if _HEADING.match(cells[i].text):
        return None  # (一)自评得分 is a heading, not a column
    joined = cells[i].text + cells[i + 1].text if i + 1 < len(cells) else cells[i].text
    if (
        _role(lex, cells[i].text) is None
        and _role(lex, joined) is None
        and (i + 1 >= len(cells) or cells[i + 1].row_start or _role(lex, cells[i + 1].text) is None)
    ):
        return None  # a header may open with one unnamed column (评价维度) in its own row
    j = i
    end = i
    misses = 0
    one_row = not (i + 1 >= len(cells) or cells[i + 1].row_start)
    while j < len(cells) and misses <= 2:
        if one_row and j > i and cells[j].row_start:
            break  # a header printed as one row ends with its row
        role = _role(lex, cells[j].text)
        step = 1
        if role is None and j + 1 < len(cells):
            joined = cells[j].text + cells[j + 1].text
            role = _role(lex, joined)
            step = 2 if role else 1
        if role is None:
            if roles and (_value(cells[j].text) is not None or misses >= 1):
                break
            if not roles and j > i:
                return None
            misses += 1
            j += 1
            continue
        if role == "max" and roles and roles[-1] in ("level1", "level2"):
            role = "group_max"  # 一级指标 | 分值 | 二级指标 | 分值: each level's own 分值
        if role in roles and role not in ("note", "group_max"):
            if roles.index(role) != 0 or roles[1:2] not in (["level1"], ["level2"], ["name"]):
                break
            roles.remove(role)  # the first was a title's word (…评分表 一级指标 … 得分)
        roles.append(role)
        j += step
        end = j
        misses = 0
    j = end
    labelled = [n for n, r in enumerate(roles) if r in ("level1", "level2", "name")]
    for n, r in enumerate(roles):
        if r == "group_max" and (not labelled or n > labelled[-1]) and "max" not in roles:
            roles[n] = "max"  # 一级指标 | 二级指标 | 分值: the last level's 分值 is the item's
    kinds = set(roles)
    if len(roles) < 3:
        return None
    stream = sum(1 for c in cells[i:j] if c.row_start) >= max(3, (j - i) * 2 // 3)
    labels = sum(1 for r in roles if r in ("level1", "level2", "name"))
    depth = labels + (1 if _role(lex, cells[i].text) is None else 0)
    measured = kinds & {"target", "actual", "completion"}
    if labels and kinds & {"max", "score"} and not measured and depth <= 2:
        # 一级指标 | 二级指标 | 分值 | 得分: a score table whose rows are dimensions, not
        # indicators (those sit a level deeper, under 三级指标, or carry targets)
        return _Header(roles, "scores", stream), j
    if kinds & {"target", "actual", "name"} or (labels and kinds & {"max", "score"}):
        indicators = _Header(roles, "indicators", stream)
        return (_titled(indicators, cells, i, lex) if measured else indicators), j
    if kinds & {"executed", "rate", "budget"} and len(kinds & set(FUNDS_ROLES)) >= 3:
        funds = [r for r in roles if r in FUNDS_ROLES]
        header = _Header(funds, "funds", stream)
        return (header if "max" in funds else _titled(header, cells, i, lex)), j
    return None


def _titled(header: _Header, cells: Sequence[Cell], i: int, lex: Lexicon) -> _Header:
    """The block's 分值 printed in its title just before the header: 预算执行情况(万元)(20分),
    年度绩效目标(80分) — not a 一级指标's own (产出指标(40分)), which its rows carry."""
    for at in range(max(0, i - 2), i + 1):
        cell = cells[at]
        m = _GROUP_MAX.search(cell.text)
        name = _strip_parens(cell.text).strip()
        if m and not name and at >= 1:
            # 年度绩效目标 | 1 | (40分): a title cut into its words, its number and its 分值
            words = [c.text for c in cells[max(0, at - 2) : at]]
            if words and re.fullmatch(r"\d{1,2}", words[-1]) and len(words) == 2:
                name = words[0] + words[-1]
            elif words:
                name = words[-1]
            cell = replace(cell, text=f"{name}{cell.text}")
        if (
            m
            and 2 <= len(_CJK.findall(name)) <= len(name) <= 12
            and not _PROSE.search(cell.text)
            and not lex.is_level(name)
        ):
            return replace(header, block_max=Decimal(m.group(1)), title=cell)
    return header


def _with_group_maxima(
    cells: Sequence[Cell], start: int, header: _Header
) -> tuple[list[Cell], list[int]]:
    """Under 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 评价标准 | 得分, a row opens with
    label | number pairs for its groups, read as `投入(12分)`. Read from the row's right end:
    得分, then the criteria, then the item's 分值 and name; the pairs before the name are groups.
    The cells after `start` with those pairs joined, and each new cell's index in `cells`."""
    groups = header.roles.count("group_max")
    merged: list[Cell] = []
    back: list[int] = []
    k = start
    while k < len(cells):
        end = k + 1
        while end < len(cells) and not cells[end].row_start:
            end += 1
        row = cells[k:end]

        def is_num(n: int, row: Sequence[Cell] = row) -> bool:
            return n >= 0 and _num(row[n].text) is not None

        at = len(row) - 1
        if is_num(at):
            at -= 1  # 得分
        if at >= 1 and not is_num(at) and is_num(at - 1):
            at -= 1  # the criteria
        pairs = 0
        if is_num(at) and at >= 1 and not is_num(at - 1):
            name_at = at - 1
            while (
                pairs < groups
                and 2 * pairs + 1 < name_at
                and not is_num(2 * pairs)
                and is_num(2 * pairs + 1)
                and len(row[2 * pairs].text) <= 20
            ):
                pairs += 1
            pairs = pairs if 2 * pairs == name_at else 0
        for n, cell in enumerate(row):
            if n < 2 * pairs and n % 2 == 1:
                continue
            if n < 2 * pairs:
                cell = replace(cell, text=f"{cell.text}({row[n + 1].text}分)")
            merged.append(cell)
            back.append(k + n)
        k = end
    return merged, back


def _funds_label(lex: Lexicon, text: str) -> tuple[str, str] | None:
    """(label, the rest of the cell) when `text` starts with a funds row label."""
    folded = fold_label(text)
    for word in lex.funds_rows:
        if folded.startswith(word):
            # the label as printed: up to the first digit
            m = re.match(r"^([^\d]*)(.*)$", text)
            assert m is not None
            return m.group(1).strip(" :：|"), m.group(2)
    return None


def _money(value: Decimal | None, unit: str, raw: str) -> Money | None:
    return None if value is None else to_money(value, unit, raw)


def _evidence(cell: Cell) -> Evidence:
    return Evidence(line=cell.line, text=clip(cell.row_text))


def _read_funds(
    cells: Sequence[Cell], i: int, header: _Header, unit: str, out: FormFigures, lex: Lexicon
) -> int:
    """Funds rows after a funds header; returns the index of the first cell not read."""
    j = i
    dimension_done = False
    first_row = len(out.executions)
    while j < len(cells):
        cell = cells[j]
        label = _funds_label(lex, cell.text)
        generic = False  # a row named by a word outside the funds vocabulary
        if (
            label is None
            and j == i
            and (_value(cell.text) is not None or _GLUED_RUN.fullmatch(cell.text.replace(" ", "")))
        ):
            # values straight under the header, or after it on its line (…执行率(B/A)52.452.4
            # 52.4100%): the block's one row, named by the block
            label, j = (_FUNDS_ROW, ""), j - 1
            cell = cells[i]
        if label is None:
            if _value(cell.text) is not None:
                j += 1
                continue
            if _role(lex, cell.text) is not None or len(cell.text) > 14:
                break
            if lex.is_level(cell.text) or _header_at(cells, j, lex) is not None:
                break
            nxt = _value(cells[j + 1].text) if j + 1 < len(cells) else None
            # one cell per line: a row's values follow its label on the lines below
            same_row = j + 1 < len(cells) and (header.stream or not cells[j + 1].row_start)
            if nxt is None or nxt.number is None or not same_row or _HEADING.match(cell.text):
                j += 1
                continue
            label = (cell.text, "")  # any row label followed by amounts: 基本支出, 项目支出, 合计
            generic = True
        name, rest = label
        values: list[Value] = []
        k = j + 1
        glued = rest.replace(" ", "")
        if glued:
            values = _glued_values(glued, header.roles) or []
        while not glued and k < len(cells):
            v = _value(cells[k].text)
            run = cells[k].text.replace(" ", "")
            if not values and (
                (re.fullmatch(r"[\d.]+%[\d.]*", run) and (v is None or (v.number or 0) > 1000))
                or (re.fullmatch(r"\d[\d.]*\.[\d.]*\.[\d.]*", run) and v is None)
            ):
                # cells run together (`310.2154.741050%` `5`): the split the arithmetic admits
                k += 1
                if k < len(cells) and _NUMBER.match(cells[k].text.replace(" ", "")):
                    run += cells[k].text.replace(" ", "")
                    k += 1
                values = _glued_values(run, header.roles) or []
                break
            if v is None:
                break
            values.append(v)
            k += 1
        if generic and sum(1 for v in values if v.number is not None) < 2:
            values = []  # one number after a word is no funds row (年度绩效目标1(40分))
        assign = _fit_funds(values, header.roles) if values else None
        if assign and any(v.number is not None for v in assign.values()):
            num = {r: v.number for r, v in assign.items()}
            if header.block_max is not None and not dimension_done:
                num["max"] = header.block_max  # the block's first row carries its 分值
            rate = num.get("rate")
            if not dimension_done and (num.get("max") is not None or num.get("score") is not None):
                # the funds block is the form's 预算执行 item: its 分值 and 得分 count in 总分
                dimension_done = True
                out.scores.append(
                    Score(
                        FUNDS_DIMENSION,
                        FUNDS_DIMENSION,
                        "subtotal",
                        FUNDS_DIMENSION,
                        num.get("max"),
                        num.get("score"),
                        _evidence(cell),
                    )
                )
            out.executions.append(
                Execution(
                    label=name,
                    budget=_money(num.get("budget"), unit, assign["budget"].text)
                    if "budget" in assign
                    else None,
                    executed=_money(num.get("executed"), unit, assign["executed"].text)
                    if "executed" in assign
                    else None,
                    rate_pct=rate,
                    evidence=_evidence(cell),
                    initial_budget=_money(
                        num.get("initial_budget"), unit, assign["initial_budget"].text
                    )
                    if "initial_budget" in assign
                    else None,
                    max=num.get("max"),
                    score=num.get("score"),
                )
            )
        j = k
    _table_compositions(out.executions[first_row:], unit, out)
    return j


def _table_compositions(rows: Sequence[Execution], unit: str, out: FormFigures) -> None:
    """A funds table whose rows add up in a 合计 row: each amount column is a total and parts."""
    totals = [r for r in rows if fold_label(r.label) in ("合计", "总计", "小计")]
    parts = [r for r in rows if r not in totals and not fold_label(r.label).startswith("其中")]
    if len(totals) != 1 or len(parts) < 2:
        return
    total = totals[0]
    for column, word in (("budget", "预算数"), ("executed", "执行数")):
        whole: Money | None = getattr(total, column)
        if whole is None:
            continue
        out.compositions.append(
            Composition(
                label=f"{word}{total.label}",
                total=whole,
                parts=tuple(
                    Part(name=r.label, category=None, amount=getattr(r, column), share_pct=None)
                    for r in parts
                ),
                evidence=total.evidence,
            )
        )


def _glued_values(glued: str, roles: Sequence[str]) -> list[Value] | None:
    """Cells run together (`25252510100%10`): the split the arithmetic admits, or None."""
    m = re.match(r"^([\d.]+)(?:(%)([\d.]*))?$", glued)
    if m is None:
        return None
    head, pct, tail = m.group(1), m.group(2), m.group(3) or ""
    rate_at = roles.index("rate") if "rate" in roles else -1
    if rate_at < 0:
        return None
    if not pct:
        return _glued_with_ratio(head, roles, rate_at)
    best: tuple[float, list[Value]] | None = None
    for before_n in range(1, rate_at + 1):
        # the last piece of `head` is the rate; the others fill roles before it
        for pieces in _split_glued(head, before_n + 1):
            after = [tail] if tail else []
            vals = [Value(Decimal(p), False, p) for p in pieces[:-1]]
            vals.append(Value(Decimal(pieces[-1]), True, pieces[-1] + "%"))
            vals += [Value(Decimal(p), False, p) for p in after if _NUMBER.match(p)]
            assign = _fit_funds(vals, roles)
            if assign is None:
                continue
            plaus = _plausibility(assign)
            if plaus is None or plaus < 3.0:
                continue
            if best is None or plaus > best[0]:
                best = (plaus, vals)
    return best[1] if best else None


def _glued_with_ratio(digits: str, roles: Sequence[str], rate_at: int) -> list[Value] | None:
    """`2.842.84120` under 预算数(A) | 执行数(B) | 执行率(B/A) | 得分: the rate printed as the
    ratio B/A (1, 0.97), not a percentage. Taken only where one split puts a ratio at the rate's
    place that agrees with executed ÷ budget as printed, and every split that does agrees on it."""
    found: list[list[Value]] = []
    for count in range(rate_at + 1, len(roles) + 1):
        for pieces in _split_glued(digits, count):
            vals = [Value(Decimal(p), False, p) for p in pieces]
            ratio = vals[rate_at].number
            if ratio is None or not 0 < ratio <= 2 or rate_at < 2:
                continue
            budget, executed = vals[rate_at - 2].number, vals[rate_at - 1].number
            if not budget or executed is None:
                continue
            if not agrees_as_printed(ratio, executed / budget):
                continue
            vals[rate_at] = Value(ratio * 100, True, pieces[rate_at])
            assign = _fit_funds(vals, roles)
            if assign is not None and assign.get("rate") is vals[rate_at]:
                found.append(vals)
    # a row prints its amounts with one number of decimals: 2.84 | 2.84, not 2.842 | 2.84
    alike = [v for v in found if _decimals(v[rate_at - 2].text) == _decimals(v[rate_at - 1].text)]
    distinct = {tuple(v.number for v in vals) for vals in (alike or found)}
    return (alike or found)[0] if len(distinct) == 1 else None


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


@lru_cache(maxsize=8192)
def _cell_kind(text: str) -> str:
    if _value(text) is not None:
        return "number"
    bare = _GROUP_MAX.sub("", text).strip()
    if bare != text.strip() and re.search(r"[\u4e00-\u9fff]{2,}", bare):
        return "text"  # a label with its maximum: 相关性(5分)
    m = read_measure(text)
    starts_as_value = _MEASURE_START.match(text) is not None
    long_words = re.search(r"[\u4e00-\u9fff]{5,}", text) is not None
    if m.value is not None and starts_as_value and len(text) <= 16 and not long_words:
        return "measure"
    return "text"  # 指标1安全率: a number inside a name does not make it a value


def _role_fit(role: str, cell: Cell, lex: Lexicon, stream: bool) -> float | None:
    kind = _cell_kind(cell.text)
    v = _value(cell.text)
    if role in ("max", "score"):
        if v is None or v.pct:
            return None
        if v.number is not None and v.number > 100:
            return None
        return 2.0 if v.number is not None else 0.5
    if role in ("target", "actual"):
        if _PROSE.search(cell.text):
            return None
        if kind in ("number", "measure"):
            return 2.0
        if lex.is_level(cell.text) or len(cell.text) > (14 if stream else 40):
            return None
        return 0.3
    if role == "completion":
        return 2.0 if v is not None and v.pct else (0.5 if kind == "text" else None)
    if role == "note":
        if kind != "text" or lex.is_level(cell.text):
            return None
        if cell.row_start and _GROUP_MAX.search(cell.text) and len(_strip_parens(cell.text)) <= 8:
            return None  # 基础信息(3分) opening the next line: a group's label, not a note
        return 0.2
    return None


def _read_indicators(
    cells: Sequence[Cell], i: int, header: _Header, out: FormFigures, lex: Lexicon
) -> int:
    """Indicator or score rows after a header; returns the index of the first cell not read."""
    roles = header.roles
    first_indicator = len(out.indicators)
    last_label = max(
        (k for k, r in enumerate(roles) if r in ("name", "level1", "level2")), default=-1
    )
    value_roles = [r for r in roles[last_label + 1 :] if r in VALUE_ROLES]
    if not value_roles and {"target", "actual"} <= set(roles):
        # two header rows printed as one, value columns first: keep their order
        value_roles = [r for r in roles if r in VALUE_ROLES]
    if not value_roles:
        return i
    level1: str | None = None
    level2: str | None = None
    group: dict[str, Decimal | None] = {}
    j = i
    while j < len(cells):
        cell = cells[j]
        folded = fold_label(cell.text)
        alone = cell.row_start and (j + 1 >= len(cells) or cells[j + 1].row_start)
        if alone and (_is_prose(cell.text) or _HEADING.match(cell.text)):
            break  # running text or a heading after the table
        total_word = next((w for w in lex.total_rows if folded.startswith(w)), None)
        if total_word is not None and len(folded) <= len(total_word) + 12:
            # the rows' 分值 and 得分, and the funds block's, which the form's total includes
            rows = out.indicators[first_indicator:]
            funds = [x for x in out.executions if x.max is not None][:1]
            weights = [x.weight for x in rows] + [x.max for x in funds]
            scores = [x.score for x in rows] + [x.score for x in funds]
            j = _read_total(cells, j, value_roles, out, lex, level1, group, weights, scores)
            break
        if any(folded.startswith(w) for w in lex.subtotal_rows):
            nums, k = _numbers_after(cells, j)
            mx, sc = _max_score(nums, value_roles)
            subtotal = Score(
                level1, None, "subtotal", dimension_of(level1), mx, sc, _evidence(cell)
            )
            earlier = next(
                (n for n, x in enumerate(out.scores) if x.kind == "subtotal" and x.group == level1),
                None,
            )
            if earlier is not None and level1 is not None:
                # the group's (50分) row and its 小计 row are one subtotal, where 小计 stands
                was = out.scores.pop(earlier)
                subtotal = Score(
                    level1, None, "subtotal", was.dimension, mx or was.max, sc, subtotal.evidence
                )
            out.scores.append(subtotal)
            if level1 is not None:
                group[level1] = None  # printed: no separate group row needed
            j = k
            continue
        if j > i and _header_at(cells, j, lex) is not None:
            break
        best = _best_row(cells, j, value_roles, lex, header.stream, header.serial)
        if best is None:
            if lex.is_level(cell.text) or _GROUP_MAX.search(cell.text):
                level1, level2 = _take_level(cell.text, level1, level2, lex, group)
            j += 1
            continue
        name_at, assigned, _ = best
        seen = set(group)
        for k in range(j, name_at):
            level1, level2 = _take_level(cells[k].text, level1, level2, lex, group)
        count = len(assigned)
        vals = cells[name_at + 1 : name_at + 1 + count]
        if header.kind == "scores":
            for new_group in [g for g in group if g not in seen]:
                out.scores.append(
                    Score(
                        new_group,
                        None,
                        "subtotal",
                        dimension_of(new_group),
                        group[new_group],
                        None,
                        _evidence(cells[j]),
                    )
                )
                group[new_group] = None  # emitted in its place
            got = {r: _num(c.text) for r, c in zip(assigned, vals, strict=True)}
            item = cells[name_at].text
            is_group = fold_label(_strip_parens(item)) in lex.level1
            if is_group:
                # a 一级指标 row with its own figures is the group's subtotal
                level1 = re.sub(r"\s+", "", _strip_parens(item))
                last = out.scores[-1] if out.scores else None
                if last is not None and last.kind == "subtotal" and last.group == level1:
                    out.scores.pop()  # its (50分) heading and its printed row are one subtotal
            named = level1 if is_group else item
            out.scores.append(
                Score(
                    level1,
                    None if is_group else item,
                    "subtotal" if is_group else "item",
                    dimension_of(named),
                    got.get("max"),
                    got.get("score"),
                    _evidence(cells[j]),
                )
            )
            j = name_at + 1 + count
            continue
        vals, assigned = _weight_glued_to_target(vals, assigned, value_roles)
        out.indicators.append(
            _indicator(
                cells[name_at],
                vals,
                assigned,
                level1,
                level2,
                out.warnings,
                cells[j].line,
            )
        )
        j = name_at + 1 + count
    renamed = _name_nameless_groups(out.indicators[first_indicator:], lex)
    out.indicators[first_indicator:] = [
        replace(x, level1=renamed.get(x, x.level1)) for x in out.indicators[first_indicator:]
    ]
    groups: dict[str, str] = {}
    for x, parent in renamed.items():
        if x.level1 is not None:
            groups.setdefault(x.level1, parent)  # the group's first row names it
    for name, mx in group.items():
        if mx is not None:
            name = groups.get(name, name)
            out.scores.append(
                Score(name, None, "subtotal", dimension_of(name), mx, None, _evidence(cells[i]))
            )
    return j


def _name_nameless_groups(indicators: Sequence[Indicator], lex: Lexicon) -> dict[Indicator, str]:
    """`(50分)` printed without its 一级指标 (the merged cell's words lost): each indicator under
    it takes the 一级指标 its 二级指标 belongs to in the usual framework (数量指标 → 产出指标,
    社会效益指标 → 效益指标); a group whose 二级指标 are unknown keeps its printed form."""
    out: dict[Indicator, str] = {}
    for x in indicators:
        if x.level1 is None or _CJK.search(_GROUP_MAX.sub("", x.level1)) or x.level2 is None:
            continue
        parent = lex.parent_of.get(fold_label(x.level2))
        if parent is not None:
            out[x] = parent
    return out


_DATE_AFTER_WEIGHT = re.compile(rf"^([1-9]\d?)({YEAR_MONTH}.*)$")
_LEADING_DIGITS = re.compile(r"^(\d+(?:\.\d+)?)(.*)$")


def _weight_glued_to_target(
    vals: Sequence[Cell], roles: Sequence[str], value_roles: Sequence[str]
) -> tuple[Sequence[Cell], tuple[str, ...]]:
    """分值 printed against the target with no separator (`412万元` = 4 | 12万元 before an actual
    of 12万元): where the 分值 column comes just before the target's and the row has no 分值,
    the cut that leaves a target nearest the actual (same unit) gives both; 分值 ≥ 得分 ≤ 100."""
    roles = tuple(roles)
    if "max" in roles or "target" not in roles or "actual" not in roles:
        return vals, roles
    at = value_roles.index("target") if "target" in value_roles else -1
    if at < 1 or value_roles[at - 1] != "max":
        return vals, roles
    t_at, a_at = roles.index("target"), roles.index("actual")
    target, actual = vals[t_at], read_measure(vals[a_at].text)
    score = _num(vals[roles.index("score")].text) if "score" in roles else None

    def split(weight: str, rest_text: str) -> tuple[Sequence[Cell], tuple[str, ...]]:
        cells = list(vals)
        cells[t_at : t_at + 1] = [replace(target, text=weight), replace(target, text=rest_text)]
        return cells, (*roles[:t_at], "max", *roles[t_at:])

    dated = _DATE_AFTER_WEIGHT.match(target.text)
    if dated is not None and is_date(vals[a_at].text):
        # 52021年12月 before 2022年1月: 分值 5, then a date as the target
        weight, date = dated.groups()
        if 0 < int(weight) <= 100 and (score is None or score <= int(weight)):
            return split(weight, date)
    m = _LEADING_DIGITS.match(target.text)
    if m is None or actual.value is None or not actual.value or actual.op is not None:
        return vals, roles
    digits, rest = m.group(1), m.group(2)
    best: tuple[Decimal, Decimal, str, str] | None = None
    for cut in range(1, min(4, len(digits))):
        weight, left = digits[:cut], digits[cut:]
        if "." in weight or (left[0] == "0" and not left.startswith("0.")):
            continue
        w = Decimal(weight)
        t = _ocr_operator(left + rest, read_measure(left + rest), actual)
        if not 0 < w <= 100 or (score is not None and score > w) or t is None or t.value is None:
            continue
        if t.unit != actual.unit or not t.value:
            continue
        gap = max(t.value, actual.value) / min(t.value, actual.value)
        # 8295% before 98% and 得分 8: 分值 82 and 95 %, or 分值 8 and a ≥ read as 2 — the same
        # target either way; the 分值 nearest the 得分 decides
        near = abs(w - score) if score is not None else Decimal(0)
        if gap <= 2 and (best is None or (gap, near) < best[:2]):
            best = (gap, near, weight, left + rest)
    if best is None:
        return vals, roles
    return split(best[2], best[3])


def _take_level(
    text: str,
    level1: str | None,
    level2: str | None,
    lex: Lexicon,
    group: dict[str, Decimal | None],
) -> tuple[str | None, str | None]:
    m = _GROUP_MAX.search(text)
    base = re.sub(r"[\s\-—–:：]+$", "", re.sub(r"\s+", "", _strip_parens(text))) or text
    folded = fold_label(base)
    if folded in lex.level2 and folded not in lex.level1:
        return level1, base
    nameless = m is not None and not _CJK.search(_GROUP_MAX.sub("", text))
    if folded in lex.level1 or (m and not folded) or nameless:
        name = base if folded else text
        if m and name not in group:
            group[name] = Decimal(m.group(1))
        return name, None
    if m and folded:
        # a label with its maximum, e.g. 产 出 (35分) or 预算配置 (10分): a group of some level
        if level1 is None or folded in lex.level1:
            group.setdefault(base, Decimal(m.group(1)))
            return base, None
        return level1, base
    if folded and len(folded) <= 12 and _cell_kind(text) == "text":
        return level1, base  # a label before the row's name stands in the 二级指标 column
    return level1, level2


def _best_row(
    cells: Sequence[Cell],
    j: int,
    value_roles: Sequence[str],
    lex: Lexicon,
    stream: bool,
    serial: bool = False,
) -> tuple[int, tuple[str, ...], float] | None:
    """(index of the name cell, the roles of the value cells after it, fit) for the row at `j`.

    Cells may be missing from a row (blank cells dropped by the flattening, a template whose
    sub-rows have no 分值): every order-keeping assignment of the cells to the header's roles
    is tried, and the one whose cells fit their roles best wins.
    """
    best: tuple[int, tuple[str, ...], float] | None = None
    for name_at in range(j, min(j + 4, len(cells))):
        name = cells[name_at]
        if _cell_kind(name.text) != "text" or len(name.text) > 60 or _PROSE.search(name.text):
            break
        if not stream and any(cells[k].row_start for k in range(j + 1, name_at + 1)):
            break  # in a row format, a row's labels and its name share the row
        prefix = 0.0
        for k in range(j, name_at):
            if lex.is_level(cells[k].text) or _GROUP_MAX.search(cells[k].text):
                prefix += 1.0
            elif serial and k == j and _SERIAL.fullmatch(cells[k].text):
                pass  # the row's number under a 序号 column
            else:
                prefix -= 2.5
        if lex.is_level(name.text):
            prefix -= 1.5
        has_weight = _GROUP_MAX.search(name.text) is not None
        if has_weight and not _CJK.search(_GROUP_MAX.sub("", name.text).replace("分", "")):
            continue  # (50分) alone: a group whose name the flattening lost, not an indicator
        for count in range(len(value_roles), -1, -1):
            vals = cells[name_at + 1 : name_at + 1 + count]
            if len(vals) < count:
                continue
            wrapped = not stream and bool(vals) and vals[0].row_start
            if wrapped and (
                lex.is_level(name.text)
                or lex.is_level(vals[0].text)
                or all(_cell_kind(c.text) == "text" for c in vals)
            ):
                continue  # only values wrap to the next line, not the next row's labels
            breaks = [n for n, c in enumerate(vals) if c.row_start and n > 0]
            if (
                not stream
                and breaks
                and (
                    len(breaks) > 1
                    or any(
                        _cell_kind(c.text) == "text" or _GROUP_MAX.search(c.text)
                        for c in vals[breaks[0] :]
                    )
                )
            ):
                # a row's values share its line, or some or all wrap to the next one (a page
                # break inside the row): only values, and only once
                continue
            if count == 0 and (not has_weight or lex.is_level(name.text)):
                continue  # 产出指标(50分) alone is a group's heading, not an indicator
            numeric = sum(1 for c in vals if _cell_kind(c.text) != "text")
            after = name_at + 1 + count
            ends_row = after >= len(cells) or cells[after].row_start
            whole_row = not stream and ends_row and count >= 2
            if numeric == 0 and not has_weight and not whole_row:
                continue  # text-only values only where the row's own line bounds it
            for chosen in itertools.combinations(range(len(value_roles)), count):
                roles = tuple(value_roles[i] for i in chosen)
                fits = [_role_fit(r, c, lex, stream) for r, c in zip(roles, vals, strict=True)]
                if any(f is None for f in fits):
                    continue
                if (
                    roles
                    and roles[-1] == "note"
                    and after < len(cells)
                    and (
                        _cell_kind(cells[after].text) != "text"
                        or any(
                            _value(c.text) is not None and not c.row_start
                            for c in cells[after : after + 3]
                        )
                    )
                ):
                    # the "note" is the next row's name: a number follows it, maybe after the
                    # row's targets in words (经费支出合规性 | 严格执行… | 达成预期指标 | 8 | 8)
                    continue
                skipped = (chosen[-1] + 1 - count) if chosen else 0
                total = prefix + sum(f for f in fits if f is not None) + 0.2 * count
                total -= 0.6 * skipped + _unlike_its_target(roles, vals, value_roles)
                if not stream and ends_row:
                    total += 1.5
                if best is None or total > best[2]:
                    best = (name_at, roles, total)
    if best is not None and best[2] < 0:
        return None  # words before the name that are no labels: the row starts further on
    return best


def _unlike_its_target(
    roles: Sequence[str], vals: Sequence[Cell], value_roles: Sequence[str]
) -> float:
    """`制度健全、执行严格 | 7` where a 得分 column follows the actual's: a bare number after a
    target in words is the row's 得分, not its actual (which would be words too, or a rate)."""
    if "score" in roles or "score" not in value_roles or "actual" not in roles:
        return 0.0
    if any(c.gapped for c in vals):
        return 0.0  # a grid's row: its cells kept their order, the blanks only left out
    at = roles.index("actual")
    if at == 0 or roles[at - 1] != "target":
        return 0.0
    target, actual = vals[at - 1].text, vals[at].text
    bare = _value(actual)
    if (
        _cell_kind(target) == "text"
        and bare is not None
        and bare.number is not None
        and not bare.pct
    ):
        return 1.0
    return 0.0


def _indicator(
    name_cell: Cell,
    vals: Sequence[Cell],
    value_roles: Sequence[str],
    level1: str | None,
    level2: str | None,
    warnings: list[str],
    line: int,
) -> Indicator:
    got = {r: c.text for r, c in zip(value_roles, vals, strict=True)}
    name = name_cell.text
    weight_in_name = _GROUP_MAX.search(name)
    weight = _num(got.get("max"))
    if weight is None and weight_in_name:
        weight = Decimal(weight_in_name.group(1))
        name = (name[: weight_in_name.start()] + name[weight_in_name.end() :]).strip()
    # a blank cell (—, /, or an empty cell kept in its column) states nothing
    target = _stray(_unless_blank(got.get("target")), name_cell.line, warnings)
    actual = _stray(_unless_blank(got.get("actual")), name_cell.line, warnings)
    tm = read_measure(target) if target else None
    am = read_measure(actual) if actual else None
    tm = _ocr_operator(target, tm, am)
    direction: Direction | None = None
    if tm is not None:
        if tm.value is None:
            direction = "text"
        elif tm.op in ("≥", ">"):
            direction = "higher"
        elif tm.op in ("≤", "<"):
            direction = "lower"
        elif tm.op == "=":
            direction = "equal"
    completion = got.get("completion")
    comp = _value(completion) if completion else None
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        target=target,
        actual=actual,
        completion=completion,
        target_op=tm.op if tm else None,
        target_num=tm.value if tm else None,
        actual_op=am.op if am else None,
        actual_num=am.value if am else None,
        completion_pct=comp.number if comp and comp.pct else None,
        evidence=Evidence(line=line, text=clip(name_cell.row_text)),
        weight=weight,
        score=_num(got.get("score")),
        target_value=tm.value if tm else None,
        actual_value=am.value if am else None,
        unit=(tm.unit if tm and tm.unit else (am.unit if am else None)),
        direction=direction,
    )


def _unless_blank(cell: str | None) -> str | None:
    return None if cell is None or cell.strip() in _BLANK else cell


def _ocr_operator(target: str | None, tm: Measure | None, am: Measure | None) -> Measure | None:
    """`290%` against an actual of `93%`: a ≥ that OCR read as 2 (a scanned form's target of a
    rate is at most 100 %). Taken only where the target without the 2 is a rate of at most 100 %
    and the actual is one too; the target's printed words stay as they are."""
    if target is None or tm is None or am is None or tm.op is not None or tm.value is None:
        return tm
    if tm.unit != "%" or am.unit != "%" or am.value is None or am.value > 100:
        return tm
    m = re.fullmatch(r"2(\d{1,3}(?:\.\d+)?)%", target.strip())
    if m is None or not 0 < Decimal(m.group(1)) <= 100:
        return tm
    return Measure("≥", Decimal(m.group(1)), "%")


_STRAY_PREFIX = re.compile(r"^\d{1,3}\.\s*(?=[\u4e00-\u9fff])")


def _stray(cell: str | None, line: int, warnings: list[str]) -> str | None:
    """A value cell that starts with a stray OCR number (`77. 符合上级有关规定`): drop it, say so."""
    if not cell:
        return None
    m = _STRAY_PREFIX.match(cell)
    if m is None:
        return cell
    rest = cell[m.end() :]
    warnings.append(f"line {line}: ignored stray '{m.group(0).strip()}' before {rest}")
    return rest


def _num(text: str | None) -> Decimal | None:
    if text is None:
        return None
    v = _value(text)
    return v.number if v is not None and not v.pct else None


def _numbers_after(cells: Sequence[Cell], j: int) -> tuple[list[Decimal | None], int]:
    nums: list[Decimal | None] = []
    head = cells[j].text
    glued = re.findall(r"\d{1,3}(?:\.\d{1,2})?", re.sub(r"^[^\d]*", "", head))
    k = j + 1
    if glued:
        nums = [Decimal(g) for g in glued[:2]]
    else:
        while k < len(cells) and len(nums) < 3:
            v = _value(cells[k].text)
            if v is None or v.pct:
                break
            nums.append(v.number)
            k += 1
    return nums, k


def _max_score(
    nums: Sequence[Decimal | None], value_roles: Sequence[str]
) -> tuple[Decimal | None, Decimal | None]:
    present = [n for n in nums if n is not None]
    if len(present) >= 2:
        return present[0], present[1]
    if len(present) == 1:
        only = present[0]
        if "max" in value_roles and "score" not in value_roles:
            return only, None
        return None, only
    return None, None


def _read_total(
    cells: Sequence[Cell],
    j: int,
    value_roles: Sequence[str],
    out: FormFigures,
    lex: Lexicon,
    level1: str | None,
    group: dict[str, Decimal | None],
    item_weights: Sequence[Decimal | None] = (),
    item_scores: Sequence[Decimal | None] = (),
) -> int:
    nums, k = _numbers_after(cells, j)
    wanted = sum(1 for r in value_roles if r in ("max", "score"))
    if wanted and len(nums) > wanted:
        nums = nums[-wanted:]  # 合计 | 100 | | 100 | 97: a group's 分值 column comes first
    mx, sc = _max_score(nums, value_roles)
    weights = [x for x in item_weights if x is not None]
    scores = [x for x in item_scores if x is not None]
    # 合计 | 100 with the 得分 column blank: one number under both a 分值 and a 得分 column is
    # the 分值's total where the rows' 分值 add up to it and their 得分 do not
    alone = mx is None and sc is not None and "max" in value_roles
    if alone and weights and sum(weights) == sc and sum(scores) != sc:
        mx, sc = sc, None
    ev = _evidence(cells[j])
    if mx is not None or sc is not None:
        name = re.sub(r"[\d.\s]+$", "", cells[j].text)[:20] or cells[j].text[:20]
        out.scores.append(Score(None, name, "total", None, mx, sc, ev))
    if sc is not None and out.total is None:
        out.total = TotalScore(score=sc, max=mx, evidence=ev)
    return k


def read_forms(lines: Iterable[tuple[int, str]], unit: str = "万元") -> FormFigures:
    """Every funds block, indicator table and score table in the lines of one report."""
    lex = lexicon()
    lines = list(lines)
    # run-together criteria rows first: the cell reader would cut their sentences into cells
    criteria = read_criteria_rows(lines, set())
    # score rows among their criteria's sentences (PDF columns interleaved), likewise
    interleaved = read_interleaved_rows(lines, set(criteria.lines))
    first = criteria.lines | interleaved.lines
    cells = cells_of([(no, text) for no, text in lines if no not in first])
    out = FormFigures()
    # a sheet printed column by column: its blocks first, the rest of the stream without them
    used: set[int] = set()
    for indicators, positions in _column_blocks(cells):
        out.indicators.extend(indicators)
        used |= positions
    cells = [c for n, c in enumerate(cells) if n not in used]
    out.indicators.extend(criteria.indicators)
    out.scores.extend(criteria.scores)
    out.indicators.extend(interleaved.indicators)
    out.scores.extend(interleaved.scores)
    out.table_lines.update(first)
    i = 0
    money_unit = unit
    while i < len(cells):
        text = cells[i].text
        if "单位" in text and "元" in text and len(text) < 20:
            m = re.search(r"(亿元|万元|元)", text)
            if m:
                money_unit = m.group(1)
        found = _header_at(cells, i, lex)
        if found is None:
            i += 1
            continue
        header, after = found
        if i > 0 and _role(lex, cells[i - 1].text) == "serial":
            header = replace(header, serial=True)
        before = _sizes(out)
        start = i
        if header.kind == "funds":
            unit_here = _unit_near(cells, i, money_unit)
            i = _read_funds(cells, after, header, unit_here, out, lex)
        elif "group_max" in header.roles:
            merged, back = _with_group_maxima(cells, after, header)
            read_to = _read_indicators(merged, 0, header, out, lex)
            i = max(after, back[read_to] if read_to < len(back) else len(cells))
        else:
            i = max(after, _read_indicators(cells, after, header, out, lex))
            if header.title is not None and header.block_max is not None:
                name = _strip_parens(header.title.text).strip()
                out.scores.append(
                    Score(
                        name,
                        None,
                        "subtotal",
                        dimension_of(name),
                        header.block_max,
                        None,
                        _evidence(header.title),
                    )
                )
        read = _new_lines(out, before)
        if read:
            out.table_lines.update(range(cells[start].line, max(read) + 1))
    _read_headerless_rows(cells, out)
    if out.total is None:
        _read_stray_total(cells, out, lex)
    pairs = [(c.line, c.text) for c in cells]
    for composition in read_amount_tables(pairs):
        out.compositions.append(composition)
        out.table_lines.add(composition.evidence.line)
    for composition in read_labelled_runs(pairs, money_unit):
        if not any(_same_breakdown(composition, c) for c in out.compositions):
            out.compositions.append(composition)
    for composition in _funds_broken_down_elsewhere(cells, out.executions, lex):
        if not any(_same_breakdown(composition, c) for c in out.compositions):
            out.compositions.append(composition)
    return out


def _funds_broken_down_elsewhere(
    cells: Sequence[Cell], rows: Sequence[Execution], lex: Lexicon
) -> list[Composition]:
    """`基本支出总额 | 1126.5万 | 项目支出总额 | 438.7万` printed above the funds block whose
    `部门整体支出总额 | 1528.4 | 1565.2 | …`: amounts named by a part's category (基本支出,
    项目支出 …) that add up exactly to a funds row's budget or executed amount break it down."""
    named: list[tuple[Cell, Money]] = []
    for k in range(len(cells) - 1):
        if lex.category_of(cells[k].text) is None or _value(cells[k].text) is not None:
            continue
        found = find_quantities(cells[k + 1].text)
        money = found[0].money if len(found) == 1 and found[0].raw == cells[k + 1].text else None
        if money is not None:
            named.append((cells[k], money))
    if len(named) < 2:
        return []
    out: list[Composition] = []
    for row in rows:
        for column, word in (("budget", "预算数"), ("executed", "执行数")):
            whole: Money | None = getattr(row, column)
            if whole is None:
                continue
            start = adding_up([m.wan for _, m in named], whole.wan)
            if start is not None:
                run = named[start:]
                out.append(
                    Composition(
                        label=f"{row.label}({word})",
                        total=whole,
                        parts=tuple(Part(c.text, lex.category_of(c.text), m, None) for c, m in run),
                        evidence=_evidence(run[0][0]),
                    )
                )
    return out


def _same_breakdown(a: Composition, b: Composition) -> bool:
    return a.total == b.total and {p.amount for p in a.parts} == {p.amount for p in b.parts}


def _read_stray_total(cells: Sequence[Cell], out: FormFigures, lex: Lexicon) -> None:
    """`… | 其他需要说明事项 | 无 | 总分 | 100 | 96.98 | 优 |`: the form's 总分 cell where the
    flattening put it after other cells, outside any table read. Taken when a strong total word
    (not a column name such as 自评得分) stands alone in its cell followed by the form's 满分 of
    100 and a 得分 not above it; the last such cell in the report."""
    words = set(lex.words("total_score_bare")) - set(lex.words("score_cues"))
    for j in range(len(cells) - 1, -1, -1):
        if fold_label(cells[j].text) not in words:
            continue
        nums, _ = _numbers_after(cells, j)
        if len(nums) < 2 or nums[0] != 100 or nums[1] is None:
            continue
        if 0 < nums[1] <= 100:
            out.total = TotalScore(score=nums[1], max=nums[0], evidence=_evidence(cells[j]))
            return


def _read_headerless_rows(cells: Sequence[Cell], out: FormFigures) -> None:
    """Indicator rows whose header did not survive the flattening (a sheet printed in cell
    order): a name, a target and an actual measured in the same unit, then 分值 and 得分, or
    得分 alone. A row is taken only where its own arithmetic holds: 得分 ≤ 分值 ≤ 100."""
    rows: list[list[Cell]] = []
    for cell in cells:
        if cell.line in out.table_lines:
            continue
        if cell.row_start or not rows:
            rows.append([])
        rows[-1].append(cell)
    # names numbered as indicators (指标13:) still waiting for their values: a sheet printed
    # column by column puts two names before their values (指标13:… 指标14:… 23560人 21870人 2
    # 1.8 / 5420人 4102人 2 1.5), and each value group goes to the earliest name waiting
    waiting: list[Cell] = []
    ended_line: Cell | None = None  # a numbered name that ended the line before, no values
    for row in rows:
        ended_before, ended_line = ended_line, None
        k = 0
        while k < len(row):
            cell = row[k]
            taken = _headerless_at(row, k) if k + 3 < len(row) else None
            numbered = _is_numbered_name(cell)
            nxt = row[k + 1] if k + 1 < len(row) else None
            if taken is None and numbered and nxt is not None and _is_numbered_name(nxt):
                waiting.append(cell)  # a name straight before another on its line: values later
                k += 1
                continue
            rest = row[k + 1 :]
            last_word = not rest or (
                len(rest) == 1 and _cell_kind(rest[0].text) == "text" and len(rest[0].text) <= 4
            )
            if taken is None and numbered and last_word:
                # a name ending its line, maybe with its last word apart (…报告 | 例数): it may
                # be waiting for values, or its values came before it
                ended_line = replace(cell, text=cell.text + "".join(c.text for c in rest))
                k = len(row)
                continue
            if taken is not None and numbered and not waiting and ended_before is not None:
                end = taken[1]
                second = (
                    _headerless_at([cell, *row[end : end + 4]], 0) if end + 3 <= len(row) else None
                )
                if second is not None:
                    # this name has two value groups after it: the first is the name's before
                    waiting.append(ended_before)
            if taken is None and waiting and k + 3 <= len(row):
                taken = _headerless_at([waiting[0], *row[k : k + 4]], 0)
                if taken is not None:
                    indicator, end = taken
                    waiting.pop(0)
                    out.indicators.append(indicator)
                    out.table_lines.add(indicator.evidence.line)
                    k += end - 1
                    continue
            if taken is None:
                k += 1
                continue
            indicator, end = taken
            if numbered and waiting:
                # this name's values belong to the earliest name waiting; this one waits
                first = waiting.pop(0)
                waiting.append(cell)
                indicator, _ = _headerless_at([first, *row[k + 1 : end]], 0) or taken
            out.indicators.append(indicator)
            out.table_lines.add(indicator.evidence.line)
            k = end


def _column_blocks(cells: Sequence[Cell]) -> list[tuple[list[Indicator], set[int]]]:
    """A sheet printed column by column: numbered names (指标1: … 指标4:, in any order), then
    their targets, then their actuals each with 分值 and 得分, the columns' cells interleaved
    with header words. Where the three columns have the same length, the names sorted by their
    numbers pair with the targets and the value groups in reading order — only if every pair
    agrees in its unit (41200人 | 40680人 3 3, 不少于12种 | 14种 1 1) and the actual carries no
    operator. Returns each block's indicators and the positions of the cells it used."""
    lex = lexicon()
    found: list[tuple[list[Indicator], set[int]]] = []
    k = 0
    while k < len(cells):
        if not _is_numbered_name(cells[k]):
            k += 1
            continue
        names: list[tuple[int, Cell]] = []
        targets: list[Cell] = []
        groups: list[tuple[Cell, Cell, Cell]] = []
        taken: set[int] = set()
        j = k
        while j < len(cells) and j < k + _BLOCK_CELLS:
            cell = cells[j]
            if _is_numbered_name(cell):
                if targets and len(names) == len(targets) == len(groups):
                    break  # the block is complete: the next name starts its own row
                names.append((_number_of(cell), cell))
            elif _role(lex, cell.text) is not None or lex.is_level(cell.text):
                j += 1  # header words printed among the columns: left for the header's reader
                continue
            elif _cell_kind(cell.text) == "measure":
                if _starts_group(cells, j):
                    groups.append((cell, cells[j + 1], cells[j + 2]))
                    taken.update((j + 1, j + 2))
                    j += 2
                elif j + 1 < len(cells) and _starts_group(cells, j + 1):
                    break  # a target and its actual's group side by side: rows, not columns
                else:
                    targets.append(cell)
            else:
                break
            taken.add(j)
            j += 1
        n = len(names)
        numbers = {num for num, _ in names}
        block = n >= 2 and len(numbers) == n and len(targets) == n and len(groups) == n
        ordered = _column_order(names, targets)
        pairs = list(zip(ordered, targets, groups, strict=False))
        if block and ordered and all(_same_unit(t, g[0]) for _, t, g in pairs):
            found.append(
                (
                    [
                        _indicator(
                            name,
                            [t, *g],
                            ["target", "actual", "max", "score"],
                            None,
                            None,
                            [],
                            name.line,
                        )
                        for (_, name), t, g in pairs
                    ],
                    taken,
                )
            )
            k = j
        else:
            k += 1
    return found


def _column_order(names: list[tuple[int, Cell]], targets: list[Cell]) -> list[tuple[int, Cell]]:
    """The names in the order their values were printed: by their numbers, where that is how
    they were printed or where it agrees better than the printed order with the units their
    names count in (…人数 with 人, …种类 with 种); nothing where the two orders tie."""
    by_number = sorted(names, key=lambda x: x[0])
    if by_number == names:
        return names

    def agreeing(order: list[tuple[int, Cell]]) -> int:
        return sum(
            1
            for (_, name), target in zip(order, targets, strict=False)
            if _counts_in(name.text, read_measure(target.text).unit)
        )

    return by_number if agreeing(by_number) > agreeing(names) else []


def _counts_in(name: str, unit: str | None) -> bool:
    """An indicator's name says what it counts in: 建档人数 in 人, 资料种类 in 种, 接种率 in %."""
    if not unit:
        return False
    if unit in ("%", "‰"):
        return name.endswith("率")
    return unit in name[-4:]


def _number_of(name: Cell) -> int:
    m = _NUMBERED_NAME.match(name.text)
    return int(m.group(1)) if m else 0


def _starts_group(cells: Sequence[Cell], j: int) -> bool:
    """A measure, then 分值 and 得分 (`40680人 3 3`): an actual's value group."""
    if j + 2 >= len(cells) or _cell_kind(cells[j].text) != "measure":
        return False
    w, sc = _num(cells[j + 1].text), _num(cells[j + 2].text)
    return w is not None and sc is not None and 0 < w <= 100 and sc <= w


def _same_unit(target: Cell, actual: Cell) -> bool:
    t, a = read_measure(target.text), read_measure(actual.text)
    return t.unit is not None and t.unit == a.unit and a.op is None and a.value is not None


_BLOCK_CELLS = 40
_NUMBERED_NAME = re.compile(r"^指标\s*(\d{1,2})\s*[:：][\u4e00-\u9fff]")


def _is_numbered_name(cell: Cell) -> bool:
    return _NUMBERED_NAME.match(cell.text) is not None and _value(cell.text) is None


def _headerless_at(row: Sequence[Cell], k: int) -> tuple[Indicator, int] | None:
    name = row[k]
    if (
        len(_CJK.findall(name.text)) < 3
        or _value(name.text) is not None
        or _is_prose(name.text)
        or _MEASURE_START.match(name.text)
    ):
        return None
    target, actual = read_measure(row[k + 1].text), read_measure(row[k + 2].text)
    if (
        target.value is None
        or actual.value is None
        or target.unit is None
        or target.unit != actual.unit
        or actual.op is not None
        or not _MEASURE_START.match(row[k + 1].text)
        or not _MEASURE_START.match(row[k + 2].text)
    ):
        return None
    nums: list[Decimal] = []
    for cell in row[k + 3 : k + 5]:
        n = _num(cell.text)
        if n is None or n > 100:
            break
        nums.append(n)
    if not nums:
        return None
    if len(nums) == 2 and nums[1] <= nums[0]:
        roles, end = ["target", "actual", "max", "score"], k + 5
    else:
        roles, end = ["target", "actual", "score"], k + 4
    values = row[k + 1 : end]
    return _indicator(name, values, roles, None, None, [], name.line), end


def _sizes(out: FormFigures) -> tuple[int, int, int]:
    return len(out.executions), len(out.indicators), len(out.scores)


def _new_lines(out: FormFigures, before: tuple[int, int, int]) -> list[int]:
    """The lines of the rows read since `before`: where the table just read ends."""
    e, i, s = before
    return [
        *(x.evidence.line for x in out.executions[e:]),
        *(x.evidence.line for x in out.indicators[i:]),
        *(x.evidence.line for x in out.scores[s:]),
    ]


def _unit_near(cells: Sequence[Cell], i: int, default: str) -> str:
    for c in cells[max(0, i - 3) : i + 8]:
        m = re.search(r"[(（]\s*(亿元|万元|元)\s*[)）]", c.text)
        if m:
            return m.group(1)
    return default
