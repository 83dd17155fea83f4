"""Read the policy in expectations/*.json and build the Great Expectations suites from it.

One file per table (`executions.json` governs the rules of the `executions` table). Each holds,
per built-in check id, whether it runs, its severity, its tolerance or bounds and optional
wording; and any district rules written as GX expectations on the table's columns:

    {"name": "executions",
     "checks": {"execution.rate_matches": {"enabled": true, "severity": "error",
                                           "allowance_factor": 1, "absolute_tolerance": 0}},
     "expectations": [
       {"type": "expect_column_values_to_be_between",
        "kwargs": {"column": "rate_pct", "min_value": 90},
        "meta": {"check": "district.low_execution", "severity": "warning",
                 "message_zh": "第{line}行{label}执行率为{rate_pct}%，低于90%。"}}]}

An unknown or renamed check id, a missing one, an unknown setting or column is a load error
naming the file. Reading the JSON needs no GX; building the suites imports it (lazily).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from selfeval import settings
from selfeval.checks.rule import Expect, Rule
from selfeval.checks.rules import RULES
from selfeval.checks.tables import CHECK_TABLES
from selfeval.errors import SuiteError
from selfeval.findings import Severity

KEY_COLUMNS = ("report_id", "row")
INDEX_META_KEY = "selfeval_index"
_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COMMON = ("enabled", "severity", "description", "message_zh", "message_en")


@dataclass(frozen=True, slots=True)
class Planned:
    """One expectation to run: a built-in rule's (rule set) or a district rule's (rule None)."""

    index: int
    check: str
    severity: Severity
    type: str
    kwargs: Mapping[str, Any]
    measure: str
    meta: Mapping[str, Any]  # the policy or the district rule's meta (wording, bounds)
    rule: Rule | None


@dataclass(frozen=True, slots=True)
class SuiteSpec:
    table: str
    path: Path
    rules: tuple[Rule, ...]  # the enabled built-in rules of the table
    planned: tuple[Planned, ...]


def default_suites_dir() -> Path:
    """$SELFEVAL_EXPECTATIONS_DIR, else the repository's expectations/ next to include/."""
    override = os.environ.get(settings.EXPECTATIONS_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / settings.EXPECTATIONS_DIR


def resolve_suites_dir(suites_dir: Path | str | None) -> Path:
    directory = Path(suites_dir) if suites_dir is not None else default_suites_dir()
    if not directory.is_dir():
        raise SuiteError(
            f"{directory}: no expectation suites there (set {settings.EXPECTATIONS_DIR_ENV} "
            "to the folder holding the *.json suites)"
        )
    return directory


def table_columns(table: str) -> tuple[str, ...]:
    """The base columns of `table` and every column its built-in rules derive."""
    columns = list(CHECK_TABLES[table].columns)
    for rule in RULES.values():
        if rule.table == table:
            columns += [c for c in rule.columns if c not in columns]
    return tuple(columns)


def read_suites(directory: Path) -> dict[str, SuiteSpec]:
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise SuiteError(f"{directory}: no *.json expectation suites")
    specs = {path.stem: read_suite(path) for path in paths}
    missing = sorted({r.table for r in RULES.values()} - set(specs))
    if missing:
        raise SuiteError(
            f"{directory}: no suite for table(s) {', '.join(missing)}; every table with checks "
            "needs its <table>.json policy"
        )
    return specs


def _rule_table(check: str) -> str | None:
    rule = RULES.get(check)
    return None if rule is None else rule.table


def read_suite(path: Path) -> SuiteSpec:
    table = path.stem
    if table not in CHECK_TABLES:
        raise SuiteError(
            f"{path}: no table named {table!r}; suite files are named after one of "
            + ", ".join(sorted(CHECK_TABLES))
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SuiteError(f"{path}: cannot read the suite: {exc}") from exc
    if not isinstance(doc, dict):
        raise SuiteError(f"{path}: a suite is a JSON object with 'checks' and 'expectations'")
    unknown_keys = set(doc) - {"name", "meta", "checks", "expectations"}
    if unknown_keys:
        raise SuiteError(f"{path}: unknown key(s) {', '.join(sorted(unknown_keys))}")
    checks = doc.get("checks", {})
    district = doc.get("expectations", [])
    if not isinstance(checks, dict) or not isinstance(district, list):
        raise SuiteError(f"{path}: 'checks' is an object by check id, 'expectations' a list")
    own = [r for r in RULES.values() if r.table == table]
    for check in checks:
        where = _rule_table(check)
        if where is None:
            raise SuiteError(
                f"{path}: no built-in check named {check!r} (renamed or misspelt?); the checks "
                f"of table {table!r} are " + ", ".join(r.id for r in own)
            )
        if where != table:
            raise SuiteError(
                f"{path}: check {check!r} runs on table {where!r}: set it in {where}.json"
            )
    absent = [r.id for r in own if r.id not in checks]
    if absent:
        raise SuiteError(f"{path}: no policy for check(s) {', '.join(absent)}")
    planned: list[Planned] = []
    enabled: list[Rule] = []
    for rule in own:
        policy = _policy(path, rule, checks[rule.id])
        if not policy["enabled"]:
            continue
        enabled.append(rule)
        for expect in rule.expectations:
            planned.append(_planned(len(planned), rule, expect, policy))
    columns = set(table_columns(table)) | set(KEY_COLUMNS)
    for index, raw in enumerate(district):
        planned.append(_district(path, table, index, len(planned), raw, columns))
    return SuiteSpec(table=table, path=path, rules=tuple(enabled), planned=tuple(planned))


def _policy(path: Path, rule: Rule, raw: Any) -> dict[str, Any]:
    where = f"{path}: check {rule.id}"
    if not isinstance(raw, dict):
        raise SuiteError(f"{where}: the policy is a JSON object")
    allowed = set(_COMMON) | set(rule.params)
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise SuiteError(
            f"{where}: unknown setting(s) {', '.join(unknown)}; it takes "
            + ", ".join(sorted(allowed))
        )
    policy = {"enabled": True, "severity": rule.severity, **rule.params, **raw}
    if not isinstance(policy["enabled"], bool):
        raise SuiteError(f"{where}: 'enabled' is true or false")
    _severity(where, policy["severity"])
    for key in rule.params:
        value = policy[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SuiteError(f"{where}: {key} must be a number, not {value!r}")
    return policy


def _severity(where: str, severity: Any) -> None:
    if severity not in settings.CHECK_SEVERITIES:
        raise SuiteError(
            f"{where}: severity must be one of "
            + ", ".join(settings.CHECK_SEVERITIES)
            + f", not {severity!r}"
        )


def _planned(index: int, rule: Rule, expect: Expect, policy: Mapping[str, Any]) -> Planned:
    kwargs = {**expect.kwargs, **{p: policy[p] for p in expect.params}}
    return Planned(
        index=index,
        check=rule.id,
        severity=cast(Severity, policy["severity"]),
        type=expect.type,
        kwargs=kwargs,
        measure=expect.measure,
        meta=policy,
        rule=rule,
    )


def _district(
    path: Path, table: str, number: int, index: int, raw: Any, columns: set[str]
) -> Planned:
    where = f"{path}: expectation {number}"
    if not isinstance(raw, dict):
        raise SuiteError(f"{where}: not a JSON object")
    kind, kwargs, meta = raw.get("type"), raw.get("kwargs"), raw.get("meta")
    if not isinstance(kind, str) or not isinstance(kwargs, dict) or not isinstance(meta, dict):
        raise SuiteError(f"{where}: needs 'type' (text), 'kwargs' and 'meta' (objects)")
    check = meta.get("check")
    if not isinstance(check, str) or not check:
        raise SuiteError(f"{where}: meta.check must name the rule (e.g. district.low_rate)")
    if check in RULES:
        raise SuiteError(
            f"{where}: {check!r} is a built-in check: set its policy under 'checks' and give "
            "a district rule its own id"
        )
    _severity(f"{where} ({check})", meta.get("severity"))
    if kwargs.get("mostly", 1) != 1:
        # one batch holds many reports, so a share of passing rows means nothing per report
        raise SuiteError(f"{where} ({check}): 'mostly' is not supported; every row must pass")
    named = [kwargs[k] for k in _COLUMN_KWARGS if k in kwargs]
    named += list(kwargs.get("column_list", []))
    unknown = [c for c in named if c not in columns]
    if unknown:
        raise SuiteError(
            f"{where} ({check}): no column {', '.join(map(repr, unknown))} in table {table!r}; "
            "its columns are " + ", ".join(table_columns(table))
        )
    return Planned(
        index=index,
        check=check,
        severity=cast(Severity, meta["severity"]),
        type=kind,
        kwargs=kwargs,
        measure=str(meta.get("measure", "")),
        meta=meta,
        rule=None,
    )


# --- GX suites (cached per process, rebuilt when a file changes) -------------------------------

_BUILT: dict[tuple[Any, ...], dict[str, tuple[SuiteSpec, Any]]] = {}


def _signature(directory: Path) -> tuple[Any, ...]:
    files = []
    for path in sorted(directory.glob("*.json")):
        stat = path.stat()
        files.append((path.name, stat.st_mtime_ns, stat.st_size))
    return (str(directory.resolve()), tuple(files))


def load_suites(directory: Path) -> dict[str, tuple[SuiteSpec, Any]]:
    """{table: (spec, GX ExpectationSuite)} for `directory`, built once per version of the files."""
    key = _signature(directory)
    cached = _BUILT.get(key)
    if cached is not None:
        return cached
    specs = read_suites(directory)
    built = {table: (spec, _gx_suite(spec)) for table, spec in specs.items()}
    _BUILT.clear()  # keep only the current version of the files
    _BUILT[key] = built
    return built


def _gx_suite(spec: SuiteSpec) -> Any:
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    import selfeval.checks.expectations  # noqa: F401  (registers our custom expectation)

    expectations = []
    for p in spec.planned:
        try:
            config = ExpectationConfiguration(
                type=p.type,
                kwargs=dict(p.kwargs),
                meta={"check": p.check, "severity": p.severity, INDEX_META_KEY: p.index},
            )
            expectations.append(config.to_domain_obj())
        except Exception as exc:  # GX raises several unrelated kinds for a bad configuration
            raise SuiteError(f"{spec.path}: {p.check}: GX rejects it: {exc}") from exc
    # build from domain objects: given dicts, GX would log and drop an invalid expectation
    return ExpectationSuite(name=spec.table, expectations=expectations)
