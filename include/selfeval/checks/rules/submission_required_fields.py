"""submission.required_fields: the unit, the fiscal year and the total score are stated."""

from __future__ import annotations

from selfeval.checks.rule import Bilingual, Case, Derived, Expect, Row, Rule, Scope


def derive(row: Row, scope: Scope) -> Derived | None:
    return None


_FIELDS = {
    "unit_name": ("单位名称", "写明单位全称（如“广州市××区××街道办事处”）", "the unit's name"),
    "fiscal_year": ("所属年度", "写明自评年度（如“2024年度”）", "the fiscal year"),
    "total_score": (
        "自评总分",
        "写明部门整体支出绩效自评得分（如“自评得分为97分”）",
        "the total self-evaluation score",
    ),
}


def message(c: Case) -> Bilingual:
    zh, fix, en = _FIELDS.get(c.measure, (c.measure, "补充该项内容", c.measure))
    return (
        f"报告中未能识别出{zh}。请在报告中{fix}，以便汇总。",
        f"The report does not state {en} in a form we can read. Please state it.",
    )


RULE = Rule(
    id="submission.required_fields",
    name_zh="单位名称、年度和总分齐全",
    table="submissions",
    description="the unit name, the fiscal year and the total score are present",
    columns={},
    derive=derive,
    expectations=tuple(
        Expect("expect_column_values_to_not_be_null", {"column": column}, measure=column)
        for column in _FIELDS
    ),
    message=message,
    params={},
    severity="warning",
)
