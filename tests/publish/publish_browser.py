"""Open a page in headless Chromium over the DevTools protocol and record what it fetched.

Chromium runs with a fresh profile and its background services off, so the only requests seen
are the page's own. `open_page` returns every URL the page requested, console and CSP messages,
the results of JavaScript probes, and writes a full-page screenshot; `print_page` prints the page
to PDF with the browser's own print (what an office PC's Ctrl+P does).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--remote-debugging-port=0",
    "--window-size=1200,900",
)


def find_browser() -> str | None:
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageVisit:
    requests: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    probes: dict[str, Any] = field(default_factory=dict)
    screenshot: Path | None = None


class _Session:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})  # type: ignore[no-any-return]
            self.events.append(reply)

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                return

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {method} within {timeout}s")
            self.events.append(json.loads(self.ws.recv(timeout=left)))


@contextlib.contextmanager
def _devtools(browser: str, workdir: Path) -> Iterator[tuple[_Session, str]]:
    """Start `browser` with a fresh profile; yield a DevTools session attached to a blank tab."""
    from websockets.sync.client import connect

    profile = workdir / "profile"
    profile.mkdir(parents=True)
    proc = subprocess.Popen(
        [browser, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(workdir)},
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{browser} did not start (exit code {proc.poll()})")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        with connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=10) as ws:
            s = _Session(ws)
            target = s.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            sid = s.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            yield s, sid
            # The browser may drop the socket while closing.
            with contextlib.suppress(Exception):
                s.call("Browser.close", timeout=5)
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _load(s: _Session, sid: str, page: Path) -> None:
    s.call("Page.navigate", {"url": page.resolve().as_uri()}, session=sid)
    s.wait_for("Page.loadEventFired")


def open_page(browser: str, page: Path, workdir: Path, probes: dict[str, str]) -> PageVisit:
    """Load `page` (a local file), run `probes` (name -> JS expression), screenshot the page."""
    visit = PageVisit()
    with _devtools(browser, workdir) as (s, sid):
        for domain in ("Network", "Page", "Runtime", "Log"):
            s.call(f"{domain}.enable", session=sid)
        s.events.clear()
        _load(s, sid, page)
        s.drain(1.0)  # anything the page would fetch late
        for event in s.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                visit.requests.append(params["request"]["url"])
            elif method == "Log.entryAdded":
                visit.messages.append(params["entry"].get("text", ""))
            elif method == "Runtime.consoleAPICalled":
                visit.messages.append(" ".join(str(a.get("value")) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                visit.messages.append(str(params.get("exceptionDetails")))
        for name, expression in probes.items():
            result = s.call(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True},
                session=sid,
            )
            visit.probes[name] = result.get("result", {}).get("value")
        size = s.call("Page.getLayoutMetrics", session=sid)["cssContentSize"]
        s.call(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": 1200,
                "height": int(size["height"]) + 1,
                "deviceScaleFactor": 1,
                "mobile": False,
            },
            session=sid,
        )
        shot = s.call("Page.captureScreenshot", {"format": "png"}, session=sid)
        visit.screenshot = workdir / f"{page.stem}.png"
        visit.screenshot.write_bytes(base64.b64decode(shot["data"]))
    return visit


def print_page(browser: str, page: Path, workdir: Path) -> Path:
    """Print `page` to PDF as the browser's print dialog would (A4, the page's own @page rules,
    backgrounds on, no browser header or footer); return the PDF's path."""
    with _devtools(browser, workdir) as (s, sid):
        s.call("Page.enable", session=sid)
        _load(s, sid, page)
        pdf = s.call(
            "Page.printToPDF",
            {
                "paperWidth": 8.27,  # A4, for pages that set no size
                "paperHeight": 11.69,
                "preferCSSPageSize": True,
                "printBackground": True,
                "displayHeaderFooter": False,
            },
            session=sid,
            timeout=120,
        )
    out = workdir / f"{page.stem}.pdf"
    out.write_bytes(base64.b64decode(pdf["data"]))
    return out


# Every chart text must sit inside its svg and overlap no other text and no bar.
OVERLAP_PROBE = """
(() => {
  const problems = [];
  const inter = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
                          a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]);
    const rects = [...svg.querySelectorAll('rect')].map(r => r.getBoundingClientRect());
    for (const [s, r] of texts) {
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 ||
          r.bottom > box.bottom + 0.5) problems.push(svg.id + ': outside: ' + s);
      for (const q of rects) if (inter(r, q)) problems.push(svg.id + ': text on bar: ' + s);
    }
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (inter(texts[i][1], texts[j][1]))
          problems.push(svg.id + ': ' + texts[i][0] + ' / ' + texts[j][0]);
  }
  return problems;
})()
"""


# Chromium's PDF maps a few glyphs to CJK radical code points (⻔ for 门) that NFKC leaves alone.
_RADICALS = str.maketrans(
    "⻔⻓⻅⻋⻛⻜⻢⻝⻘⻩⻰⻚⻉⻆⻮⻯⻈⻊⻖⻏⻌", "门长见车风飞马食青黄龙页贝角钅纟讠丬氵阝辶"
)


def fold(text: str) -> str:
    """Text as compared with a printed page: NFKC, radicals folded, no white space (a wrapped
    cell or a justified line must not split a word)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).translate(_RADICALS).split())


def pdf_pages(pdf: Path) -> list[str]:
    """The folded text of each printed page."""
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # fonts without FontBBox: harmless
    with pdfplumber.open(pdf) as doc:
        return [fold(page.extract_text() or "") for page in doc.pages]


def pdf_right_edges(pdf: Path) -> list[tuple[float, float]]:
    """(page width, right end of the rightmost character, line or box) of each page, in points:
    a table even a border wider than the page's printable area ends beyond its right margin."""
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(pdf) as doc:
        return [
            (
                float(page.width),
                max((float(o["x1"]) for o in page.chars + page.lines + page.rects), default=0.0),
            )
            for page in doc.pages
        ]


def pdf_page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) of each page in points: landscape pages are wider than high."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()


def pdf_to_png(pdf: Path, folder: Path) -> list[Path]:
    """Each page as a PNG (to look at what a printer would print)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    out = []
    try:
        for i in range(len(doc)):
            path = folder / f"{pdf.stem}-page-{i + 1:02d}.png"
            doc[i].render(scale=1.3).to_pil().save(path)
            out.append(path)
    finally:
        doc.close()
    return out
