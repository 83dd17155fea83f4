"""The settings the district team changes without Python: one TOML file (docs/dags.md, ADR 0016).

    $SELFEVAL_CONFIG, else <share>/selfeval.toml ($SELFEVAL_SHARE), else the defaults below

    [deadline]            # reports for fiscal year Y are due by this day of Y + 1
    month = 3
    day = 31

    [mail]
    sender = "jixiao@example.gov.cn"       # From of every alert
    reply_to = "jixiao@example.gov.cn"     # Reply-To (optional)
    contact = "区财政局预算绩效管理科，电话 020-12345678"   # printed in feedback and reminders

    [reminders]
    note = "逾期未交的单位将在年度考核中通报。"   # a paragraph added to every reminder

The file is read when a value is needed (a report is loaded, a reminder made), never when a DAG
file is parsed; a changed file applies from the next task. The environment variables of
`selfeval.alerts.config` override the [mail] values. Schedules are DAG-level and cannot come
from a file without reading it at every parse: they come from the environment of the DAG
processor (`SELFEVAL_INTAKE_SCHEDULE`, `SELFEVAL_ANNUAL_SCHEDULE`; `selfeval_airflow.schedules`).

A wrong file raises `TeamConfigError` naming the file and the key, in Chinese and English.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from selfeval import settings

CONFIG_ENV = "SELFEVAL_CONFIG"
CONFIG_FILE = "selfeval.toml"


class TeamConfigError(ValueError):
    """The team's settings file is unreadable, or a key in it is unknown or wrong."""


@dataclass(frozen=True, slots=True)
class TeamConfig:
    deadline_month: int = settings.SUBMISSION_DEADLINE_MONTH
    deadline_day: int = settings.SUBMISSION_DEADLINE_DAY
    sender: str | None = None
    reply_to: str | None = None
    contact: str | None = None
    reminder_note: str | None = None
    source: str | None = None  # the file read, if any


# (section, name) → kind; "email" is text holding one address
_KEYS: dict[tuple[str, str], str] = {
    ("deadline", "month"): "int",
    ("deadline", "day"): "int",
    ("mail", "sender"): "email",
    ("mail", "reply_to"): "email",
    ("mail", "contact"): "text",
    ("reminders", "note"): "text",
}
_FIELDS = {
    ("deadline", "month"): "deadline_month",
    ("deadline", "day"): "deadline_day",
    ("mail", "sender"): "sender",
    ("mail", "reply_to"): "reply_to",
    ("mail", "contact"): "contact",
    ("reminders", "note"): "reminder_note",
}


def config_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The file the team's settings are read from, or None when there is none."""
    env = os.environ if env is None else env
    named = env.get(CONFIG_ENV, "").strip()
    if named:
        return Path(named)
    share = env.get(settings.SHARE_ENV, "").strip()
    if share and (Path(share) / CONFIG_FILE).is_file():
        return Path(share) / CONFIG_FILE
    return None


_cache: dict[tuple[str, int, int], TeamConfig] = {}


def team_config(env: Mapping[str, str] | None = None) -> TeamConfig:
    """The team's settings as the file now says (read again when it changed), defaults filled in."""
    path = config_path(env)
    if path is None:
        return TeamConfig()
    try:
        stat = path.stat()
    except OSError as exc:
        raise TeamConfigError(
            f"{path}: 设置文件无法读取 / the settings file cannot be read ({exc.strerror})"
        ) from exc
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        _cache.clear()
        _cache[key] = parse_config(path.read_bytes(), str(path))
    return _cache[key]


def parse_config(data: bytes, source: str) -> TeamConfig:
    """Validate the TOML `data` read from `source`; every mistake names its key."""
    try:
        parsed = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TeamConfigError(
            f"{source}: 不是有效的 TOML 文本 / not valid TOML (UTF-8): {exc}"
        ) from exc
    values: dict[str, Any] = {}
    for section, table in parsed.items():
        if not isinstance(table, dict):
            raise _wrong(source, section, "应为一节 [section] / must be a [section]")
        for name, value in table.items():
            kind = _KEYS.get((section, name))
            if kind is None:
                known = ", ".join(f"{s}.{n}" for s, n in _KEYS)
                raise _wrong(
                    source, f"{section}.{name}", f"未知的设置项 / unknown key (known: {known})"
                )
            values[_FIELDS[(section, name)]] = _checked(source, f"{section}.{name}", kind, value)
    config = TeamConfig(**values, source=source)
    try:
        date(2001, config.deadline_month, config.deadline_day)  # a day every year has
    except ValueError:
        raise _wrong(
            source,
            "deadline.month/deadline.day",
            f"{config.deadline_month} 月 {config.deadline_day} 日不是每年都有的日期 / "
            "not a date every year has",
        ) from None
    return config


def _checked(source: str, key: str, kind: str, value: Any) -> Any:
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(source, key, f"应为整数 / must be a whole number, not {value!r}")
        return value
    if not isinstance(value, str) or not value.strip():
        raise _wrong(source, key, f"应为非空文字 / must be non-empty text, not {value!r}")
    if kind == "email" and "@" not in parseaddr(value)[1]:
        raise _wrong(source, key, f"{value!r} 不是电子邮件地址 / is not an e-mail address")
    return value.strip()


def _wrong(source: str, key: str, why: str) -> TeamConfigError:
    return TeamConfigError(f"{source}: {key}: {why}")
