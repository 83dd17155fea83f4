"""Headless Chromium over the DevTools protocol (CDP), for the browser tests.

`chromium(browser, workdir)` starts Chromium with a fresh profile and its background services
off (so the only requests seen are the page's own) and yields a `Page`: one tab, its CDP
session, and the events received. Shared by tests/publish and tests/selfcheck: import as
`chromium` (tests/ is on sys.path). No driver to install: `websockets` speaks the protocol.
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
from dataclasses import dataclass
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
NO_BROWSER = "no headless Chromium on PATH (install Debian's `chromium` package; .ci/run does)"


def find_browser() -> str | None:
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Session:
    """One CDP connection: calls by id, and every event seen on the way kept in `events`."""

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


@dataclass
class Page:
    """One tab: `call` runs a CDP method in it."""

    cdp: Session
    session_id: str

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.cdp.call(method, params, session=self.session_id)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def navigate(self, url: str, timeout: float = 30) -> None:
        """Open `url` and wait until it has loaded."""
        self.cdp.events.clear()
        self.call("Page.navigate", {"url": url})
        self.cdp.wait_for("Page.loadEventFired", timeout)

    def choose_files(self, selector: str, files: list[Path]) -> None:
        """Put `files` in the file input `selector`, as a person choosing them would."""
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        node = self.call("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        self.call("DOM.setFileInputFiles", {"nodeId": node, "files": [str(f) for f in files]})

    def submit(self, selector: str, timeout: float = 30) -> None:
        """Submit the form `selector` and wait until the answer has loaded."""
        self.cdp.events.clear()
        self.evaluate(f"document.querySelector({json.dumps(selector)}).requestSubmit()")
        self.cdp.wait_for("Page.loadEventFired", timeout)

    def screenshot(self, path: Path, width: int = 1200) -> Path:
        """The whole page (not only the window) as a PNG at `path`."""
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": int(size["height"]) + 1,
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        shot = self.call("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


@contextlib.contextmanager
def chromium(browser: str, workdir: Path) -> Iterator[Page]:
    """A headless Chromium with one blank tab (Network, Page, Runtime and Log enabled), closed
    on exit."""
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
            s = Session(ws)
            target = s.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            sid = s.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for domain in ("Network", "Page", "Runtime", "Log"):
                s.call(f"{domain}.enable", session=sid)
            s.events.clear()
            yield Page(s, sid)
            # The browser may drop the socket while closing.
            with contextlib.suppress(Exception):
                s.call("Browser.close", timeout=5)
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
