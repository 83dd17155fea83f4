"""Cell text and grids, shared by the PDF reader and the OCR of scans (a leaf: neither imports
the other for these)."""

from __future__ import annotations

from selfeval.document import Grid, Place


def grid_of(cells: list[list[str]], page: int, number: int) -> Grid | None:
    """Rows of cell texts as table `number` of `page`; None when every cell is empty."""
    rows = [[cell_text(c) for c in row] for row in cells]
    rows = [r for r in rows if any(r)]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    grid = tuple(tuple(r + [""] * (width - len(r))) for r in rows)
    return Grid(
        rows=grid,
        row_places=tuple(Place(page=page, table=number, row=i) for i in range(1, len(grid) + 1)),
        place=Place(page=page, table=number),
    )


def cell_text(value: str | None) -> str:
    """A cell's text with the lines it wrapped into joined again."""
    if not value:
        return ""
    out = ""
    for part in value.split("\n"):
        out = join_broken(out, part) if out else part
    return out


def join_broken(left: str, right: str) -> str:
    """Join a line broken at the line end: Latin words keep a space, everything else none."""
    if (
        left
        and right
        and left[-1].isascii()
        and left[-1].isalpha()
        and right[0].isascii()
        and right[0].isalpha()
    ):
        return f"{left} {right}"
    return left + right
