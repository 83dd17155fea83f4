"""OCR of scans (image-only PDF pages, images) with RapidOCR on onnxruntime.

The models ship inside the rapidocr wheel: nothing is downloaded at run time. Text boxes are
grouped into lines by their vertical centres; within a line, boxes far apart (a table's cells)
are joined by a tab, as the reader of figures expects tables flattened into text lines.
"""

from __future__ import annotations

import io
import itertools
import logging
import warnings
from typing import Any

from selfeval.document import Document, Paragraph, Place
from selfeval.errors import UnreadableReport

_RENDER_SCALE = 2.0  # 144 dpi: small Chinese print stays legible
_MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx; an image beyond this is a bomb
_engine: Any = None


def ocr_available() -> bool:
    """Whether the OCR extra (rapidocr, onnxruntime) is installed."""
    from importlib.util import find_spec

    return find_spec("rapidocr") is not None and find_spec("onnxruntime") is not None


def read_image(data: bytes, *, path: str) -> Document:
    """An image file (a scanned page) as OCR'd lines."""
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
    lines = _lines(image.convert("RGB"))
    return Document(
        blocks=tuple(Paragraph(t, Place(page=1, line=i)) for i, t in enumerate(lines, start=1)),
        format="image",
        ocr=True,
    )


def ocr_page_lines(page: Any) -> list[str]:
    """The text lines of one pypdfium2 page, rendered and read by OCR."""
    width, height = page.get_size()
    # A page drawn huge renders at a lower scale rather than into gigabytes of pixels.
    scale = min(_RENDER_SCALE, (_MAX_PIXELS / max(1.0, width * height)) ** 0.5)
    return _lines(page.render(scale=scale).to_pil().convert("RGB"))


def _lines(image: Any) -> list[str]:
    import numpy as np

    result = _ocr()(np.asarray(image))
    boxes = [] if result.boxes is None else [
        (float(min(p[0] for p in b)), float(max(p[0] for p in b)),
         float(min(p[1] for p in b)), float(max(p[1] for p in b)), str(t))
        for b, t in zip(result.boxes, result.txts or (), strict=False)
    ]  # fmt: skip
    boxes.sort(key=lambda b: (b[2] + b[3]) / 2)
    rows: list[list[tuple[float, float, float, float, str]]] = []
    for box in boxes:
        centre = (box[2] + box[3]) / 2
        if rows:
            last = rows[-1]
            top = sum(b[2] for b in last) / len(last)
            bottom = sum(b[3] for b in last) / len(last)
            if abs(centre - (top + bottom) / 2) < (bottom - top) / 2:
                last.append(box)
                continue
        rows.append([box])
    lines: list[str] = []
    for row in rows:
        row.sort(key=lambda b: b[0])
        height = sum(b[3] - b[2] for b in row) / len(row)
        text = row[0][4]
        for before, box in itertools.pairwise(row):
            text += ("\t" if box[0] - before[1] > 1.5 * height else "") + box[4]
        lines.append(text)
    return lines


def _ocr() -> Any:
    global _engine
    if _engine is None:
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        from rapidocr import RapidOCR

        _engine = RapidOCR(params={"Global.log_level": "warning"})
    return _engine
