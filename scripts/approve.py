"""Answer the annual run's approval through Airflow's REST API, as a person does under
Browse → Required Actions (make demo uses it; `--reject` to refuse).

    python scripts/approve.py http://127.0.0.1:8080 admin PASSWORD [--reject] [--timeout 600]

Waits for a run of selfeval_annual_consolidation whose `approve` task awaits an answer, prints
the request the person would read, then answers it. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

DAG_ID = "selfeval_annual_consolidation"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("--reject", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    token = _call(
        args.base, "POST", "/auth/token", None, {"username": args.user, "password": args.password}
    )
    bearer = str(token["access_token"])
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        runs = _call(args.base, "GET", f"/api/v2/dags/{DAG_ID}/dagRuns?state=running", bearer)
        for run in runs["dag_runs"]:
            path = (
                f"/api/v2/dags/{DAG_ID}/dagRuns/{quote(run['dag_run_id'], safe='')}"
                "/taskInstances/approve/-1/hitlDetails"
            )
            try:
                detail = _call(args.base, "GET", path, bearer)
            except urllib.error.HTTPError:
                continue  # not asked yet
            if detail.get("response_received"):
                continue
            time.sleep(5)  # as a person would: an answer within a second of the request is lost
            print(f"{detail['subject']}\n\n{detail['body']}\n")
            option = "Reject" if args.reject else "Approve"
            _call(args.base, "PATCH", path, bearer, {"chosen_options": [option]})
            print(f"answered {option} for {run['dag_run_id']}")
            return 0
        time.sleep(2)
    print(f"no {DAG_ID} run asked for approval within {args.timeout:.0f} s", file=sys.stderr)
    return 1


def _call(base: str, method: str, path: str, bearer: str | None, body: Any = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


if __name__ == "__main__":
    raise SystemExit(main())
