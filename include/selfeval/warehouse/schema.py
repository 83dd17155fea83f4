"""The warehouse tables as SQLAlchemy 2 Core metadata: the model migrations must reproduce.

Every fact table carries `submission_id` and the evidence (line and text) the figure came from.
Column descriptions live in `info["doc"]` and feed docs/warehouse.md (see dictionary.py).
Amounts are NUMERIC(18, 6) in 万元: exact on PostgreSQL, and on SQLite they round-trip exactly at
that scale (ADR 0004).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
    true,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def Amount() -> Numeric[Any]:
    return Numeric(18, 6)


def Points() -> Numeric[Any]:
    return Numeric(10, 4)


def Pct() -> Numeric[Any]:
    return Numeric(12, 4)


def col(name: str, type_: Any, *args: Any, doc: str, **kwargs: Any) -> Column[Any]:
    if not kwargs.get("primary_key"):
        kwargs.setdefault("nullable", True)
    return Column(name, type_, *args, info={"doc": doc}, **kwargs)


def _evidence() -> list[Column[Any]]:
    return [
        col(
            "evidence_line", Integer, doc="1-based line of the decoded report the figure came from"
        ),
        col("evidence_text", Text, doc="the sentence or table row quoted as evidence"),
    ]


def _submission_fk() -> Column[Any]:
    return col(
        "submission_id",
        Integer,
        ForeignKey("submission.submission_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
        doc="the submission this row was read from",
    )


def _unit_fk(doc: str) -> Column[Any]:
    return col(
        "unit_id",
        Integer,
        ForeignKey("unit.unit_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
        doc=doc,
    )


def _seq() -> Column[Any]:
    return col("seq", Integer, nullable=False, doc="0-based position in the report's record")


unit = Table(
    "unit",
    metadata,
    col("unit_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    col("name", String(200), nullable=False, unique=True, doc="official unit name (registry)"),
    col("district", String(100), doc="district (所属区) the unit belongs to"),
    col("contact_emails", Text, doc="contact e-mail addresses, separated by ';'"),
    col(
        "active",
        Boolean,
        nullable=False,
        server_default=true(),
        doc="false when the unit is no longer listed in units.csv",
    ),
    info={"doc": "The unit registry, loaded from <share>/units.csv (one row per reporting unit)."},
)

unit_alias = Table(
    "unit_alias",
    metadata,
    col("alias_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _unit_fk("the unit this alias names"),
    col("alias", String(200), nullable=False, doc="another name reports use for the unit"),
    UniqueConstraint("unit_id", "alias"),
    info={
        "doc": "Other names of a unit (钟村街 for 钟村街道), from the aliases column of units.csv."
    },
)

unit_name_key = Table(
    "unit_name_key",
    metadata,
    col("name_key_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _unit_fk("the unit this name names"),
    col("name", String(200), nullable=False, doc="the unit's registry name or one of its aliases"),
    col(
        "normalised",
        String(200),
        nullable=False,
        index=True,
        doc="the name NFKC-folded without whitespace (钟村街道办事处)",
    ),
    col(
        "name_key",
        String(200),
        nullable=False,
        index=True,
        doc="the name's core (钟村): city, district, 人民政府 and suffixes removed",
    ),
    col("district", String(100), doc="the unit's district, normalised"),
    info={
        "doc": "Every name of a unit (registry name and aliases) as report names are matched "
        "against it; derived from `unit` and `unit_alias` by each registry load."
    },
)

unit_district = Table(
    "unit_district",
    metadata,
    col("district", String(100), primary_key=True, doc="a district of the registry, normalised"),
    info={
        "doc": "The districts of the registry: the ones matching strips from the front of a unit "
        "name (番禺区钟村街道 → 钟村); derived from `unit` by each registry load."
    },
)

submission = Table(
    "submission",
    metadata,
    col("submission_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    col("sha256", String(64), nullable=False, unique=True, doc="SHA-256 of the submitted file"),
    col("file_name", String(500), nullable=False, doc="file name as received"),
    col(
        "unit_id",
        Integer,
        ForeignKey("unit.unit_id"),
        doc="matched registry unit; NULL when the report names no known unit",
    ),
    col("reported_unit_name", String(200), doc="unit name as the report states it"),
    col("reported_district", String(100), doc="district as the report states it"),
    col("fiscal_year", Integer, doc="fiscal year the report evaluates"),
    col("version", Integer, doc="1 for the first accepted file of a unit and year, then 2, 3 …"),
    col(
        "status",
        String(20),
        nullable=False,
        doc="accepted (current version), superseded (a later version exists) or rejected",
    ),
    col("received_at", DateTime(timezone=True), nullable=False, doc="when the file was received"),
    col("loaded_at", DateTime(timezone=True), nullable=False, doc="when the warehouse loaded it"),
    col(
        "on_time",
        Boolean,
        doc="received by the deadline (settings.SUBMISSION_DEADLINE_*) of fiscal_year + 1",
    ),
    col(
        "superseded_by",
        Integer,
        ForeignKey("submission.submission_id"),
        doc="the submission that replaced this one",
    ),
    col("total_score", Points(), doc="overall self-evaluation score the report states"),
    col("total_score_max", Points(), doc="maximum of the overall score, when stated"),
    col("rejection_reason", Text, doc="why a rejected file could not be read"),
    col("record_json", Text, doc="the full extraction record (JSON contract, exact decimals)"),
    CheckConstraint("status IN ('accepted', 'superseded', 'rejected')", name="status"),
    UniqueConstraint("unit_id", "fiscal_year", "version"),
    Index("ix_submission_unit_year", "unit_id", "fiscal_year"),
    # The versions of a report naming no registry unit are found by the name it states.
    Index(
        "ix_submission_unmatched_name",
        "reported_unit_name",
        "fiscal_year",
        sqlite_where=text("unit_id IS NULL"),
        postgresql_where=text("unit_id IS NULL"),
    ),
    info={
        "doc": "One row per received file: accepted, superseded by a later version, or rejected."
    },
)

composition = Table(
    "composition",
    metadata,
    col("composition_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _submission_fk(),
    _seq(),
    col("label", String(100), nullable=False, doc="决算收入, 决算支出, 支出按资金来源 …"),
    col("total_wan", Amount(), doc="stated total in 万元"),
    col("total_unit", String(4), doc="unit the report printed (元/万元/亿元)"),
    col("total_raw", String(100), doc="the total as printed"),
    *_evidence(),
    info={"doc": "A total stated with its parts (决算支出 = 财政拨款支出 + 其他支出)."},
)

composition_part = Table(
    "composition_part",
    metadata,
    col("part_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    col(
        "composition_id",
        Integer,
        ForeignKey("composition.composition_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
        doc="the composition this part belongs to",
    ),
    _submission_fk(),
    _seq(),
    col("name", String(200), nullable=False, doc="part name as printed (财政拨款收入 …)"),
    col("category", String(50), doc="财政拨款, 其他, 基本支出, 项目支出 or NULL"),
    col("amount_wan", Amount(), doc="amount in 万元"),
    col("amount_unit", String(4), doc="unit the report printed"),
    col("amount_raw", String(100), doc="the amount as printed"),
    col("share_pct", Pct(), doc="stated share of the total, percent"),
    *_evidence(),
    info={"doc": "The parts of a composition."},
)

execution = Table(
    "execution",
    metadata,
    col("execution_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _submission_fk(),
    _seq(),
    col("label", String(100), nullable=False, doc="支出, 收入, 财政拨款, 公用经费, 三公经费 …"),
    col("budget_wan", Amount(), doc="budget in 万元"),
    col("budget_raw", String(100), doc="budget as printed"),
    col("executed_wan", Amount(), doc="executed amount in 万元"),
    col("executed_raw", String(100), doc="executed amount as printed"),
    col("rate_pct", Pct(), doc="execution rate the report states, percent"),
    *_evidence(),
    col("initial_budget_wan", Amount(), doc="年初预算数 beside the budget, 万元"),
    col("initial_budget_raw", String(100), doc="年初预算数 as printed"),
    col("max_score", Points(), doc="分值 of a 自评表 funds row"),
    col("score", Points(), doc="得分 of a 自评表 funds row; NULL when the cell is blank"),
    info={
        "doc": "Budget-execution statements and the funds rows of a 自评表: budget, executed "
        "amount, stated rate, 年初预算数, 分值 and 得分."
    },
)

score = Table(
    "score",
    metadata,
    col("score_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _submission_fk(),
    _seq(),
    col("group_name", String(100), doc="score-table group as printed (一级指标)"),
    col(
        "group_dimension",
        String(50),
        doc="group folded through settings.DIMENSION_ALIASES (履职效能, 管理效能)",
    ),
    col("name", String(100), doc="item name (二级指标)"),
    col("kind", String(10), nullable=False, doc="item, subtotal or total"),
    col("dimension", String(50), doc="item name folded through settings.DIMENSION_ALIASES"),
    col("max_score", Points(), doc="points available"),
    col("score", Points(), doc="points self-awarded"),
    *_evidence(),
    CheckConstraint("kind IN ('item', 'subtotal', 'total')", name="kind"),
    info={"doc": "Cells of the self-evaluation score table."},
)

section_score = Table(
    "section_score",
    metadata,
    col("section_score_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _submission_fk(),
    _seq(),
    col("name", String(200), nullable=False, doc="heading or sentence name as printed"),
    col("dimension", String(50), doc="folded dimension (管理效率 → 管理效能)"),
    col("max_score", Points(), doc="points available, as stated"),
    col("score", Points(), nullable=False, doc="points stated"),
    *_evidence(),
    info={"doc": "Scores stated in headings or sentences (总分为 50 分，自评分为 46.5 分)."},
)

indicator = Table(
    "indicator",
    metadata,
    col("indicator_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _submission_fk(),
    _seq(),
    col("level1", String(100), doc="一级指标 (产出指标, 效益指标 …)"),
    col("level2", String(100), doc="二级指标 (数量指标, 质量指标 …)"),
    col("name", Text, nullable=False, doc="三级指标 as printed"),
    col("target", Text, doc="年度目标值 as printed"),
    col("actual", Text, doc="年度实现值 as printed"),
    col("completion", Text, doc="指标完成率 as printed"),
    col("target_op", String(4), doc="comparison in the target (≥, =, ≤ …)"),
    col("target_num", Amount(), doc="number in the target"),
    col("actual_op", String(4), doc="comparison in the actual value"),
    col("actual_num", Amount(), doc="number in the actual value"),
    col("completion_pct", Pct(), doc="completion rate, percent"),
    *_evidence(),
    col("weight", Points(), doc="分值 of the indicator"),
    col("score", Points(), doc="得分 of the indicator; NULL when the cell is blank"),
    col("target_value", Amount(), doc="target as a number in the indicator's own unit"),
    col("actual_value", Amount(), doc="actual value as a number in the indicator's own unit"),
    col("unit", String(20), doc="the indicator's unit as printed (%, 户, 万人 …)"),
    col("direction", String(10), doc="higher, lower or equal is better, or text (no number)"),
    info={"doc": "Performance indicators (绩效指标) with targets, actual values, 分值 and 得分."},
)

yoy_change = Table(
    "yoy_change",
    metadata,
    col("yoy_change_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _submission_fk(),
    _seq(),
    col("label", String(100), nullable=False, doc="what changed, as labelled (收入, 支出合计 …)"),
    col("current_wan", Amount(), doc="this year's amount, 万元"),
    col("prior_wan", Amount(), doc="the prior year's amount where printed, 万元"),
    col("change_wan", Amount(), doc="the change, signed from the words (减少 → negative), 万元"),
    col("change_raw", String(100), doc="the change as printed"),
    col("growth_pct", Pct(), doc="growth, signed (下降 → negative), percent"),
    *_evidence(),
    info={"doc": "Year-over-year statements: 比上年增加 X 万元，增长 Y%."},
)

carryover = Table(
    "carryover",
    metadata,
    col("carryover_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _submission_fk(),
    _seq(),
    col("label", String(100), nullable=False, doc="label as printed (年初结转和结余 …)"),
    col("year", Integer, doc="year the balance belongs to"),
    col("position", String(10), nullable=False, doc="opening (年初) or closing (年末)"),
    col("amount_wan", Amount(), nullable=False, doc="amount in 万元"),
    col("amount_unit", String(4), doc="unit the report printed"),
    col("amount_raw", String(100), doc="amount as printed"),
    *_evidence(),
    CheckConstraint("position IN ('opening', 'closing')", name="position"),
    info={"doc": "Carry-over balances (结转和结余) at the opening or closing of a year."},
)

finding = Table(
    "finding",
    metadata,
    col("finding_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    _submission_fk(),
    col("check_id", String(100), nullable=False, doc="check identifier (carryover.cross_year …)"),
    col("severity", String(10), nullable=False, doc="error or warning"),
    col("subject", Text, nullable=False, doc="what the finding is about"),
    col("observed", Text, doc="value found (decimal literal or text)"),
    col("expected", Text, doc="value expected (decimal literal or text)"),
    col("tolerance", Amount(), doc="tolerance applied when comparing"),
    col("message_zh", Text, nullable=False, doc="message for the submitter, Chinese"),
    col("message_en", Text, nullable=False, doc="message for the district team, English"),
    col(
        "source",
        String(20),
        nullable=False,
        doc="checks (data-quality suites) or warehouse (unit match, cross-year continuity)",
    ),
    *_evidence(),
    CheckConstraint("severity IN ('error', 'warning')", name="severity"),
    info={"doc": "Data-quality findings per submission; open while the submission is current."},
)

# Feedback on a submission and the annual reminders share one outbox and one delivery path.
ALERT_KINDS = ("feedback", "reminder_missing", "reminder_open_errors")

alert_outbox = Table(
    "alert_outbox",
    metadata,
    col("alert_id", Integer, primary_key=True, autoincrement=True, doc="surrogate key"),
    col(
        "submission_id",
        Integer,
        ForeignKey("submission.submission_id", ondelete="CASCADE"),
        index=True,
        doc="the submission the alert is about; NULL for a reminder to a unit that has not "
        "submitted",
    ),
    col("unit_id", Integer, ForeignKey("unit.unit_id"), doc="unit alerted, when known"),
    col(
        "kind",
        Text,
        nullable=False,
        server_default="feedback",
        doc="feedback (on one submission), reminder_missing (no report for the year) or "
        "reminder_open_errors (the current report still has errors)",
    ),
    col("fiscal_year", Integer, doc="fiscal year the alert is about; always set on reminders"),
    col("recipient", String(320), nullable=False, doc="e-mail address"),
    col("subject", Text, nullable=False, doc="e-mail subject"),
    col("body_text", Text, nullable=False, doc="plain-text body"),
    col("body_html", Text, doc="HTML body"),
    col(
        "status",
        String(10),
        nullable=False,
        server_default="pending",
        doc="pending, sent, or failed (given up after settings.ALERT_MAX_ATTEMPTS attempts)",
    ),
    col("attempts", Integer, nullable=False, server_default="0", doc="delivery attempts so far"),
    col("last_error", Text, doc="error of the last failed attempt"),
    col("created_at", DateTime(timezone=True), nullable=False, doc="when the alert was queued"),
    col("sent_at", DateTime(timezone=True), doc="when the alert was delivered"),
    col(
        "last_attempt_at",
        DateTime(timezone=True),
        doc="when delivery was last tried (retries back off from it)",
    ),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
    CheckConstraint(
        "kind IN (" + ", ".join(f"'{k}'" for k in ALERT_KINDS) + ")",
        name="kind",
    ),
    # The key each kind is unique on must be all set: NULLs would slip past a unique index.
    CheckConstraint(
        "(kind = 'feedback' AND submission_id IS NOT NULL)"
        " OR (kind <> 'feedback' AND unit_id IS NOT NULL AND fiscal_year IS NOT NULL)",
        name="kind_key",
    ),
    Index(
        "uq_alert_outbox_feedback",
        "submission_id",
        "recipient",
        unique=True,
        sqlite_where=text("kind = 'feedback'"),
        postgresql_where=text("kind = 'feedback'"),
    ),
    Index(
        "uq_alert_outbox_reminder",
        "kind",
        "unit_id",
        "fiscal_year",
        "recipient",
        unique=True,
        sqlite_where=text("kind <> 'feedback'"),
        postgresql_where=text("kind <> 'feedback'"),
    ),
    info={
        "doc": "Alerts to units: feedback queued once per submission and recipient, reminders "
        "once per kind, unit, fiscal year and recipient; each sent at most once."
    },
)

WAREHOUSE_TABLES = (
    unit,
    unit_alias,
    unit_name_key,
    unit_district,
    submission,
    composition,
    composition_part,
    execution,
    score,
    section_score,
    indicator,
    carryover,
    yoy_change,
    finding,
    alert_outbox,
)
