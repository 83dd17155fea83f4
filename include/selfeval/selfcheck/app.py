"""The self-check web app (`selfeval serve`): GET / is the form, POST /check answers the findings.

The reading and checking run in one worker process of their own (spawned, so the reader's
`fork` under limits happens in a single-threaded process, never in the server's threads), warm
from start-up so the first clerk does not wait for the checks to import. Uploads are served one
at a time in that worker. A worker that dies is replaced, and the clerk is told to try again.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from selfeval import settings
from selfeval.selfcheck.page import STYLE, error_page, form_page, results_page
from selfeval.selfcheck.run import check_uploads, warm
from selfeval.selfcheck.upload import UploadRefused, read_uploads

log = logging.getLogger(__name__)

MAX_FILES = 10
# Room for MAX_FILES reports at the limit and one file over it that the page can still name.
MAX_BODY_BYTES = (MAX_FILES + 2) * settings.MAX_REPORT_BYTES
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # the findings quote the report: no copy in the browser's cache
}


class _Worker:
    """The one process that reads and checks uploads; replaced when it dies."""

    def __init__(self) -> None:
        self.pool = self._start()

    @staticmethod
    def _start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=warm
        )

    def restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._start()


def create_app(*, suites_dir: Path | None = None) -> FastAPI:
    """The app; `suites_dir` as for `selfeval check --suites`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = _Worker()
        worker.pool.submit(int)  # start it now: warm() runs before the first upload
        app.state.worker = worker
        try:
            yield
        finally:
            worker.pool.shutdown(wait=True, cancel_futures=True)

    app = FastAPI(
        title="selfeval 自查", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )

    def page(html: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    @app.get("/", response_class=HTMLResponse)
    async def form() -> HTMLResponse:
        return page(form_page())

    @app.get("/style.css")
    async def style() -> Response:
        return Response(STYLE, media_type="text/css; charset=utf-8", headers=HEADERS)

    @app.post("/check", response_class=HTMLResponse)
    async def check(request: Request) -> HTMLResponse:
        try:
            uploads = await read_uploads(
                request.headers.get("content-type", ""),
                request.stream(),
                max_files=MAX_FILES,
                max_body_bytes=MAX_BODY_BYTES,
            )
        except UploadRefused as exc:
            return page(error_page(exc.message), exc.status)
        if not uploads:
            return page(error_page("没有收到文件：请先选择报告文件，再点“开始检查”。"), 400)
        worker: _Worker = request.app.state.worker
        loop = asyncio.get_running_loop()
        try:
            results = await loop.run_in_executor(worker.pool, check_uploads, uploads, suites_dir)
        except BrokenProcessPool:
            worker.restart()
            return page(error_page("检查程序意外停止，已重新启动：请再上传一次。"), 503)
        except Exception:  # a broken suite or a bug: the clerk gets a page, the log the trace
            log.exception("self-check failed")
            return page(error_page("检查程序出错，暂时无法检查：请稍后再试，或联系区数据组。"), 500)
        return page(results_page(results))

    return app
