"""The published tables, built once from the views and rendered by workbook, csvs and html.

Because the workbook, the CSV files and the HTML report all render these same `Sheet` objects,
they cannot disagree about a figure. Headers are Chinese; each column has a kind that decides its
number format (xlsx), its text form (CSV: exact) and its display form (HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from selfeval.publish.queries import DistrictData, Value, ViewRow

Kind = Literal["text", "int", "money", "pct", "score", "by_row"]

NUMBER_FORMATS: dict[str, str] = {
    "int": "0",
    "money": "#,##0.00",
    "pct": "0.00",
    "score": "0.00",
}


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


# (view column, label, unit, kind) of the 汇总 sheet, in reading order.
SUMMARY_ITEMS: tuple[tuple[str, str, str, Kind], ...] = (
    ("fiscal_year", "年度", "", "int"),
    ("units_expected", "应提交单位数", "个", "int"),
    ("units_submitted", "已提交单位数", "个", "int"),
    ("units_on_time", "按时提交单位数", "个", "int"),
    ("units_with_open_errors", "存在未解决错误的单位数", "个", "int"),
    ("budget_wan", "预算数", "万元", "money"),
    ("executed_wan", "执行数", "万元", "money"),
    ("execution_rate_pct", "预算执行率", "%", "pct"),
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
    Column("execution_rate_pct", "执行率(%)", "pct"),
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
    Column("rate_pct", "执行率(%)", "pct"),
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
    Column("completion_pct", "完成率(%)", "pct"),
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

MISSING_COLUMNS = (
    Column("unit_id", "单位编码", "text"),
    Column("unit_name", "单位", "text"),
    Column("district", "所属区", "text"),
    Column("contact_emails", "联系邮箱", "text"),
)

KIND_LABELS = {"composition": "收支构成", "execution": "预算执行"}
SEVERITY_LABELS = {"error": "错误", "warning": "提示"}

# Sheet name, file slug and columns: the published files' public shape (docs/publish.md).
SHEET_SLUGS = {
    "汇总": "summary",
    "单位得分": "unit_scores",
    "收支": "finance",
    "绩效指标": "indicators",
    "数据质量": "data_quality",
    "未提交": "missing_units",
}


def _cells(rows: tuple[ViewRow, ...], columns: tuple[Column, ...]) -> tuple[tuple[Value, ...], ...]:
    return tuple(tuple(_display(c.key, row.get(c.key)) for c in columns) for row in rows)


def _display(key: str, value: Value) -> Value:
    # Code values become their Chinese names; everything else is published as the view holds it.
    if key == "kind" and isinstance(value, str):
        return KIND_LABELS.get(value, value)
    if key == "severity" and isinstance(value, str):
        return SEVERITY_LABELS.get(value, value)
    return value


def build_sheets(data: DistrictData) -> tuple[Sheet, ...]:
    """The six published tables of one fiscal year, in workbook order."""
    summary = data.summary or {"fiscal_year": data.fiscal_year}
    summary_rows = tuple((label, summary.get(key), unit) for key, label, unit, _ in SUMMARY_ITEMS)
    return (
        Sheet(
            "汇总",
            SHEET_SLUGS["汇总"],
            (
                Column("item", "项目", "text"),
                Column("value", "数值", "by_row"),
                Column("unit", "单位", "text"),
            ),
            summary_rows,
            tuple(kind for *_, kind in SUMMARY_ITEMS),
        ),
        Sheet(
            "单位得分",
            SHEET_SLUGS["单位得分"],
            SCORECARD_COLUMNS,
            _cells(data.scorecard, SCORECARD_COLUMNS),
        ),
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
    if kind in ("money", "pct", "score") and isinstance(value, int | Decimal):
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
