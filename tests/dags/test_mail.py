"""Mail through `smtp_default` (selfeval_airflow.resources.sender), and why it does not go
through `SmtpHook.send_email_smtp`: this test fails when the provider changes either reason."""

from __future__ import annotations

import inspect
import json
import os
from email.message import EmailMessage
from pathlib import Path

import pytest

from alerts.smtp_sink import Received, body_html, body_text, free_port, smtp_sink
from selfeval.share import open_share

pytestmark = pytest.mark.integrity

# What send_email_smtp takes: no prepared message, no plain-text body. When the provider adds
# either, send our EmailMessage through it and drop the private client in `resources.sender`.
SEND_EMAIL_SMTP = {
    "self", "to", "subject", "html_content", "from_email", "files", "dryrun", "cc", "bcc",
    "mime_subtype", "mime_charset", "custom_headers", "kwargs",
}  # fmt: skip


def test_the_public_send_takes_no_prepared_message() -> None:
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    assert set(inspect.signature(SmtpHook.send_email_smtp).parameters) == SEND_EMAIL_SMTP


def test_our_message_arrives_whole_and_the_connection_opens_on_the_first(
    tmp_path: Path, clean_env: None
) -> None:
    from selfeval_airflow import resources

    port = free_port()
    os.environ["AIRFLOW_CONN_SMTP_DEFAULT"] = json.dumps(
        {
            "conn_type": "smtp",
            "host": "127.0.0.1",
            "port": port,
            "extra": {"disable_tls": True, "disable_ssl": True, "timeout": 5, "retry_limit": 0},
        }
    )
    message = EmailMessage()
    message["From"], message["To"] = "selfeval@example.org", "unit@example.org"
    message["Subject"], message["Message-ID"] = "自评反馈", "<selfeval-alert-7@example.org>"
    message.set_content("纯文本")
    message.add_alternative("<p>网页</p>", subtype="html")
    share = open_share(tmp_path / "share")
    with resources.sender(share):
        pass  # nothing to send: no server is listening, and none is dialled
    received: list[Received]
    with smtp_sink(port) as (_, received), resources.sender(share) as send:
        send(message)
    (got,) = received
    assert got.message["Message-ID"] == "<selfeval-alert-7@example.org>"
    assert (body_text(got.message).strip(), body_html(got.message).strip()) == (
        "纯文本",
        "<p>网页</p>",
    )
