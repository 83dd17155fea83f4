"""Benchmark the checks: 500 reports validated batched (one GX run per table) vs one by one.

    .venv/bin/python bench/bench_check.py [--reports 500] [--baseline-reports N] [--repeat 3]

The records are corpus-like: the 60 passages of ../shared/corpus (table forms and narrative
reports, when that folder is there) and a few edited copies of each seed text (different scores,
shares, carry-overs, rates), extracted once through the real extractor, then renamed into
`--reports` distinct submissions. Start-up (importing GX, the ephemeral context, building the
suites) is timed separately. The per-report baseline calls `check_records([record])` for each
record, i.e. one GX validation per table per report; with `--baseline-reports N` it times N of
them and extrapolates to all reports, and says so.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus"

# (seed file prefix, [(old, new), ...]) — each variant is one more extracted record.
VARIANTS: list[tuple[str, list[tuple[str, str]]]] = [
    ("000", []),
    ("000", [("余25.04万元", "余5.76万元")]),
    ("000", [("占本年收入 0.06%", "占本年收入 0.60%")]),
    ("000", [("整体自评得分97分", "整体自评得分96分")]),
    ("000", [("完成率≥90%\t完成率=100%\t100%", "完成率≥90%\t完成率=80%\t100%")]),
    ("001", []),
    ("001", [("自评分为 46.5 分", "自评分为 47.5 分")]),
    ("001", [("完成预算的 98.76%", "完成预算的 97.76%")]),
    ("001", [("\t3.5\t4\t14", "\t4.5\t4\t14")]),
    ("001", [("其他资金支出 62.16 万元", "其他资金支出 72.16 万元")]),
]


def build_records(count: int) -> list[object]:
    from selfeval.extract import extract_file

    base = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (prefix, edits) in enumerate(VARIANTS):
            (seed,) = SEEDS.glob(f"{prefix}_*.txt")
            text = seed.read_text(encoding="utf-8")
            for old, new in edits:
                text = text.replace(old, new)
            path = Path(tmp) / f"variant_{i:02d}.txt"
            path.write_text(text, encoding="utf-8")
            base.append(extract_file(path))
    corpus = sorted(CORPUS.glob("[ab]*.txt"))
    if not corpus:
        print(f"({CORPUS} not found: seed variants only)")
    base += [extract_file(p) for p in corpus]
    records = []
    for n in range(count):
        r = base[n % len(base)]
        unit = replace(r.unit, name=f"{r.unit.name}{n:03d}")
        source = replace(r.source, path=f"bench/{n:03d}.txt", sha256=f"{n:064x}")
        records.append(replace(r, unit=unit, source=source))
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--baseline-reports", type=int, default=None, metavar="N")
    parser.add_argument("--repeat", type=int, default=3, help="batched runs (median reported)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    from selfeval.checks import check_records

    records = build_records(args.reports)
    t1 = time.perf_counter()
    check_records(records[:1])  # start-up: GX import, ephemeral context, suites built
    t2 = time.perf_counter()
    print(
        f"records: {len(records)} from {len(VARIANTS)} seed variants and the corpus passages "
        f"({t1 - t0:.2f} s to extract and build)"
    )
    print(f"start-up (GX import, context, suites): {t2 - t1:.2f} s")

    runs = []
    batched = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        batched = check_records(records)
        runs.append(time.perf_counter() - start)
    batched_s = statistics.median(runs)
    errors = sum(1 for fs in batched for f in fs if f.severity == "error")
    print(
        f"batched: {batched_s:.3f} s for {len(records)} reports "
        f"(median of {args.repeat}: {', '.join(f'{r:.3f}' for r in runs)}); "
        f"{errors} error findings on {sum(1 for fs in batched if fs)} reports"
    )

    n = min(args.baseline_reports or len(records), len(records))
    start = time.perf_counter()
    one_by_one = [check_records([r])[0] for r in records[:n]]
    per_report_s = time.perf_counter() - start
    if one_by_one != batched[:n]:
        print("MISMATCH: per-report findings differ from batched ones", file=sys.stderr)
        return 1
    if n < len(records):
        total = per_report_s / n * len(records)
        print(
            f"per-report: {per_report_s:.2f} s for {n} reports, "
            f"extrapolated to {total:.1f} s for {len(records)} reports "
            f"({per_report_s / n * 1000:.0f} ms per report)"
        )
    else:
        total = per_report_s
        print(
            f"per-report: {total:.2f} s for {len(records)} reports "
            f"({total / len(records) * 1000:.0f} ms per report)"
        )
    print(f"ratio: batched is {total / batched_s:.0f}x faster than one validation per report")
    print(
        f"targets: batched < 2 s: {'yes' if batched_s < 2 else 'NO'}; "
        f">= 50x: {'yes' if total / batched_s >= 50 else 'NO'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
