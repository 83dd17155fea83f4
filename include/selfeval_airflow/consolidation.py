"""The consolidation view served by the Airflow api-server (plugins/selfeval_consolidation.py
registers `app` under `MOUNT` and a link in the UI's navigation).

Each request resolves the share and the warehouse as the tasks do (`resources`), reads the runs
of our two DAGs from Airflow's metadata, and hands both to `selfeval.consolidation`, which builds
the page. Nothing is resolved when the plugin is imported; nothing is written. Plugin endpoints
are not protected by Airflow's login on their own: every route requires the caller to be
allowed to read the intake DAG (Airflow's own auth manager decides, from the session cookie or
a bearer token).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from selfeval import settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from selfeval.consolidation import Run, UnitKey

log = logging.getLogger(__name__)

MOUNT = "/selfeval"  # where the api-server mounts `app`
RUNS_SHOWN = 500  # the latest runs of both DAGs that the pages link to


def _may_read_the_dags() -> object:
    from airflow.api_fastapi.core_api.security import requires_access_dag

    return Depends(requires_access_dag("GET", param_dag_id=settings.INTAKE_DAG_ID))


app = FastAPI(
    title="selfeval consolidation view",
    dependencies=[_may_read_the_dags()],  # type: ignore[list-item]
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
)


class WarehouseMissing(Exception):
    """The configured SQLite warehouse file does not exist yet (nothing has been loaded)."""


@contextmanager
def _warehouse() -> Iterator[Engine]:
    """The warehouse the tasks use, opened for reading; a SQLite file is never created here."""
    from sqlalchemy.engine import make_url

    from selfeval.warehouse import connect, resolve_url
    from selfeval_airflow import resources

    at = resources.locate_share()
    url = resolve_url(resources.warehouse_url(), share=at.root)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise WarehouseMissing(parsed.database)
    engine = connect(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _runs(airflow_root: str) -> list[Run]:
    """The latest runs of the intake and annual DAGs, newest first, with their UI addresses."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from selfeval.consolidation import Run

    query = (
        select(DagRun.dag_id, DagRun.run_id, DagRun.state, DagRun.start_date, DagRun.end_date)
        .where(DagRun.dag_id.in_((settings.INTAKE_DAG_ID, settings.ANNUAL_DAG_ID)))
        .order_by(DagRun.run_after.desc(), DagRun.id.desc())
        .limit(RUNS_SHOWN)
    )
    with create_session() as session:
        rows = session.execute(query).all()
    return [
        Run(
            dag_id=dag_id,
            run_id=run_id,
            state=str(state or ""),
            started=started,
            ended=ended,
            url=f"{airflow_root}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}",
        )
        for dag_id, run_id, state, started, ended in rows
    ]


def _airflow_root(request: Request) -> str:
    """The path Airflow itself is served under ('' or e.g. /airflow), from our mount's path."""
    return str(request.scope.get("root_path", "")).removesuffix(MOUNT)


def _respond(request: Request, key: UnitKey | None) -> HTMLResponse:
    from sqlalchemy.exc import SQLAlchemyError

    from selfeval.consolidation import consolidation_page, unit_detail_page
    from selfeval.consolidation.pages import message_page
    from selfeval.errors import ConfigError

    try:
        runs = _runs(_airflow_root(request))
        with _warehouse() as engine:
            page = (
                consolidation_page(engine, runs)
                if key is None
                else unit_detail_page(engine, key, runs)
            )
    except ConfigError as exc:
        log.warning("consolidation view: %s", exc)
        return HTMLResponse(message_page("配置不完整，无法打开数据仓库。", str(exc)), 503)
    except WarehouseMissing as exc:
        return HTMLResponse(
            message_page("数据仓库还没有建立：接收任务运行一次后再来查看。", str(exc)), 503
        )
    except SQLAlchemyError as exc:
        log.exception("consolidation view: the warehouse could not be read")
        detail = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        return HTMLResponse(message_page("读取数据仓库失败。", detail), 503)
    if page is None:
        return HTMLResponse(message_page("找不到这个单位。"), 404)
    return HTMLResponse(page)


@app.get("/", response_class=HTMLResponse)
def matrix(request: Request) -> HTMLResponse:
    """Units × years."""
    return _respond(request, None)


@app.get("/units/{unit_id}", response_class=HTMLResponse)
def registered_unit(request: Request, unit_id: int) -> HTMLResponse:
    """A registry unit's page."""
    from selfeval.consolidation import UnitKey

    return _respond(request, UnitKey(unit_id))


@app.get("/reported/{name}", response_class=HTMLResponse)
def reported_unit(request: Request, name: str) -> HTMLResponse:
    """The page of a unit named by reports but missing from the registry."""
    from selfeval.consolidation import UnitKey

    return _respond(request, UnitKey(None, name))
