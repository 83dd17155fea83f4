"""A real SMTP server on a loopback port (aiosmtpd), collecting what it receives.

Shared by tests/alerts and tests/dags (import as `alerts.smtp_sink`: tests/ is on sys.path).
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 OK"


@contextmanager
def smtp_sink(port: int | None = None) -> Iterator[tuple[int, list[Received]]]:
    """Run a server on 127.0.0.1:<port>; yields (port, messages received so far)."""
    from aiosmtpd.controller import Controller

    handler = _Handler()
    chosen = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=chosen, enable_SMTPUTF8=True)
    controller.start()
    try:
        yield chosen, handler.received
    finally:
        controller.stop()


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def body_html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
