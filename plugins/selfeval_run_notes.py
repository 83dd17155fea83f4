"""Each selfeval run's counts as its note (loaded / with errors / rejected …), written by a
listener in the scheduler when the run ends: selfeval_airflow.run_notes."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from selfeval_airflow import run_notes


class SelfevalRunNotesPlugin(AirflowPlugin):
    name = "selfeval_run_notes"
    listeners = [run_notes]  # noqa: RUF012
