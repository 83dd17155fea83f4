"""`selfeval check PATH... [--format json|table]`: extract and check reports, print the findings.

A PATH is a report file, a folder (every file below it, hidden and temporary names skipped, as
the inbox scan walks) or a glob the shell did not expand (`'reports/**/*.docx'`). Progress goes
to stderr when there are several reports; the table ends with one summary line.

Exit 0 when no report has an error-level finding, 1 when any has, 2 when an input is unreadable
or rejected (2 wins: an unreadable file is a worse problem than a wrong figure).
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selfeval.commands import add_suites_argument
from selfeval.findings import Finding, severity_counts
from selfeval.names import display_name, encodable_name

SEVERITY_ZH = {"error": "错误", "warning": "提示"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="report files, folders (read recursively) or globs ('inbox/**/*.docx')",
    )
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (default) for people; json: an array with one object per report, "
        "{path, sha256, findings} or {path, error}",
    )
    add_suites_argument(parser)
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress on stderr (the summary stays)"
    )


@dataclass(frozen=True, slots=True)
class Input:
    """One report to check: its path, and the short name its heading shows."""

    path: str
    name: str


def expand_inputs(paths: list[str]) -> list[Input | tuple[str, str]]:
    """Each PATH as the reports it names, in order: a file as itself, a folder as the files
    below it (named relative to it), a glob as its matches. A folder without files or a glob
    without matches stands as (path, reason)."""
    from selfeval.share import is_transient, walk_folder

    out: list[Input | tuple[str, str]] = []
    for given in paths:
        if os.path.isdir(given):
            found = [
                Input(str(path), relative)
                for path, relative in walk_folder(Path(given))
                if not is_transient(path.name)
            ]
            out.extend(found or [(given, "is a folder without report files")])
        elif not os.path.lexists(given) and glob.has_magic(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                out.append((given, "no file matches this pattern"))
            for match in matches:
                out.extend(expand_inputs([match]) if os.path.isdir(match) else [_file(match)])
        else:
            out.append(_file(given))
    return out


def _file(path: str) -> Input:
    return Input(path, Path(path).name or path)


def run(args: argparse.Namespace) -> int:
    from selfeval import jsonio
    from selfeval.commands.progress import progress
    from selfeval.errors import UnreadableReport
    from selfeval.intake import check, read_path

    inputs = expand_inputs(args.paths)
    results: list[dict[str, Any]] = []
    names: list[str] = []
    readable: list[tuple[dict[str, Any], Any]] = []
    with progress(len(inputs), enabled=not args.quiet) as shown:
        for item in inputs:
            if isinstance(item, tuple):
                path, reason = item
                results.append({"path": encodable_name(path), "error": reason})
                names.append(path)
                continue
            shown.step(display_name(item.name))
            names.append(item.name)
            try:
                record = read_path(item.path)
            except UnreadableReport as exc:
                results.append({"path": encodable_name(item.path), "error": exc.reason})
                continue
            entry: dict[str, Any] = {
                "path": encodable_name(item.path),
                "sha256": record.source.sha256,
            }
            results.append(entry)
            readable.append((entry, record))
        if readable:
            shown.phase(f"检查 {len(readable)} 份报告…")
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
        print(summary_line(results), file=sys.stderr)
    else:
        sys.stdout.write(render_table(results, names))

    if any("error" in r for r in results):
        return 2
    if any(f.severity == "error" for r in results for f in r.get("findings", ())):
        return 1
    return 0


def summary_line(results: list[dict[str, Any]]) -> str:
    """共 12 份报告：可读 11 份，拒收 1 份；错误 5 条，提示 3 条"""
    refused = sum(1 for r in results if "error" in r)
    errors, warnings = severity_counts(f for r in results for f in r.get("findings", ()))
    return (
        f"共 {len(results)} 份报告：可读 {len(results) - refused} 份，拒收 {refused} 份；"
        f"错误 {errors} 条，提示 {warnings} 条"
    )


def render_table(results: list[dict[str, Any]], names: list[str]) -> str:
    """Plain text for people, Chinese first and one language per line: a block per report
    headed by its file name (the JSON keeps the full path), then the summary line."""
    from selfeval.refusals import reason_zh

    out: list[str] = []
    for r, name in zip(results, names, strict=True):
        heading = display_name(name)
        if "error" in r:
            out.append(f"{heading}：拒收")
            out.append(f"  {reason_zh(r['error'])}")
            out.append(f"  reason: {r['error']}")
            out.append("")
            continue
        findings: list[Finding] = r["findings"]
        errors, warnings = severity_counts(findings)
        out.append(f"{heading}：错误 {errors} 条，提示 {warnings} 条")
        for f in findings:
            ev = f.evidence
            where = "" if ev is None else f"{ev.place or f'第{ev.line}行'}  "
            out.append(f"  [{SEVERITY_ZH[f.severity]}] {where}{f.subject}  ({f.check})")
            out.append(f"      {f.message_zh}")
        out.append("")
    out.append(summary_line(results))
    return "\n".join(out) + "\n"
