"""Dates as the district reads them: the submission deadline, and times in local words.

One place for both, so the warehouse's on-time flag, the reminders and the published summaries
name the same deadline and print times alike: 2026年11月30日 20:04（北京时间）.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from selfeval import settings

# How a time zone is named to the people who read the messages; others go by their IANA name.
_ZONE_WORDS = {"Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "PRC": "北京时间"}


def submission_deadline(fiscal_year: int) -> date:
    """The last day a report for `fiscal_year` is on time (in fiscal_year + 1): the team's
    settings file (`selfeval.teamconfig`), else `settings.SUBMISSION_DEADLINE_*`."""
    from selfeval.teamconfig import team_config

    config = team_config()
    return date(fiscal_year + 1, config.deadline_month, config.deadline_day)


def deadline_passed(fiscal_year: int, now: datetime) -> bool:
    """Whether the deadline for `fiscal_year` is over at `now` (local date after it): before it,
    no reminder goes out, whoever approves."""
    return local(now).date() > submission_deadline(fiscal_year)


def local(moment: datetime) -> datetime:
    """`moment` in the district's time zone; a naive time is taken as local already."""
    zone = ZoneInfo(settings.DAG_TIMEZONE)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def human_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def human_time(moment: datetime) -> str:
    """2026年11月30日 20:04（北京时间）."""
    at = local(moment)
    zone = _ZONE_WORDS.get(settings.DAG_TIMEZONE, settings.DAG_TIMEZONE)
    return f"{human_date(at.date())} {at:%H:%M}（{zone}）"
