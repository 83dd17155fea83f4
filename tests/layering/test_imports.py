"""The layering of ADR 0011, read from the source with `ast`: every import counts, those inside
functions and under TYPE_CHECKING too, since each is a dependency someone must follow.

    names, errors, record … → extract, formats, checks, warehouse, share, alerts, publish
                            → intake → commands, cli, selfcheck  (selfeval: never Airflow)
    selfeval → selfeval_airflow → dags/
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).parents[2]
INCLUDE = REPO / "include"
# The intake and its front ends: the command line and the self-check page (`selfeval serve`).
TOP = ("selfeval.intake", "selfeval.commands", "selfeval.cli", "selfeval.selfcheck")


def _modules(package: str) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted((INCLUDE / package).rglob("*.py")):
        parts = list(path.relative_to(INCLUDE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imported(module: str, path: Path) -> Iterator[str]:
    """Every name `module` imports, absolute; `from X import y` gives X.y, which `_graph` reads
    as the module X.y when there is one (X itself is then no dependency: Python loads a parent
    package before any submodule anyway), else as X."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _graph(package: str) -> dict[str, set[str]]:
    """module → the modules of `package` it imports (a name resolves to its longest module)."""
    modules = _modules(package)

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    return {
        m: {t for n in _imported(m, p) if (t := resolve(n)) is not None and t != m}
        for m, p in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the path that closes it, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_the_library_has_no_import_cycle() -> None:
    assert _cycle(_graph("selfeval")) is None


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_library_never_imports_airflow() -> None:
    offenders = sorted(
        f"{m} imports {name}"
        for m, p in _modules("selfeval").items()
        for name in _imported(m, p)
        if name.split(".")[0] in ("airflow", "selfeval_airflow")
    )
    assert offenders == []


def test_only_the_front_ends_sit_above_the_intake() -> None:
    graph = _graph("selfeval")
    below = sorted(
        f"{m} imports {t}"
        for m, targets in graph.items()
        if not m.startswith(TOP)
        for t in targets
        if t.startswith(TOP)
    )
    assert below == []


def test_mypy_checks_the_adapter_as_strictly_as_the_library() -> None:
    mypy = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert set(mypy["packages"]) == {"selfeval", "selfeval_airflow"}
    assert mypy["strict"] is True
    assert not any("selfeval_airflow" in str(o.get("module")) for o in mypy.get("overrides", []))
