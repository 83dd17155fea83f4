"""The CeleryExecutor profile on one machine: every Airflow component as its own process.

    python -m selfeval_airflow.cluster [--env-file deploy/cluster.env] [--port 18080]

(`make cluster`; Ctrl-C or `make cluster-stop` stops it.) Reads the profile from the env file
(template: deploy/cluster.env.example), creates its PostgreSQL databases when missing, runs
`airflow db migrate`, then starts `api-server`, `scheduler`, `dag-processor`, `triggerer` and
two `celery worker`s (`worker-a`, `worker-b`), each in its own session so that stopping one ends
its children and nothing else, waits until the api-server reports the scheduler, triggerer and
dag-processor healthy, both workers answer a Celery ping and the DAGs are parsed, and stays in
the foreground until told to stop. The cluster tests and `bench/bench_intake.py --executor
celery` start the same components through `Cluster`.

Both workers consume the one queue (`[operators] default_queue`, "default"): any worker takes
any batch, so a dead worker's batches are retried on the other. Each reports its own name as
the task instances' hostname (`selfeval_airflow.hostname`, ADR 0015).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).parent / "airflow")
WORKERS = ("worker-a", "worker-b")
SERVICES = ("api-server", "scheduler", "dag-processor", "triggerer")
HEALTH = ("metadatabase", "scheduler", "triggerer", "dag_processor")
DAG_IDS = ("selfeval_intake", "selfeval_annual_consolidation")


class ClusterError(RuntimeError):
    """A component did not start, died, or the cluster did not become healthy in time."""


@dataclass(frozen=True, slots=True)
class Component:
    """One process: its name (also its log file's), its command and its own environment."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)


def components(
    port: int, workers: Sequence[str] = WORKERS, concurrency: int = 2
) -> list[Component]:
    """The profile's processes. Logs are served by no one: on one machine every component
    writes and the api-server reads the same log folder (a worker's log server would also take
    a fixed port that another Airflow on the machine may hold)."""
    listed = [
        Component(
            "api-server", (AIRFLOW, "api-server", "-H", "127.0.0.1", "-p", str(port), "-w", "1")
        ),
        Component("scheduler", (AIRFLOW, "scheduler", "--skip-serve-logs")),
        Component("dag-processor", (AIRFLOW, "dag-processor")),
        Component("triggerer", (AIRFLOW, "triggerer", "--skip-serve-logs")),
    ]
    for name in workers:
        argv: tuple[str, ...] = (AIRFLOW, "celery", "worker", "--celery-hostname", f"{name}@%h")
        argv += ("--concurrency", str(concurrency), "--skip-serve-logs")
        listed.append(Component(name, argv, {"SELFEVAL_WORKER_NAME": name}))
    return listed


def redis_component(port: int) -> Component:
    """A Redis broker of one's own on loopback that saves nothing (benchmarks and tests, which
    must not touch a Redis that others use)."""
    argv = ("redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "")
    return Component("redis", (*argv, "--appendonly", "no"))


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments skipped, one pair of quotes stripped."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ClusterError(f"{path}:{number}: not KEY=VALUE: {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def profile(home: Path, port: int, settings: Mapping[str, str]) -> dict[str, str]:
    """The environment of every component: this process's, less any Airflow or selfeval
    setting it carries, the profile's defaults, then `settings` (the env file) over them."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_", "SELFEVAL_"))}
    return {
        **keep,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "selfeval_airflow.hostname.worker_name",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "GX_ANALYTICS_ENABLED": "false",
        **settings,
    }


def kept_secret(home: Path, name: str, make: Callable[[], str]) -> str:
    """A secret every component on this machine must share, made once and kept in the home."""
    path = home / f".{name}"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(make(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database `url` names when it does not exist (other URLs: nothing)."""
    import sqlalchemy as sa

    parsed = sa.make_url(url.removeprefix("db+"))
    if not parsed.drivername.startswith("postgresql") or not parsed.database:
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": parsed.database}
            ).scalar()
            if not found:
                conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def migrate(env: Mapping[str, str]) -> None:
    done = subprocess.run(
        [AIRFLOW, "db", "migrate"], env=dict(env), capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise ClusterError(f"airflow db migrate failed: {done.stderr[-3000:]}")


class Cluster:
    """The components as processes: start, watch, kill one, stop all."""

    def __init__(self, env: Mapping[str, str], logs: Path, listed: Sequence[Component]) -> None:
        self.env = dict(env)
        self.logs = logs
        self.listed = {c.name: c for c in listed}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, *names: str) -> None:
        """Start the named components (all when none is named), each in its own session."""
        self.logs.mkdir(parents=True, exist_ok=True)
        for name in names or tuple(self.listed):
            c = self.listed[name]
            with (self.logs / f"{name}.log").open("ab") as out:
                self.procs[name] = subprocess.Popen(
                    c.argv,
                    env={**self.env, **c.env},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

    def kill(self, name: str) -> None:
        """SIGKILL a component and every process under it, as when its machine dies."""
        import psutil

        proc = self.procs.pop(name)
        with suppress(psutil.NoSuchProcess):
            under = psutil.Process(proc.pid).children(recursive=True)
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            for child in under:
                with suppress(psutil.NoSuchProcess):
                    child.kill()
        proc.wait()

    def stop(self, *names: str, timeout: float = 30) -> None:
        """SIGTERM the named components' process groups (all when none is named), then SIGKILL
        those still there after `timeout` seconds."""
        chosen = [n for n in (names or tuple(self.procs)) if n in self.procs]
        for name in chosen:
            with suppress(ProcessLookupError):
                os.killpg(self.procs[name].pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name in chosen:
            proc = self.procs.pop(name)
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def dead(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is not None]

    def tails(self, chars: int = 2500) -> str:
        return "\n".join(
            f"--- {log.name} ---\n{log.read_text(encoding='utf-8', errors='replace')[-chars:]}"
            for log in sorted(self.logs.glob("*.log"))
        )

    def wait_for(self, done: Callable[[], bool], what: str, timeout: float) -> None:
        """Poll `done` every second; raise with the logs' tails when a component dies first
        or `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        while not done():
            dead = self.dead()
            if dead or time.monotonic() > deadline:
                why = f"{', '.join(dead)} died" if dead else f"not within {timeout:.0f} s"
                raise ClusterError(f"waiting for {what}: {why}\n{self.tails()}")
            time.sleep(1)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- asking the running cluster ---------------------------------------------------------------


class Api:
    """The public REST API (/api/v2) with a JWT from /auth/token."""

    def __init__(self, base: str, username: str, password: str) -> None:
        self.base, self.username, self.password = base, username, password
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            body = {"username": self.username, "password": self.password}
            self._token = str(self.call("POST", "/auth/token", body, auth=False)["access_token"])
        return self._token

    def call(self, method: str, path: str, body: Any = None, *, auth: bool = True) -> Any:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


def health(base: str) -> dict[str, str]:
    """Component → status from /api/v2/monitor/health (empty while the api-server is down)."""
    try:
        with urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=5) as response:
            body = json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return {}
    return {name: str(body.get(name, {}).get("status")) for name in HEALTH}


def celery_workers(broker_url: str, timeout: float = 2.0) -> set[str]:
    """The Celery node names (`worker-a@host` …) answering a ping on the broker."""
    from celery import Celery

    app = Celery(broker=broker_url)
    try:
        replies = app.control.ping(timeout=timeout) or []
    except Exception:  # the broker is down or refuses: no worker can be said to answer
        return set()
    finally:
        app.close()
    return {name for reply in replies for name in reply}


def not_ready(base: str, broker_url: str, workers: Sequence[str]) -> list[str]:
    """What is not yet healthy: components by the api-server's word, workers by ping."""
    status = health(base)
    if not status:
        return ["api-server"]
    missing = [name for name in HEALTH if status[name] != "healthy"]
    answering = {node.partition("@")[0] for node in celery_workers(broker_url)}
    return missing + [w for w in workers if w not in answering]


def dags_parsed(meta_url: str, dag_ids: Sequence[str] = DAG_IDS) -> bool:
    import sqlalchemy as sa

    engine = sa.create_engine(meta_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text(
                    "SELECT count(DISTINCT dag_id) FROM serialized_dag WHERE dag_id IN :ids"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": list(dag_ids)},
            ).scalar()
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    return found == len(dag_ids)


def wait_healthy(
    cluster: Cluster, port: int, workers: Sequence[str] = WORKERS, timeout: float = 300
) -> None:
    """Until every component is healthy, both workers answer and the DAGs are parsed."""
    base = f"http://127.0.0.1:{port}"
    broker = cluster.env["AIRFLOW__CELERY__BROKER_URL"]
    meta = cluster.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    cluster.wait_for(
        lambda: not not_ready(base, broker, workers) and dags_parsed(meta),
        "the components to be healthy and the DAGs parsed",
        timeout,
    )


# --- make cluster -------------------------------------------------------------------------------


@dataclass
class _Stop:
    asked: bool = False

    def __call__(self, signum: int, frame: object) -> None:
        self.asked = True


def _say(out: IO[str], text: str) -> None:
    print(text, file=out, flush=True)


def run(env_file: Path, port: int, timeout: float) -> int:
    settings = read_env_file(env_file)
    settings.setdefault("AIRFLOW_HOME", "var/cluster/airflow")
    for key in ("AIRFLOW_HOME", "SELFEVAL_SHARE"):  # relative paths: to the repository
        if settings.get(key):
            settings[key] = str(REPO / settings[key])
    home = Path(settings["AIRFLOW_HOME"])
    settings["AIRFLOW_HOME"] = str(home)
    for name, make in (
        ("AIRFLOW__API_AUTH__JWT_SECRET", lambda: secrets.token_hex(32)),
        ("AIRFLOW__CORE__FERNET_KEY", fernet_key),
    ):
        if not settings.get(name):  # on several machines these come from the env file
            settings[name] = kept_secret(home, name.lower(), make)
    env = profile(home, port, settings)
    for key in ("AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        if not env.get(key):
            raise ClusterError(f"{env_file}: {key} is not set")
    for key in (
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        "AIRFLOW__CELERY__RESULT_BACKEND",
        "AIRFLOW_CONN_SELFEVAL_WAREHOUSE",
    ):
        if env.get(key):
            ensure_database(env[key])
    if env.get("SELFEVAL_SHARE"):
        Path(env["SELFEVAL_SHARE"]).mkdir(parents=True, exist_ok=True)
    out = sys.stdout
    _say(out, f"airflow db migrate ({env['AIRFLOW__DATABASE__SQL_ALCHEMY_CONN']})")
    migrate(env)
    stop = _Stop()
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    pidfile = home / "cluster.pid"
    pidfile.write_text(str(os.getpid()), encoding="utf-8")
    cluster = Cluster(env, home / "components", components(port))
    try:
        cluster.start()
        _say(out, f"started {', '.join(cluster.procs)}; logs in {cluster.logs}")
        wait_healthy(cluster, port, timeout=timeout)
        _say(out, f"healthy: http://127.0.0.1:{port} (user admin; password in {home}/")
        _say(out, "simple_auth_manager_passwords.json.generated). Ctrl-C or make cluster-stop.")
        while not stop.asked:
            if dead := cluster.dead():
                _say(out, f"{', '.join(dead)} died:\n{cluster.tails()}")
                return 1
            time.sleep(1)
        _say(out, "stopping")
        return 0
    except ClusterError as exc:
        _say(out, str(exc))
        return 1
    finally:
        cluster.stop()
        pidfile.unlink(missing_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--env-file", type=Path, default=REPO / "deploy" / "cluster.env")
    parser.add_argument("--port", type=int, default=18080, help="the api-server's (loopback)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to become healthy")
    args = parser.parse_args(argv)
    if not args.env_file.exists():
        parser.error(f"{args.env_file} not found: copy deploy/cluster.env.example there")
    try:
        return run(args.env_file, args.port, args.timeout)
    except ClusterError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
