"""`selfeval load PATH...`: extract, check and load reports into the warehouse."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from selfeval import settings
from selfeval.commands import add_location_arguments
from selfeval.errors import ConfigError, display_name


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
    from selfeval.pipeline import load_reports
    from selfeval.warehouse import connect, load_units, upgrade

    received_at = None
    if args.received_at:
        try:
            received_at = datetime.fromisoformat(args.received_at)
        except ValueError as exc:
            raise ConfigError(f"--received-at {args.received_at!r}: {exc}") from exc
    share = optional_share(args.share)
    engine = connect(args.warehouse, share=share.root if share else None)
    try:
        upgrade(engine)
        units = args.units
        if units is None and share is not None and share.units_csv.is_file():
            units = share.units_csv
        if units is not None:
            print(f"registry: {load_units(engine, units)} units from {units}")
        outcomes = load_reports(engine, _expand(args.paths), received_at=received_at)
    finally:
        engine.dispose()
    for o in outcomes:
        shown = display_name(str(o.path))
        if o.status in ("rejected", "failed"):
            print(f"{o.status:<10} {shown}: {o.reason}")
            continue
        counts = f"{o.errors} errors, {o.warnings} warnings" if o.status == "loaded" else ""
        superseded = f" (supersedes {', '.join(map(str, o.superseded))})" if o.superseded else ""
        print(
            f"{o.status:<10} {shown}  submission {o.submission_id} v{o.version}"
            f"{superseded}  {counts}".rstrip()
        )
    if any(o.status == "failed" for o in outcomes):
        return 3  # the warehouse failed on a report: the others were still tried
    if any(o.status == "rejected" for o in outcomes):
        return 2
    return 1 if any(o.errors for o in outcomes) else 0
