"""Read a submitted report, whatever its format, into the one document model.

`read_document(path)` chooses the reader by the file's content (magic bytes, then the parts of
a ZIP or OLE container), never by its name, and returns the `Document` with the `Source`
(path, SHA-256 of the bytes, format, encoding). Every failure is an `UnreadableReport` with a
one-line reason naming the file.

| content | reader | where it runs |
|---|---|---|
| text (.txt/.md) | `formats.text`: encoding detected, one Paragraph per line | in process |
| Word .docx/.docm | `formats.docx`: WordprocessingML walk | child process |
| PDF with text | `formats.pdf`: pdfplumber lines and ruled tables | child process |
| scanned PDF, image | `formats.ocr`: RapidOCR (optional extra `ocr`) | child process |
| Excel .xlsx/.xlsm, .xls/.et | `formats.sheets`: openpyxl / xlrd | child process |
| .doc/.wps (and .et xlrd cannot read) | `formats.legacy`: LibreOffice → .docx/.xlsx | soffice, then child |

Hostile files stay inert: `formats.guard` checks ZIP containers (part count, sizes, ratio, no
DTD) before any parser, and each parser runs in `formats.sandbox` under a memory limit and a
timeout (limits in `selfeval.settings`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from selfeval import settings
from selfeval.document import Document, DocumentFormat, document_from_text
from selfeval.errors import UnreadableReport
from selfeval.formats.guard import guard_zip
from selfeval.formats.sandbox import run_reader
from selfeval.formats.sniff import ole_kind, sniff
from selfeval.formats.text import decode_text, read_bytes
from selfeval.names import encodable_name
from selfeval.record import Source

__all__ = ["read_document"]


def read_document(path: str | os.PathLike[str]) -> tuple[Document, Source]:
    """The report at `path` as a Document, and its Source; or `UnreadableReport`."""
    name, data = read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    document = _read(data, name)
    encoding = document.encoding or ("ocr" if document.ocr else "binary")
    # A name that is not UTF-8 on disk could not be stored or printed: its bytes become "\\xff".
    source = Source(
        path=encodable_name(name), sha256=digest, format=document.format, encoding=encoding
    )
    return document, source


def _read(data: bytes, path: str) -> Document:
    kind = sniff(data)
    suffix = Path(path).suffix.lower().lstrip(".")
    if kind == "text":
        text, encoding = decode_text(data, path=path)
        fmt: DocumentFormat = "md" if suffix == "md" else "txt"
        document = document_from_text(text, format=fmt)
        return Document(blocks=document.blocks, format=fmt, encoding=encoding)
    if kind == "zip":
        return _office(data, path)
    if kind == "pdf":
        return _pdf(data, path)
    if kind == "image":
        return _image(data, path)
    return _ole(data, path, suffix)


def _office(data: bytes, path: str) -> Document:
    parts = set(guard_zip(data, path))
    if "word/document.xml" in parts:
        reader = "docx"
    elif "xl/workbook.xml" in parts:
        reader = "xlsx"
    else:
        raise UnreadableReport(
            path, "is a ZIP file but not a Word (.docx) or Excel (.xlsx) file: not a report"
        )
    return _sandboxed(reader, data, path)


def _ole(data: bytes, path: str, suffix: str) -> Document:
    from selfeval.formats import legacy

    kind = ole_kind(data)
    if kind == "encrypted":
        raise UnreadableReport(
            path, "is a password-protected (encrypted) Office file: send it without a password"
        )
    if kind == "word":
        fmt: DocumentFormat = "wps" if suffix == "wps" else "doc"
        converted = legacy.convert(data, path=path, kind=fmt, to="docx")
        document = _office(converted, path)
        return Document(blocks=document.blocks, format=fmt)
    if kind == "workbook":
        fmt = "et" if suffix == "et" else "xls"
        try:
            document = _sandboxed("xls", data, path)
        except UnreadableReport as exc:
            if "password" in exc.reason or legacy.soffice() is None:
                raise
            converted = legacy.convert(data, path=path, kind=fmt, to="xlsx")
            document = _office(converted, path)
        return Document(blocks=document.blocks, format=fmt)
    raise UnreadableReport(
        path, "is an OLE (old Office) file that is neither a Word nor an Excel file: not a report"
    )


def _pdf(data: bytes, path: str) -> Document:
    from selfeval.formats.ocr import ocr_available

    if ocr_available():
        timeout = settings.READER_TIMEOUT_SECONDS + (
            settings.OCR_TIMEOUT_SECONDS_PER_PAGE * settings.OCR_MAX_PAGES
        )
        return run_reader(
            "pdf", data, path=path, memory_bytes=settings.OCR_MEMORY_BYTES,
            timeout_seconds=timeout, options={"ocr": True},
        )  # fmt: skip
    return _sandboxed("pdf", data, path)


def _image(data: bytes, path: str) -> Document:
    from selfeval.formats.ocr import ocr_available

    if not ocr_available():
        raise UnreadableReport(
            path,
            "is an image (a scan) and OCR is not installed here: "
            "send the Word file, or a PDF saved from it",
        )
    return run_reader(
        "image", data, path=path, memory_bytes=settings.OCR_MEMORY_BYTES,
        timeout_seconds=settings.READER_TIMEOUT_SECONDS + settings.OCR_TIMEOUT_SECONDS_PER_PAGE,
    )  # fmt: skip


def _sandboxed(reader: str, data: bytes, path: str) -> Document:
    return run_reader(
        reader, data, path=path, memory_bytes=settings.READER_MEMORY_BYTES,
        timeout_seconds=settings.READER_TIMEOUT_SECONDS,
    )  # fmt: skip
