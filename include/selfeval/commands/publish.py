"""`selfeval publish --year YEAR`: write <share>/published/<year>/ from the warehouse views."""

from __future__ import annotations

import argparse

from selfeval.commands import add_location_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="the fiscal year to publish")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from selfeval.publish import publish_district_summary
    from selfeval.share import resolve_share
    from selfeval.warehouse import connect

    share = resolve_share(args.share).root
    engine = connect(args.warehouse, share=share)
    try:
        result = publish_district_summary(engine, share, args.year)
    finally:
        engine.dispose()
    print(
        f"published {result.fiscal_year}: {result.submissions} submissions, "
        f"{result.units_missing} units missing -> {result.folder}"
    )
    for path in (*result.files, result.manifest):
        print(f"  {path.name}")
    return 0
