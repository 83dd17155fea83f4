"""`selfeval check PATH... [--format json|table]`: extract and check reports, print the findings.

Exit 0 when no report has an error-level finding, 1 when any has, 2 when an input is unreadable
or rejected (2 wins: an unreadable file is a worse problem than a wrong figure).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from selfeval.findings import Finding
from selfeval.names import encodable_name, printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report files (.txt or .md)")
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (default) for people; json: an array with one object per input, "
        "{path, sha256, findings} or {path, error}",
    )
    parser.add_argument(
        "--suites",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of expectation suites (default: $SELFEVAL_EXPECTATIONS_DIR or expectations/)",
    )


def run(args: argparse.Namespace) -> int:
    from selfeval import jsonio
    from selfeval.errors import UnreadableReport
    from selfeval.intake import check, read_path

    results: list[dict[str, Any]] = []
    readable: list[tuple[dict[str, Any], Any]] = []
    for path in args.paths:
        try:
            record = read_path(path)
        except UnreadableReport as exc:
            results.append({"path": encodable_name(str(path)), "error": exc.reason})
            continue
        entry: dict[str, Any] = {"path": encodable_name(str(path)), "sha256": record.source.sha256}
        results.append(entry)
        readable.append((entry, record))

    checked = check([record for _, record in readable], suites_dir=args.suites)
    for (entry, _), findings in zip(readable, checked, strict=True):
        if isinstance(findings, str):  # the checks crashed on this report: it is rejected
            del entry["sha256"]
            entry["error"] = findings
        else:
            entry["findings"] = list(findings)

    if args.format == "json":
        payload = [
            {**r, "findings": [f.to_dict() for f in r["findings"]]} if "findings" in r else r
            for r in results
        ]
        sys.stdout.write(jsonio.dumps(payload) + "\n")
    else:
        sys.stdout.write(render_table(results))

    if any("error" in r for r in results):
        return 2
    if any(f.severity == "error" for r in results for f in r.get("findings", ())):
        return 1
    return 0


def render_table(results: list[dict[str, Any]]) -> str:
    """Plain text for people: one block per report, one line per finding with its message."""
    from selfeval.checks.rule import num

    out: list[str] = []
    for r in results:
        if "error" in r:
            out.append(f"{printable(r['path'])}: 无法读取 unreadable — {r['error']}")
            out.append("")
            continue
        findings: list[Finding] = r["findings"]
        errors = sum(1 for f in findings if f.severity == "error")
        warnings = len(findings) - errors
        out.append(
            f"{printable(r['path'])}  (sha256 {r['sha256'][:12]}…)  "
            f"错误 errors {errors}, 提示 warnings {warnings}"
        )
        for f in findings:
            line = "—" if f.evidence is None else str(f.evidence.line)
            out.append(
                f"  [{f.severity}] {f.check}  {f.subject}  "
                f"observed {num(f.observed)}  expected {num(f.expected)}  line {line}"
            )
            out.append(f"      {f.message_zh}")
        out.append("")
    return "\n".join(out)
