"""The unit registry: parsing units.csv and matching report names to units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from warehouse_support import rows

from selfeval.errors import RegistryError
from selfeval.warehouse import load_units, match_unit
from selfeval.warehouse.registry import RegistryUnit, name_key, read_units_csv

pytestmark = pytest.mark.unit


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "units.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_chinese_headers_bom_and_both_separators(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "单位名称,别名,所属区,联系邮箱\n钟村街道,钟村街、钟村街道办事处,番禺区,a@x.org；b@x.org\n\n",
        encoding="utf-8-sig",
    )
    assert read_units_csv(path) == [
        RegistryUnit("钟村街道", ("钟村街", "钟村街道办事处"), "番禺区", ("a@x.org", "b@x.org"))
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"line 1: the file is empty"),
        ("unit,district\nA,B\n", r"line 1: no unit-name column"),
        ("name,aliases\n钟村街道,a,b\n", r"line 2: 3 fields but the header has 2"),
        ("name,emails\n钟村街道,not-an-address\n", r"line 2: 'not-an-address' is not an e-mail"),
        (
            "name\n钟村街道\n白鹤洞街道\n钟村街道\n",
            r"line 4: unit '钟村街道' is listed twice \(also line 2\)",
        ),
        ("name,district\n,番禺区\n", r"line 2: the unit name is empty"),
    ],
)
def test_malformed_registry_names_file_line_and_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(RegistryError, match=rf"^{path}: {message}"):
        read_units_csv(path)


def test_missing_and_undecodable_registry(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="does not exist"):
        read_units_csv(tmp_path / "nope.csv")
    bad = tmp_path / "gbk.csv"
    bad.write_bytes("name\n钟村街道\n".encode("gbk"))
    with pytest.raises(RegistryError, match=rf"^{bad}: cannot read the unit registry as UTF-8"):
        read_units_csv(bad)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("钟村街", "钟村"),
        ("钟村街道", "钟村"),
        ("钟村街道办事处", "钟村"),
        ("广州市番禺区人民政府钟村街道办事处", "钟村"),
        ("番禺区钟村街道", "钟村"),
        ("广州市番禺区石楼镇人民政府", "石楼"),
        ("城市管理局", "城市管理局"),  # 城市 is not a city prefix
        # a city government's own office keeps its city: two cities' offices are two units
        # (a district is stripped as before: the unit's district tells such names apart)
        ("安平市人民政府办公室", "安平市人民政府办公室"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name, ["番禺区"]) == key


def test_names_and_aliases_match_the_same_unit(warehouse_engine: Any, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "name,aliases,district,emails\n"
        "钟村街道,,番禺区,a@x.org\n"
        "白鹤洞街道,鹤洞,荔湾区,b@x.org\n"
        "钟村街道(荔湾),,荔湾区,c@x.org\n",
    )
    assert load_units(warehouse_engine, path) == 3
    ids = dict(rows(warehouse_engine, "SELECT name, unit_id FROM unit"))
    with warehouse_engine.connect() as conn:
        for name in ("钟村街", "钟村街道", "钟村街道办事处", "广州市番禺区人民政府钟村街道办事处"):
            assert match_unit(conn, name, "番禺区") == ids["钟村街道"], name
        assert match_unit(conn, "广州市番禺区人民政府钟村街道办事处") == ids["钟村街道"]
        assert match_unit(conn, "鹤洞") == ids["白鹤洞街道"]
        assert (
            match_unit(conn, "广州市荔湾区人民政府白鹤洞街道办事处", "荔湾区") == ids["白鹤洞街道"]
        )
        assert match_unit(conn, "沙头街道", "番禺区") is None
        assert match_unit(conn, None) is None


def test_reloading_the_registry_updates_and_deactivates(
    warehouse_engine: Any, tmp_path: Path
) -> None:
    load_units(warehouse_engine, _csv(tmp_path, "name,aliases\nA街道,A街\nB街道,B街\n"))
    load_units(warehouse_engine, _csv(tmp_path, "name,aliases,emails\nA街道,甲,a@x.org\n"))
    assert [(n, bool(a), e) for n, a, e in rows(
        warehouse_engine, "SELECT name, active, contact_emails FROM unit ORDER BY name"
    )] == [("A街道", True, "a@x.org"), ("B街道", False, None)]  # fmt: skip
    # A's aliases are replaced; B keeps its own (old reports still name it).
    assert rows(warehouse_engine, "SELECT alias FROM unit_alias ORDER BY unit_id") == [
        ("甲",),
        ("B街",),
    ]


def test_a_registry_reload_rematches_held_reports_in_one_transaction(
    warehouse_engine: Any, tmp_path: Path, seed_001: Path
) -> None:
    """A report naming a unit the registry lacks is held (no total, count or rank); when the
    registry lists its name as an alias it joins its unit: the held report arrived first, so it
    becomes version 1 (superseded) and the one loaded meanwhile version 2 (current)."""
    from datetime import datetime

    from selfeval.extract import extract_file
    from selfeval.warehouse import load_submission

    registry = "name,aliases,district\n白鹤洞街道,白鹤洞街,荔湾区\n"
    load_units(warehouse_engine, _csv(tmp_path, registry))
    text = seed_001.read_text(encoding="utf-8")
    (tmp_path / "held.txt").write_text(
        text.replace("白鹤洞街道办事处", "鹤洞社区服务中心"), "utf-8"
    )
    renamed = extract_file(tmp_path / "held.txt")
    held = load_submission(
        warehouse_engine,
        renamed,
        [],
        received_at=datetime.fromisoformat("2025-03-01T09:00:00+08:00"),
        file_name="held.txt",
    )
    matched = load_submission(
        warehouse_engine,
        extract_file(seed_001),
        [],
        received_at=datetime.fromisoformat("2025-03-02T09:00:00+08:00"),
        file_name=seed_001.name,
    )
    assert held.unit_id is None and matched.unit_id is not None
    query = """SELECT s.submission_id, u.name, s.version, s.status, s.superseded_by,
                      (SELECT COUNT(*) FROM finding f
                        WHERE f.submission_id = s.submission_id AND f.check_id = 'unit.unknown')
               FROM submission s LEFT JOIN unit u ON u.unit_id = s.unit_id
               ORDER BY s.submission_id"""
    assert rows(warehouse_engine, query) == [
        (held.submission_id, None, 1, "accepted", None, 1),
        (matched.submission_id, "白鹤洞街道", 1, "accepted", None, 0),
    ]
    totals = (
        "SELECT fiscal_year, units_submitted, open_warning_findings FROM v_district_year_summary"
    )
    ranks = "SELECT unit_name, score_rank FROM v_unit_scorecard ORDER BY unit_name"
    assert rows(warehouse_engine, totals) == [(2024, 1, 0)]
    assert rows(warehouse_engine, ranks) == [("白鹤洞街道", 1), ("鹤洞社区服务中心", None)]

    # The same registry again changes nothing; one with the alias re-matches.
    load_units(warehouse_engine, _csv(tmp_path, registry))
    assert rows(warehouse_engine, query)[0][1] is None
    load_units(
        warehouse_engine,
        _csv(tmp_path, "name,aliases,district\n白鹤洞街道,白鹤洞街；鹤洞社区服务中心,荔湾区\n"),
    )
    assert rows(warehouse_engine, query) == [
        (held.submission_id, "白鹤洞街道", 1, "superseded", matched.submission_id, 0),
        (matched.submission_id, "白鹤洞街道", 2, "accepted", None, 0),
    ]
    assert rows(warehouse_engine, totals) == [(2024, 1, 0)]
    assert rows(warehouse_engine, ranks) == [("白鹤洞街道", 1)]


def test_a_failed_rematch_leaves_the_registry_and_the_held_reports_as_they_were(
    warehouse_engine: Any, tmp_path: Path, seed_001: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registry and re-match are one transaction: a failure in the re-match undoes both."""
    from datetime import datetime

    from selfeval.extract import extract_file
    from selfeval.warehouse import load_submission, registry

    load_units(warehouse_engine, _csv(tmp_path, "name\n钟村街道\n"))
    load_submission(
        warehouse_engine,
        extract_file(seed_001),
        [],
        received_at=datetime.fromisoformat("2025-03-01T09:00:00+08:00"),
        file_name="001.txt",
    )

    def broken(conn: Any) -> tuple[int, ...]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "rematch_held", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        load_units(
            warehouse_engine, _csv(tmp_path, "name,district\n钟村街道,\n白鹤洞街道,荔湾区\n")
        )
    assert rows(warehouse_engine, "SELECT name FROM unit ORDER BY name") == [("钟村街道",)]
    assert rows(warehouse_engine, "SELECT unit_id FROM submission") == [(None,)]
