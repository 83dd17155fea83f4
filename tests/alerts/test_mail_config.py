"""Sender, Reply-To and the contact come from configuration, and reach the message."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from selfeval.alerts.config import MailConfig, MailConfigError, mail_config
from selfeval.alerts.outbox import build_message

pytestmark = pytest.mark.unit


def test_defaults_when_nothing_is_configured() -> None:
    assert mail_config({}) == MailConfig("selfeval@localhost", None, "区财政局预算绩效管理部门")


def test_the_environment_names_sender_reply_to_and_contact() -> None:
    env = {
        "SELFEVAL_ALERT_SENDER": "区财政局绩效科 <jixiao@czj.example.gov.cn>",
        "SELFEVAL_ALERT_REPLY_TO": "zhang@czj.example.gov.cn",
        "SELFEVAL_CONTACT": "区财政局绩效科 张老师 020-12345678",
    }
    config = mail_config(env)
    row = SimpleNamespace(
        alert_id=7, recipient="unit@example.org", subject="s", body_text="t", body_html=None
    )
    message = build_message(row, sender=config.sender, reply_to=config.reply_to)
    assert (message["From"], message["Reply-To"]) == (
        "区财政局绩效科 <jixiao@czj.example.gov.cn>",
        "zhang@czj.example.gov.cn",
    )
    assert message["Message-ID"] == "<selfeval-alert-7@czj.example.gov.cn>"
    assert config.contact == "区财政局绩效科 张老师 020-12345678"


def test_a_sender_that_is_not_an_address_is_refused_by_name() -> None:
    with pytest.raises(MailConfigError, match="SELFEVAL_ALERT_REPLY_TO='张老师' is not an e-mail"):
        mail_config({"SELFEVAL_ALERT_REPLY_TO": "张老师"})
