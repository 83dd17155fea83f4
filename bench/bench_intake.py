"""The intake DAG run by a real scheduler (LocalExecutor) over generated reports: wall and CPU
time, task instances, cost per report.

    .venv/bin/python bench/bench_intake.py [--reports 200 1000] [--batch-files N]
        [--metadata postgres|sqlite] [--parallelism 2]

For each size: a throwaway AIRFLOW_HOME and share, the Airflow metadata in a dedicated
PostgreSQL database (`selfeval_bench_airflow` on 127.0.0.1:5432, dropped afterwards; or SQLite
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
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BIN = Path(sys.executable).parent
DAG_ID = "selfeval_intake"
# Two of these before a unit's name make another unit the reader still recognises (a digit
# would not); 400 prefixes × 6 fiscal years keep most reports from being versions of another.
PREFIX = "东西南北青石长平永新金银龙凤安和兴福华云"


def sources() -> list[str]:
    seeds = sorted((SHARED / "seeds").glob("0*.txt")) or sorted(
        (ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")
    )
    corpus = sorted((SHARED / "corpus").glob("*.txt"))
    if not corpus:
        print(f"({SHARED / 'corpus'} not found: seeds only)")
    return [p.read_text(encoding="utf-8") for p in seeds + corpus]


def unit_names(texts: list[str]) -> list[str | None]:
    from selfeval.extract import extract_text

    return [extract_text(t).unit.name or None for t in texts]


def make_reports(inbox: Path, count: int) -> None:
    """`count` distinct reports in `inbox`, spread over a few sub-folders."""
    rng = random.Random(20261130)
    texts = sources()
    names = unit_names(texts)
    for i in range(count):
        k = i % len(texts)
        text, name = texts[k], names[k]
        if name and i % 4:
            text = text.replace(name, f"{PREFIX[i % 20]}{PREFIX[i // 20 % 20]}{name}")
        year = 2019 + i % 6
        text = text.replace("2024", str(year + 1)).replace("2023", str(year))
        text = text.replace("97", str(rng.randint(60, 99)))
        folder = inbox / f"区{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        body = f"{text}\n\n报告编号: BENCH-{i:05d}\n"
        (folder / f"自评报告_{i:05d}.txt").write_text(body, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def metadata_db(kind: str, server: str, home: Path) -> Iterator[str]:
    """A fresh Airflow metadata database; dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{home / 'airflow.db'}"
        return
    name = "selfeval_bench_airflow"
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


def run_once(count: int, size: int | None, args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="selfeval-bench-intake-"))
    home, share, logs = tmp / "airflow", tmp / "share", tmp / "logs"
    for folder in (home, share / "inbox", logs):
        folder.mkdir(parents=True)
    shutil.copy(ROOT / "samples" / "units.csv", share / "units.csv")
    make_reports(share / "inbox", count)
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with metadata_db(args.metadata, args.postgres, home) as url:
            env = {
                **os.environ,
                "AIRFLOW_HOME": str(home),
                "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__PARALLELISM": str(args.parallelism),
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                # Only the triggered run: no run for the schedule's last interval.
                "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url,
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
                "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
                "SELFEVAL_SHARE": str(share),
                "GX_ANALYTICS_ENABLED": "false",
            }
            started = time.perf_counter()
            airflow = str(BIN / "airflow")
            subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True)
            components = {
                "api-server": [airflow, "api-server", "--port", str(port), "--workers", "1"],
                "scheduler": [airflow, "scheduler"],
                "dag-processor": [airflow, "dag-processor"],
            }
            for name, cmd in components.items():
                out = (logs / f"{name}.log").open("wb")
                procs.append(start(cmd, env, out))
            meta = sa.create_engine(url, pool_pre_ping=True)
            wait_for(lambda: parsed(meta), "the DAG to be parsed", 300, procs, logs)
            print(
                f"  start-up (migrate, components, first parse): {time.perf_counter() - started:.0f} s"
            )
            load_before = os.getloadavg()
            cpu_before = cpu_seconds(procs)
            run_id = f"bench_{count}_{int(time.time())}"
            conf = {} if size is None else {"batch_files": size}
            subprocess.run(
                [airflow, "dags", "trigger", DAG_ID, "-r", run_id, "-c", json.dumps(conf)],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            wait_for(lambda: finished(meta, run_id), "the run", args.timeout, procs, logs)
            cpu = cpu_seconds(procs) - cpu_before
            load_after = os.getloadavg()
            figures = describe(meta, run_id, share, count)
            meta.dispose()
            figures.update(cpu=cpu, load_before=load_before, load_after=load_after)
            return figures
    finally:
        for proc in procs:  # each started in its own session: end its group, nothing else
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if args.keep:
            print(f"  kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def start(cmd: list[str], env: dict[str, str], out: Any) -> subprocess.Popen[bytes]:
    """A component in its own session, so that ending it ends its children and nothing else."""
    return subprocess.Popen(
        cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for(
    done: Any, what: str, timeout: float, procs: list[subprocess.Popen[bytes]], logs: Path
) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        dead = [p for p in procs if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            tails = {f.name: f.read_text(errors="replace")[-2000:] for f in logs.glob("*.log")}
            raise SystemExit(f"gave up waiting for {what}: {json.dumps(tails, indent=1)}")
        time.sleep(1)


def parsed(meta: sa.Engine) -> bool:
    with suppress(sa.exc.OperationalError, sa.exc.ProgrammingError), meta.connect() as conn:
        query = "SELECT count(*) FROM serialized_dag WHERE dag_id = :d"
        return bool(conn.execute(sa.text(query), {"d": DAG_ID}).scalar())
    return False


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


def describe(meta: sa.Engine, run_id: str, share: Path, count: int) -> dict[str, Any]:
    with meta.connect() as conn:
        run = conn.execute(
            sa.text("SELECT state, queued_at, start_date, end_date FROM dag_run WHERE run_id = :r"),
            {"r": run_id},
        ).one()
        tis = conn.execute(
            sa.text("SELECT task_id, state, duration FROM task_instance WHERE run_id = :r"),
            {"r": run_id},
        ).all()
    warehouse = sa.create_engine(f"sqlite:///{share / 'warehouse.db'}")
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
    parser.add_argument("--metadata", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432")
    parser.add_argument("--parallelism", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the AIRFLOW_HOME and share")
    args = parser.parse_args(argv)
    from selfeval import settings

    ok = True
    for size in args.batch_files:
        print(
            f"intake DAG, real scheduler, LocalExecutor (parallelism {args.parallelism}), "
            f"{args.metadata} metadata, batch_files {size or settings.INTAKE_BATCH_FILES}, "
            f"{os.cpu_count()} CPUs"
        )
        for count in args.reports:
            print(f"{count} reports:")
            f = run_once(count, size, args)
            ok &= f["state"] == "success"
            report(f, count)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
