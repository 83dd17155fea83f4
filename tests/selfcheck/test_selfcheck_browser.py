"""The self-check page in a real browser: `selfeval serve` on a free port, files chosen in the
form's file input and submitted by headless Chromium, the answer read off the rendered page."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from chromium import NO_BROWSER, chromium, find_browser
from selfeval import settings

pytestmark = pytest.mark.browser

BROWSER = find_browser()
needs_browser = pytest.mark.skipif(BROWSER is None, reason=NO_BROWSER)
# A loaded machine: the worker imports the checks (GX, ~6 s) before the first answer.
ANSWER_SECONDS = 180

# Every report's section as the reader sees it: heading, lines, findings (where, quote, message).
READ_SECTIONS = """
[...document.querySelectorAll('section.report')].map(s => ({
  file: s.querySelector('h2')?.textContent ?? null,
  lines: [...s.querySelectorAll(':scope > p')].map(p => p.textContent),
  findings: [...s.querySelectorAll('li.finding')].map(li => [
    li.querySelector('.where').textContent,
    li.querySelector('blockquote')?.textContent ?? null,
    li.querySelector('.message').textContent,
  ]),
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`selfeval serve` in its own process, as a clerk's machine would run it."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "selfeval.cli", "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "GX_ANALYTICS_ENABLED": "false"},
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"selfeval serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert "自查页：" in log.read_text(encoding="utf-8")


def _keep(shot: Path) -> Path:
    """Also copy a screenshot to $SELFEVAL_SCREENSHOTS when set, to look at after the run."""
    folder = os.environ.get("SELFEVAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(folder) / shot.name)
    print(f"screenshot: {shot}")
    return shot


@needs_browser
def test_the_seeds_uploaded_show_their_findings_in_chinese(
    server: str, tmp_path: Path, seed_000: Path, seed_001: Path
) -> None:
    with chromium(BROWSER, tmp_path) as tab:  # type: ignore[arg-type]
        tab.navigate(server)
        assert tab.evaluate("document.title") == "绩效自评报告自查"
        assert tab.evaluate("document.documentElement.lang") == "zh-CN"
        tab.choose_files("input[type=file]", [seed_000, seed_001])
        tab.submit("form", timeout=ANSWER_SECONDS)
        sections = tab.evaluate(READ_SECTIONS)
        assert tab.evaluate("location.pathname") == "/check"
        assert tab.evaluate("getComputedStyle(document.querySelector('.badge')).color") == (
            "rgb(255, 255, 255)"  # the stylesheet applied under the page's CSP
        )
        _keep(tab.screenshot(tmp_path / "selfcheck-seeds.png"))

    assert sections == [
        {
            "file": seed_000.name,
            "lines": [
                "单位：钟村街道办事处　年度：2024年",
                "有 1 处错误需要改正。请改正后再提交。",
            ],
            "findings": [
                [
                    "错误第118行：2024年年初结转和结余",
                    # quoted as submitted (the seed's own spaces), for a search in the file
                    "2024年年初结转和结 余25.04万元,2023年年末结转结余5.76万元,全部是非 财政结转结余。",
                    "第118行“2024年年初结转和结 余25.04万元,2023年年末结转结余5.76万元,"
                    "全部是非 财政结转结余。”中，2024年年初结转和结余为25.04万元，但2023年"
                    "年末结转和结余为5.76万元，两者应当相等，相差19.28万元。请核对本年年初"
                    "结转和结余或上年年末结转和结余。",
                ]
            ],
        },
        {
            "file": seed_001.name,
            "lines": [
                "单位：白鹤洞街道办事处　年度：2024年",
                "有 1 处错误需要改正。请改正后再提交。",
            ],
            "findings": [
                [
                    "错误第86行：管理效能",
                    "（二）管理效率分析（总分为 50 分，自评分为 46.5 分）",
                    "第86行“（二）管理效率分析（总分为 50 分，自评分为 46.5 分）”写明管理效能"
                    "自评分为46.5分，但评分表中管理效能各项得分合计为47.5分（3+3.5+4+14+10+9+4）。"
                    "请核对标题或评分表，使两者一致。",
                ]
            ],
        },
    ]


@needs_browser
def test_a_binary_and_an_oversized_file_get_a_clear_chinese_message(
    server: str, tmp_path: Path
) -> None:
    binary = tmp_path / "预算表.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    oversized = tmp_path / "自评报告（含附件）.txt"
    oversized.write_bytes("绩效自评报告。\n".encode() * (settings.MAX_REPORT_BYTES // 20))
    assert oversized.stat().st_size > settings.MAX_REPORT_BYTES
    size_mb = f"{oversized.stat().st_size / 2**20:.1f} MB"

    with chromium(BROWSER, tmp_path) as tab:  # type: ignore[arg-type]
        tab.navigate(server)
        tab.choose_files("input[type=file]", [binary, oversized])
        tab.submit("form", timeout=ANSWER_SECONDS)
        sections = tab.evaluate(READ_SECTIONS)
        _keep(tab.screenshot(tmp_path / "selfcheck-refused.png"))

    assert sections == [
        {
            "file": "预算表.bin",
            "lines": [
                "无法检查：这不是一份可以读取的报告（不是文字、Word、PDF 或 Excel 文件的内容）。"
                "请上传Word（.docx）、PDF、Excel（.xlsx/.xls）、WPS 或文本（.txt）格式的报告。",
                "Reason: is binary (contains NUL bytes), not a text report",
            ],
            "findings": [],
        },
        {
            "file": "自评报告（含附件）.txt",
            "lines": [
                f"无法检查：文件太大（{size_mb}），超过了上限：单个文件不超过 5 MB。"
                "一份报告通常只有几十 KB 到几 MB，请确认没有选错文件；"
                "如果插入了大图片，请压缩图片后再上传。",
                f"Reason: too large for a report: {oversized.stat().st_size} bytes "
                f"(limit {settings.MAX_REPORT_BYTES})",
            ],
            "findings": [],
        },
    ]
