"""Amount tables: a row of column names, then a row of amounts (收入合计 | 上年结转 | 公共财政拨款 …).

Forms such as a 部门整体支出绩效评价 report's 年度收入情况 print their headers first and the unit's
one row of amounts after them, often one cell per line. The names are paired with the amounts by
position; a header broken over two lines (`公共财` / `政拨款`) is joined where that is what makes
the counts agree. The column naming a total (合计, 总计) is the composition's total; which of the
other columns are its parts and which are parts of a part (基本支出 = 人员经费 + 公用经费) is
decided by the arithmetic. Amounts are never changed: a total whose parts do not add up is read
as printed, for the checks to report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from selfeval.extract.figures import clip
from selfeval.extract.quantities import adding_up, to_money
from selfeval.record import Composition, Evidence, Part

_AMOUNT = re.compile(r"^-?\d{1,15}(?:\.\d{1,6})?$")
_NAME_COLUMNS = ("机构名称", "单位名称", "部门名称", "名称", "单位")
_MARKERS = {"其中", "其中:", "其中："}
_TOTALS = ("合计", "总计", "总额")
_UNIT = re.compile(r"[(（]\s*(亿元|万元|元)\s*[)）]")
_MAX_HEADER = 14


def read_amount_tables(cells: Sequence[tuple[int, str]]) -> list[Composition]:
    """Compositions from every header-row-then-amount-row table in `cells` (line, text)."""
    out: list[Composition] = []
    i = 0
    while i < len(cells):
        found = _table_at(cells, i)
        if found is None:
            i += 1
            continue
        composition, end = found
        out.extend(composition)
        i = end
    return out


def _table_at(cells: Sequence[tuple[int, str]], i: int) -> tuple[list[Composition], int] | None:
    unit_match = _UNIT.search(cells[i][1])
    if unit_match is None:
        return None
    headers: list[str] = []
    j = i + 1
    while j < len(cells) and not _AMOUNT.match(cells[j][1]) and len(cells[j][1]) <= _MAX_HEADER:
        headers.append(cells[j][1])
        j += 1
    if not any(t in h for h in headers for t in _TOTALS):
        return None
    if any(h in _NAME_COLUMNS for h in headers) and headers:
        headers = headers[:-1]  # the unit's own name under 机构名称, just before its amounts
    labels = [h for h in headers if h.rstrip(":：") not in _MARKERS and h not in _NAME_COLUMNS]
    amounts: list[tuple[int, str]] = []
    while j < len(cells) and _AMOUNT.match(cells[j][1]):
        amounts.append(cells[j])
        j += 1
    labels = _join_fragments(labels, len(amounts))
    if len(amounts) < 3 or len(labels) != len(amounts):
        return None
    unit = unit_match.group(1)
    values = [Decimal(a[1]) for a in amounts]
    row = " | ".join(f"{name} {a[1]}" for name, a in zip(labels, amounts, strict=True))
    evidence = Evidence(line=amounts[0][0], text=clip(row))
    total_at = next(k for k, name in enumerate(labels) if any(t in name for t in _TOTALS))
    found: list[Composition] = []
    top: list[int] = []
    k = total_at + 1
    while k < len(labels):
        sub = _summing_run(values, k)
        top.append(k)
        if sub:
            found.append(_composition(labels, values, amounts, unit, k, sub, evidence))
            k = sub[-1] + 1
        else:
            k += 1
    found.insert(0, _composition(labels, values, amounts, unit, total_at, top, evidence))
    return found, j


_PCT = re.compile(r"^\d{1,3}(?:\.\d{1,2})?%$")
_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,10}$")


def read_labelled_runs(cells: Sequence[tuple[int, str]], unit: str) -> list[Composition]:
    """`财政拨款 | 1046.3726 | 其他资金 | 0 | 合计 | 1046.3726 | 100%`: name, amount and maybe its
    share, pair after pair, closed by 合计 and the total. The pairs just before the 合计 that add
    up to it exactly are its parts (two or more; an amount whose name the flattening moved
    elsewhere is kept, unnamed); nothing is taken where no run adds up."""
    out: list[Composition] = []
    for t in range(len(cells) - 1):
        if cells[t][1] not in _TOTALS or not _AMOUNT.match(cells[t + 1][1]):
            continue
        total = Decimal(cells[t + 1][1])
        entries: list[tuple[str | None, tuple[int, str], Decimal | None]] = []
        k = t - 1
        while k >= 0:
            share = None
            if _PCT.match(cells[k][1]):
                share = Decimal(cells[k][1][:-1])
                k -= 1
            if k < 0 or not _AMOUNT.match(cells[k][1]):
                break
            amount = cells[k]
            k -= 1
            name = cells[k][1] if k >= 0 and _LABEL.match(cells[k][1]) else None
            if name in _TOTALS:
                name = None
            entries.insert(0, (name, amount, share))
            if name is None:
                break  # an amount without its name starts the run at the latest
            k -= 1
        start = adding_up([Decimal(a[1]) for _, a, _ in entries], total)
        if start is not None:
            run = entries[start:]
            out.append(
                Composition(
                    label=cells[t][1],
                    total=to_money(total, unit, cells[t + 1][1] + unit),
                    parts=tuple(
                        Part(
                            name=name or "(未注明)",
                            category=None,
                            amount=to_money(Decimal(a[1]), unit, a[1] + unit),
                            share_pct=share,
                        )
                        for name, a, share in run
                    ),
                    evidence=Evidence(
                        line=run[0][1][0],
                        text=clip(
                            " | ".join(f"{n or ''} {a[1]}".strip() for n, a, _ in run)
                            + f" | {cells[t][1]} {cells[t + 1][1]}"
                        ),
                    ),
                )
            )
    return out


def _summing_run(values: Sequence[Decimal], k: int) -> list[int]:
    """The columns after `k` (two or more, in order) that add up exactly to column `k`."""
    running = Decimal(0)
    for end in range(k + 1, len(values)):
        running += values[end]
        if end > k + 1 and running == values[k]:
            return list(range(k + 1, end + 1))
        if running > values[k]:
            return []
    return []


def _composition(
    labels: Sequence[str],
    values: Sequence[Decimal],
    amounts: Sequence[tuple[int, str]],
    unit: str,
    total: int,
    parts: Sequence[int],
    evidence: Evidence,
) -> Composition:
    return Composition(
        label=labels[total],
        total=to_money(values[total], unit, amounts[total][1] + unit),
        parts=tuple(
            Part(
                name=labels[k],
                category=None,
                amount=to_money(values[k], unit, amounts[k][1] + unit),
                share_pct=None,
            )
            for k in parts
        ),
        evidence=evidence,
    )


def _join_fragments(labels: list[str], count: int) -> list[str]:
    """Join a header broken over lines (`公共财` + `政拨款`) while there are more names than amounts."""
    labels = list(labels)
    while len(labels) > count:
        pairs = [
            n
            for n in range(len(labels) - 1)
            if max(map(len, labels[n : n + 2])) <= 4
            and not any(t in labels[n] or t in labels[n + 1] for t in _TOTALS)
        ]
        if not pairs:
            break
        k = pairs[0]  # the first short pair: a name broken at a line end
        labels[k : k + 2] = [labels[k] + labels[k + 1]]
    return labels
