"""The DAGs' cron schedules, which the team may change without Python (ADR 0016).

A schedule is part of the DAG, fixed when the DAG file is parsed; reading the team's settings
file there would be I/O at every parse. So a schedule comes from the environment of the DAG
processor — `SELFEVAL_INTAKE_SCHEDULE`, `SELFEVAL_ANNUAL_SCHEDULE` (a five-field cron expression,
in the district's time zone) — else `selfeval.settings`. Reading the environment is no I/O; a
wrong expression stops the DAG file with a message naming the variable (an import error in
the UI), rather than scheduling something else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from selfeval import settings

INTAKE_SCHEDULE_ENV = "SELFEVAL_INTAKE_SCHEDULE"
ANNUAL_SCHEDULE_ENV = "SELFEVAL_ANNUAL_SCHEDULE"


class ScheduleError(ValueError):
    """A schedule in the environment is not a cron expression."""


def intake_schedule(env: Mapping[str, str] | None = None) -> str:
    return _schedule(INTAKE_SCHEDULE_ENV, settings.INTAKE_SCHEDULE, env)


def annual_schedule(env: Mapping[str, str] | None = None) -> str:
    return _schedule(ANNUAL_SCHEDULE_ENV, settings.ANNUAL_SCHEDULE, env)


def _schedule(name: str, default: str, env: Mapping[str, str] | None) -> str:
    value = (os.environ if env is None else env).get(name, "").strip()
    if not value:
        return default
    from croniter import croniter

    if len(value.split()) != 5 or not croniter.is_valid(value):
        raise ScheduleError(
            f"{name}={value!r}: 不是有效的 cron 表达式（五段：分 时 日 月 星期）/ not a cron "
            "expression (five fields: minute hour day-of-month month day-of-week)"
        )
    return value
