"""`selfeval db upgrade | grant-reader ROLE | units CSV | dictionary`: warehouse administration."""

from __future__ import annotations

import argparse
from pathlib import Path

from selfeval import settings
from selfeval.commands import add_location_arguments
from selfeval.errors import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    add_location_arguments(common)
    sub = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    sub.add_parser("upgrade", parents=[common], help="bring the warehouse to the current schema")
    grant = sub.add_parser(
        "grant-reader",
        parents=[common],
        help="PostgreSQL: let ROLE select every table and view, and change nothing",
    )
    grant.add_argument("role")
    grant.add_argument("--create", action="store_true", help="create the role (LOGIN) if missing")
    units = sub.add_parser("units", parents=[common], help="load the unit registry CSV")
    units.add_argument("csv", type=Path, nargs="?", help="default: <share>/units.csv")
    dictionary = sub.add_parser(
        "dictionary", help="write the data dictionary (docs/warehouse.md) from the schema"
    )
    dictionary.add_argument("--output", type=Path, default=Path("docs/warehouse.md"))
    dictionary.add_argument(
        "--check", action="store_true", help="exit 1 when the file is out of date; write nothing"
    )


def run(args: argparse.Namespace) -> int:
    if args.db_command == "dictionary":
        from selfeval.warehouse.dictionary import render

        text = render()
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if args.check:
            if current != text:
                print(f"{args.output} is out of date: run `selfeval db dictionary`")
                return 1
            return 0
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
        return 0

    from selfeval.commands import optional_share
    from selfeval.warehouse import connect, grant_reader, load_units, upgrade
    from selfeval.warehouse.db import current_revision

    share = optional_share(args.share)
    engine = connect(args.warehouse, share=share.root if share else None)
    try:
        if args.db_command == "upgrade":
            upgrade(engine)
            print(f"warehouse at revision {current_revision(engine)}")
        elif args.db_command == "grant-reader":
            schema = grant_reader(engine, args.role, create=args.create)
            print(f"{args.role} can read schema {schema}")
        elif args.db_command == "units":
            csv_path = args.csv
            if csv_path is None:
                if share is None:
                    raise ConfigError(f"give the CSV path, --share or ${settings.SHARE_ENV}")
                csv_path = share.units_csv
            upgrade(engine)
            print(f"loaded {load_units(engine, csv_path)} units from {csv_path}")
    finally:
        engine.dispose()
    return 0
