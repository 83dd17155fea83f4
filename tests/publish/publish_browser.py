"""Open a page in headless Chromium (tests/chromium.py) and record what it fetched.

Chromium runs with a fresh profile and its background services off, so the only requests seen
are the page's own. `open_page` returns every URL the page requested, console and CSP messages,
the results of JavaScript probes, and writes a full-page screenshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chromium import chromium, find_browser

__all__ = ["OVERLAP_PROBE", "PageVisit", "find_browser", "open_page"]


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
