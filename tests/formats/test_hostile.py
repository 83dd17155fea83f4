"""Hostile files stay inert: each is refused with exit 2 and one line naming the file and reason.

Bombs are refused from the ZIP directory before anything inflates; parsers run in a child
process with a memory limit and a timeout; nothing in a file is ever run.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import makers
import pytest

from selfeval import settings
from selfeval.errors import UnreadableReport
from selfeval.formats import read_document
from selfeval.formats.sandbox import run_reader
from selfeval.formats.sniff import OLE_MAGIC
from selfeval.names import printable
from selfeval.refusals import reason_zh

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "selfeval.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "include")},
    )


def _docx_bytes(text: str = "2024年度部门整体支出绩效自评得分97.38分。") -> bytes:
    import docx

    buffer = io.BytesIO()

    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def _rezip(
    data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None
) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for name in old.namelist():
            new.writestr(name, (replace or {}).get(name, old.read(name)))
        for name, part in (add or {}).items():
            new.writestr(name, part)
    return out.getvalue()


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The ZIP with `name`'s declared uncompressed size forged to `size` (both headers)."""
    raw = bytearray(data)
    encoded = name.encode()
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46 : central + 46 + name_len] == encoded:
            struct.pack_into("<I", raw, central + 24, size)
            local = struct.unpack_from("<I", raw, central + 42)[0]
            struct.pack_into("<I", raw, local + 22, size)
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def _bomb() -> bytes:
    return _rezip(_docx_bytes(), add={"word/media/image1.png": b"\0" * (50 * 2**20)})


def _pdf_with_javascript() -> bytes:
    """A one-page PDF whose catalog runs JavaScript on open (a reader must never run it)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 6 0 R >> >> >>",
        None,
        b"<< /S /JavaScript /JS (app.alert\\('pwned'\\); this.exportDataObject\\({}\\);) >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 12 Tf 72 720 Td (Self-evaluation 2024: total score 97.38 points.) Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 720, "total score 97.38")
    c.save()


def _pages_pdf(path: Path, pages: int) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.drawString(72, 720, "a page")
        c.showPage()
    c.save()


def _tall_sheet(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "自评得分"
    sheet.cell(settings.SHEET_MAX_ROWS + 1, 1, 97.38)
    book.save(path)


def _hostile(tmp: Path) -> dict[str, tuple[Path, str]]:
    docx = _docx_bytes()
    cases: dict[str, tuple[str, bytes | None, str]] = {
        "zip bomb": ("bomb.docx", _bomb(), "a ZIP bomb"),
        "lying sizes": (
            "lying.docx",
            _declare_size(
                _rezip(docx, add={"word/extra.xml": b"<a/>" * 400_000}), "word/extra.xml", 100
            ),
            "damaged",
        ),
        "declared huge": (
            "huge.docx",
            _declare_size(docx, "word/document.xml", settings.ZIP_MAX_UNCOMPRESSED_BYTES + 1),
            "expands to",
        ),
        "too many parts": (
            "parts.docx",
            _rezip(docx, add={f"word/p{i}.bin": b"x" for i in range(settings.ZIP_MAX_ENTRIES)}),
            "parts (limit 1000)",
        ),
        "xxe": (
            "xxe.docx",
            _rezip(
                docx,
                replace={
                    "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM '
                    b'"file:///etc/passwd">]><w:document xmlns:w="http://schemas.openxmlformats.org'
                    b'/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>'
                    b"</w:body></w:document>"
                },
            ),
            "declares a DTD",
        ),
        "damaged docx": ("cut.docx", docx[: len(docx) // 2], "damaged ZIP/Office file"),
        "encrypted office": (
            "locked.docx",
            OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024,
            "password-protected",
        ),
        "other ole": ("thing.doc", OLE_MAGIC + b"\0" * 2048, "neither a Word nor an Excel"),
        "encrypted pdf": ("locked.pdf", None, "password-protected"),
        "too many pages": ("pages.pdf", None, f"(limit {settings.PDF_MAX_PAGES})"),
        "tall sheet": ("tall.xlsx", None, "rows ×"),
        "plain zip": ("report.docx", _zip_of({"a.txt": b"hello"}), "not a Word (.docx) or Excel"),
    }
    made: dict[str, tuple[Path, str]] = {}
    for case, (name, data, reason) in cases.items():
        path = tmp / name
        if data is not None:
            path.write_bytes(data)
        made[case] = (path, reason)
    _encrypted_pdf(made["encrypted pdf"][0])
    _pages_pdf(made["too many pages"][0], settings.PDF_MAX_PAGES + 1)
    _tall_sheet(made["tall sheet"][0])
    return made


def _zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


CASES = [
    "zip bomb", "lying sizes", "declared huge", "too many parts", "xxe", "damaged docx",
    "encrypted office", "other ole", "encrypted pdf", "too many pages", "tall sheet", "plain zip",
]  # fmt: skip


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return _hostile(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case", CASES)
def test_hostile_file_exits_2_with_one_line(
    case: str, hostile: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    path, reason = hostile[case]
    result = _cli("extract", str(path), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert printable(str(path)) in lines[0] and reason in lines[0], lines[0]


_RESEND = "请用 Word、WPS 或 Excel 重新另存后再上传。"
_NOT_A_REPORT = (
    "这不是一份可以读取的报告（不是文字、Word、PDF 或 Excel 文件的内容）。"
    "请上传Word（.docx）、PDF、Excel（.xlsx/.xls）、WPS 或文本（.txt）格式的报告。"
)
_LOCKED = "文件设置了密码（已加密），无法打开。请取消密码后再上传。"
_DAMAGED = "这个文件已损坏，无法打开。" + _RESEND
_BOMB = "这个压缩文件解压后异常巨大，不是一份报告，已拒收。" + _RESEND
REASONS_ZH = {
    "zip bomb": _BOMB,
    "lying sizes": _DAMAGED,
    "declared huge": _BOMB,
    "too many parts": "这个文件包含的部件异常多，不是一份报告，已拒收。" + _RESEND,
    "xxe": "文件中含有 Office 软件从不写入的内容（DTD 声明），作为可疑文件拒收。" + _RESEND,
    "damaged docx": _DAMAGED,
    "encrypted office": _LOCKED,
    "other ole": _NOT_A_REPORT,
    "encrypted pdf": _LOCKED,
    "too many pages": "PDF 页数太多（超过 200 页），不像是一份报告。请只上传报告本身。",
    "tall sheet": "Excel 工作表过大（行数或列数超过上限），不像是一份报告。请只保留报告所在的工作表。",
    "plain zip": _NOT_A_REPORT,
}


@pytest.mark.parametrize("case", CASES)
def test_hostile_file_is_told_in_chinese(case: str, hostile: dict[str, tuple[Path, str]]) -> None:
    # What the self-check page (and a rejection message) says to the submitter.
    path, _ = hostile[case]
    with pytest.raises(UnreadableReport) as refused:
        read_document(path)
    assert reason_zh(refused.value.reason) == REASONS_ZH[case]


def test_zip_bomb_is_refused_without_inflating(hostile: dict[str, tuple[Path, str]]) -> None:
    path, _ = hostile["zip bomb"]
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableReport, match="ZIP bomb"):
            read_document(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert path.stat().st_size < 1_000_000 and peak < 10 * 2**20  # 50 MB inside, < 10 MB used


def test_macro_enabled_files_are_read_as_data(tmp_path: Path, seed_001: Path) -> None:
    docx = makers.make_docx(seed_001.read_text("utf-8"), tmp_path / "seed.docx").read_bytes()
    macro = b'Attribute VB_Name = "ThisDocument"\nSub AutoOpen()\nShell "touch pwned"\nEnd Sub'
    docm = tmp_path / "seed.docm"
    docm.write_bytes(_rezip(docx, add={"word/vbaProject.bin": macro}))
    result = _cli("extract", str(docm), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "97.38" in result.stdout and not (tmp_path / "pwned").exists()


def test_pdf_javascript_is_never_run(tmp_path: Path) -> None:
    path = tmp_path / "script.pdf"
    path.write_bytes(_pdf_with_javascript())
    document, source = read_document(path)
    assert source.format == "pdf"
    assert [b.text for b in document.blocks] == [  # type: ignore[union-attr]
        "Self-evaluation 2024: total score 97.38 points."
    ]


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("allocate", "needs more than 256 MB of memory"),
        ("sleep", "took longer than 2 s"),
        ("crash", "crash (SIGSEGV)"),
    ],
)
def test_a_parser_that_runs_away_is_stopped(action: str, reason: str) -> None:
    with pytest.raises(
        UnreadableReport, match=reason.replace("(", r"\(").replace(")", r"\)")
    ) as caught:
        run_reader(
            "selftest", b"", path="bad.pdf", memory_bytes=256 * 2**20, timeout_seconds=2,
            options={"action": action},
        )  # fmt: skip
    assert str(caught.value).startswith("bad.pdf: ")
