"""OCR of scans (image-only PDF pages, images) with RapidOCR on onnxruntime.

The models ship inside the rapidocr wheel: nothing is downloaded at run time. A page's ruled
tables are found first (OpenCV keeps the long horizontal and vertical strokes; pdfplumber's
geometry turns them into cells, as for PDFs), the rules are erased so that the text detector
does not run a row's cells together, then each text box goes to the cell holding its centre, or
to a text line (boxes grouped by their vertical centres; boxes far apart joined by a tab).
"""

from __future__ import annotations

import io
import itertools
import logging
import warnings
from typing import Any

from selfeval.document import Document, Grid, Paragraph, Place
from selfeval.errors import UnreadableReport

_RENDER_SCALE = 2.0  # 144 dpi: small Chinese print stays legible
_MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx; an image beyond this is a bomb
_engine: Any = None

# One text box: x0, x1, top, bottom, text.
_Box = tuple[float, float, float, float, str]
# What a page holds, top to bottom: text lines, and tables as rows of cell texts.
PageItem = str | list[list[str]]


def ocr_available() -> bool:
    """Whether the OCR extra (rapidocr, onnxruntime) is installed."""
    from importlib.util import find_spec

    return find_spec("rapidocr") is not None and find_spec("onnxruntime") is not None


def read_image(data: bytes, *, path: str) -> Document:
    """An image file (a scanned page) as OCR'd lines and tables."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (
        OSError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        ValueError,
    ) as exc:
        raise UnreadableReport(path, f"is an image that cannot be read ({exc})") from exc
    blocks, _ = page_blocks(read_page(image.convert("RGB")), page=1, tables=0)
    return Document(blocks=tuple(blocks), format="image", ocr=True)


def ocr_pdf_page(page: Any) -> list[PageItem]:
    """What one pypdfium2 page holds, rendered and read by OCR."""
    width, height = page.get_size()
    # A page drawn huge renders at a lower scale rather than into gigabytes of pixels.
    scale = min(_RENDER_SCALE, (_MAX_PIXELS / max(1.0, width * height)) ** 0.5)
    return read_page(page.render(scale=scale).to_pil().convert("RGB"))


def page_blocks(
    items: list[PageItem], *, page: int, tables: int
) -> tuple[list[Paragraph | Grid], int]:
    """A page's items as blocks (tables numbered on from `tables`), and the tables now seen."""
    from selfeval.formats.cells import grid_of

    blocks: list[Paragraph | Grid] = []
    line = 0
    for item in items:
        if isinstance(item, str):
            line += 1
            blocks.append(Paragraph(item, Place(page=page, line=line)))
            continue
        grid = grid_of(item, page, tables + 1)
        if grid is not None:
            tables += 1
            blocks.append(grid)
    return blocks, tables


def read_page(image: Any) -> list[PageItem]:
    """The page image's text lines and ruled tables, top to bottom."""
    import numpy as np

    pixels = np.array(image)
    tables, rules = _tables(pixels)
    pixels[rules] = 255  # erase the rules: cells separate, as a reader sees them
    result = _ocr()(pixels)
    boxes: list[_Box] = [] if result.boxes is None else [
        (float(min(p[0] for p in b)), float(max(p[0] for p in b)),
         float(min(p[1] for p in b)), float(max(p[1] for p in b)), str(t))
        for b, t in zip(result.boxes, result.txts or (), strict=False)
    ]  # fmt: skip
    cells: list[dict[tuple[int, int], list[_Box]]] = [{} for _ in tables]
    loose: list[_Box] = []
    for box in boxes:
        x, y = (box[0] + box[1]) / 2, (box[2] + box[3]) / 2
        for found, (_, matrix) in zip(cells, tables, strict=True):
            spot = next(
                ((r, c) for r, row in enumerate(matrix) for c, b in enumerate(row)
                 if b and b[0] <= x <= b[2] and b[1] <= y <= b[3]),
                None,
            )  # fmt: skip
            if spot is not None:
                found.setdefault(spot, []).append(box)
                break
        else:
            loose.append(box)
    items: list[tuple[float, PageItem]] = [(row[0][2], _line_text(row)) for row in _rows(loose)]
    for found, (box, matrix) in zip(cells, tables, strict=True):
        rows = [
            [_cell_text(found.get((r, c), [])) for c in range(len(row))]
            for r, row in enumerate(matrix)
        ]
        items.append((box[1], rows))
    items.sort(key=lambda item: item[0])
    return [item for _, item in items]


def _tables(pixels: Any) -> tuple[list[Any], Any]:
    """The ruled tables of a page image, and the mask of its rules."""
    import cv2

    from selfeval.formats.pdf_tables import edge, tables_from_edges

    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    height, width = gray.shape
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, width // 40), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(40, height // 60)))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, across)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, down)
    edges: list[dict[str, Any]] = []
    for mask, orientation in ((horizontal, "h"), (vertical, "v")):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            if orientation == "h":
                edges.append(edge("h", x, x + w, y + h / 2, y + h / 2))
            else:
                edges.append(edge("v", x + w / 2, x + w / 2, y, y + h))
    grow = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))  # anti-aliased rule edges too
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), grow) > 0
    return tables_from_edges(edges), rules


def _rows(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes grouped into lines by their vertical centres, each line left to right."""
    rows: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: (b[2] + b[3]) / 2):
        centre = (box[2] + box[3]) / 2
        if rows:
            last = rows[-1]
            top = sum(b[2] for b in last) / len(last)
            bottom = sum(b[3] for b in last) / len(last)
            if abs(centre - (top + bottom) / 2) < (bottom - top) / 2:
                last.append(box)
                continue
        rows.append([box])
    for row in rows:
        row.sort(key=lambda b: b[0])
    return rows


def _line_text(row: list[_Box]) -> str:
    height = sum(b[3] - b[2] for b in row) / len(row)
    text = row[0][4]
    for before, box in itertools.pairwise(row):
        text += ("\t" if box[0] - before[1] > 1.5 * height else "") + box[4]
    return text


def _cell_text(boxes: list[_Box]) -> str:
    from selfeval.formats.cells import join_broken

    text = ""
    for row in _rows(boxes):
        line = "".join(b[4] for b in row)
        text = join_broken(text, line) if text else line
    return text


def _ocr() -> Any:
    global _engine
    if _engine is None:
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        from rapidocr import RapidOCR

        _engine = RapidOCR(params={"Global.log_level": "warning"})
    return _engine
