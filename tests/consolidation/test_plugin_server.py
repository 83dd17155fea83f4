"""The consolidation view in a real `airflow api-server` (started by this module on a free port
with a temporary AIRFLOW_HOME, this repository's plugins/ and the scenario warehouse): it asks for
a login, serves the same matrix the library builds, the unit pages, and is in the navigation.
Skipped with the reason and the server's log when the server cannot start here."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from consolidation_support import MATRIX, REPO, SHATOU_REASON, matrix_from_html

pytestmark = pytest.mark.airflow_server

AIRFLOW = Path(sys.executable).parent / "airflow"
USER, PASSWORD = "team", "consolidation-test"
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(home: Path, share: Path, warehouse_url: str) -> dict[str, str]:
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps({USER: PASSWORD}), encoding="utf-8")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_", "SELFEVAL_"))}
    return {
        **keep,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "SELFEVAL_SHARE": str(share),
        "SELFEVAL_WAREHOUSE_URL": warehouse_url,
        "GX_ANALYTICS_ENABLED": "false",
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any, scenario_url: str) -> Iterator[str]:
    home = tmp_path_factory.mktemp("airflow-home")
    share = Path(scenario_url.removeprefix("sqlite:///")).parent
    env = _env(home, share, scenario_url)
    migrate = subprocess.run(
        [str(AIRFLOW), "db", "migrate"], env=env, capture_output=True, text=True, timeout=300
    )
    if migrate.returncode != 0:
        pytest.skip(f"airflow db migrate failed: {migrate.stderr[-2000:]}")
    # Our DAGs in the metadata, so that a run can be triggered for the pages to link to.
    parsed = subprocess.run(
        [str(AIRFLOW), "dags", "reserialize"], env=env, capture_output=True, text=True, timeout=300
    )
    if parsed.returncode != 0:
        pytest.skip(f"airflow dags reserialize failed: {parsed.stderr[-2000:]}")
    port = _free_port()
    log = home / "api-server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(AIRFLOW), "api-server", "-H", "127.0.0.1", "-p", str(port), "-w", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers share our process group id: stopped together
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
                    pytest.skip(f"airflow api-server did not start on port {port}: {tail}")
                time.sleep(1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def token(server: str) -> str:
    body = json.dumps({"username": USER, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{server}/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return str(json.load(response)["access_token"])


def _trigger(server: str, token: str, dag_id: str) -> str:
    """A manual run (no scheduler runs here: it stays queued); its run_id."""
    body = json.dumps({"logical_date": None, "conf": {"fiscal_year": 2024}}).encode()
    request = urllib.request.Request(
        f"{server}/api/v2/dags/{dag_id}/dagRuns",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return str(json.load(response)["dag_run_id"])


def test_the_view_asks_for_a_login(server: str) -> None:
    assert [_get(f"{server}{path}")[0] for path in ("/selfeval/", "/selfeval/units/1")] == [
        401,
        401,
    ]
    assert _get(f"{server}/selfeval/", "not-a-token")[0] in (401, 403)


def test_the_api_server_serves_the_matrix_and_the_unit_pages(server: str, token: str) -> None:
    status, page = _get(f"{server}/selfeval/", token)
    assert status == 200, page
    assert matrix_from_html(page) == MATRIX
    assert '<h2>最近的运行</h2>\n<p class="note">没有找到运行记录。</p>' in page

    run_id = _trigger(server, token, "selfeval_annual_consolidation")
    status, page = _get(f"{server}/selfeval/", token)
    link = f'<a href="/dags/selfeval_annual_consolidation/runs/{quote(run_id, safe="")}" target="_top">'
    assert status == 200 and f"{link}selfeval_annual_consolidation · {run_id}</a>（排队中）" in page

    shatou = page.split('">沙头街道</a>')[0].rsplit('<a href="', 1)[1]
    status, unit = _get(f"{server}/selfeval/{shatou}", token)
    assert status == 200 and SHATOU_REASON in unit and "<h1>沙头街道</h1>" in unit

    status, reported = _get(f"{server}/selfeval/reported/{quote('新造镇')}", token)
    assert status == 200 and "未在单位名录中，待核实" in reported
    assert _get(f"{server}/selfeval/units/999999", token)[0] == 404


def test_the_view_is_in_the_navigation(server: str, token: str) -> None:
    status, body = _get(f"{server}/api/v2/plugins", token)
    assert status == 200, body
    [plugin] = [p for p in json.loads(body)["plugins"] if p["name"] == "selfeval_consolidation"]
    assert [(a["url_prefix"], a["name"]) for a in plugin["fastapi_apps"]] == [
        ("/selfeval", "自评汇总")
    ]
    assert [
        (v["name"], v["href"], v["url_route"], v["destination"], v["nav_top_level"])
        for v in plugin["external_views"]
    ] == [("自评汇总", "selfeval/", "selfeval", "nav", True)]


def test_no_warehouse_yet_is_said_and_nothing_is_created(tmp_path: Path) -> None:
    """In a process configured like the server, before anything was loaded: the view says so,
    and neither a warehouse file nor the share's folders appear."""
    share = tmp_path / "share"
    share.mkdir()
    env = _env(tmp_path, share, "")
    del env["SELFEVAL_WAREHOUSE_URL"]
    code = (
        "from selfeval_airflow import consolidation as c\n"
        "try:\n"
        "    with c._warehouse():\n"
        "        raise SystemExit('opened')\n"
        "except c.WarehouseMissing as exc:\n"
        "    print('missing', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == f"missing {share / 'warehouse.db'}"
    assert sorted(p.name for p in share.iterdir()) == []


# Where the browser test leaves its screenshots (git-ignored): look at them.
ARTIFACTS = Path(os.environ.get("SELFEVAL_TEST_ARTIFACTS", REPO / "var" / "test-artifacts"))


@pytest.mark.browser
def test_a_person_logs_in_and_reads_the_matrix_in_chromium(server: str, tmp_path: Path) -> None:
    """Through Airflow's own login page, as the data team does: then the consolidation view,
    framed in the Airflow UI and on its own, with registered, unregistered (待核实), rejected
    and missing units."""
    from chromium import NO_BROWSER, chromium, find_browser

    browser = find_browser()
    if browser is None:
        pytest.skip(NO_BROWSER)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium(browser, tmp_path / "chromium") as page:
        page.navigate(f"{server}/selfeval/")
        assert "401" in page.evaluate("document.body.innerText") or page.evaluate(
            "document.body.innerText"
        ).startswith("{")  # not logged in: the view refuses
        page.navigate(f"{server}/auth/login?next={quote(server + '/selfeval/', safe='')}")
        _wait(page, "document.querySelectorAll('input').length >= 2", "the login form")
        page.screenshot(ARTIFACTS / "consolidation-0-login.png")
        # Typed as a person types (the form is a React app: it reads key input, not values).
        for index, text in ((0, USER), (1, PASSWORD)):
            page.evaluate(f"document.querySelectorAll('input')[{index}].focus()")
            page.call("Input.insertText", {"text": text})
        _wait(page, "!document.querySelector('button[type=submit]').disabled", "Sign in enabled")
        page.evaluate("document.querySelector('button[type=submit]').click()")
        _wait(page, "!location.pathname.startsWith('/auth/login')", "the login to go through")
        page.navigate(f"{server}/selfeval/")
        _wait(page, "!!document.querySelector('tbody')", "the matrix")
        html = page.evaluate("document.documentElement.outerHTML")
        assert matrix_from_html(html) == MATRIX
        assert "未在单位名录中，待核实" in page.evaluate("document.body.innerText")
        shot = page.screenshot(ARTIFACTS / "consolidation-1-matrix.png")
        assert shot.stat().st_size > 20_000
        # Inside the Airflow UI: the navigation entry frames the same page.
        page.navigate(f"{server}/plugin/selfeval")
        _wait(
            page,
            "[...document.querySelectorAll('iframe')].some(f => f.contentDocument &&"
            " f.contentDocument.querySelector('tbody'))",
            "the framed view",
        )
        page.screenshot(ARTIFACTS / "consolidation-2-in-airflow.png")


def _wait(page: Any, condition: str, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not page.evaluate(
        f"(() => {{ try {{ return {condition}; }} catch (e) {{ return false; }} }})()"
    ):
        if time.monotonic() > deadline:
            text = page.evaluate("document.body && document.body.innerText")
            raise AssertionError(f"no {what} within {seconds}s; the page says: {text!r:.1000}")
        time.sleep(0.5)
