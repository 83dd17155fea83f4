"""The run's counts on the run itself: a DAG run note (loaded / with errors / rejected …).

A task cannot set a note in Airflow 3 (the task SDK has no call for it, and tasks do not reach
the metadata database). A listener can: Airflow calls `on_dag_run_success` / `on_dag_run_failed`
in the scheduler, with the run in the scheduler's session. This one writes the `summarise`
task's counts as the note of a selfeval run that has none (a person's note is never replaced).
Registered by plugins/selfeval_run_notes.py; the scheduler must load the plugins folder.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from airflow.listeners import hookimpl

from selfeval import settings

log = logging.getLogger(__name__)

_WORDS = (
    ("loaded", "载入"),
    ("with_errors", "其中有错误"),
    ("rejected", "拒收"),
    ("duplicate", "重复"),
    ("deferred", "推迟到下次"),
    ("failed", "失败"),
)


def run_note(counts: Mapping[str, int]) -> str:
    """'本次收到 5 个文件：载入 2，其中有错误 2，拒收 3。' and the English below."""
    files = sum(counts.get(k, 0) for k in ("loaded", "rejected", "duplicate", "deferred", "failed"))
    if not files:
        return "本次没有新文件。\n\nNo new file in this run."
    zh = "，".join(f"{word} {counts[key]}" for key, word in _WORDS if counts.get(key))
    en = ", ".join(f"{counts[key]} {key.replace('_', ' ')}" for key, _ in _WORDS if counts.get(key))
    return f"本次收到 {files} 个文件：{zh}。\n\n{files} file(s) in this run: {en}."


@hookimpl
def on_dag_run_success(dag_run: Any, msg: str) -> None:
    _note(dag_run)


@hookimpl
def on_dag_run_failed(dag_run: Any, msg: str) -> None:
    _note(dag_run)


def _note(dag_run: Any) -> None:
    if dag_run.dag_id not in (settings.INTAKE_DAG_ID, settings.ANNUAL_DAG_ID) or dag_run.note:
        return
    from airflow.models.xcom import XComModel
    from sqlalchemy.orm import object_session

    session = object_session(dag_run)
    if session is None:
        return
    query = XComModel.get_many(
        run_id=dag_run.run_id, key="return_value", task_ids="summarise", dag_ids=dag_run.dag_id
    )
    found = session.scalars(query).first()
    if found is None:  # the run ended before summarising (its failure says why)
        return
    counts = XComModel.deserialize_value(found)
    if isinstance(counts, dict):
        dag_run.note = run_note(counts)
