"""Ruled tables of a PDF page from its drawn lines (pypdfium2), with pdfplumber's table algorithm.

pdfplumber's own `find_tables` parses the whole page again with pdfminer (~80 ms a page); the
rules are already at hand as pypdfium2 path objects, so only pdfplumber's geometry runs here:
edges are merged, their intersections become cells and touching cells become tables. A cell
that spans several rows or columns starts at one grid position and leaves the positions it
covers empty, as the document model wants.
"""

from __future__ import annotations

import bisect
from typing import Any

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (top-down, as pdfplumber)
_THIN = 3.0  # a path thinner than this is a rule; pdfplumber's snap and join tolerances too


def find_tables(page: Any) -> list[tuple[Box, list[list[Box | None]]]]:
    """Each ruled table on the page: its box and its cells as a row-by-column matrix."""
    import pypdfium2.raw as pdfium_c

    height = float(page.get_height())
    edges: list[dict[str, Any]] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        x0, x1, y0, y1 = float(left), float(right), height - float(top), height - float(bottom)
        if y1 - y0 <= _THIN and x1 - x0 > _THIN:
            edges.append(edge("h", x0, x1, (y0 + y1) / 2, (y0 + y1) / 2))
        elif x1 - x0 <= _THIN and y1 - y0 > _THIN:
            edges.append(edge("v", (x0 + x1) / 2, (x0 + x1) / 2, y0, y1))
        elif x1 - x0 > _THIN and y1 - y0 > _THIN:  # a rectangle: its four sides
            edges += [edge("h", x0, x1, y0, y0), edge("h", x0, x1, y1, y1),
                      edge("v", x0, x0, y0, y1), edge("v", x1, x1, y0, y1)]  # fmt: skip
    return tables_from_edges(edges)


def tables_from_edges(edges: list[dict[str, Any]]) -> list[tuple[Box, list[list[Box | None]]]]:
    """Tables from rule segments (pdfplumber edge dicts, top-down coordinates), top to bottom."""
    from pdfplumber.table import (
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
    )
    from pdfplumber.utils.geometry import filter_edges

    if len(edges) < 4:
        return []
    merged = filter_edges(merge_edges(edges, _THIN, _THIN, _THIN, _THIN), min_length=_THIN)
    cells = intersections_to_cells(edges_to_intersections(merged, _THIN, _THIN))
    found: list[tuple[Box, list[list[Box | None]]]] = []
    for table in cells_to_tables(cells):
        if len(table) < 2:
            continue  # one box is a frame, not a table
        xs = _positions(c[0] for c in table)
        tops = _positions(c[1] for c in table)
        matrix: list[list[Box | None]] = [[None] * len(xs) for _ in tops]
        for cell in table:
            row = bisect.bisect_left(tops, cell[1] - _THIN)
            col = bisect.bisect_left(xs, cell[0] - _THIN)
            matrix[row][col] = (cell[0], cell[1], cell[2], cell[3])
        box = (
            min(c[0] for c in table),
            min(c[1] for c in table),
            max(c[2] for c in table),
            max(c[3] for c in table),
        )
        found.append((box, matrix))
    found.sort(key=lambda t: t[0][1])
    return found


def _positions(values: Any) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _THIN:
            out.append(float(v))
    return out


def edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    return {
        "x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
        "height": bottom - top, "orientation": orientation, "object_type": "line",
    }  # fmt: skip
