"""`selfeval extract PATH... [--format json|table]`: print the record of each report.

One path prints one record (a JSON object); several print a JSON array in the order given, or
one table per report. A file that cannot be read is named on stderr with the reason, the others
are still read, and the exit status is 2; in a JSON array it stands as {"path", "error"}.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from typing import Any

from selfeval.names import display_name
from selfeval.record import Money, Record


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="report files: .txt/.md, .docx, .pdf (scans by OCR), .xlsx/.xls, .doc/.wps/.et",
    )
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (default) for people; json is the stable contract in docs/record.md",
    )


def run(args: argparse.Namespace) -> int:
    from selfeval import jsonio
    from selfeval.errors import UnreadableReport
    from selfeval.intake import read_path

    # read_path: a reader crash, a limit or a figure beyond the numbers policy is
    # UnreadableReport too (→ exit 2 in cli.main for one path)
    if len(args.paths) == 1:
        record = read_path(args.paths[0])
        if args.format == "json":
            sys.stdout.write(jsonio.dumps(record.to_dict()) + "\n")
        else:
            sys.stdout.write(render_table(record))
        return 0
    items: list[dict[str, Any]] = []
    failed = False
    for path in args.paths:
        try:
            record = read_path(path)
        except UnreadableReport as exc:
            failed = True
            print(f"selfeval: {exc}", file=sys.stderr)
            items.append({"path": display_name(path), "error": exc.reason})
            continue
        if args.format == "json":
            items.append(record.to_dict())
        else:
            sys.stdout.write(render_table(record) + "\n")
    if args.format == "json":
        sys.stdout.write(jsonio.dumps(items) + "\n")
    return 2 if failed else 0


def _n(value: Decimal | None) -> str:
    return "—" if value is None else format(value, "f")


def _m(value: Money | None) -> str:
    return "—" if value is None else f"{format(value.wan, 'f')}万元"


def render_table(record: Record) -> str:
    """A plain-text view of a record for people; the JSON form is the contract."""
    out: list[str] = []
    src, unit = record.source, record.unit
    out.append(f"报告 Report      {src.path}  ({src.encoding}, sha256 {src.sha256[:12]}…)")
    place = " ".join(x for x in (unit.city, unit.district) if x)
    out.append(f"单位 Unit        {unit.name or '—'}" + (f"  ({place})" if place else ""))
    out.append(f"年度 Fiscal year {record.fiscal_year or '—'}")
    ts = record.total_score
    if ts:
        out.append(f"总分 Total score {_n(ts.score)} / {_n(ts.max)}  (line {ts.evidence.line})")
    else:
        out.append("总分 Total score —")

    def section(title: str, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
        out.append("")
        out.append(f"{title} ({len(rows)})")
        if not rows:
            return
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            out.append(
                "  " + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
            )

    comp_rows: list[tuple[str, ...]] = []
    for c in record.compositions:
        comp_rows.append((c.label, "", _m(c.total), "", str(c.evidence.line)))
        for p in c.parts:
            comp_rows.append(("", p.name, _m(p.amount), _n(p.share_pct), ""))
    section("收支构成 Compositions", comp_rows, ("构成", "组成部分", "金额", "占比%", "行"))
    section(
        "预算执行 Executions",
        [
            (
                e.label,
                _m(e.initial_budget),
                _m(e.budget),
                _m(e.executed),
                _n(e.rate_pct),
                _n(e.max),
                _n(e.score),
                str(e.evidence.line),
            )
            for e in record.executions
        ],
        ("项目", "年初预算", "预算", "执行", "执行率%", "分值", "得分", "行"),
    )
    section(
        "同比变化 Changes",
        [
            (
                c.label,
                _m(c.current),
                _m(c.prior),
                _m(c.change),
                _n(c.growth_pct),
                str(c.evidence.line),
            )
            for c in record.changes
        ],
        ("项目", "本年", "上年", "增减", "增长%", "行"),
    )
    section(
        "评分表 Score table",
        [
            (s.kind, s.group or "", s.name or "", _n(s.max), _n(s.score), str(s.evidence.line))
            for s in record.scores
        ],
        ("类型", "一级指标", "二级指标", "分值", "得分", "行"),
    )
    section(
        "标题/正文中的得分 Section scores",
        [
            (s.name, s.dimension or "", _n(s.max), _n(s.score), str(s.evidence.line))
            for s in record.section_scores
        ],
        ("名称", "维度", "总分", "得分", "行"),
    )
    section(
        "绩效指标 Indicators",
        [
            (
                i.level1 or "",
                i.level2 or "",
                i.name,
                i.target or "",
                i.actual or "",
                i.completion or "",
                _n(i.weight),
                _n(i.score),
                str(i.evidence.line),
            )
            for i in record.indicators
        ],
        ("一级", "二级", "指标", "目标", "实际", "完成", "分值", "得分", "行"),
    )
    section(
        "结转结余 Carry-overs",
        [
            (c.label, str(c.year or "—"), c.position, _m(c.amount), str(c.evidence.line))
            for c in record.carryovers
        ],
        ("项目", "年度", "位置", "金额", "行"),
    )
    out.append("")
    out.append(f"提示 Warnings ({len(record.warnings)})")
    out.extend(f"  - {w}" for w in record.warnings)
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
