"""Consumer views: the SQL analysts, `selfeval.publish` and the alerts read (docs/architecture.md).

The SQL is written once for SQLite and PostgreSQL: no dialect functions, integer division avoided
(`* 100.0`), NULL ordering made explicit. Only the latest accepted version of a report counts.

`VIEWS_0001` is frozen: migration 0001 creates exactly these. A change to a view is a new
migration that drops and recreates it from a new `VIEWS_<rev>` mapping; `VIEWS` is the current one.
"""

from __future__ import annotations

# Per current submission: the department-wide budget and executed amount (the `支出` execution,
# executed falling back to the `决算支出` total) and the fund-source split (财政拨款 parts of
# `决算支出`, else of `支出按资金来源`). Inlined into the views that need it.
_FINANCE = """
SELECT f.submission_id,
       e.budget_wan AS budget_wan,
       COALESCE(e.executed_wan, sc.total_wan) AS executed_wan,
       (SELECT SUM(p.amount_wan) FROM composition_part p
         WHERE p.composition_id = f.fund_composition_id AND p.category = '财政拨款') AS fiscal_wan,
       COALESCE(fc.total_wan,
                (SELECT SUM(p.amount_wan) FROM composition_part p
                  WHERE p.composition_id = f.fund_composition_id)) AS fund_total_wan
FROM (
    SELECT s.submission_id,
           (SELECT MIN(x.execution_id) FROM execution x
             WHERE x.submission_id = s.submission_id AND x.label = '支出') AS spend_execution_id,
           (SELECT MIN(c.composition_id) FROM composition c
             WHERE c.submission_id = s.submission_id AND c.label = '决算支出')
               AS spend_composition_id,
           COALESCE(
               (SELECT MIN(c.composition_id) FROM composition c
                 WHERE c.submission_id = s.submission_id AND c.label = '决算支出'
                   AND EXISTS (SELECT 1 FROM composition_part p
                                WHERE p.composition_id = c.composition_id
                                  AND p.category = '财政拨款')),
               (SELECT MIN(c.composition_id) FROM composition c
                 WHERE c.submission_id = s.submission_id AND c.label = '支出按资金来源')
           ) AS fund_composition_id
    FROM submission s
    WHERE s.status = 'accepted'
) f
LEFT JOIN execution e ON e.execution_id = f.spend_execution_id
LEFT JOIN composition sc ON sc.composition_id = f.spend_composition_id
LEFT JOIN composition fc ON fc.composition_id = f.fund_composition_id
"""

# A unit met the deadline for a year when any version it sent for that year arrived in time.
_ON_TIME = """(s.on_time OR EXISTS (
        SELECT 1 FROM submission o
         WHERE o.unit_id = s.unit_id AND o.fiscal_year = s.fiscal_year
           AND o.status <> 'rejected' AND o.on_time))"""


def _dimension_score(dimension: str) -> str:
    # The table's subtotal when printed, else the sum of the group's items.
    return f"""COALESCE(
        (SELECT MAX(x.score) FROM score x
          WHERE x.submission_id = s.submission_id AND x.kind = 'subtotal'
            AND (x.group_dimension = '{dimension}' OR x.dimension = '{dimension}')),
        (SELECT SUM(x.score) FROM score x
          WHERE x.submission_id = s.submission_id AND x.kind = 'item'
            AND (x.group_dimension = '{dimension}'
                 OR (x.group_dimension IS NULL AND x.dimension = '{dimension}'))))"""


def _open_count(severity: str) -> str:
    return f"""(SELECT COUNT(*) FROM finding x
          WHERE x.submission_id = s.submission_id AND x.severity = '{severity}')"""


V_LATEST_SUBMISSION = f"""
CREATE VIEW v_latest_submission AS
SELECT s.submission_id,
       s.unit_id,
       COALESCE(u.name, s.reported_unit_name) AS unit_name,
       COALESCE(u.district, s.reported_district) AS district,
       s.fiscal_year,
       s.version,
       s.sha256,
       s.file_name,
       s.received_at,
       {_ON_TIME} AS on_time,
       s.total_score
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
WHERE s.status = 'accepted'
"""


def _district_year_summary(execution_rate: str, joins: str = "", where: str = "") -> str:
    # One row per fiscal year; revisions differ in how the execution rate adds up units and in
    # which submissions count (`where`: from 0007, those of registry units only).
    return f"""
CREATE VIEW v_district_year_summary AS
SELECT s.fiscal_year,
       (SELECT COUNT(*) FROM unit u WHERE u.active) AS units_expected,
       COUNT(DISTINCT s.unit_id) AS units_submitted,
       COUNT(DISTINCT CASE WHEN {_ON_TIME} THEN s.unit_id END) AS units_on_time,
       COUNT(DISTINCT CASE WHEN {_open_count("error")} > 0 THEN s.unit_id END)
           AS units_with_open_errors,
       SUM(fin.budget_wan) AS budget_wan,
       SUM(fin.executed_wan) AS executed_wan,
       {execution_rate} AS execution_rate_pct,
       ROUND(SUM(fin.fiscal_wan) * 100.0
             / NULLIF(SUM(CASE WHEN fin.fiscal_wan IS NOT NULL THEN fin.fund_total_wan END), 0),
             2) AS fiscal_share_pct,
       ROUND((SUM(CASE WHEN fin.fiscal_wan IS NOT NULL THEN fin.fund_total_wan END)
              - SUM(fin.fiscal_wan)) * 100.0
             / NULLIF(SUM(CASE WHEN fin.fiscal_wan IS NOT NULL THEN fin.fund_total_wan END), 0),
             2) AS other_share_pct,
       ROUND(AVG(s.total_score), 2) AS score_avg,
       MIN(s.total_score) AS score_min,
       MAX(s.total_score) AS score_max,
       CAST(SUM({_open_count("error")}) AS INTEGER) AS open_error_findings,
       CAST(SUM({_open_count("warning")}) AS INTEGER) AS open_warning_findings
FROM submission s
LEFT JOIN ({_FINANCE}) fin ON fin.submission_id = s.submission_id
{joins}WHERE s.status = 'accepted' AND s.fiscal_year IS NOT NULL{where}
GROUP BY s.fiscal_year
"""


V_DISTRICT_YEAR_SUMMARY = _district_year_summary(
    """ROUND(SUM(CASE WHEN fin.budget_wan IS NOT NULL THEN fin.executed_wan END) * 100.0
             / NULLIF(SUM(CASE WHEN fin.executed_wan IS NOT NULL THEN fin.budget_wan END), 0),
             2)"""
)


def _unit_scorecard(
    execution_rate: str, columns: str = "", joins: str = "", *, rank_held: bool = True
) -> str:
    # One row per current submission; revisions differ in the execution rate and add columns,
    # and from 0007 a report held for review (no registry unit) gets no rank (`rank_held`).
    unranked = (
        "s.total_score IS NULL" if rank_held else "s.total_score IS NULL OR s.unit_id IS NULL"
    )
    ranked_among = (
        "s.fiscal_year"
        if rank_held
        else ("s.fiscal_year, CASE WHEN s.unit_id IS NULL THEN 1 ELSE 0 END")
    )
    return f"""
CREATE VIEW v_unit_scorecard AS
SELECT s.fiscal_year,
       s.unit_id,
       COALESCE(u.name, s.reported_unit_name) AS unit_name,
       COALESCE(u.district, s.reported_district) AS district,
       s.submission_id,
       s.version,
       s.total_score,
       CASE WHEN {unranked} THEN NULL
            ELSE RANK() OVER (PARTITION BY {ranked_among}
                              ORDER BY CASE WHEN s.total_score IS NULL THEN 1 ELSE 0 END,
                                       s.total_score DESC)
       END AS score_rank,
       {_dimension_score("履职效能")} AS duty_score,
       {_dimension_score("管理效能")} AS management_score,
       fin.budget_wan,
       fin.executed_wan,
       {execution_rate} AS execution_rate_pct,
       ROUND(fin.fiscal_wan * 100.0 / NULLIF(fin.fund_total_wan, 0), 2) AS fiscal_share_pct,
       {_open_count("error")} AS open_errors,
       {_open_count("warning")} AS open_warnings{columns}
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
LEFT JOIN ({_FINANCE}) fin ON fin.submission_id = s.submission_id
{joins}WHERE s.status = 'accepted'
"""


V_UNIT_SCORECARD = _unit_scorecard("ROUND(fin.executed_wan * 100.0 / NULLIF(fin.budget_wan, 0), 2)")

V_OPEN_FINDINGS = """
CREATE VIEW v_open_findings AS
SELECT f.finding_id,
       f.submission_id,
       s.fiscal_year,
       s.unit_id,
       COALESCE(u.name, s.reported_unit_name) AS unit_name,
       f.check_id,
       f.severity,
       f.subject,
       f.observed,
       f.expected,
       f.tolerance,
       f.message_zh,
       f.message_en,
       f.evidence_line,
       f.evidence_text
FROM finding f
JOIN submission s ON s.submission_id = f.submission_id
LEFT JOIN unit u ON u.unit_id = s.unit_id
WHERE s.status = 'accepted'
"""

V_UNIT_FINANCE = """
CREATE VIEW v_unit_finance AS
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name) AS unit_name,
       s.submission_id, 'composition' AS kind, c.label, p.name AS item, p.category,
       p.amount_wan, p.share_pct,
       CAST(NULL AS NUMERIC(18, 6)) AS budget_wan,
       CAST(NULL AS NUMERIC(18, 6)) AS executed_wan,
       CAST(NULL AS NUMERIC(12, 4)) AS rate_pct,
       c.evidence_line
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN composition c ON c.submission_id = s.submission_id
JOIN composition_part p ON p.composition_id = c.composition_id
WHERE s.status = 'accepted'
UNION ALL
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name),
       s.submission_id, 'composition', c.label, CAST(NULL AS VARCHAR(200)),
       CAST(NULL AS VARCHAR(50)), c.total_wan, CAST(NULL AS NUMERIC(12, 4)),
       CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(12, 4)),
       c.evidence_line
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN composition c ON c.submission_id = s.submission_id
WHERE s.status = 'accepted' AND c.total_wan IS NOT NULL
UNION ALL
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name),
       s.submission_id, 'execution', e.label, CAST(NULL AS VARCHAR(200)),
       CAST(NULL AS VARCHAR(50)), CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(12, 4)),
       e.budget_wan, e.executed_wan,
       COALESCE(e.rate_pct, ROUND(e.executed_wan * 100.0 / NULLIF(e.budget_wan, 0), 2)),
       e.evidence_line
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN execution e ON e.submission_id = s.submission_id
WHERE s.status = 'accepted'
"""

V_UNIT_INDICATORS = """
CREATE VIEW v_unit_indicators AS
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name) AS unit_name,
       s.submission_id, i.level1, i.level2, i.name, i.target, i.actual, i.completion,
       i.completion_pct, i.evidence_line
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN indicator i ON i.submission_id = s.submission_id
WHERE s.status = 'accepted'
"""

# Revision 0004: the reader's new figures. v_unit_finance gains 年初预算数, 分值 and 得分 of
# funds rows, and year-over-year changes (kind 'change'); v_unit_indicators gains 分值, 得分, the
# target and actual as numbers, their unit and the direction. Columns are added at the end.
V_UNIT_FINANCE_0004 = """
CREATE VIEW v_unit_finance AS
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name) AS unit_name,
       s.submission_id, 'composition' AS kind, c.label, p.name AS item, p.category,
       p.amount_wan, p.share_pct,
       CAST(NULL AS NUMERIC(18, 6)) AS budget_wan,
       CAST(NULL AS NUMERIC(18, 6)) AS executed_wan,
       CAST(NULL AS NUMERIC(12, 4)) AS rate_pct,
       c.evidence_line,
       CAST(NULL AS NUMERIC(18, 6)) AS initial_budget_wan,
       CAST(NULL AS NUMERIC(10, 4)) AS max_score,
       CAST(NULL AS NUMERIC(10, 4)) AS score,
       CAST(NULL AS NUMERIC(18, 6)) AS change_wan,
       CAST(NULL AS NUMERIC(12, 4)) AS growth_pct
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN composition c ON c.submission_id = s.submission_id
JOIN composition_part p ON p.composition_id = c.composition_id
WHERE s.status = 'accepted'
UNION ALL
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name),
       s.submission_id, 'composition', c.label, CAST(NULL AS VARCHAR(200)),
       CAST(NULL AS VARCHAR(50)), c.total_wan, CAST(NULL AS NUMERIC(12, 4)),
       CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(12, 4)),
       c.evidence_line, CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(10, 4)),
       CAST(NULL AS NUMERIC(10, 4)), CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(12, 4))
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN composition c ON c.submission_id = s.submission_id
WHERE s.status = 'accepted' AND c.total_wan IS NOT NULL
UNION ALL
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name),
       s.submission_id, 'execution', e.label, CAST(NULL AS VARCHAR(200)),
       CAST(NULL AS VARCHAR(50)), CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(12, 4)),
       e.budget_wan, e.executed_wan,
       COALESCE(e.rate_pct, ROUND(e.executed_wan * 100.0 / NULLIF(e.budget_wan, 0), 2)),
       e.evidence_line, e.initial_budget_wan, e.max_score, e.score,
       CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(12, 4))
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN execution e ON e.submission_id = s.submission_id
WHERE s.status = 'accepted'
UNION ALL
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name),
       s.submission_id, 'change', y.label, CAST(NULL AS VARCHAR(200)),
       CAST(NULL AS VARCHAR(50)), y.current_wan, CAST(NULL AS NUMERIC(12, 4)),
       CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(12, 4)),
       y.evidence_line, CAST(NULL AS NUMERIC(18, 6)), CAST(NULL AS NUMERIC(10, 4)),
       CAST(NULL AS NUMERIC(10, 4)), y.change_wan, y.growth_pct
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN yoy_change y ON y.submission_id = s.submission_id
WHERE s.status = 'accepted'
"""

V_UNIT_INDICATORS_0004 = """
CREATE VIEW v_unit_indicators AS
SELECT s.fiscal_year, s.unit_id, COALESCE(u.name, s.reported_unit_name) AS unit_name,
       s.submission_id, i.level1, i.level2, i.name, i.target, i.actual, i.completion,
       i.completion_pct, i.evidence_line, i.weight, i.score, i.target_value, i.actual_value,
       i.unit, i.direction
FROM submission s
LEFT JOIN unit u ON u.unit_id = s.unit_id
JOIN indicator i ON i.submission_id = s.submission_id
WHERE s.status = 'accepted'
"""

V_MISSING_UNITS = """
CREATE VIEW v_missing_units AS
SELECT y.fiscal_year, u.unit_id, u.name AS unit_name, u.district, u.contact_emails
FROM (SELECT DISTINCT fiscal_year FROM submission
       WHERE status = 'accepted' AND fiscal_year IS NOT NULL) y
CROSS JOIN unit u
WHERE u.active
  AND NOT EXISTS (SELECT 1 FROM submission s
                   WHERE s.status = 'accepted' AND s.unit_id = u.unit_id
                     AND s.fiscal_year = y.fiscal_year)
"""

# Revision 0006: a unit's execution rate is the one its report prints, where it prints one — on
# its `支出` statement, else a department-wide rate stated on its own (预算完成率100%,
# 预算资金支出率98.76%; not 收入, 公用经费 or 三公经费) — and only else executed ÷ budget, which
# may mix bases (a 年初预算 budget against a 决算 total). The columns added at the end say which
# it is and on which line. Subtotals per 所属区 come from the new v_district_subtotals.
_STATED_RATE_ID = """COALESCE(
        (SELECT MIN(x.execution_id) FROM execution x
          WHERE x.submission_id = s.submission_id AND x.label = '支出'
            AND x.rate_pct IS NOT NULL),
        (SELECT MIN(x.execution_id) FROM execution x
          WHERE x.submission_id = s.submission_id AND x.rate_pct IS NOT NULL
            AND x.budget_wan IS NULL AND x.executed_wan IS NULL
            AND x.label NOT IN ('收入', '公用经费', '三公经费')))"""

_COMPUTED_RATE = "ROUND(fin.executed_wan * 100.0 / NULLIF(fin.budget_wan, 0), 2)"

# Rates over several units (a district, the year) add up only what one statement gives both of:
# the `支出` statement's budget and executed amount, never a budget beside a 决算 total.
_SPEND_EXECUTION_ID = """(SELECT MIN(x.execution_id) FROM execution x
          WHERE x.submission_id = s.submission_id AND x.label = '支出')"""
_STATED_BOTH_RATE = """ROUND(
           SUM(CASE WHEN se.budget_wan IS NOT NULL THEN se.executed_wan END) * 100.0
           / NULLIF(SUM(CASE WHEN se.executed_wan IS NOT NULL THEN se.budget_wan END), 0),
           2)"""


def _scorecard_with_stated_rate(*, rank_held: bool) -> str:
    """v_unit_scorecard from 0006: the rate as the report states it, else computed, and which."""
    return _unit_scorecard(
        f"COALESCE(sr.rate_pct, {_COMPUTED_RATE})",
        f""",
       CASE WHEN sr.rate_pct IS NOT NULL THEN 'stated'
            WHEN {_COMPUTED_RATE} IS NOT NULL THEN 'computed'
       END AS execution_rate_basis,
       sr.evidence_line AS execution_rate_line""",
        f"LEFT JOIN execution sr ON sr.execution_id = {_STATED_RATE_ID}\n",
        rank_held=rank_held,
    )


V_UNIT_SCORECARD_0006 = _scorecard_with_stated_rate(rank_held=True)

V_DISTRICT_YEAR_SUMMARY_0006 = _district_year_summary(
    _STATED_BOTH_RATE, f"LEFT JOIN execution se ON se.execution_id = {_SPEND_EXECUTION_ID}\n"
)


# One row per fiscal year and 所属区: every district of an active registry unit, in every year
# anyone submitted, and any district a current submission states. Figures as in
# v_district_year_summary, over the district's current submissions.
def _district_subtotals(registered: str = "") -> str:
    # `registered`: from 0007, only submissions of registry units count (c.unit_id IS NOT NULL).
    return f"""
CREATE VIEW v_district_subtotals AS
SELECT a.fiscal_year,
       a.district,
       (SELECT COUNT(*) FROM unit u WHERE u.active AND u.district = a.district) AS units_expected,
       COUNT(DISTINCT s.unit_id) AS units_submitted,
       COUNT(DISTINCT CASE WHEN {_open_count("error")} > 0 THEN s.unit_id END)
           AS units_with_open_errors,
       SUM(fin.budget_wan) AS budget_wan,
       SUM(fin.executed_wan) AS executed_wan,
       {_STATED_BOTH_RATE} AS execution_rate_pct,
       ROUND(AVG(s.total_score), 2) AS score_avg,
       MIN(s.total_score) AS score_min,
       MAX(s.total_score) AS score_max,
       CAST(COALESCE(SUM({_open_count("error")}), 0) AS INTEGER) AS open_error_findings,
       CAST(COALESCE(SUM({_open_count("warning")}), 0) AS INTEGER) AS open_warning_findings
FROM (
    SELECT y.fiscal_year, u.district
    FROM (SELECT DISTINCT fiscal_year FROM submission
           WHERE status = 'accepted' AND fiscal_year IS NOT NULL{registered.replace("c.", "")}) y
    CROSS JOIN unit u
    WHERE u.active AND u.district IS NOT NULL
    UNION
    SELECT c.fiscal_year, COALESCE(cu.district, c.reported_district)
    FROM submission c
    LEFT JOIN unit cu ON cu.unit_id = c.unit_id
    WHERE c.status = 'accepted' AND c.fiscal_year IS NOT NULL{registered}
      AND COALESCE(cu.district, c.reported_district) IS NOT NULL
) a
LEFT JOIN (
    SELECT c.submission_id, c.unit_id, c.fiscal_year, c.total_score,
           COALESCE(cu.district, c.reported_district) AS district
    FROM submission c
    LEFT JOIN unit cu ON cu.unit_id = c.unit_id
    WHERE c.status = 'accepted'{registered}
) s ON s.fiscal_year = a.fiscal_year AND s.district = a.district
LEFT JOIN ({_FINANCE}) fin ON fin.submission_id = s.submission_id
LEFT JOIN execution se ON se.execution_id = {_SPEND_EXECUTION_ID}
GROUP BY a.fiscal_year, a.district
"""


V_DISTRICT_SUBTOTALS = _district_subtotals()

VIEWS_0001: dict[str, str] = {
    "v_latest_submission": V_LATEST_SUBMISSION,
    "v_district_year_summary": V_DISTRICT_YEAR_SUMMARY,
    "v_unit_scorecard": V_UNIT_SCORECARD,
    "v_open_findings": V_OPEN_FINDINGS,
    "v_unit_finance": V_UNIT_FINANCE,
    "v_unit_indicators": V_UNIT_INDICATORS,
    "v_missing_units": V_MISSING_UNITS,
}

VIEWS_0004: dict[str, str] = {
    **VIEWS_0001,
    "v_unit_finance": V_UNIT_FINANCE_0004,
    "v_unit_indicators": V_UNIT_INDICATORS_0004,
}

VIEWS_0006: dict[str, str] = {
    **VIEWS_0004,
    "v_district_year_summary": V_DISTRICT_YEAR_SUMMARY_0006,
    "v_unit_scorecard": V_UNIT_SCORECARD_0006,
    "v_district_subtotals": V_DISTRICT_SUBTOTALS,
}

# From 0007 a report whose unit is not in the registry is held for review: it stays in the
# per-submission views (the consolidation view shows it, 待核实) but counts in no total, subtotal,
# count or rank until the registry lists its unit or an alias (then it is re-matched).
_REGISTERED = " AND s.unit_id IS NOT NULL"

VIEWS_0007: dict[str, str] = {
    **VIEWS_0006,
    "v_district_year_summary": _district_year_summary(
        _STATED_BOTH_RATE,
        f"LEFT JOIN execution se ON se.execution_id = {_SPEND_EXECUTION_ID}\n",
        _REGISTERED,
    ),
    "v_unit_scorecard": _scorecard_with_stated_rate(rank_held=False),
    "v_district_subtotals": _district_subtotals(" AND c.unit_id IS NOT NULL"),
}

VIEWS = VIEWS_0007

# What each view and column means: rendered into docs/warehouse.md; a test checks the columns
# listed here are exactly the columns the database reports for each view.
VIEW_DOCS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "v_latest_submission": (
        "The current (latest accepted) submission of each unit and fiscal year.",
        (
            ("submission_id", "the submission"),
            ("unit_id", "registry unit; NULL when the report names no known unit"),
            ("unit_name", "registry name, else the name the report states"),
            ("district", "registry district, else the district the report states"),
            ("fiscal_year", "fiscal year evaluated"),
            ("version", "1, 2, … per unit and year"),
            ("sha256", "SHA-256 of the file"),
            ("file_name", "file name as received"),
            ("received_at", "when the file was received"),
            ("on_time", "any version for this unit and year arrived by the deadline"),
            ("total_score", "overall self-evaluation score"),
        ),
    ),
    "v_district_year_summary": (
        "One row per fiscal year over the current submissions of registry units (a report held "
        "for review, its unit not in the registry, counts in nothing here) and the active registry.",
        (
            ("fiscal_year", "fiscal year"),
            ("units_expected", "active units in the registry"),
            ("units_submitted", "registry units with a current submission"),
            ("units_on_time", "registry units whose submission arrived by the deadline"),
            ("units_with_open_errors", "registry units whose current submission has errors"),
            ("budget_wan", "sum of `支出` budgets, 万元"),
            ("executed_wan", "sum of executed expenditure (`支出`, else `决算支出` total), 万元"),
            (
                "execution_rate_pct",
                "executed / budget over units whose `支出` statement gives both, percent",
            ),
            ("fiscal_share_pct", "财政拨款 share of expenditure by fund source, percent"),
            ("other_share_pct", "the remaining share (100 − fiscal), percent"),
            ("score_avg", "average total score"),
            ("score_min", "lowest total score"),
            ("score_max", "highest total score"),
            ("open_error_findings", "error findings on current submissions"),
            ("open_warning_findings", "warning findings on current submissions"),
        ),
    ),
    "v_unit_scorecard": (
        "One row per current submission: scores, rank, finance and open findings.",
        (
            ("fiscal_year", "fiscal year"),
            ("unit_id", "registry unit (NULL when unknown)"),
            ("unit_name", "unit name"),
            ("district", "district"),
            ("submission_id", "the current submission"),
            ("version", "its version"),
            ("total_score", "overall score"),
            (
                "score_rank",
                "rank by total score within the year among registry units (1 = best, ties "
                "share); NULL for a report held for review (unit not in the registry)",
            ),
            ("duty_score", "履职效能 score from the score table"),
            ("management_score", "管理效能 score from the score table"),
            ("budget_wan", "`支出` budget, 万元"),
            ("executed_wan", "executed expenditure, 万元"),
            (
                "execution_rate_pct",
                "the rate the report states (on `支出`, else a department-wide rate stated on "
                "its own), else executed / budget, percent",
            ),
            ("fiscal_share_pct", "财政拨款 share of expenditure, percent"),
            ("open_errors", "error findings on this submission"),
            ("open_warnings", "warning findings on this submission"),
            (
                "execution_rate_basis",
                "stated (the rate the report prints) or computed (executed / budget)",
            ),
            ("execution_rate_line", "line of the report stating the rate; NULL when computed"),
        ),
    ),
    "v_open_findings": (
        "Findings on current submissions (a superseded version's findings are closed).",
        (
            ("finding_id", "the finding"),
            ("submission_id", "submission it concerns"),
            ("fiscal_year", "fiscal year"),
            ("unit_id", "registry unit (NULL when unknown)"),
            ("unit_name", "unit name"),
            ("check_id", "check identifier"),
            ("severity", "error or warning"),
            ("subject", "what the finding is about"),
            ("observed", "value found"),
            ("expected", "value expected"),
            ("tolerance", "tolerance applied"),
            ("message_zh", "message, Chinese"),
            ("message_en", "message, English"),
            ("evidence_line", "line of the report"),
            ("evidence_text", "text quoted from the report"),
        ),
    ),
    "v_unit_finance": (
        "Compositions (parts and stated totals, item NULL), executions and year-over-year "
        "changes (kind 'change', amount_wan = this year's amount) of current submissions.",
        (
            ("fiscal_year", "fiscal year"),
            ("unit_id", "registry unit"),
            ("unit_name", "unit name"),
            ("submission_id", "submission"),
            ("kind", "composition or execution"),
            ("label", "composition or execution label"),
            ("item", "part name; NULL for a composition total and for executions"),
            ("category", "part category (财政拨款, 其他, 基本支出, 项目支出)"),
            ("amount_wan", "part amount or composition total, 万元"),
            ("share_pct", "stated share of the part, percent"),
            ("budget_wan", "execution budget, 万元"),
            ("executed_wan", "execution executed amount, 万元"),
            ("rate_pct", "stated execution rate, else executed / budget, percent"),
            ("evidence_line", "line of the report"),
            ("initial_budget_wan", "execution: 年初预算数 beside the budget, 万元"),
            ("max_score", "execution: 分值 of a 自评表 funds row"),
            ("score", "execution: 得分 of a 自评表 funds row (NULL when blank)"),
            ("change_wan", "change: the change against the prior year, signed, 万元"),
            ("growth_pct", "change: growth against the prior year, signed, percent"),
        ),
    ),
    "v_unit_indicators": (
        "Performance indicators of current submissions.",
        (
            ("fiscal_year", "fiscal year"),
            ("unit_id", "registry unit"),
            ("unit_name", "unit name"),
            ("submission_id", "submission"),
            ("level1", "一级指标"),
            ("level2", "二级指标"),
            ("name", "indicator"),
            ("target", "年度目标值 as printed"),
            ("actual", "年度实现值 as printed"),
            ("completion", "完成率 as printed"),
            ("completion_pct", "completion, percent"),
            ("evidence_line", "line of the report"),
            ("weight", "分值"),
            ("score", "得分 (NULL when blank)"),
            ("target_value", "target as a number in the indicator's unit"),
            ("actual_value", "actual value as a number in the indicator's unit"),
            ("unit", "the indicator's unit as printed"),
            ("direction", "higher, lower or equal is better, or text"),
        ),
    ),
    "v_district_subtotals": (
        "One row per fiscal year and 所属区 (district): every district of an active registry "
        "unit, in each year a registry unit submitted, over the current submissions of registry "
        "units (held reports count in nothing here).",
        (
            ("fiscal_year", "fiscal year"),
            ("district", "district (所属区)"),
            ("units_expected", "active registry units of the district"),
            ("units_submitted", "of them, units with a current submission"),
            ("units_with_open_errors", "units whose current submission has errors"),
            ("budget_wan", "sum of `支出` budgets, 万元"),
            ("executed_wan", "sum of executed expenditure, 万元"),
            (
                "execution_rate_pct",
                "executed / budget over units whose `支出` statement gives both, percent",
            ),
            ("score_avg", "average total score"),
            ("score_min", "lowest total score"),
            ("score_max", "highest total score"),
            ("open_error_findings", "error findings on current submissions"),
            ("open_warning_findings", "warning findings on current submissions"),
        ),
    ),
    "v_missing_units": (
        "Active registry units without a current submission, for each year anyone submitted.",
        (
            ("fiscal_year", "fiscal year"),
            ("unit_id", "registry unit"),
            ("unit_name", "unit name"),
            ("district", "district"),
            ("contact_emails", "contact e-mails, ';'-separated"),
        ),
    ),
}
