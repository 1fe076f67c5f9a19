"""Benchmark: `skyhex aggregate` (native, all cores) against the same aggregation in Python
(json/gzip + pyarrow + h3-py, the oracle of tests/oracle), on the real data, same run.

Prints wall times, points per second and the ratio. Run with `make bench`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "oracle"))
import oracle  # noqa: E402

SKYHEX = os.environ.get("SKYHEX_BIN", str(ROOT / "target" / "release" / "skyhex"))
REAL = ROOT / "tests" / "data" / "real"
CASES = {
    "readsb traces (1,054 gzip JSON files)": [REAL / "readsb_traces"],
    "Parquet (zstd, 1 file)": [REAL / "parquet" / "adsb_actions_points.parquet"],
}
RES = 5
REPEATS = 5


def best_of(run) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(f"skyhex aggregate --res {RES} vs Python (json/gzip, pyarrow, h3-py); best of {REPEATS}; {os.cpu_count()} cores")
    print(f"{'input':<40} {'points':>9} {'skyhex s':>9} {'Python s':>9} {'skyhex pts/s':>13} {'Python pts/s':>13} {'ratio':>7}")
    for name, inputs in CASES.items():
        args = [SKYHEX, "aggregate", "--res", str(RES), *map(str, inputs)]
        points = oracle.inspect(oracle.read_all(list(map(str, inputs))))["points"]
        ours = best_of(lambda: subprocess.run(args, check=True, capture_output=True))
        python = best_of(lambda: oracle.aggregate(oracle.read_all(list(map(str, inputs))), RES))
        print(
            f"{name:<40} {points:>9,} {ours:>9.3f} {python:>9.3f} {points / ours:>13,.0f} {points / python:>13,.0f} {python / ours:>6.1f}x"
        )


if __name__ == "__main__":
    main()
