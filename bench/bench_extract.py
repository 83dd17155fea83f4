"""Extraction speed: time per report, after start-up, over reports made from the seeds.

    .venv/bin/python bench/bench_extract.py [--reports 400]

Target: under 10 ms per report. Reports are the two seeds and, where ../shared/corpus is present,
its 60 passages (narratives and every table flattening), varied (numbers changed, saved as GB18030,
with a BOM, CRLF, full-width digits), written to a temporary folder and read back, so decoding is
measured too. The figures are printed for all reports and for the corpus passages alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from selfeval.extract import clear_caches, extract_file

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FULL_WIDTH = str.maketrans({ch: chr(ord(ch) + 0xFEE0) for ch in "0123456789"})


def sources() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [p.read_text("utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    return texts


def make_reports(folder: Path, count: int) -> list[Path]:
    rng = random.Random(20241231)
    seeds = sources()
    paths = []
    for i in range(count):
        text = seeds[i % len(seeds)].replace("2024", str(2015 + i % 10))
        text = text.replace("97", str(rng.randint(60, 99)))
        kind = i % 5
        if kind == 0:
            data = text.encode("gb18030")
        elif kind == 1:
            data = b"\xef\xbb\xbf" + text.encode("utf-8")
        elif kind == 2:
            data = text.replace("\n", "\r\n").encode("utf-8")
        elif kind == 3:
            data = text.translate(FULL_WIDTH).encode("utf-8")
        else:
            data = text.encode("utf-8")
        origin = "seed" if i % len(seeds) < 2 else "corpus"
        path = folder / f"{origin}_{i:04d}.txt"
        path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_reports(Path(tmp), args.reports)
        start = time.perf_counter()
        extract_file(paths[0])  # start-up: compiled patterns, character table
        startup = time.perf_counter() - start
        timings = []
        for path in paths:
            t0 = time.perf_counter()
            extract_file(path)
            timings.append(time.perf_counter() - t0)
        cold = []
        for path in paths:
            clear_caches()  # a report that shares no text with the ones before it
            t0 = time.perf_counter()
            extract_file(path)
            cold.append((time.perf_counter() - t0) * 1000)
        size = sum(p.stat().st_size for p in paths) / len(paths)
    ms = [t * 1000 for t in timings]
    corpus_ms = [m for m, p in zip(ms, paths, strict=True) if p.name.startswith("corpus")]
    print(f"reports            {len(paths)} (mean {size / 1024:.1f} KB each)")
    if corpus_ms:
        print(f"corpus passages    {len(corpus_ms)}, median {statistics.median(corpus_ms):.2f} ms")
    else:
        print(f"corpus passages    none ({CORPUS} not found): seeds only")
    print(f"start-up           {startup * 1000:.1f} ms (first report, tables and patterns)")
    print(f"per report, mean   {statistics.mean(ms):.2f} ms")
    print(f"per report, median {statistics.median(ms):.2f} ms")
    print(f"per report, p95    {sorted(ms)[int(len(ms) * 0.95) - 1]:.2f} ms")
    print(f"per report, max    {max(ms):.2f} ms")
    print(f"throughput         {len(ms) / (sum(timings)):.0f} reports/s")
    print(
        f"cold caches        mean {statistics.mean(cold):.2f} ms, "
        f"median {statistics.median(cold):.2f} ms (no text shared with earlier reports)"
    )
    print("target             < 10 ms per report after start-up")


if __name__ == "__main__":
    main()
