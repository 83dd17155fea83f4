"""Open a page in headless Chromium over the DevTools protocol and record what it fetched.

Chromium comes from tests/chromium.py (a fresh profile, background services off, so the only
requests seen are the page's own). `open_page` returns every URL the page requested, console and CSP messages,
the results of JavaScript probes, and writes a full-page screenshot; `print_page` prints the page
to PDF with the browser's own print (what an office PC's Ctrl+P does).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chromium import chromium
from chromium import find_browser as find_browser  # the tests import it from here


@dataclass
class PageVisit:
    requests: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    probes: dict[str, Any] = field(default_factory=dict)
    screenshot: Path | None = None


def open_page(browser: str, page: Path, workdir: Path, probes: dict[str, str]) -> PageVisit:
    """Load `page` (a local file), run `probes` (name -> JS expression), screenshot the page."""
    visit = PageVisit()
    with chromium(browser, workdir) as tab:
        tab.navigate(page.resolve().as_uri())
        tab.cdp.drain(1.0)  # anything the page would fetch late
        for event in tab.cdp.events:
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
            visit.probes[name] = tab.evaluate(expression)
        visit.screenshot = tab.screenshot(workdir / f"{page.stem}.png")
    return visit


def print_page(browser: str, page: Path, workdir: Path) -> Path:
    """Print `page` to PDF as the browser's print dialog would (A4, the page's own @page rules,
    backgrounds on, no browser header or footer); return the PDF's path."""
    with chromium(browser, workdir) as tab:
        tab.navigate(page.resolve().as_uri())
        pdf = tab.cdp.call(
            "Page.printToPDF",
            {
                "paperWidth": 8.27,  # A4, for pages that set no size
                "paperHeight": 11.69,
                "preferCSSPageSize": True,
                "printBackground": True,
                "displayHeaderFooter": False,
            },
            session=tab.session_id,
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
