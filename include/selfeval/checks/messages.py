"""The words of a finding: message_zh for the finance clerk who fixes the report, message_en too.

A message names the figures, quotes the sentence with its line, and says what to fix. A suite may
override the wording of an expectation with `meta.message_zh` / `meta.message_en` templates
(str.format fields: line, text, subject, observed, expected, tolerance, plus the row's facts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from selfeval.checks.flatten import Row


@dataclass(frozen=True, slots=True)
class Case:
    """Everything a message may mention about one unexpected row."""

    check: str
    measure: str  # which figure of the row: "score", "max", "min_bound", "max_bound", a field
    row: Row
    observed: Decimal | str | None
    expected: Decimal | str | None
    tolerance: Decimal | None
    terms: tuple[Decimal, ...]
    # the expectation's kwargs and meta, merged (bounds such as max_value are kwargs)
    meta: Mapping[str, Any]


def num(value: Decimal | str | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return "0" if text in ("-0", "") else text
    return str(value)


def _terms(case: Case, sep: str = "+") -> str:
    return sep.join(num(t) for t in case.terms)


def _with_terms(case: Case) -> str:
    return f"（{_terms(case)}）" if len(case.terms) > 1 else ""


def _with_terms_en(case: Case) -> str:
    return f" ({_terms(case, ' + ')})" if len(case.terms) > 1 else ""


def _where_zh(case: Case) -> str:
    ev = case.row.evidence
    if ev is None:
        return "报告中"
    return f"第{ev.line}行“{ev.text}”"


def _where_en(case: Case) -> str:
    ev = case.row.evidence
    if ev is None:
        return "In the report"
    return f"Line {ev.line} (“{ev.text}”)"


def _tol_zh(case: Case, unit: str) -> str:
    if not case.tolerance:
        return ""
    return f"（允许误差{num(case.tolerance)}{unit}）"


def _tol_en(case: Case, unit: str) -> str:
    if not case.tolerance:
        return ""
    return f" (tolerance {num(case.tolerance)}{unit})"


def _diff(case: Case) -> str:
    if isinstance(case.observed, Decimal) and isinstance(case.expected, Decimal):
        return num(abs(case.observed - case.expected))
    return "—"


# --- one renderer per check --------------------------------------------------------------------

Rendered = tuple[str, str]


def _shares_sum(c: Case) -> Rendered:
    label = c.row.facts["label"]
    return (
        f"{_where_zh(c)}中，{label}各部分占比合计为{num(c.observed)}%{_with_terms(c)}，"
        f"应为100%{_tol_zh(c, '个百分点')}。请核对各部分占比，使合计为100%。",
        f"{_where_en(c)}: the shares of {label} add up to {num(c.observed)}%{_with_terms_en(c)}, "
        f"not 100%{_tol_en(c, ' points')}. Correct the shares so that they add up to 100%.",
    )


def _parts_sum(c: Case) -> Rendered:
    label = c.row.facts["label"]
    return (
        f"{_where_zh(c)}中，{label}为{num(c.observed)}万元，但各部分金额合计为"
        f"{num(c.expected)}万元{_with_terms(c)}，相差{_diff(c)}万元{_tol_zh(c, '万元')}。"
        "请核对总额或各部分金额。",
        f"{_where_en(c)}: {label} is {num(c.observed)} 万元 but its parts add up to "
        f"{num(c.expected)} 万元{_with_terms_en(c)}, {_diff(c)} 万元 apart"
        f"{_tol_en(c, ' 万元')}. Correct the total or the parts.",
    )


def _share_matches_amount(c: Case) -> Rendered:
    f = c.row.facts
    return (
        f"{_where_zh(c)}中，{f['part']}占{f['label']}的比例写为{num(c.observed)}%，"
        f"但按金额计算应为{num(c.expected)}%（{num(f['amount'])}÷{num(f['total'])}"
        f"{_tol_zh(c, '个百分点').replace('（', '，').rstrip('）')}）。请核对占比或金额。",
        f"{_where_en(c)}: the share of {f['part']} in {f['label']} is stated as "
        f"{num(c.observed)}%, but the amounts give {num(c.expected)}% "
        f"({num(f['amount'])} / {num(f['total'])}){_tol_en(c, ' points')}. "
        "Correct the share or the amounts.",
    )


def _rate_matches(c: Case) -> Rendered:
    f = c.row.facts
    return (
        f"{_where_zh(c)}中，{f['label']}执行率写为{num(c.observed)}%，但按执行数"
        f"{num(f['executed'])}万元÷预算数{num(f['budget'])}万元计算应为{num(c.expected)}%"
        f"{_tol_zh(c, '个百分点')}。请核对执行率或金额。",
        f"{_where_en(c)}: the execution rate of {f['label']} is stated as {num(c.observed)}%, "
        f"but executed {num(f['executed'])} 万元 / budget {num(f['budget'])} 万元 gives "
        f"{num(c.expected)}%{_tol_en(c, ' points')}. Correct the rate or the amounts.",
    )


def _score_name(c: Case) -> str:
    f = c.row.facts
    return str(f.get("name") or f.get("group") or c.row.subject)


def _within_max(c: Case) -> Rendered:
    name = _score_name(c)
    if c.measure == "min_bound":
        return (
            f"第{_line(c)}行评分表中“{name}”得分为{num(c.observed)}分，不能低于"
            f"{num(c.expected)}分。请核对得分。",
            f"Line {_line(c)}: the score table gives “{name}” {num(c.observed)} points, "
            f"below {num(c.expected)}. Correct the score.",
        )
    return (
        f"第{_line(c)}行评分表中“{name}”得分为{num(c.observed)}分，超过该项分值"
        f"{num(c.expected)}分。请核对得分或分值。",
        f"Line {_line(c)}: the score table gives “{name}” {num(c.observed)} points, more than "
        f"its maximum of {num(c.expected)}. Correct the score or the maximum.",
    )


def _line(c: Case) -> str:
    return "?" if c.row.evidence is None else str(c.row.evidence.line)


def _items_sum(c: Case, whole_zh: str, whole_en: str) -> Rendered:
    what_zh, what_en = ("分值", "maximum") if c.measure == "max" else ("得分", "score")
    return (
        f"第{_line(c)}行评分表中{whole_zh}{what_zh}为{num(c.observed)}分，但其各项{what_zh}合计为"
        f"{num(c.expected)}分{_with_terms(c)}{_tol_zh(c, '分')}。"
        f"请核对{whole_zh}或各项{what_zh}，使两者一致。",
        f"Line {_line(c)}: the score table states a {what_en} of {num(c.observed)} for "
        f"{whole_en}, but its items add up to {num(c.expected)}{_with_terms_en(c)}"
        f"{_tol_en(c, ' points')}. Make them agree.",
    )


def _items_sum_group(c: Case) -> Rendered:
    group = str(c.row.facts.get("group") or c.row.subject)
    return _items_sum(c, f"{group}小计", f"the {group} subtotal")


def _items_sum_total(c: Case) -> Rendered:
    return _items_sum(c, "合计", "the total")


def _total_range(c: Case) -> Rendered:
    low, high = c.meta.get("min_value"), c.meta.get("max_value")
    return (
        f"{_where_zh(c)}中自评总分为{num(c.observed)}分，超出{num(low)}至{num(high)}分的范围。"
        "请核对总分。",
        f"{_where_en(c)}: the total score {num(c.observed)} is outside {num(low)}–{num(high)}. "
        "Correct the total score.",
    )


def _section_name(c: Case) -> str:
    name = str(c.row.facts.get("name") or c.row.subject)
    return name.removesuffix("分析") if len(name) > 2 else name


def _matches_table(c: Case) -> Rendered:
    f = c.row.facts
    name, dim = _section_name(c), f["dimension"]
    is_max = c.measure == "max"
    stated_zh = "总分" if is_max else "自评分"
    what_zh, what_en = ("分值", "maximum") if is_max else ("得分", "score")
    if f["figure"] == "total":
        table_zh = f"评分表合计{what_zh}为{num(c.expected)}分"
        table_en = f"the score table's total {what_en} is {num(c.expected)}"
        name = "自评总分" if not is_max else "满分"
        stated_zh = ""
    elif c.terms:
        table_zh = f"评分表中{dim}各项{what_zh}合计为{num(c.expected)}分{_with_terms(c)}"
        table_en = (
            f"the {dim} items of the score table add up to {num(c.expected)}{_with_terms_en(c)}"
        )
    else:
        table_zh = f"评分表中{dim}{what_zh}为{num(c.expected)}分"
        table_en = f"the score table gives {dim} a {what_en} of {num(c.expected)}"
    return (
        f"{_where_zh(c)}写明{name}{stated_zh}为{num(c.observed)}分，但{table_zh}"
        f"{_tol_zh(c, '分')}。请核对标题或评分表，使两者一致。",
        f"{_where_en(c)} states a {what_en} of {num(c.observed)} for {name}, but {table_en}"
        f"{_tol_en(c, ' points')}. Make the heading and the score table agree.",
    )


def _continuity(c: Case) -> Rendered:
    f = c.row.facts
    year = int(f["year"])
    same_line = c.row.evidence is not None and c.row.evidence.line == f["closing_line"]
    elsewhere_zh = "" if same_line else f"（第{f['closing_line']}行）"
    elsewhere_en = "" if same_line else f" (line {f['closing_line']})"
    return (
        f"{_where_zh(c)}中，{year}年年初结转和结余为{num(c.observed)}万元，但{year - 1}年"
        f"年末结转和结余为{num(c.expected)}万元{elsewhere_zh}，两者应当相等，"
        f"相差{_diff(c)}万元。请核对本年年初结转和结余或上年年末结转和结余。",
        f"{_where_en(c)}: the opening carry-over of {year} is {num(c.observed)} 万元 but the "
        f"closing carry-over of {year - 1} is {num(c.expected)} 万元{elsewhere_en}; "
        f"they should be equal ({_diff(c)} 万元 apart). Correct one of them.",
    )


_FIELDS = {
    "unit_name": ("单位名称", "写明单位全称（如“广州市××区××街道办事处”）", "the unit's name"),
    "fiscal_year": ("所属年度", "写明自评年度（如“2024年度”）", "the fiscal year"),
    "total_score": (
        "自评总分",
        "写明部门整体支出绩效自评得分（如“自评得分为97分”）",
        "the total self-evaluation score",
    ),
}


def _required(c: Case) -> Rendered:
    zh, fix, en = _FIELDS.get(c.measure, (c.measure, "补充该项内容", c.measure))
    return (
        f"报告中未能识别出{zh}。请在报告中{fix}，以便汇总。",
        f"The report does not state {en} in a form we can read. Please state it.",
    )


def _completion_bounds(c: Case) -> Rendered:
    name = c.row.facts["name"]
    low, high = c.meta.get("min_value"), c.meta.get("max_value")
    return (
        f"{_where_zh(c)}中，指标“{name}”的完成率为{num(c.observed)}%，超出{num(low)}%至"
        f"{num(high)}%的合理范围。请核对完成率。",
        f"{_where_en(c)}: indicator “{name}” has a completion of {num(c.observed)}%, outside "
        f"{num(low)}%–{num(high)}%. Correct the completion.",
    )


def _completion_consistent(c: Case) -> Rendered:
    f = c.row.facts
    met = isinstance(c.expected, Decimal) and c.expected == 100
    should_zh = "目标已完成，完成率应为100%" if met else f"完成率应为{num(c.expected)}%"
    should_en = (
        "the target is met, so completion should be 100%"
        if met
        else (f"completion should be {num(c.expected)}%")
    )
    return (
        f"{_where_zh(c)}中，指标“{f['name']}”年度目标值为“{f['target']}”，实现值为"
        f"“{f['actual']}”，{should_zh}，但填写为{num(c.observed)}%{_tol_zh(c, '个百分点')}。"
        "请核对完成率或目标值、实现值。",
        f"{_where_en(c)}: indicator “{f['name']}” has target “{f['target']}” and actual "
        f"“{f['actual']}”; {should_en}, but it is stated as {num(c.observed)}%"
        f"{_tol_en(c, ' points')}. Correct the completion, target or actual value.",
    )


def _generic(c: Case) -> Rendered:
    description = str(c.meta.get("description") or c.check)
    return (
        f"{_where_zh(c)}：{description}（{c.row.subject}：{num(c.observed)}，"
        f"应为{num(c.expected)}）。请核对。",
        f"{_where_en(c)}: {description} ({c.row.subject}: {num(c.observed)}, expected "
        f"{num(c.expected)}).",
    )


RENDERERS: dict[str, Callable[[Case], Rendered]] = {
    "composition.shares_sum": _shares_sum,
    "composition.parts_sum": _parts_sum,
    "composition.share_matches_amount": _share_matches_amount,
    "execution.rate_matches": _rate_matches,
    "score.within_max": _within_max,
    "score.items_sum_group": _items_sum_group,
    "score.items_sum_total": _items_sum_total,
    "score.total_range": _total_range,
    "section_score.matches_table": _matches_table,
    "carryover.continuity": _continuity,
    "submission.required_fields": _required,
    "indicator.completion_bounds": _completion_bounds,
    "indicator.completion_consistent": _completion_consistent,
}


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _template(template: str, c: Case) -> str:
    ev = c.row.evidence
    fields = _Fields({k: num(v) if isinstance(v, Decimal) else v for k, v in c.row.facts.items()})
    fields.update(
        line="?" if ev is None else ev.line,
        text="" if ev is None else ev.text,
        subject=c.row.subject,
        observed=num(c.observed),
        expected=num(c.expected),
        tolerance=num(c.tolerance),
        terms=_terms(c),
    )
    return template.format_map(fields)


def render(case: Case) -> Rendered:
    """(message_zh, message_en) for `case`; suite templates win over the built-in wording."""
    zh, en = RENDERERS.get(case.check, _generic)(case)
    if isinstance(case.meta.get("message_zh"), str):
        zh = _template(case.meta["message_zh"], case)
    if isinstance(case.meta.get("message_en"), str):
        en = _template(case.meta["message_en"], case)
    return zh, en
