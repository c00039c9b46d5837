"""Command line of the scale generator: write a large instance and report time, memory and sizes.

Run ``python -m bench.generate --out DIR [--platform-rows N] [--respondents N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from bench.scale import (
    CHUNK_ROWS,
    DEFAULT_PLATFORM_ROWS,
    DEFAULT_RESPONDENTS,
    DEFAULT_SEED,
    generate_instance,
)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate the instance, print one line per file and the totals."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Write a deterministic large AI春晚 instance in the real export formats.",
    )
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--platform-rows", type=int, default=DEFAULT_PLATFORM_ROWS)
    parser.add_argument("--respondents", type=int, default=DEFAULT_RESPONDENTS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--survey-xlsx", action="store_true", help="also write the 问卷星 export as .xlsx"
    )
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS, help="rows per write")
    args = parser.parse_args(argv)
    if args.platform_rows < 0 or args.respondents < 0:
        parser.error("row counts must be >= 0")
    started = time.perf_counter()
    manifest = generate_instance(
        args.out,
        platform_rows=args.platform_rows,
        respondents=args.respondents,
        seed=args.seed,
        survey_xlsx=args.survey_xlsx,
        chunk_rows=args.chunk_rows,
    )
    wall = time.perf_counter() - started
    for f in manifest["files"]:
        print(f"{f['source']}\t{f['edition']}\t{f['rows']}\t{f['bytes']}\t{f['path']}")
    total_bytes = sum(f["bytes"] for f in manifest["files"])
    print(
        f"platform rows {manifest['platform_rows']:,}, respondents {manifest['respondents']:,}, "
        f"expected plays {manifest['expected_total_plays']:,}, {len(manifest['files'])} files, "
        f"{total_bytes / 1e6:,.1f} MB"
    )
    print(f"wall {wall:.1f} s, peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
