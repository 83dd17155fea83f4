"""The intake DAG run by a real scheduler (LocalExecutor, or two Celery workers) over generated
reports: wall and CPU time, task instances, cost per report.

    .venv/bin/python bench/bench_intake.py [--reports 200 1000] [--batch-files N]
        [--metadata postgres|sqlite] [--parallelism 2] [--executor local celery]
        [--warehouse sqlite|postgres]

`--executor celery` starts the CeleryExecutor profile of `make cluster` instead
(`selfeval_airflow.cluster`: api-server, scheduler, dag-processor, triggerer and two Celery
workers of `--parallelism / 2` slots each — the same number of task slots as the LocalExecutor —
with a Redis of its own on a free port); both executors given, the figures are printed side by
side. `--warehouse postgres` puts the warehouse in a throwaway PostgreSQL database
(`selfeval_bench_warehouse_<pid>`) instead of SQLite in the share.

For each size: a throwaway AIRFLOW_HOME and share, the Airflow metadata in a dedicated
PostgreSQL database (`selfeval_bench_airflow_<pid>` on 127.0.0.1:5432, dropped afterwards; or SQLite
with `--metadata sqlite`, which Airflow 3's LocalExecutor accepts), `airflow db migrate`, then
`airflow api-server`, `airflow scheduler` and `airflow dag-processor` as processes. Once the DAG
is parsed, one run of `selfeval_intake` is triggered (`batch_files` as given) and watched to its
end. The warehouse is SQLite in the share, as by default.

Reports are the seeds (../shared/seeds, else tests/fixtures/seeds) and the corpus passages
(../shared/corpus) with their fiscal year and scores changed and, three times in four, their
unit renamed, each with its own document number, so every file is a new report.

Printed per size: the run's wall time (queued → finished, from the metadata), the CPU time of
every Airflow process and its children during the run (scheduler, executor workers, task
processes, api-server, dag-processor), task instances by task, cost per report, the outcomes,
and the load average before and after (the figures mean little on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DAG_ID = "selfeval_intake"
sys.path.insert(0, str(ROOT / "tests"))

from intake_reports import make_reports  # noqa: E402
from selfeval_airflow import cluster as cl  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database(name: str, server: str) -> Iterator[str]:
    """A fresh PostgreSQL database on `server`; dropped afterwards."""
    admin = sa.create_engine(f"{server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def metadata_db(kind: str, server: str, home: Path) -> Iterator[str]:
    """A fresh Airflow metadata database; dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{home / 'airflow.db'}"
        return
    with database(f"selfeval_bench_airflow_{os.getpid()}", server) as url:
        yield url


@contextmanager
def warehouse_db(kind: str, server: str, share: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{share / 'warehouse.db'}"
        return
    with database(f"selfeval_bench_warehouse_{os.getpid()}", server) as url:
        yield url


def cpu_seconds(procs: list[subprocess.Popen[bytes]]) -> float:
    """User + system CPU of the processes, their live descendants, and the children each reaped."""
    total = 0.0
    for proc in procs:
        with suppress(psutil.NoSuchProcess):
            top = psutil.Process(proc.pid)
            for p in [top, *top.children(recursive=True)]:
                with suppress(psutil.NoSuchProcess):
                    t = p.cpu_times()
                    total += t.user + t.system + t.children_user + t.children_system
    return total


def started(executor: str, env: dict[str, str], port: int, logs: Path, slots: int) -> cl.Cluster:
    """The components, started: for the LocalExecutor the api-server, scheduler and
    dag-processor; for Celery the profile of `make cluster` with a Redis of its own."""
    if executor == "local":
        listed = [c for c in cl.components(port) if c.name in ("api-server", "scheduler")]
        listed.append(cl.Component("dag-processor", (cl.AIRFLOW, "dag-processor")))
        cluster = cl.Cluster(env, logs, listed)
        cluster.start()
        cluster.wait_for(lambda: cl.dags_parsed(env[META], [DAG_ID]), "the DAG to be parsed", 300)
        return cluster
    redis_port = free_port()
    env["AIRFLOW__CELERY__BROKER_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    env["AIRFLOW__CELERY__RESULT_BACKEND"] = "db+" + env[META].replace("+psycopg2", "")
    per_worker = max(1, slots // 2)
    cluster = cl.Cluster(
        env, logs, [cl.redis_component(redis_port), *cl.components(port, concurrency=per_worker)]
    )
    cluster.start("redis")
    cluster.start(*[c for c in cluster.listed if c != "redis"])
    cl.wait_healthy(cluster, port, timeout=300)
    return cluster


META = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"


def run_once(
    executor: str, count: int, size: int | None, args: argparse.Namespace
) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="selfeval-bench-intake-"))
    home, share, logs = tmp / "airflow", tmp / "share", tmp / "logs"
    for folder in (home, share / "inbox", logs):
        folder.mkdir(parents=True)
    shutil.copy(ROOT / "samples" / "units.csv", share / "units.csv")
    make_reports(share / "inbox", count)
    port = free_port()
    cluster: cl.Cluster | None = None
    try:
        with (
            metadata_db(args.metadata, args.postgres, home) as url,
            warehouse_db(args.warehouse, args.postgres, share) as warehouse,
        ):
            env = cl.profile(
                home,
                port,
                {
                    META: url,
                    "AIRFLOW__CORE__EXECUTOR": "LocalExecutor"
                    if executor == "local"
                    else "CeleryExecutor",
                    "AIRFLOW__CORE__PARALLELISM": str(args.parallelism),
                    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                    # Only the triggered run: no run for the schedule's last interval.
                    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
                    "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
                    "SELFEVAL_SHARE": str(share),
                    "SELFEVAL_WAREHOUSE_URL": warehouse,
                },
            )
            began = time.perf_counter()
            cl.migrate(env)
            cluster = started(executor, env, port, logs, args.parallelism)
            print(
                f"  start-up (migrate, components, first parse): {time.perf_counter() - began:.0f} s"
            )
            procs = list(cluster.procs.values())
            load_before = os.getloadavg()
            cpu_before = cpu_seconds(procs)
            run_id = f"bench_{count}_{int(time.time())}"
            conf = {} if size is None else {"batch_files": size}
            subprocess.run(
                [cl.AIRFLOW, "dags", "trigger", DAG_ID, "-r", run_id, "-c", json.dumps(conf)],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            meta = sa.create_engine(url, pool_pre_ping=True)
            cluster.wait_for(lambda: finished(meta, run_id), "the run", args.timeout)
            cpu = cpu_seconds(procs) - cpu_before
            load_after = os.getloadavg()
            figures = describe(meta, run_id, share, count, warehouse)
            meta.dispose()
            figures.update(cpu=cpu, load_before=load_before, load_after=load_after)
            return figures
    except cl.ClusterError as exc:
        raise SystemExit(str(exc)) from exc
    finally:
        if cluster is not None:
            cluster.stop()
        if args.keep:
            print(f"  kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def finished(meta: sa.Engine, run_id: str) -> bool:
    # A connection dropped by the server (others share it) is asked again a second later.
    with suppress(sa.exc.OperationalError), meta.connect() as conn:
        state = conn.execute(
            sa.text("SELECT state FROM dag_run WHERE run_id = :r"), {"r": run_id}
        ).scalar()
        return state in ("success", "failed")
    return False


def moment(value: datetime | str) -> datetime:
    """A timestamp from the metadata (SQLite gives text)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def describe(
    meta: sa.Engine, run_id: str, share: Path, count: int, warehouse_url: str
) -> dict[str, Any]:
    with meta.connect() as conn:
        run = conn.execute(
            sa.text("SELECT state, queued_at, start_date, end_date FROM dag_run WHERE run_id = :r"),
            {"r": run_id},
        ).one()
        tis = conn.execute(
            sa.text(
                "SELECT task_id, state, duration, hostname FROM task_instance WHERE run_id = :r"
            ),
            {"r": run_id},
        ).all()
    warehouse = sa.create_engine(warehouse_url)
    with warehouse.connect() as conn:
        status = dict(
            conn.execute(sa.text("SELECT status, count(*) FROM submission GROUP BY status")).all()
        )
    warehouse.dispose()
    by_task: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for t in tis:
        by_task[t.task_id] = by_task.get(t.task_id, 0) + 1
        seconds[t.task_id] = seconds.get(t.task_id, 0.0) + (t.duration or 0)
    return {
        "reports": count,
        "state": run.state,
        "wall": (moment(run.end_date) - moment(run.queued_at)).total_seconds(),
        "task_instances": len(tis),
        "by_task": by_task,
        "task_seconds": seconds,
        "states": sorted({str(t.state) for t in tis}),
        "hosts": dict(Counter(t.hostname for t in tis if t.task_id == "take_in")),
        "submissions": status,
        "left_in_inbox": sum(1 for p in (share / "inbox").rglob("*") if p.is_file()),
    }


def report(f: dict[str, Any], count: int) -> None:
    in_tasks = ", ".join(
        f"{task} {f['by_task'][task]} × {f['task_seconds'][task] / f['by_task'][task]:.1f} s"
        for task in sorted(f["by_task"])
    )
    print(
        f"  run {f['state']}: wall {f['wall']:.1f} s, CPU {f['cpu']:.1f} s "
        f"({f['wall'] / count * 1000:.0f} ms wall, {f['cpu'] / count * 1000:.0f} ms CPU "
        f"per report); {f['task_instances']} task instances ({in_tasks}; states "
        f"{', '.join(f['states'])})"
    )
    print(
        f"  submissions {f['submissions']}, left in inbox {f['left_in_inbox']}; "
        f"load average before {f['load_before'][0]:.2f}, after {f['load_after'][0]:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[200, 1000])
    parser.add_argument(
        "--batch-files", type=int, nargs="+", default=[None], help="default: the DAG's"
    )
    parser.add_argument("--executor", choices=["local", "celery"], nargs="+", default=["local"])
    parser.add_argument("--metadata", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--warehouse", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432")
    parser.add_argument("--parallelism", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the AIRFLOW_HOME and share")
    args = parser.parse_args(argv)
    # Stopped with SIGTERM, stop the components too (the `finally` of run_once).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if "celery" in args.executor and args.metadata == "sqlite":
        parser.error("the CeleryExecutor needs PostgreSQL metadata (--metadata postgres)")
    from selfeval import settings

    ok = True
    table: list[tuple[str, int, dict[str, Any]]] = []
    for size in args.batch_files:
        for executor in args.executor:
            slots = (
                f"LocalExecutor (parallelism {args.parallelism})"
                if executor == "local"
                else f"CeleryExecutor (2 workers × {max(1, args.parallelism // 2)} slots)"
            )
            print(
                f"intake DAG, real scheduler, {slots}, {args.metadata} metadata, "
                f"{args.warehouse} warehouse, batch_files {size or settings.INTAKE_BATCH_FILES}, "
                f"{os.cpu_count()} CPUs"
            )
            for count in args.reports:
                print(f"{count} reports:")
                f = run_once(executor, count, size, args)
                ok &= f["state"] == "success"
                report(f, count)
                table.append((executor, count, f))
    if len(args.executor) > 1:
        print(
            "\n| reports | executor | wall | CPU | per report (wall, CPU) | take_in by host | load avg |"
        )
        print("|---|---|---|---|---|---|---|")
        for executor, count, f in sorted(table, key=lambda t: (t[1], t[0] != "local")):
            hosts = ", ".join(f"{h} {n}" for h, n in sorted(f["hosts"].items()))
            print(
                f"| {count:,} | {executor} | {f['wall']:.1f} s | {f['cpu']:.1f} s | "
                f"{f['wall'] / count * 1000:.0f} ms, {f['cpu'] / count * 1000:.0f} ms | "
                f"{hosts} | {f['load_before'][0]:.2f} → {f['load_after'][0]:.2f} |"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
