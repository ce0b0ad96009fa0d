"""Checksum of a multi-GB file: throughput and peak memory, to show the digest streams.

The file is sparse (its blocks read back as zeros without using disk), so the benchmark measures
hashing and reading, not the disk. Peak memory is the process's maximum resident set size, taken
before and after hashing: streaming keeps the growth at about one chunk (1 MiB), not the file's size.

    python bench/bench_checksum.py --gib 4
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lineage.checksum import checksum


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gib", type=float, default=4.0, help="file size in GiB")
    args = parser.parse_args()
    size = int(args.gib * 1024**3)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "big.bin"
        with path.open("wb") as handle:
            handle.truncate(size)
        before = peak_rss_mib()
        started = time.perf_counter()
        digest = checksum(path)
        elapsed = time.perf_counter() - started
        after = peak_rss_mib()
    print("| file | time (s) | throughput (MiB/s) | peak RSS before | peak RSS after |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| {args.gib:g} GiB | {elapsed:.1f} | {size / 1024**2 / elapsed:.0f} "
        f"| {before:.0f} MiB | {after:.0f} MiB |"
    )
    print(f"digest {digest}")


if __name__ == "__main__":
    main()
