"""The files of a self-check upload, read from the request body in memory and bounded.

Starlette's own form parser spools large files to the system's temporary folder; the self-check
page promises that nothing is stored, so the multipart body is parsed here as it streams in:
each file is kept in memory up to `settings.MAX_REPORT_BYTES` (a larger one is counted and its
bytes dropped, so the page can name it), and the whole body is cut off at `max_body_bytes`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import PureWindowsPath

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from selfeval import settings
from selfeval.refusals import megabytes


@dataclass(frozen=True, slots=True)
class Upload:
    """One file of an upload: the name the browser sent (no folders), its bytes (empty when it
    is over the limit) and how many bytes were sent."""

    name: str
    data: bytes
    size: int

    @property
    def too_large(self) -> bool:
        return self.size > settings.MAX_REPORT_BYTES


class UploadRefused(Exception):
    """The request as a whole cannot be taken (not a form upload, too many files, too large);
    the message is Chinese, for the page, and `status` the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message, status)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str | None = None  # the file name; None for a plain form field
    data: bytearray = field(default_factory=bytearray)
    size: int = 0


class _Collector:
    """The parser's callbacks: files by part, bounded."""

    def __init__(self, max_files: int) -> None:
        self.max_files = max_files
        self.files: list[Upload] = []
        self.part = _Part()
        self.field = b""
        self.value = b""

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self.field.lower()] = self.value
        self.field = self.value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.part.headers.get(b"content-disposition", b""))
        if b"filename" in options:
            raw = options[b"filename"].decode("utf-8", "replace")
            # Old browsers send C:\fakepath\name: keep the last component only.
            self.part.name = PureWindowsPath(raw).name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        if part.name is None:
            return
        part.size += end - start
        if part.size <= settings.MAX_REPORT_BYTES:
            part.data += data[start:end]
        elif part.data:
            part.data = bytearray()  # over the limit: only its size is kept

    def on_part_end(self) -> None:
        part = self.part
        if not part.name and not part.size:  # the form's file input left empty
            return
        if part.name is None:
            return
        if len(self.files) >= self.max_files:
            raise UploadRefused(f"一次最多上传 {self.max_files} 个文件，请分批上传。")
        self.files.append(Upload(part.name, bytes(part.data), part.size))


async def read_uploads(
    content_type: str,
    body: AsyncIterator[bytes],
    *,
    max_files: int,
    max_body_bytes: int,
) -> list[Upload]:
    """The files of a multipart/form-data body, in the order sent; `UploadRefused` when the
    body is no form upload, holds more than `max_files` files or more than `max_body_bytes`."""
    kind, options = parse_options_header(content_type.encode("latin-1", "replace"))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefused("请通过本页的表单选择文件后上传。")
    collector = _Collector(max_files)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": collector.on_part_begin,
            "on_header_field": collector.on_header_field,
            "on_header_value": collector.on_header_value,
            "on_header_end": collector.on_header_end,
            "on_headers_finished": collector.on_headers_finished,
            "on_part_data": collector.on_part_data,
            "on_part_end": collector.on_part_end,
        },
    )
    received = 0
    async for chunk in body:
        allowed = chunk[: max(0, max_body_bytes - received)]
        received += len(chunk)
        _write(parser, allowed)  # up to the limit, so that the file being cut off has its name
        if len(allowed) < len(chunk):
            limit = f"每个文件不超过 {megabytes(settings.MAX_REPORT_BYTES)}"
            if collector.part.name:
                raise UploadRefused(f"“{collector.part.name}”：文件太大，无法检查；{limit}。", 413)
            raise UploadRefused(
                f"一次上传的内容超过 {megabytes(max_body_bytes)}：请分批上传，{limit}。", 413
            )
    parser.finalize()
    return collector.files


def _write(parser: MultipartParser, data: bytes) -> None:
    try:
        parser.write(data)
    except UploadRefused:
        raise
    except Exception as exc:  # a malformed body: python_multipart's own errors
        raise UploadRefused("上传的内容不完整或格式不对，请刷新页面后重新上传。") from exc
