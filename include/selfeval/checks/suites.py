"""Read expectations/*.json and build Great Expectations 1.x suites from them.

One file per flattened table (`compositions.json` validates the `compositions` table). The files
use GX's own suite layout — {"name", "expectations": [{"type", "kwargs", "meta"}], "meta"} — and
every expectation's `meta` names our check id and its severity:

    {"type": "expect_column_values_to_be_between",
     "kwargs": {"column": "total_score", "min_value": 0, "max_value": 100},
     "meta": {"check": "score.total_range", "severity": "error"}}

Reading and validating the JSON needs no GX; building the GX suites imports it (lazily).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from selfeval import settings
from selfeval.checks.flatten import TABLE_COLUMNS
from selfeval.errors import SuiteError
from selfeval.findings import Severity

KEY_COLUMNS = ("report_id", "row")
_COLUMN_KWARGS = ("column", "column_A", "column_B")


@dataclass(frozen=True, slots=True)
class ExpectationSpec:
    """One expectation of a suite file, as written there."""

    index: int
    type: str
    kwargs: Mapping[str, Any]
    meta: Mapping[str, Any]
    check: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class SuiteSpec:
    table: str
    path: Path
    expectations: tuple[ExpectationSpec, ...]


def default_suites_dir() -> Path:
    """$SELFEVAL_EXPECTATIONS_DIR, else the repository's expectations/ next to include/."""
    override = os.environ.get(settings.EXPECTATIONS_DIR_ENV)
    if override:
        return Path(override)
    # include/selfeval/checks/suites.py -> <repo>/expectations (editable install layout)
    return Path(__file__).resolve().parents[3] / settings.EXPECTATIONS_DIR


def resolve_suites_dir(suites_dir: Path | str | None) -> Path:
    directory = Path(suites_dir) if suites_dir is not None else default_suites_dir()
    if not directory.is_dir():
        raise SuiteError(
            f"{directory}: no expectation suites there (set {settings.EXPECTATIONS_DIR_ENV} "
            "to the folder holding the *.json suites)"
        )
    return directory


def read_suites(directory: Path) -> dict[str, SuiteSpec]:
    """Every suite of `directory`, checked against the tables and columns the checks produce."""
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise SuiteError(f"{directory}: no *.json expectation suites")
    return {path.stem: read_suite(path) for path in paths}


def read_suite(path: Path) -> SuiteSpec:
    table = path.stem
    if table not in TABLE_COLUMNS:
        raise SuiteError(
            f"{path}: no table named {table!r}; suite files are named after one of "
            + ", ".join(sorted(TABLE_COLUMNS))
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SuiteError(f"{path}: cannot read the suite: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("expectations"), list):
        raise SuiteError(f"{path}: a suite is a JSON object with an 'expectations' list")
    specs = tuple(
        _expectation(path, table, index, raw) for index, raw in enumerate(doc["expectations"])
    )
    return SuiteSpec(table=table, path=path, expectations=specs)


def _expectation(path: Path, table: str, index: int, raw: Any) -> ExpectationSpec:
    where = f"{path}: expectation {index}"
    if not isinstance(raw, dict):
        raise SuiteError(f"{where}: not a JSON object")
    kind, kwargs, meta = raw.get("type"), raw.get("kwargs"), raw.get("meta")
    if not isinstance(kind, str) or not isinstance(kwargs, dict) or not isinstance(meta, dict):
        raise SuiteError(f"{where}: needs 'type' (text), 'kwargs' and 'meta' (objects)")
    check, severity = meta.get("check"), meta.get("severity")
    if not isinstance(check, str) or not check:
        raise SuiteError(f"{where}: meta.check must name the check id")
    if severity not in settings.CHECK_SEVERITIES:
        raise SuiteError(
            f"{where} ({check}): meta.severity must be one of "
            + ", ".join(settings.CHECK_SEVERITIES)
            + f", not {severity!r}"
        )
    if kwargs.get("mostly", 1) != 1:
        # one batch holds many reports, so a share of passing rows means nothing per report
        raise SuiteError(f"{where} ({check}): 'mostly' is not supported; every row must pass")
    known = set(TABLE_COLUMNS[table]) | set(KEY_COLUMNS)
    named = [kwargs[k] for k in _COLUMN_KWARGS if k in kwargs]
    named += list(kwargs.get("column_list", []))
    unknown = [c for c in named if c not in known]
    if unknown:
        raise SuiteError(
            f"{where} ({check}): no column {', '.join(map(repr, unknown))} in table {table!r}; "
            "its columns are " + ", ".join(TABLE_COLUMNS[table])
        )
    return ExpectationSpec(
        index=index,
        type=kind,
        kwargs=kwargs,
        meta=meta,
        check=check,
        severity=cast(Severity, severity),
    )


# --- GX suites (cached per process, rebuilt when a file changes) -------------------------------

_BUILT: dict[tuple[Any, ...], dict[str, tuple[SuiteSpec, Any]]] = {}

INDEX_META_KEY = "selfeval_index"


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
    for e in spec.expectations:
        try:
            config = ExpectationConfiguration(
                type=e.type,
                kwargs=dict(e.kwargs),
                meta={**e.meta, INDEX_META_KEY: e.index},
            )
            expectations.append(config.to_domain_obj())
        except Exception as exc:  # GX raises several unrelated kinds for a bad configuration
            raise SuiteError(
                f"{spec.path}: expectation {e.index} ({e.check}): GX rejects it: {exc}"
            ) from exc
    # build from domain objects: given dicts, GX would log and drop an invalid expectation
    return ExpectationSuite(name=spec.table, expectations=expectations)
