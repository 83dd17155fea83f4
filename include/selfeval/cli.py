"""The `selfeval` console script.

Each sub-command lives in `selfeval.commands.<name>` with `add_arguments(parser)` and
`run(args) -> int`. Command modules import nothing heavy at module level, so `selfeval --help`
stays fast; pandas, GX and SQLAlchemy are imported when a command runs.

Exit codes: 0 success, 1 the reports have error-level findings, 2 unreadable or rejected input
or bad configuration, 3 an internal error (a bug, or the warehouse failing on a report).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from selfeval.errors import SelfevalError
from selfeval.names import printable

COMMANDS: dict[str, str] = {
    "extract": "read one report and print its record",
    "check": "extract and check one or more reports",
    "load": "extract, check and load reports into the warehouse",
    "db": "warehouse administration (upgrade, grant-reader)",
    "publish": "publish the district summary of a fiscal year",
    "serve": "the self-check page where submitters check a report before sending it",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="selfeval",
        description="Consolidate performance self-evaluation reports (部门整体支出绩效自评).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = _command_module(name)
        if module is None:
            continue
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def _command_module(name: str):  # type: ignore[no-untyped-def]
    try:
        return importlib.import_module(f"selfeval.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"selfeval.commands.{name}":
            return None  # command not built yet
        raise


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args))
    except SelfevalError as exc:
        print(f"selfeval: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not the input: one line, and the documented code
        print(
            f"selfeval: internal error: {type(exc).__name__}: {printable(str(exc))[:500]}",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
