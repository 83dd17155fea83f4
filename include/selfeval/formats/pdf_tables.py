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
_SIMPLE_PATH = 6  # a line or a rectangle; a path with more segments is read segment by segment


def find_tables(page: Any) -> list[tuple[Box, list[list[Box | None]]]]:
    """Each ruled table on the page: its box and its cells as a row-by-column matrix."""
    import pypdfium2.raw as pdfium_c

    height = float(page.get_height())
    edges: list[dict[str, Any]] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        if pdfium_c.FPDFPath_CountSegments(obj) > _SIMPLE_PATH:
            edges += _segment_edges(obj, height)  # a whole table's rules in one path
            continue
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


def _segment_edges(obj: Any, height: float) -> list[dict[str, Any]]:
    """The straight horizontal and vertical strokes of a path with many segments."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    a, b, c, d, e, f = obj.get_matrix().get()
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float, int, bool]] = []
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        points.append((px, height - py, kind, bool(pdfium_c.FPDFPathSegment_GetClose(segment))))
    found: list[dict[str, Any]] = []
    start = previous = None
    for px, py, kind, close in points:
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or previous is None:
            start = previous = (px, py)
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO:
            found += _stroke(previous, (px, py))
            if close and start is not None:
                found += _stroke((px, py), start)
        previous = (px, py)
    return found


def _stroke(p: tuple[float, float], q: tuple[float, float]) -> list[dict[str, Any]]:
    (x0, y0), (x1, y1) = sorted([p, q])
    if abs(y1 - y0) <= 0.5 and x1 - x0 > _THIN:
        return [edge("h", x0, x1, y0, y0)]
    (x0, y0), (x1, y1) = sorted([p, q], key=lambda point: point[1])
    if abs(x1 - x0) <= 0.5 and y1 - y0 > _THIN:
        return [edge("v", x0, x0, y0, y1)]
    return []


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
