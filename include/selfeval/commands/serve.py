"""`selfeval serve [--host H] [--port P]`: the self-check page for submitters (selfeval.selfcheck).

Binds 127.0.0.1 unless told otherwise: the page reads whatever is uploaded, so opening it to a
network is a decision (put it behind the district's own proxy and sign-in).
"""

from __future__ import annotations

import argparse
import sys

from selfeval.commands import add_suites_argument

DEFAULT_PORT = 8000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    add_suites_argument(parser)


def run(args: argparse.Namespace) -> int:
    from selfeval.errors import ConfigError

    try:
        import uvicorn

        from selfeval.selfcheck.app import create_app
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"selfeval serve needs {exc.name}: pip install 'selfeval[serve]'"
        ) from exc

    app = create_app(suites_dir=args.suites)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"自查页：http://{host}:{args.port}/", file=sys.stderr)
    print("按 Ctrl+C 停止。", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
