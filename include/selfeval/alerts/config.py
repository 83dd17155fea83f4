"""Who alerts come from, where replies go and whom reminders name: read when a message is made.

The district team sets these in its settings file ([mail] in selfeval.toml, `selfeval.teamconfig`)
or, overriding it, in the environment of the Airflow workers or of the command line (names in
`selfeval.settings`); nothing here is read when a DAG file is parsed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr

from selfeval import settings


class MailConfigError(ValueError):
    """A sender or reply-to address in the environment is not an e-mail address."""


@dataclass(frozen=True, slots=True)
class MailConfig:
    sender: str
    reply_to: str | None
    contact: str  # whom a submitter asks, as reminders print it (office, name, telephone)


def mail_config(env: Mapping[str, str] | None = None) -> MailConfig:
    """The configuration in `env` (the process environment by default), defaults filled in."""
    from selfeval.teamconfig import team_config

    env = os.environ if env is None else env
    team = team_config(env)
    sender = env.get(settings.ALERT_SENDER_ENV, "").strip() or team.sender or settings.ALERT_SENDER
    reply_to = env.get(settings.ALERT_REPLY_TO_ENV, "").strip() or team.reply_to or None
    for name, value in (
        (settings.ALERT_SENDER_ENV, sender),
        (settings.ALERT_REPLY_TO_ENV, reply_to),
    ):
        if value is not None and "@" not in parseaddr(value)[1]:
            raise MailConfigError(f"{name}={value!r} is not an e-mail address")
    contact = env.get(settings.CONTACT_ENV, "").strip() or team.contact or settings.DEFAULT_CONTACT
    return MailConfig(sender=sender, reply_to=reply_to, contact=contact)
