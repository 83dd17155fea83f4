"""Findings as the checks report the seeds' real inconsistencies (until the checks land, and for
rendering tests that must not depend on the checks' exact wording)."""

from __future__ import annotations

from decimal import Decimal

from selfeval.findings import Finding
from selfeval.record import Evidence

SCORE_001 = Finding(
    check="section_score.matches_table",
    severity="error",
    subject="管理效能",
    observed=Decimal("46.5"),
    expected=Decimal("47.5"),
    tolerance=Decimal("0.05"),
    message_zh="标题所述管理效能自评分 46.5 分与评分表各项之和 47.5 分不一致",
    message_en="The heading states 46.5 points for 管理效能; the score table adds up to 47.5",
    evidence=Evidence(86, "(二)管理效率分析(总分为50分，自评分为46.5分)"),
)
CARRY_000 = Finding(
    check="carryover.continuity",
    severity="error",
    subject="年初结转和结余",
    observed=Decimal("25.04"),
    expected=Decimal("5.76"),
    tolerance=Decimal("0.005"),
    message_zh="2024年年初结转和结余 25.04 万元与 2023年年末结转结余 5.76 万元不一致",
    message_en="Opening carry-over 2024 (25.04) differs from closing carry-over 2023 (5.76)",
    evidence=Evidence(40, "2024年年初结转和结余25.04万元"),
)
WARNING = Finding(
    check="indicator.completion",
    severity="warning",
    subject="指标完成率",
    observed="100%",
    expected=None,
    tolerance=None,
    message_zh="指标完成率超过 100%，请核实",
    message_en="An indicator completion above 100%",
    evidence=Evidence(120, "完成率 120%"),
)
