"""`selfeval load PATH...`: take reports in as the intake DAG does — read, check in one batch,
load with feedback queued, write the feedback files and archive a copy (or reject with a reason)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from selfeval import settings
from selfeval.commands import add_location_arguments
from selfeval.errors import ConfigError
from selfeval.names import display_name

if TYPE_CHECKING:
    from selfeval.intake import IntakeResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, help="report files or folders of reports")
    add_location_arguments(parser)
    parser.add_argument(
        "--units",
        type=Path,
        help=f"unit registry CSV to load first (default: <share>/{settings.UNITS_CSV} if present)",
    )
    parser.add_argument(
        "--received-at",
        metavar="ISO",
        help="when the files were received, e.g. 2025-03-28T09:30+08:00 (default: file time)",
    )


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in settings.REPORT_SUFFIXES
                )
            )
        else:
            files.append(path)
    return files


def run(args: argparse.Namespace) -> int:
    from selfeval.commands import optional_share
    from selfeval.intake import take_in_paths
    from selfeval.share import prepare_share
    from selfeval.warehouse import connect, load_units, upgrade

    received_at = None
    if args.received_at:
        try:
            received_at = datetime.fromisoformat(args.received_at)
        except ValueError as exc:
            raise ConfigError(f"--received-at {args.received_at!r}: {exc}") from exc
    share = optional_share(args.share)
    if share is not None:
        prepare_share(share)
    paths = _expand(args.paths)
    engine = connect(args.warehouse, share=share.root if share else None)
    try:
        upgrade(engine)
        units = args.units
        if units is None and share is not None and share.units_csv.is_file():
            units = share.units_csv
        if units is not None:
            print(f"registry: {load_units(engine, units)} units from {units}")
        results = take_in_paths(engine, share, paths, received_at=received_at)
    finally:
        engine.dispose()
    for path, result in zip(paths, results, strict=True):
        _print(display_name(str(path)), result)
    outcomes = {r.outcome for r in results}
    if "failed" in outcomes:
        return 3  # the warehouse failed on a report: the others were still tried
    if outcomes & {"rejected", "deferred"}:
        return 2
    return 1 if any(r.errors for r in results) else 0


def _print(shown: str, result: IntakeResult) -> None:
    if result.outcome not in ("loaded", "duplicate"):
        print(f"{result.outcome:<10} {shown}: {result.reason}")
        return
    counts = f"{result.errors} errors, {result.warnings} warnings"
    superseded = ", ".join(map(str, result.superseded))
    print(
        f"{result.outcome:<10} {shown}  submission {result.submission_id} v{result.version}"
        f"{f' (supersedes {superseded})' if superseded else ''}"
        f"  {counts if result.outcome == 'loaded' else ''}".rstrip()
    )
