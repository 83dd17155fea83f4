"""Every check people may see has one Chinese name, kept beside the check itself."""

from __future__ import annotations

import re

import pytest

from selfeval.checks.rules import RULES, WAREHOUSE_CHECK_NAMES_ZH, check_name_zh
from selfeval.warehouse.load import REJECTED, UNIT_UNKNOWN

pytestmark = pytest.mark.unit

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_check_has_its_own_chinese_name() -> None:
    names = {check: check_name_zh(check) for check in [*RULES, UNIT_UNKNOWN, REJECTED]}
    assert all(CJK.search(name) and check not in name for check, name in names.items()), names
    assert len(set(names.values())) == len(names)  # no two checks read alike
    assert set(WAREHOUSE_CHECK_NAMES_ZH) == {UNIT_UNKNOWN, REJECTED}


def test_a_district_rule_keeps_its_id() -> None:
    assert check_name_zh("section_score.matches_table") == "标题中的分数与评分表一致"
    assert check_name_zh("district.low_execution") == "district.low_execution"
