"""Every built-in check, one module each: its derived columns, expectations and words.

To add a check: write a module here with a `RULE` (its id, its Chinese `name_zh` that published
summaries show, its logic and words), list it below, give it a policy entry in the suite of its
table (expectations/<table>.json) and a row in docs/checks.md.
"""

from __future__ import annotations

from selfeval.checks.rule import Rule
from selfeval.checks.rules import (
    carryover_continuity,
    carryover_cross_year,
    change_amounts_agree,
    change_closing_balance_base,
    change_growth_matches,
    composition_parts_sum,
    composition_share_matches_amount,
    composition_shares_sum,
    execution_rate_matches,
    execution_same_figures_same_score,
    execution_score_follows_rate,
    execution_score_within_max,
    indicator_completion_bounds,
    indicator_completion_consistent,
    indicator_full_marks_far_from_target,
    indicator_score_within_weight,
    score_dimensions_sum_total,
    score_items_sum_group,
    score_items_sum_total,
    score_total_matches_table,
    score_total_range,
    score_total_stated_alike,
    score_within_max,
    section_score_matches_table,
    submission_required_fields,
)

RULES: dict[str, Rule] = {
    m.RULE.id: m.RULE
    for m in (
        composition_shares_sum,
        composition_parts_sum,
        composition_share_matches_amount,
        execution_rate_matches,
        execution_score_within_max,
        execution_score_follows_rate,
        execution_same_figures_same_score,
        score_within_max,
        score_items_sum_group,
        score_items_sum_total,
        score_total_matches_table,
        score_dimensions_sum_total,
        score_total_stated_alike,
        score_total_range,
        section_score_matches_table,
        submission_required_fields,
        indicator_completion_bounds,
        indicator_completion_consistent,
        indicator_score_within_weight,
        indicator_full_marks_far_from_target,
        change_amounts_agree,
        change_growth_matches,
        change_closing_balance_base,
        carryover_continuity,
        carryover_cross_year,
    )
}

# Checks that need more than one report; they run only when the caller passes last year's record.
CROSS_REPORT = frozenset({"carryover.cross_year"})

# Checks the warehouse runs itself (the unit against the registry; a file it cannot read), named
# here too, so that every check id people may see has its Chinese name in this one place.
WAREHOUSE_CHECK_NAMES_ZH: dict[str, str] = {
    "unit.unknown": "单位名称与单位名录对应",
    "report.rejected": "报告可以读取",
}


def check_name_zh(check_id: str) -> str:
    """The Chinese name of a check; a district rule (not built in) keeps its own id."""
    rule = RULES.get(check_id)
    if rule is not None:
        return rule.name_zh
    return WAREHOUSE_CHECK_NAMES_ZH.get(check_id, check_id)
