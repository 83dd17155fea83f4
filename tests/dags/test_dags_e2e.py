"""Both DAGs end to end with Airflow's own dag.test(), into SQLite and PostgreSQL, with a real
SMTP server on loopback: the seeds loaded, archived, answered; unreadable files rejected; an SMTP
outage survived with every alert sent exactly once; a failing file failing the run."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dag_env import REPO
from sqlalchemy import select

from alerts.smtp_sink import Received, body_html, body_text, free_port, smtp_sink
from selfeval import settings
from selfeval.warehouse import connect
from selfeval.warehouse.schema import alert_outbox, submission

pytestmark = [pytest.mark.e2e]

BINARY = bytes(range(256)) * 8
# The batch `env`'s inbox makes, as the grid shows it once taken in: the units the reports
# name, then the files that named none (scan order), and what became of them.
BATCH = "1/1 · 白鹤洞街道、钟村街道、扫描件.txt、空白.txt · 载入 2，有错误 2，拒收 2（扫描件.txt、空白.txt）"


@pytest.fixture
def env(
    airflow_db: Path, warehouse_url: str, tmp_path: Path, seed_paths: list[Path], clean_env: None
) -> Iterator[dict[str, Any]]:
    """A share holding both seeds, a binary and an empty file; config through env variables."""
    share = tmp_path / "share"
    (share / "inbox" / "番禺区").mkdir(parents=True)
    shutil.copy(seed_paths[0], share / "inbox" / "番禺区" / "钟村街道2024自评.txt")
    shutil.copy(seed_paths[1], share / "inbox" / "白鹤洞街道 2024.txt")
    (share / "inbox" / "扫描件.txt").write_bytes(BINARY)
    (share / "inbox" / "空白.txt").write_bytes(b"")
    # a name that is not text: refused at scan, it must not stop the run (XCom is JSON)
    (share / "inbox" / os.fsdecode(b"bad\xffname.txt")).write_bytes(b"whatever")
    # One contact per unit here, so the server must see exactly one message per unit.
    rows = (REPO / "samples" / "units.csv").read_text(encoding="utf-8").splitlines()
    (share / "units.csv").write_text(
        "\n".join(r.split(";zhongcun.jixiao@example.org")[0] for r in rows) + "\n",
        encoding="utf-8",
    )
    port = free_port()
    os.environ["AIRFLOW_VAR_SELFEVAL_SHARE"] = str(share)
    if warehouse_url.startswith("sqlite"):  # through the Airflow connection
        os.environ["AIRFLOW_CONN_SELFEVAL_WAREHOUSE"] = json.dumps(
            {"conn_type": "sqlite", "host": warehouse_url.removeprefix("sqlite:///")}
        )
    else:  # through the environment variable
        os.environ[settings.WAREHOUSE_URL_ENV] = warehouse_url
    os.environ["AIRFLOW_CONN_SMTP_DEFAULT"] = json.dumps(
        {
            "conn_type": "smtp",
            "host": "127.0.0.1",
            "port": port,
            "extra": {"disable_tls": True, "disable_ssl": True, "timeout": 5, "retry_limit": 0},
        }
    )
    engine = connect(warehouse_url)
    yield {"share": share, "port": port, "engine": engine}
    engine.dispose()


def _run(dagbag: Any, dag_id: str, **conf: Any) -> Any:
    """One run in this process (`dag.test`). The annual run's `approve` waits for a person,
    which `dag.test` cannot give: here it is marked approved without running (the approval
    itself, Approve and Reject, is tested with a real scheduler in test_annual_approval.py)."""
    approved = "approve" if dag_id == settings.ANNUAL_DAG_ID else None
    return dagbag.dags[dag_id].test(run_conf=conf or None, mark_success_pattern=approved)


def _states(run: Any) -> dict[str, str]:
    return {
        f"{ti.task_id}[{ti.rendered_map_index or ti.map_index}]"
        if ti.map_index >= 0
        else ti.task_id: str(ti.state)
        for ti in run.get_task_instances()
    }


def _xcoms(run: Any, task_id: str) -> list[Any]:
    """What `task_id` returned in `run`, one value per (mapped) task instance, by map index."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    query = XComModel.get_many(
        run_id=run.run_id, key="return_value", task_ids=task_id, dag_ids=run.dag_id
    )
    with create_session() as session:
        found = sorted(session.scalars(query), key=lambda x: x.map_index)
        return [XComModel.deserialize_value(x) for x in found]


def _outbox(engine: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return sorted(
            tuple(r)
            for r in conn.execute(
                select(alert_outbox.c.recipient, alert_outbox.c.status, alert_outbox.c.attempts)
            )
        )


def test_intake_then_annual(env: dict[str, Any], dagbag: Any) -> None:
    share, engine, port = env["share"], env["engine"], env["port"]

    # 1. SMTP down: the run finishes, the seeds are loaded and the alerts stay pending.
    run = _run(dagbag, settings.INTAKE_DAG_ID)
    assert str(run.state) == "success", _states(run)
    # One batch, named after its files; the two unreadable ones are rejected in it, with their
    # reasons: an outcome, not a failure.
    assert _states(run) == {
        "prepare": "success",
        "scan": "success",
        f"take_in[{BATCH}]": "success",
        "summarise": "success",
        "deliver": "success",
        "watcher": "success",
    }
    (taken,) = _xcoms(run, "take_in")
    assert [(t["relative"], t["outcome"], t["unit_name"]) for t in taken] == [
        ("扫描件.txt", "rejected", None),
        ("白鹤洞街道 2024.txt", "loaded", "白鹤洞街道"),
        ("空白.txt", "rejected", None),
        ("番禺区/钟村街道2024自评.txt", "loaded", "钟村街道"),
    ]
    assert _xcoms(run, "summarise") == [
        {"loaded": 2, "duplicate": 0, "rejected": 2, "deferred": 0, "failed": 0, "with_errors": 2}
    ]
    with engine.connect() as conn:
        subs = conn.execute(
            select(submission.c.file_name, submission.c.status, submission.c.version)
        ).all()
    assert sorted(tuple(s) for s in subs) == [
        ("扫描件.txt", "rejected", None),
        ("番禺区/钟村街道2024自评.txt", "accepted", 1),
        ("白鹤洞街道 2024.txt", "accepted", 1),
        ("空白.txt", "rejected", None),
    ]
    assert list((share / "inbox").rglob("*.txt")) == []
    archived = sorted(p.name.split("__", 1)[1] for p in (share / "archive").rglob("*.txt"))
    assert archived == ["白鹤洞街道 2024.txt", "钟村街道2024自评.txt"]
    assert sorted(p.name for p in (share / "rejected").iterdir()) == [
        "bad_name.txt", "bad_name.txt.reason.txt",
        "扫描件.txt", "扫描件.txt.reason.txt", "空白.txt", "空白.txt.reason.txt",
    ]  # fmt: skip
    assert (
        (share / "rejected" / "bad_name.txt.reason.txt")
        .read_text(encoding="utf-8")
        .startswith(
            "file: bad\\xffname.txt\nreason: the file name is not valid text (UTF-8): rename it\n"
        )
    )
    for name in ("扫描件.txt", "空白.txt"):
        reason = (share / "rejected" / f"{name}.reason.txt").read_text(encoding="utf-8")
        assert reason.startswith(f"file: {name}\nreason: ")
    assert sorted(p.parent.name for p in (share / "feedback").rglob("*.md")) == [
        "白鹤洞街道", "钟村街道",
    ]  # fmt: skip
    # The first alert was tried and failed; the batch stopped there, so the other was not tried.
    pending = _outbox(engine)
    assert [(r, s) for r, s, _ in pending] == [
        ("baihedong.caiwu@example.org", "pending"),
        ("zhongcun.caiwu@example.org", "pending"),
    ]
    assert sorted(a for _, _, a in pending) == [0, 1]

    # 2. SMTP back: the next run sends each alert once; 3. a third run sends nothing more.
    received: list[Received]
    with smtp_sink(port) as (_, received):
        assert str(_run(dagbag, settings.INTAKE_DAG_ID).state) == "success"
        assert len(received) == 2
        assert str(_run(dagbag, settings.INTAKE_DAG_ID).state) == "success"
        assert len(received) == 2
    assert _outbox(engine) == [
        ("baihedong.caiwu@example.org", "sent", pending[0][2] + 1),
        ("zhongcun.caiwu@example.org", "sent", pending[1][2] + 1),
    ]
    by_rcpt = {r.envelope_to[0]: r.message for r in received}
    bhd = by_rcpt["baihedong.caiwu@example.org"]
    assert "管理效率分析(总分为50分，自评分为46.5分)" in body_text(bhd)
    assert "管理效率分析(总分为50分，自评分为46.5分)" in body_html(bhd)
    assert "25.04" not in body_text(bhd)
    zc = by_rcpt["zhongcun.caiwu@example.org"]
    assert "25.04" in body_text(zc) and "46.5" not in body_text(zc)

    # 4. The annual consolidation for 2024: reminders, publication, the Asset. The reminders
    # (4 units missing, 2 with open errors) are sent once, each to its unit's own contact; a
    # second annual run sends nothing more.
    with smtp_sink(port) as (_, reminded):
        annual = _run(dagbag, settings.ANNUAL_DAG_ID, fiscal_year=2024)
        assert str(annual.state) == "success", _states(annual)
        assert str(_run(dagbag, settings.ANNUAL_DAG_ID, fiscal_year=2024).state) == "success"
    assert _states(annual)["publish"] == "success"
    assert (share / "published" / "2024").is_dir()
    assert (share / "feedback" / "沙头街道" / "2024_reminder_missing.md").exists()
    assert sorted((r.envelope_to[0], r.message["Subject"].split(" / ")[0]) for r in reminded) == [
        (
            "baihedong.caiwu@example.org",
            "【绩效自评提醒】白鹤洞街道 2024 年度报告仍有 1 处错误未改正",
        ),
        ("chongkou.caiwu@example.org", "【绩效自评提醒】冲口街道 2024 年度自评报告尚未提交"),
        ("dashi.caiwu@example.org", "【绩效自评提醒】大石街道 2024 年度自评报告尚未提交"),
        ("shatou.caiwu@example.org", "【绩效自评提醒】沙头街道 2024 年度自评报告尚未提交"),
        ("shiweitang.caiwu@example.org", "【绩效自评提醒】石围塘街道 2024 年度自评报告尚未提交"),
        ("zhongcun.caiwu@example.org", "【绩效自评提醒】钟村街道 2024 年度报告仍有 1 处错误未改正"),
    ]
    assert {s for _, s, _ in _outbox(engine)} == {"sent"}
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        events = session.scalars(
            select(AssetEvent).where(AssetEvent.source_run_id == annual.run_id)
        ).all()
        assert [e.asset.name for e in events] == [settings.CONSOLIDATED_ASSET_NAME]


def test_a_failing_file_fails_the_run_but_not_the_others(env: dict[str, Any], dagbag: Any) -> None:
    share = env["share"]
    for name in ("扫描件.txt", "空白.txt"):
        (share / "inbox" / name).unlink()
    # A share damaged so that one seed cannot be archived: a file where its folder must go.
    seed = share / "inbox" / "白鹤洞街道 2024.txt"
    from selfeval.share import file_sha256

    (share / "archive").mkdir()
    (share / "archive" / file_sha256(seed)[:2]).write_text("in the way")
    dag = dagbag.dags[settings.INTAKE_DAG_ID]
    for t in dag.tasks:
        t.retries = 0  # dag.test() would otherwise wait out the 5-minute retry delay
    run = dag.test()
    assert str(run.state) == "failed"
    states = _states(run)
    # Its batch tried every file, then failed for that one: the other is loaded and archived.
    batch = "1/1 · 钟村街道、白鹤洞街道 2024.txt · 载入 1，有错误 1，失败 1"
    assert states[f"take_in[{batch}]"] == "failed"
    with env["engine"].connect() as conn:
        loaded = conn.execute(select(submission.c.file_name, submission.c.status)).all()
    assert sorted(tuple(r) for r in loaded) == [
        ("番禺区/钟村街道2024自评.txt", "accepted"),
        ("白鹤洞街道 2024.txt", "accepted"),  # loaded in its own transaction; archiving failed
    ]
    assert not (share / "inbox" / "番禺区" / "钟村街道2024自评.txt").exists()
    assert [p.name.split("__", 1)[1] for p in (share / "archive").rglob("*.txt")] == [
        "钟村街道2024自评.txt"
    ]
    assert (states["summarise"], states["deliver"], states["watcher"]) == (
        "success", "success", "failed",
    )  # fmt: skip
    assert seed.exists()  # left in the inbox for the next run
    # Repaired, the next run archives it without loading it twice.
    (share / "archive" / file_sha256(seed)[:2]).unlink()
    again = dag.test()
    assert str(again.state) == "success", _states(again)
    assert not seed.exists()
    with env["engine"].connect() as conn:
        assert conn.execute(select(submission.c.file_name)).scalars().all().count(seed.name) == 1


def test_hostile_files_are_rejected_and_told_in_the_same_run(
    env: dict[str, Any], dagbag: Any, tmp_path: Path, seed_paths: list[Path]
) -> None:
    """Issue 12 through Airflow: with one file of each hostile kind beside the good reports,
    the run succeeds, every good report is loaded and told, every hostile one is rejected with
    its reason in that run (its unit told when the report names one), nothing waits for a retry."""
    from share.hostile import write_hostile_files

    share, engine, port = env["share"], env["engine"], env["port"]
    kinds = write_hostile_files(
        share / "inbox", seed_paths[0], tmp_path / "outside", reader_dependent=False
    )
    received: list[Received]
    with smtp_sink(port) as (_, received):
        run = _run(dagbag, settings.INTAKE_DAG_ID)
    states = _states(run)
    assert str(run.state) == "success", states
    # No box is skipped in a healthy run: the watcher runs and succeeds.
    assert {s for s in states.values()} == {"success"}
    with engine.connect() as conn:
        rows = conn.execute(
            select(submission.c.file_name, submission.c.status, submission.c.rejection_reason)
        ).all()
    status = {r.file_name: r.status for r in rows}
    assert status == {
        "番禺区/钟村街道2024自评.txt": "accepted",
        "白鹤洞街道 2024.txt": "accepted",
        "扫描件.txt": "rejected",
        "空白.txt": "rejected",
        "NUL字符.txt": "rejected",
        "百分比过精.txt": "rejected",
        "金额13位.txt": "rejected",
        "\u202etxt.exe.txt": "rejected",
    }
    assert list((share / "inbox").rglob("*")) == [share / "inbox" / "番禺区"]
    rejected = {p.name for p in (share / "rejected").glob("*.reason.txt")}
    for name, kind in kinds.items():
        shown = "_txt.exe.txt" if kind == "rtl-binary" else name
        assert f"{shown}.reason.txt" in rejected, (name, kind)
    # Told: the two good reports' units, and 钟村街道 once for each of its three rejected
    # reports (one contact here); the RTL name is shown escaped.
    subjects = sorted((r.envelope_to[0], r.message["Subject"][:8]) for r in received)
    assert [to for to, _ in subjects] == [
        "baihedong.caiwu@example.org",
        *["zhongcun.caiwu@example.org"] * 4,
    ]
    assert _outbox(engine) == sorted(
        [("baihedong.caiwu@example.org", "sent", 1)]
        + [("zhongcun.caiwu@example.org", "sent", 1)] * 4
    )
    assert not any("\u202e" in body_text(r.message) for r in received)


def test_a_batch_with_an_unreadable_file_loads_the_others(env: dict[str, Any], dagbag: Any) -> None:
    """Batches of two: each holds a good report beside an unreadable or hostile file. The
    batch succeeds, loads its report and rejects that file with its reason; the grid names the
    files of each batch (a hostile name escaped) and the summary counts every outcome."""
    share, engine = env["share"], env["engine"]
    (share / "inbox" / "\u202etxt.exe.txt").write_bytes(bytes(range(32)) * 4)
    run = _run(dagbag, settings.INTAKE_DAG_ID, batch_files=2)
    states = _states(run)
    assert str(run.state) == "success", states
    assert {k: v for k, v in states.items() if k.startswith("take_in")} == {
        f"take_in[{label}]": "success" for label in BATCHES_OF_TWO
    }
    outcomes = [[(t["relative"], t["outcome"]) for t in batch] for batch in _xcoms(run, "take_in")]
    assert outcomes == [
        [("\u202etxt.exe.txt", "rejected")],
        [("扫描件.txt", "rejected"), ("白鹤洞街道 2024.txt", "loaded")],
        [("空白.txt", "rejected"), ("番禺区/钟村街道2024自评.txt", "loaded")],
    ]
    assert _xcoms(run, "summarise") == [
        {"loaded": 2, "duplicate": 0, "rejected": 3, "deferred": 0, "failed": 0, "with_errors": 2}
    ]
    with engine.connect() as conn:
        rows = conn.execute(select(submission.c.file_name, submission.c.status)).all()
    assert sorted(tuple(r) for r in rows) == sorted(outcome_rows(outcomes))
    assert list((share / "inbox").rglob("*.txt")) == []
    assert sorted(p.name for p in (share / "rejected").glob("*.reason.txt")) == [
        "_txt.exe.txt.reason.txt", "bad_name.txt.reason.txt",
        "扫描件.txt.reason.txt", "空白.txt.reason.txt",
    ]  # fmt: skip


# As the grid shows them once taken in: units (or file names), counts, rejected files.
BATCHES_OF_TWO = [
    "1/3 · \\u202etxt.exe.txt · 拒收 1（\\u202etxt.exe.txt）",
    "2/3 · 白鹤洞街道、扫描件.txt · 载入 1，有错误 1，拒收 1（扫描件.txt）",
    "3/3 · 钟村街道、空白.txt · 载入 1，有错误 1，拒收 1（空白.txt）",
]


def outcome_rows(outcomes: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    status = {"loaded": "accepted", "rejected": "rejected"}
    return [(name, status[outcome]) for batch in outcomes for name, outcome in batch]
