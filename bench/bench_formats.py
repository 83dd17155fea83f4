"""Reading speed per format: seconds per document through `read_document` (child process included).

    .venv/bin/python bench/bench_formats.py [--repeat 3]

The seeds are made into .docx, .pdf (text layer, ruled tables), a 20-page .pdf, an .xlsx 自评表
and a one-page scan (OCR, when installed); each is read `--repeat` times and the median printed,
with the same for `extract_file` (reading plus the reader of figures). Target (issue 11): the
20-page text-layer PDF well under a second; a scanned page is ~20 s of CPU at most.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "formats"))

import makers  # noqa: E402

from selfeval.extract import extract_file  # noqa: E402
from selfeval.formats import read_document  # noqa: E402
from selfeval.formats.ocr import ocr_available  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "seeds" / "001_909bae87fb1bd3ad.txt"


def _xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评表"
    for line in makers.SCORE_PAGE_001.split("\n")[2:]:
        sheet.append(line.split("\t"))
    sheet.merge_cells("C1:I1")
    book.save(path)
    return path


def _median(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = SEED.read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        page = makers.make_pdf(makers.SCORE_PAGE_001, folder / "page.pdf")
        files = {
            "txt": SEED,
            "docx": makers.make_docx(text, folder / "seed.docx"),
            "pdf": makers.make_pdf(text, folder / "seed.pdf"),
            "pdf 20+ pages": makers.make_pdf(text, folder / "seed20.pdf", repeat=6),
            "xlsx": _xlsx(folder / "score.xlsx"),
        }
        if ocr_available():
            files["scan (1 page, OCR)"] = makers.make_scan(page, folder / "scan.pdf")
        print(f"{'format':<20} {'pages':>5} {'read s':>8} {'extract s':>10}")
        for name, path in files.items():
            document, _ = read_document(path)
            pages = max((b.place.page or 0 for b in document.blocks), default=0) or "-"
            repeat = 1 if "OCR" in name else args.repeat
            read = _median(lambda p=path: read_document(p), repeat)  # type: ignore[misc]
            extract = _median(lambda p=path: extract_file(p), repeat)  # type: ignore[misc]
            print(f"{name:<20} {pages!s:>5} {read:>8.3f} {extract:>10.3f}")
    if not ocr_available():
        print("scan: OCR not installed (pip install '.[ocr]'): scans are refused")
    print("target: the 20-page text-layer PDF well under 1 s")


if __name__ == "__main__":
    main()
