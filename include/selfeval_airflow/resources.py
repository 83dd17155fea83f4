"""Airflow configuration → the resources the library takes, resolved when a task runs (never at
parse time): the shared folder from the Variable `selfeval_share` or $SELFEVAL_SHARE, the
warehouse from the connection `selfeval_warehouse` or $SELFEVAL_WAREHOUSE_URL (else SQLite in the
share), mail through the connection `smtp_default` (else .eml files in <share>/outbox/)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from selfeval import settings

if TYPE_CHECKING:
    from email.message import EmailMessage

    from sqlalchemy.engine import Engine

    from selfeval.alerts import Send
    from selfeval.share import Share

log = logging.getLogger(__name__)


def share() -> Share:
    """The share named by the Variable or $SELFEVAL_SHARE on this worker, with its folders
    created. Every task resolves it where it runs: no task hands another a path."""
    from selfeval.share import prepare_share

    return prepare_share(locate_share())


def locate_share(root: str | None = None) -> Share:
    """The share as `share()` finds it (or at `root`), creating nothing (for readers such as
    the consolidation view)."""
    from selfeval.share import resolve_share

    if root is not None:
        return resolve_share(root)
    from airflow.sdk import Variable

    return resolve_share(Variable.get(settings.SHARE_VARIABLE, default=None))


def warehouse_url() -> str | None:
    """The URL of connection `selfeval_warehouse`, or None to fall back to the environment."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    from selfeval.errors import ConfigError

    try:
        conn = Connection.get(settings.WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return None
    extra = conn.extra_dejson
    if extra.get("sqlalchemy_url"):
        return str(extra["sqlalchemy_url"])
    if conn.conn_type in ("postgres", "postgresql"):
        from airflow.providers.postgres.hooks.postgres import PostgresHook

        hook = PostgresHook(postgres_conn_id=settings.WAREHOUSE_CONN_ID)
        return str(hook.sqlalchemy_url.render_as_string(hide_password=False))
    if conn.conn_type == "sqlite" and conn.host:
        return f"sqlite:///{conn.host}"
    raise ConfigError(
        f"connection {settings.WAREHOUSE_CONN_ID!r} of type {conn.conn_type!r}: use a postgres "
        "or sqlite connection, or put the URL in its extra as sqlalchemy_url"
    )


@contextmanager
def warehouse(at: Share) -> Iterator[Engine]:
    """An Engine on the warehouse, disposed of when the task is done with it."""
    from selfeval.warehouse import connect

    engine = connect(warehouse_url(), share=at.root)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def sender(at: Share) -> Iterator[Send]:
    """A send(EmailMessage) through `smtp_default`, or into <share>/outbox/ when it is undefined.

    The SMTP connection opens on the first message (the hook used as the context manager it is),
    so a run with nothing to send never dials out, and an unreachable server surfaces as a send
    error that the outbox records.

    Why not `SmtpHook.send_email_smtp`: it builds its own HTML-only message from parameters, so
    it cannot carry ours — a text and an HTML alternative and a stable Message-ID, which is what
    makes a resend recognisable. The connected client is therefore handed our message as it is;
    tests/dags/test_mail.py fails when the provider changes either fact.
    """
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    from selfeval.alerts import file_sender

    try:
        Connection.get(settings.SMTP_CONN_ID)
    except AirflowNotFoundException:
        log.info("no %s connection: writing alerts to %s", settings.SMTP_CONN_ID, at.outbox)
        yield file_sender(at.outbox)
        return

    from airflow.providers.smtp.hooks.smtp import SmtpHook

    hook = SmtpHook(smtp_conn_id=settings.SMTP_CONN_ID)
    connected = False
    with ExitStack() as stack:

        def send(message: EmailMessage) -> None:
            nonlocal connected
            if not connected:  # the first message connects (and logs in); the stack closes it
                stack.enter_context(hook)
                connected = True
            hook._smtp_client.send_message(message)  # type: ignore[union-attr]

        yield send
