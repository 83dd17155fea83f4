"""The team's settings file: read when needed, every mistake named by its key."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from selfeval import settings
from selfeval.teamconfig import TeamConfig, TeamConfigError, config_path, parse_config, team_config

FULL = """
[deadline]
month = 4
day = 30

[mail]
sender = "jixiao@example.gov.cn"
reply_to = "科室 <keshi@example.gov.cn>"
contact = "区财政局绩效科，电话 020-12345678"

[reminders]
note = "逾期未交的单位将在年度考核中通报。"
"""


def test_a_full_file(tmp_path: Path) -> None:
    assert parse_config(FULL.encode(), "t.toml") == TeamConfig(
        deadline_month=4,
        deadline_day=30,
        sender="jixiao@example.gov.cn",
        reply_to="科室 <keshi@example.gov.cn>",
        contact="区财政局绩效科，电话 020-12345678",
        reminder_note="逾期未交的单位将在年度考核中通报。",
        source="t.toml",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[deadline]\nmonth = 2\nday = 30\n", "t.toml: deadline.month/deadline.day: 2 月 30 日不是每年都有的日期 / not a date every year has"),
        ("[deadline]\nday = \"31\"\n", "t.toml: deadline.day: 应为整数 / must be a whole number, not '31'"),
        ("[mail]\nsender = \"jixiao\"\n", "t.toml: mail.sender: 'jixiao' 不是电子邮件地址 / is not an e-mail address"),
        ("[mail]\ncontact = \"  \"\n", "t.toml: mail.contact: 应为非空文字 / must be non-empty text, not '  '"),
        ("[mail]\nsendr = \"a@b.cn\"\n", "t.toml: mail.sendr: 未知的设置项 / unknown key (known: deadline.month, deadline.day, mail.sender, mail.reply_to, mail.contact, reminders.note)"),
        ("deadline = 3\n", "t.toml: deadline: 应为一节 [section] / must be a [section]"),
    ],
)  # fmt: skip
def test_every_mistake_names_its_key(text: str, message: str) -> None:
    with pytest.raises(TeamConfigError) as wrong:
        parse_config(text.encode(), "t.toml")
    assert str(wrong.value) == message


def test_not_toml() -> None:
    with pytest.raises(TeamConfigError, match=r"^t.toml: 不是有效的 TOML 文本 / not valid TOML"):
        parse_config(b"[deadline\n", "t.toml")


def test_where_the_file_is_and_what_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selfeval.alerts import reminder_missing
    from selfeval.alerts.config import mail_config
    from selfeval.dates import deadline_passed, submission_deadline
    from selfeval.warehouse.load import on_time

    share = tmp_path / "share"
    share.mkdir()
    assert config_path({settings.SHARE_ENV: str(share)}) is None
    (share / "selfeval.toml").write_text(FULL, encoding="utf-8")
    assert config_path({settings.SHARE_ENV: str(share)}) == share / "selfeval.toml"
    assert config_path({"SELFEVAL_CONFIG": "/etc/x.toml", settings.SHARE_ENV: str(share)}) == (
        Path("/etc/x.toml")
    )
    for name in ("SELFEVAL_CONFIG", *(settings.ALERT_SENDER_ENV, settings.CONTACT_ENV)):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(settings.ALERT_REPLY_TO_ENV, raising=False)
    monkeypatch.setenv(settings.SHARE_ENV, str(share))
    assert submission_deadline(2024) == date(2025, 4, 30)
    assert on_time(2024, datetime.fromisoformat("2025-04-20T10:00:00+08:00")) is True
    assert deadline_passed(2024, datetime.fromisoformat("2025-04-30T23:59:00+08:00")) is False
    assert deadline_passed(2024, datetime.fromisoformat("2025-04-30T16:00:00+00:00")) is True
    mail = mail_config()
    assert (mail.sender, mail.reply_to, mail.contact) == (
        "jixiao@example.gov.cn",
        "科室 <keshi@example.gov.cn>",
        "区财政局绩效科，电话 020-12345678",
    )
    # the environment overrides the file
    monkeypatch.setenv(settings.ALERT_SENDER_ENV, "other@example.org")
    assert mail_config().sender == "other@example.org"
    text = reminder_missing("沙头街道", 2024).text
    assert "2024 年度报告的提交截止日期为 2025年4月30日" in text
    assert "逾期未交的单位将在年度考核中通报。" in text
    # a changed file applies from the next read; a broken one says where and what
    (share / "selfeval.toml").write_text("[deadline]\nmonth = 13\n", encoding="utf-8")
    with pytest.raises(TeamConfigError, match=r"deadline\.month/deadline\.day: 13 月 31 日"):
        team_config()
