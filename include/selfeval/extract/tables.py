"""Tables: the indicator table (绩效指标) and the score table (评分表), however they are laid out.

Rows arrive as cells (tab rows, pipe rows, or one cell per line reassembled by layout). Merged
cells print once, so level names are carried down; a garbled header is read from the right, where
target, actual and completion always are.
"""

from __future__ import annotations

import re
from decimal import Decimal

from selfeval.extract.figures import NUM, dec, evidence, indicator
from selfeval.extract.layout import Table, TableRow
from selfeval.extract.statements import dimension_of
from selfeval.record import Evidence, Indicator, Score

_TARGET_H = re.compile(r"目标值|年度目标|指标值|目标")
_ACTUAL_H = re.compile(r"实现值|实际值|完成值|实际完成|实际")
_COMPLETION_H = re.compile(r"完成率|完成比例|完成程度|完成情况")
_LEVEL1_H = re.compile(r"^一级指标")
_LEVEL2_H = re.compile(r"^二级指标")
_NAME_H = re.compile(r"三级指标|指标名称|绩效指标|具体指标")
_STRAY_PREFIX = re.compile(r"^\d{1,3}\.(?=[\u4e00-\u9fff])")
_GROUP_MAX = re.compile(rf"^(?P<name>.*?)\s*[(（]\s*(?P<max>{NUM})\s*分?\s*[)）]\s*$")
_TOTAL_NAMES = ("合计", "总分", "总计", "总得分")


def _bare(cell: str) -> str:
    return cell.replace(" ", "")


def _is_indicator_header(row: TableRow) -> bool:
    text = "".join(row.cells)
    return bool(_TARGET_H.search(text) and _ACTUAL_H.search(text))


def _clean_level(cell: str) -> str:
    return re.sub(r"[\s\-—–:：]+$", "", cell).strip()


def find_indicator_rows(tables: list[Table], warnings: list[str]) -> list[Indicator]:
    found: list[Indicator] = []
    for table in tables:
        header_at = next((i for i, r in enumerate(table.rows) if _is_indicator_header(r)), None)
        if header_at is None:
            continue
        header = table.rows[header_at].cells
        columns = _header_columns(header)
        level1: str | None = None
        level2: str | None = None
        for row in table.rows[header_at + 1 :]:
            get = _row_cells(row, header, columns)
            if get is None:
                if any(row.cells):
                    warnings.append(
                        f"line {row.no}: indicator row with {sum(1 for c in row.cells if c)} "
                        f"cells, too few to read: {row.text}"
                    )
                continue
            if get.get("level1"):
                level1 = _clean_level(get["level1"])
                level2 = None
            if get.get("level2"):
                level2 = _clean_level(get["level2"])
            name = get.get("name", "").strip()
            if not name:
                warnings.append(f"line {row.no}: indicator row without a name: {row.text}")
                continue
            target = _stray(get.get("target"), row.no, warnings)
            actual = _stray(get.get("actual"), row.no, warnings)
            completion = get.get("completion") or None
            found.append(
                indicator(
                    level1, level2, name, target, actual, completion, evidence(row.no, row.text)
                )
            )
    return found


def _row_cells(
    row: TableRow, header: tuple[str, ...], columns: dict[str, int] | None
) -> dict[str, str] | None:
    """The row's cells by column name. Merged cells that were dropped align the row right."""
    cells = row.cells
    if columns is not None and len(cells) <= len(header):
        offset = len(header) - len(cells)
        get = {k: cells[i - offset] if i >= offset else "" for k, i in columns.items()}
        return get if get.get("name") and (get.get("target") or get.get("actual")) else None
    while cells and not cells[-1]:
        cells = cells[:-1]
    if len(cells) < 4:
        return None
    # a garbled header: read from the right, where name, target, actual, completion always are
    return {
        "completion": cells[-1],
        "actual": cells[-2],
        "target": cells[-3],
        "name": cells[-4],
        "level2": cells[-5] if len(cells) >= 5 else "",
        "level1": cells[-6] if len(cells) >= 6 else "",
    }


def _header_columns(header: tuple[str, ...]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        c = _bare(cell)
        if _LEVEL1_H.search(c):
            cols.setdefault("level1", i)
        elif _LEVEL2_H.search(c):
            cols.setdefault("level2", i)
        elif _NAME_H.search(c):
            cols.setdefault("name", i)
        elif _COMPLETION_H.search(c) and "completion" not in cols and "actual" in cols:
            cols["completion"] = i
        elif _ACTUAL_H.search(c) and "actual" not in cols:
            cols["actual"] = i
        elif _TARGET_H.search(c) and "target" not in cols:
            cols["target"] = i
    needed = {"name", "target", "actual"}
    return cols if needed <= cols.keys() else None


def _stray(cell: str | None, line: int, warnings: list[str]) -> str | None:
    if not cell:
        return None
    m = _STRAY_PREFIX.match(cell)
    if m:
        warnings.append(f"line {line}: ignored stray '{m.group(0)}' before {cell[m.end() :]}")
        return cell[m.end() :]
    return cell


# --- score tables ---------------------------------------------------------------------------------

_ROW_LEVEL1 = re.compile(r"^一级指标")
_ROW_LEVEL2 = re.compile(r"^二级指标|^指标名称")
_ROW_MAX = re.compile(r"^(?:指标)?分值|^满分|^权重|^标准分")
_ROW_SCORE = re.compile(r"^(?:自评)?得分|^自评分|^评分")


def _number(cell: str) -> Decimal | None:
    m = re.search(NUM, cell)
    return dec(m.group(0)) if m else None


def find_score_rows(tables: list[Table]) -> list[Score]:
    for table in tables:
        kinds: dict[str, TableRow] = {}
        for row in table.rows:
            first = _bare(row.cells[0]) if row.cells else ""
            for key, pattern in (
                ("level1", _ROW_LEVEL1),
                ("level2", _ROW_LEVEL2),
                ("max", _ROW_MAX),
                ("score", _ROW_SCORE),
            ):
                if key not in kinds and pattern.search(first):
                    kinds[key] = row
                    break
        if {"level1", "max", "score"} <= kinds.keys():
            return _transposed(kinds)
        vertical = _vertical(table)
        if vertical:
            return vertical
    return []


def _subtotal(group: str | None, mx: Decimal | None, sc: Decimal | None, ev: Evidence) -> Score:
    """A group's row in the score table: its maximum and, when the table states it, its score."""
    return Score(group, None, "subtotal", dimension_of(group), mx, sc, ev)


def _split_group(cell: str) -> tuple[str, Decimal | None]:
    m = _GROUP_MAX.match(cell)
    if m:
        return m.group("name").strip(), dec(m.group("max"))
    return cell.strip(), None


def _transposed(kinds: dict[str, TableRow]) -> list[Score]:
    l1 = kinds["level1"].cells
    l2 = kinds["level2"].cells if "level2" in kinds else ()
    maxes = kinds["max"].cells
    scores = kinds["score"].cells
    score_row = kinds["score"]
    width = max(len(l1), len(l2), len(maxes), len(scores))

    def cell(row: tuple[str, ...], j: int) -> str:
        return row[j].strip() if j < len(row) else ""

    result: list[Score] = []
    group: str | None = None
    announced: set[str] = set()
    for j in range(1, width):
        g = cell(l1, j)
        item = cell(l2, j)
        mx, sc = _number(cell(maxes, j)), _number(cell(scores, j))
        if mx is None and sc is None:
            continue
        if g:
            name, group_max = _split_group(g)
            if _bare(name) in _TOTAL_NAMES:
                text = f"{name} | {cell(maxes, 0)} {cell(maxes, j)} | {cell(scores, 0)} {cell(scores, j)}"
                result.append(
                    Score(None, name, "total", None, mx, sc, evidence(score_row.no, text))
                )
                group = None
                continue
            group = name
            if group not in announced:
                announced.add(group)
                result.append(_subtotal(group, group_max, None, evidence(kinds["level1"].no, g)))
        if not item:
            continue
        text = f"{group or ''} {item} | {cell(maxes, 0)} {cell(maxes, j)} | {cell(scores, 0)} {cell(scores, j)}"
        result.append(
            Score(
                group,
                item,
                "item",
                dimension_of(item),
                mx,
                sc,
                evidence(score_row.no, text.strip()),
            )
        )
    return result


def _vertical(table: Table) -> list[Score]:
    header_at = None
    for i, row in enumerate(table.rows):
        bare = [_bare(c) for c in row.cells]
        if any(_ROW_MAX.search(c) for c in bare) and any(_ROW_SCORE.search(c) for c in bare):
            header_at = i
            break
    if header_at is None:
        return []
    header = [_bare(c) for c in table.rows[header_at].cells]
    max_cols = [i for i, c in enumerate(header) if _ROW_MAX.search(c)]
    score_col = next(i for i, c in enumerate(header) if _ROW_SCORE.search(c))
    # 一级指标 | 分值 | 二级指标 | 分值 | 得分: the first 分值 is the group's, the last the item's
    max_col = max_cols[-1]
    group_max_col = max_cols[0] if len(max_cols) > 1 else None
    label_cols = [i for i in range(len(header)) if i not in (*max_cols, score_col)][:2]
    result: list[Score] = []
    group: str | None = None
    announced: set[str] = set()
    for row in table.rows[header_at + 1 :]:
        cells = list(row.cells) + [""] * (len(header) - len(row.cells))
        labels = [cells[i].strip() for i in label_cols]
        mx, sc = _number(cells[max_col]), _number(cells[score_col])
        if mx is None and sc is None:
            continue
        first = labels[0] if labels else ""
        second = labels[1] if len(labels) > 1 else ""
        if _bare(first) in _TOTAL_NAMES or _bare(second) in _TOTAL_NAMES:
            result.append(
                Score(None, first or second, "total", None, mx, sc, evidence(row.no, row.text))
            )
            continue
        if first:
            group, group_max = _split_group(first)
            if group_max is None and group_max_col is not None:
                group_max = _number(cells[group_max_col])
            if second and group_max is not None and group not in announced:
                announced.add(group)
                result.append(_subtotal(group, group_max, None, evidence(row.no, first)))
            if not second:  # a group row: its own max and score
                announced.add(group)
                result.append(_subtotal(group, mx or group_max, sc, evidence(row.no, row.text)))
                continue
        if _bare(second) in ("小计",):
            # the group was announced by its header "(50分)" without a score: this row states it
            result[:] = [
                r
                for r in result
                if not (r.kind == "subtotal" and r.group == group and r.score is None)
            ]
            result.append(_subtotal(group, mx, sc, evidence(row.no, row.text)))
            continue
        result.append(
            Score(group, second, "item", dimension_of(second), mx, sc, evidence(row.no, row.text))
        )
    return result
