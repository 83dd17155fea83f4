"""The published tables, built once from the views and rendered by workbook, csvs and html.

Because the workbook, the CSV files and the HTML report all render these same `Sheet` objects,
they cannot disagree about a figure. Headers are Chinese; each column has a kind that decides its
number format (xlsx), its text form (CSV: exact) and its display form (HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from selfeval.checks.rules import check_name_zh
from selfeval.dates import human_time
from selfeval.publish.queries import DistrictData, Value, ViewRow

# "rate" is a percentage that can pass 100 (执行率, 完成率): above 100 it is marked.
Kind = Literal["text", "int", "money", "pct", "rate", "score", "by_row"]

NUMBER_FORMATS: dict[str, str] = {
    "int": "0",
    "money": "#,##0.00",
    "pct": "0.00",
    "rate": "0.00",
    "score": "0.00",
}
HUNDRED = Decimal(100)
OVER_100_LEGEND = "▲ 比率超过 100%（执行数超过预算数，或实际完成超过目标），请对照原文核实。"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table: a workbook sheet, a CSV file and an HTML table.

    A column of kind "by_row" (the 汇总 values) takes each row's kind from `row_kinds`.
    """

    name: str
    slug: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    row_kinds: tuple[Kind, ...] = ()

    def kind(self, row: int, col: int) -> Kind:
        kind = self.columns[col].kind
        return self.row_kinds[row] if kind == "by_row" else kind

    def over_100(self, row: int, col: int) -> bool:
        """A rate above 100 %: marked in every format, explained by `OVER_100_LEGEND`."""
        value = self.rows[row][col]
        return (
            self.kind(row, col) == "rate"
            and isinstance(value, int | Decimal)
            and not isinstance(value, bool)
            and value > HUNDRED
        )

    def has_over_100(self) -> bool:
        return any(
            self.over_100(r, c) for r in range(len(self.rows)) for c in range(len(self.columns))
        )


@dataclass(frozen=True, slots=True)
class Status:
    """Whether the figures are final: provisional while units are missing or errors are open."""

    units_expected: int | None
    units_missing: int
    units_with_errors: int
    open_errors: int

    @property
    def provisional(self) -> bool:
        return self.units_missing > 0 or self.open_errors > 0

    @property
    def label(self) -> str:
        return "暂定" if self.provisional else "正式"

    def text(self) -> str:
        """One sentence: what is still missing or open, or that nothing is."""
        expected = f"{self.units_expected} 个应提交单位" if self.units_expected else "应提交单位"
        if not self.provisional:
            return f"正式：{expected}均已提交，没有未解决的错误。"
        parts = []
        if self.units_missing:
            parts.append(f"{expected}中尚有 {self.units_missing} 个未提交")
        if self.open_errors:
            parts.append(
                f"{self.units_with_errors} 个单位的报告有 {self.open_errors} 条未解决的错误"
            )
        return "暂定：" + "；".join(parts) + "。数字将随补交和更正而变化。"


def status_of(data: DistrictData) -> Status:
    summary = data.summary or {}
    return Status(
        units_expected=_int(summary.get("units_expected")),
        units_missing=len(data.missing),
        units_with_errors=_int(summary.get("units_with_open_errors")) or 0,
        open_errors=_int(summary.get("open_error_findings")) or 0,
    )


def _int(value: Value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return int(value)


# (view column, label, unit, kind) of the 汇总 sheet, in reading order.
SUMMARY_ITEMS: tuple[tuple[str, str, str, Kind], ...] = (
    ("fiscal_year", "年度", "", "int"),
    ("units_expected", "应提交单位数", "个", "int"),
    ("units_submitted", "已提交单位数", "个", "int"),
    ("units_on_time", "按时提交单位数", "个", "int"),
    ("units_with_open_errors", "存在未解决错误的单位数", "个", "int"),
    ("budget_wan", "预算数", "万元", "money"),
    ("executed_wan", "执行数", "万元", "money"),
    ("execution_rate_pct", "预算执行率", "%", "rate"),
    ("fiscal_share_pct", "财政拨款占支出比例", "%", "pct"),
    ("other_share_pct", "其他资金占支出比例", "%", "pct"),
    ("score_avg", "自评得分平均值", "分", "score"),
    ("score_min", "自评得分最低值", "分", "score"),
    ("score_max", "自评得分最高值", "分", "score"),
    ("open_error_findings", "未解决的错误", "条", "int"),
    ("open_warning_findings", "未解决的提示", "条", "int"),
)

SCORECARD_COLUMNS = (
    Column("score_rank", "排名", "int"),
    Column("unit_name", "单位", "text"),
    Column("district", "所属区", "text"),
    Column("total_score", "自评总分", "score"),
    Column("duty_score", "履职效能得分", "score"),
    Column("management_score", "管理效能得分", "score"),
    Column("budget_wan", "预算数(万元)", "money"),
    Column("executed_wan", "执行数(万元)", "money"),
    Column("execution_rate_pct", "执行率(%)", "rate"),
    Column("execution_rate_basis", "执行率来源", "text"),
    Column("fiscal_share_pct", "财政拨款占比(%)", "pct"),
    Column("open_errors", "未解决错误", "int"),
    Column("open_warnings", "未解决提示", "int"),
    Column("version", "报告版本", "int"),
    Column("unit_id", "单位编码", "text"),
)

FINANCE_COLUMNS = (
    Column("unit_name", "单位", "text"),
    Column("kind", "类型", "text"),
    Column("label", "项目", "text"),
    Column("item", "明细", "text"),
    Column("category", "类别", "text"),
    Column("amount_wan", "金额(万元)", "money"),
    Column("share_pct", "占比(%)", "pct"),
    Column("budget_wan", "预算数(万元)", "money"),
    Column("executed_wan", "执行数(万元)", "money"),
    Column("rate_pct", "执行率(%)", "rate"),
    Column("change_wan", "比上年增减(万元)", "money"),
    Column("growth_pct", "比上年增长(%)", "pct"),
    Column("evidence_line", "原文行号", "int"),
    Column("unit_id", "单位编码", "text"),
)

INDICATOR_COLUMNS = (
    Column("unit_name", "单位", "text"),
    Column("level1", "一级指标", "text"),
    Column("level2", "二级指标", "text"),
    Column("name", "指标名称", "text"),
    Column("target", "年度目标值", "text"),
    Column("actual", "年度实现值", "text"),
    Column("completion", "完成情况", "text"),
    Column("completion_pct", "完成率(%)", "rate"),
    Column("evidence_line", "原文行号", "int"),
    Column("unit_id", "单位编码", "text"),
)

FINDING_COLUMNS = (
    Column("unit_name", "单位", "text"),
    Column("severity", "级别", "text"),
    Column("check_id", "检查项", "text"),
    Column("subject", "对象", "text"),
    Column("observed", "报告值", "text"),
    Column("expected", "应为", "text"),
    Column("message_zh", "说明", "text"),
    Column("evidence_line", "原文行号", "int"),
    Column("evidence_text", "原文", "text"),
    Column("unit_id", "单位编码", "text"),
)

SUBTOTAL_COLUMNS = (
    Column("district", "所属区", "text"),
    Column("units_expected", "应提交单位数", "int"),
    Column("units_submitted", "已提交单位数", "int"),
    Column("units_with_open_errors", "有未解决错误的单位数", "int"),
    Column("budget_wan", "预算数(万元)", "money"),
    Column("executed_wan", "执行数(万元)", "money"),
    Column("execution_rate_pct", "执行率(%)", "rate"),
    Column("score_avg", "平均分", "score"),
    Column("score_min", "最低分", "score"),
    Column("score_max", "最高分", "score"),
    Column("open_error_findings", "未解决错误", "int"),
    Column("open_warning_findings", "未解决提示", "int"),
)
DISTRICT_TOTAL = "全区合计"

MISSING_COLUMNS = (
    Column("unit_id", "单位编码", "text"),
    Column("unit_name", "单位", "text"),
    Column("district", "所属区", "text"),
    Column("contact_emails", "联系邮箱", "text"),
)

KIND_LABELS = {"composition": "收支构成", "execution": "预算执行", "change": "比上年增减"}
SEVERITY_LABELS = {"error": "错误", "warning": "提示"}

# Sheet name, file slug and columns: the published files' public shape (docs/publish.md).
SHEET_SLUGS = {
    "汇总": "summary",
    "所属区": "districts",
    "单位得分": "unit_scores",
    "收支": "finance",
    "绩效指标": "indicators",
    "数据质量": "data_quality",
    "未提交": "missing_units",
}


def _cells(rows: tuple[ViewRow, ...], columns: tuple[Column, ...]) -> tuple[tuple[Value, ...], ...]:
    return tuple(tuple(_display(c.key, row) for c in columns) for row in rows)


def _display(key: str, row: ViewRow) -> Value:
    # Code values become their Chinese names; everything else is published as the view holds it.
    value = row.get(key)
    if key == "kind" and isinstance(value, str):
        return KIND_LABELS.get(value, value)
    if key == "severity" and isinstance(value, str):
        return SEVERITY_LABELS.get(value, value)
    if key == "check_id" and isinstance(value, str):
        return check_name_zh(value)
    if key == "execution_rate_basis":
        return rate_basis_text(value, row.get("execution_rate_line"))
    return value


def rate_basis_text(basis: Value, line: Value) -> str | None:
    """Where a unit's execution rate comes from, in words: the report's line, or the division."""
    if basis == "stated":
        return "报告所列" if line is None else f"报告所列（第{line}行）"
    if basis == "computed":
        return "按执行数÷预算数计算"
    return None


def _beside(columns: tuple[Column, ...], extra: dict[str, Column]) -> tuple[Column, ...]:
    """`columns` with each of `extra` inserted right after the column it is keyed by."""
    out: list[Column] = []
    for column in columns:
        out.append(column)
        if column.key in extra:
            out.append(extra[column.key])
    return tuple(out)


def _scorecard_sheet(data: DistrictData) -> Sheet:
    """单位得分; with last year's score and rate beside this year's when the warehouse has them."""
    if not data.prior_scorecard:
        return Sheet(
            "单位得分",
            SHEET_SLUGS["单位得分"],
            SCORECARD_COLUMNS,
            _cells(data.scorecard, SCORECARD_COLUMNS),
        )
    prior_year = data.fiscal_year - 1
    columns = _beside(
        SCORECARD_COLUMNS,
        {
            "total_score": Column("prior_total_score", f"{prior_year}年自评总分", "score"),
            "execution_rate_pct": Column(
                "prior_execution_rate_pct", f"{prior_year}年执行率(%)", "rate"
            ),
        },
    )
    prior = {str(r["unit_id"]): r for r in data.prior_scorecard if r["unit_id"] is not None}
    rows = []
    for row in data.scorecard:
        last = prior.get(str(row["unit_id"]), {})
        rows.append(
            {
                **row,
                "prior_total_score": last.get("total_score"),
                "prior_execution_rate_pct": last.get("execution_rate_pct"),
            }
        )
    return Sheet("单位得分", SHEET_SLUGS["单位得分"], columns, _cells(tuple(rows), columns))


def _summary_sheet(data: DistrictData, status: Status, now: datetime) -> Sheet:
    """汇总: the status and time of the publication, then one row per figure (and last year's)."""
    summary = data.summary or {"fiscal_year": data.fiscal_year}
    prior = data.prior_summary
    columns: tuple[Column, ...] = (
        Column("item", "项目", "text"),
        Column("value", "数值", "by_row"),
        *((Column("prior", f"{data.fiscal_year - 1}年", "by_row"),) if prior else ()),
        Column("unit", "单位", "text"),
    )

    def line(label: str, value: Value, last: Value, unit: str) -> tuple[Value, ...]:
        return (label, value, last, unit) if prior else (label, value, unit)

    rows = [
        line("发布状态", status.text(), None, ""),
        line("发布时间", human_time(now), None, ""),
        *(
            line(label, summary.get(key), (prior or {}).get(key), unit)
            for key, label, unit, _ in SUMMARY_ITEMS
        ),
    ]
    return Sheet(
        "汇总",
        SHEET_SLUGS["汇总"],
        columns,
        tuple(rows),
        ("text", "text", *(kind for *_, kind in SUMMARY_ITEMS)),
    )


def build_sheets(data: DistrictData, *, now: datetime) -> tuple[Sheet, ...]:
    """The seven published tables of one fiscal year, in workbook order."""
    total = {**(data.summary or {}), "district": DISTRICT_TOTAL}
    return (
        _summary_sheet(data, status_of(data), now),
        Sheet(
            "所属区",
            SHEET_SLUGS["所属区"],
            SUBTOTAL_COLUMNS,
            _cells((*data.subtotals, total), SUBTOTAL_COLUMNS),
        ),
        _scorecard_sheet(data),
        Sheet("收支", SHEET_SLUGS["收支"], FINANCE_COLUMNS, _cells(data.finance, FINANCE_COLUMNS)),
        Sheet(
            "绩效指标",
            SHEET_SLUGS["绩效指标"],
            INDICATOR_COLUMNS,
            _cells(data.indicators, INDICATOR_COLUMNS),
        ),
        Sheet(
            "数据质量",
            SHEET_SLUGS["数据质量"],
            FINDING_COLUMNS,
            _cells(data.findings, FINDING_COLUMNS),
        ),
        Sheet(
            "未提交", SHEET_SLUGS["未提交"], MISSING_COLUMNS, _cells(data.missing, MISSING_COLUMNS)
        ),
    )


def format_value(value: Value, kind: Kind) -> str:
    """How a value reads on screen (HTML, and column-width fitting): the xlsx format's twin."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if kind in ("money", "pct", "rate", "score") and isinstance(value, int | Decimal):
        text = f"{Decimal(value):,.2f}" if kind == "money" else f"{Decimal(value):.2f}"
        return text
    if kind == "int" and isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def exact_text(value: Value) -> str:
    """A value written exactly, as in the CSV files: Decimals as their full literal."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return "0" if text == "-0" else text
    return str(value)
