"""Ways to deliver an `EmailMessage`: each is a `send(message) -> None` callable.

`Send` is the type `selfeval.alerts.outbox.deliver_pending` takes. The SMTP sender for Airflow
(through `smtp_default` and SmtpHook) lives with the DAG glue, since this package never imports
Airflow; the DAGs fall back to `file_sender` when no mail server is configured. No CLI command
delivers alerts: `smtp_sender` is used by the tests (against a loopback SMTP server) and is there
for code outside Airflow that calls `deliver_pending` itself.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

from selfeval.alerts.feedback import write_atomic

Send = Callable[[EmailMessage], None]

_ID = re.compile(r"[^A-Za-z0-9._-]+")


def file_sender(outbox: Path) -> Send:
    """Write each message to <outbox>/alert-<id>.eml instead of sending it (no SMTP configured).

    The file is named after the alert id, so a message written twice is one file.
    """

    def send(message: EmailMessage) -> None:
        key = message.get("X-Selfeval-Alert-Id") or message.get("Message-ID") or "message"
        name = _ID.sub("_", str(key)).strip("._") or "message"
        write_atomic(outbox / f"alert-{name}.eml", message.as_string())

    return send


@contextmanager
def smtp_sender(host: str, port: int, *, timeout: float = 30.0) -> Iterator[Send]:
    """Plain SMTP without TLS or login, connecting on the first message (loopback relays)."""
    client: smtplib.SMTP | None = None

    def send(message: EmailMessage) -> None:
        nonlocal client
        if client is None:
            client = smtplib.SMTP(host, port, timeout=timeout)
        client.send_message(message)

    try:
        yield send
    finally:
        if client is not None:
            try:
                client.quit()
            except smtplib.SMTPException:
                client.close()
