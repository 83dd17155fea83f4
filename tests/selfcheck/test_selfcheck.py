"""The self-check page without a browser: the upload parser, what the checks say of an upload,
the Chinese reasons, the HTTP answers. The browser test is test_selfcheck_browser.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from selfeval import settings
from selfeval.findings import severity_counts
from selfeval.intake import check, read_path
from selfeval.refusals import reason_zh
from selfeval.selfcheck.app import MAX_FILES, create_app
from selfeval.selfcheck.run import SelfCheck, check_uploads
from selfeval.selfcheck.upload import Upload, UploadRefused, read_uploads
from share.hostile import hostile_reports

pytestmark = [
    pytest.mark.unit,
    pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`"),
]

BOUNDARY = "----selfcheck"


def _body(files: list[tuple[str, bytes]], fields: dict[str, str] | None = None) -> bytes:
    out = b""
    for name, value in (fields or {}).items():
        out += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    for name, data in files:
        out += (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


def _parse(body: bytes, *, max_files: int = 10, max_body_bytes: int = 10**9) -> list[Upload]:
    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(body), 65536):
            yield body[i : i + 65536]

    return asyncio.run(
        read_uploads(
            f"multipart/form-data; boundary={BOUNDARY}",
            chunks(),
            max_files=max_files,
            max_body_bytes=max_body_bytes,
        )
    )


def test_the_upload_parser_keeps_names_and_bytes_and_only_counts_an_oversized_file() -> None:
    big = b"x" * (settings.MAX_REPORT_BYTES + 1)
    body = _body(
        [("钟村 自评.txt", "正文".encode()), ("C:\\fakepath\\b.docx", b"PK"), ("大.txt", big)],
        fields={"note": "ignored"},
    )
    uploads = _parse(body)
    assert [(u.name, u.data, u.size, u.too_large) for u in uploads] == [
        ("钟村 自评.txt", "正文".encode(), 6, False),
        ("b.docx", b"PK", 2, False),
        ("大.txt", b"", settings.MAX_REPORT_BYTES + 1, True),
    ]


def test_the_upload_parser_refuses_in_chinese() -> None:
    with pytest.raises(UploadRefused, match="一次最多上传 2 个文件，请分批上传。"):
        _parse(_body([("a.txt", b"a"), ("b.txt", b"b"), ("c.txt", b"c")]), max_files=2)
    with pytest.raises(UploadRefused) as refused:
        _parse(_body([("a.txt", b"a" * 1000)]), max_body_bytes=500)
    assert (refused.value.message, refused.value.status) == (
        "“a.txt”：文件太大，无法检查；每个文件不超过 5 MB。",
        413,
    )

    async def nothing() -> AsyncIterator[bytes]:
        yield b""

    with pytest.raises(UploadRefused, match="请通过本页的表单选择文件后上传。"):
        asyncio.run(read_uploads("text/plain", nothing(), max_files=1, max_body_bytes=1))


def test_an_upload_gets_what_the_district_checks_say(
    tmp_path: Path, seed_paths: list[Path]
) -> None:
    uploads = [Upload(p.name, p.read_bytes(), p.stat().st_size) for p in seed_paths]
    results = check_uploads(uploads)
    district = check([read_path(p) for p in seed_paths])
    assert results == [
        SelfCheck(seed_paths[0].name, "钟村街道办事处", 2024, district[0]),  # type: ignore[arg-type]
        SelfCheck(seed_paths[1].name, "白鹤洞街道办事处", 2024, district[1]),  # type: ignore[arg-type]
    ]
    assert [severity_counts(r.findings) for r in results] == [(1, 0), (1, 0)]
    assert list(tmp_path.iterdir()) == []  # nothing of the uploads written where we look


def test_unreadable_uploads_are_told_in_chinese(seed_000: Path) -> None:
    oversized = settings.MAX_REPORT_BYTES + 1
    hostile = hostile_reports(seed_000)
    uploads = [
        Upload("空.txt", b"", 0),
        Upload("空白.txt", b" \n\t\n", 4),
        Upload("二进制.dat", b"\x00\x01\x02" * 100, 300),
        Upload("乱码.txt", bytes(range(128, 256)) * 20, 2560),
        Upload("太大.txt", b"", oversized),
        Upload("金额13位.txt", hostile["金额13位.txt"], 1),
        Upload("NUL字符.txt", hostile["NUL字符.txt"], 1),
    ]
    results = check_uploads(uploads)
    assert [(r.name, r.refused_zh) for r in results] == [
        ("空.txt", "文件是空的（0 字节），没有内容。请检查是否选对了文件。"),
        ("空白.txt", "文件里只有空白，没有文字。请检查是否选对了文件。"),
        (
            "二进制.dat",
            "这不是一份可以读取的报告（不是文字、Word、PDF 或 Excel 文件的内容）。"
            "请上传Word（.docx）、PDF、Excel（.xlsx/.xls）、WPS 或文本（.txt）格式的报告。",
        ),
        (
            "乱码.txt",
            "文件的文字编码无法识别（不是 UTF-8，也不是 GB18030/GBK 或 Big5 编码的中文）。"
            "请把报告另存为 UTF-8 编码的文本，或直接上传 Word 文件。",
        ),
        (
            "太大.txt",
            "文件太大（5.0 MB），超过了上限：单个文件不超过 5 MB。一份报告通常只有几十 KB 到几 MB，"
            "请确认没有选错文件；如果插入了大图片，请压缩图片后再上传。",
        ),
        (
            "金额13位.txt",
            "报告第116行的金额“1234567890123.5”超出了可以接受的范围或位数，"
            "请核对这个数字（是否多打了数字或小数位）后再上传。",
        ),
        (
            "NUL字符.txt",
            "报告第316行含有不可见的控制字符（空字符），不是纯文本。"
            "请重新另存为文本或 Word 文件后再上传。",
        ),
    ]
    assert results[4].refused == f"too large for a report: {oversized} bytes (limit 5242880)"


def test_an_unknown_reason_is_still_chinese() -> None:
    assert reason_zh("something new") == "无法读取这个文件。区数据组会看到原因并处理。"


def test_the_form_page_and_the_answers_that_need_no_worker() -> None:
    from fastapi.testclient import TestClient  # warns on import: under this module's filter

    client = TestClient(create_app())  # no lifespan: no worker is started
    form = client.get("/")
    assert form.status_code == 200
    assert form.headers["cache-control"] == "no-store"
    assert form.headers["content-security-policy"].startswith("default-src 'none'")
    assert '<form method="post" action="/check" enctype="multipart/form-data">' in form.text
    assert client.get("/style.css").headers["content-type"] == "text/css; charset=utf-8"

    empty = client.post("/check", files={"files": ("", b"")})
    assert empty.status_code == 400
    assert "没有收到文件：请先选择报告文件，再点“开始检查”。" in empty.text
    many = client.post(
        "/check", files=[("files", (f"{i}.txt", b"x")) for i in range(MAX_FILES + 1)]
    )
    assert many.status_code == 400
    assert f"一次最多上传 {MAX_FILES} 个文件，请分批上传。" in many.text
    plain = client.post("/check", content=b"x", headers={"content-type": "text/plain"})
    assert plain.status_code == 400 and "请通过本页的表单选择文件后上传。" in plain.text
