"""Points that stress H3 indexing, with their cells from h3-py (the reference).

skyhex indexes with h3o and replaces its fused multiply-add with plain `a * b + c`
(skyhex-core/src/unfused_fma.rs). These points check that change where rounding matters:
uniform over the globe (poles included), around the 12 pentagons and cell vertices at every
resolution (offsets down to 1e-9 degrees, 0.1 mm), and along the antimeridian.

A point closer than about 1e-12 degrees to a cell vertex is a tie that rounding decides:
there h3o (fused or not) and the C library disagree for some points, as any two
implementations would, so the stress stops at 1e-9 degrees, far below any ADS-B precision.

Run as a script (`h3_stress.py OUT_DIR UNIFORM_POINTS RES...`), it writes the points as CSV
and the expected cells of each resolution as JSON lines ({"res": r, "cells": {h3_index:
points}}) for the end-to-end test of the page, which draws every cell and so takes fewer
uniform points.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

import h3

RESOLUTIONS = range(16)
UNIFORM_POINTS = 300_000
ANTIMERIDIAN_POINTS = 30_000
OFFSETS_DEG = (1e-9, 1e-7, 1e-5, 1e-3)


def _clamped(lat: float, lon: float) -> tuple[float, float]:
    lat = max(-90.0, min(90.0, lat))
    if lon > 180.0:
        lon -= 360.0
    if lon < -180.0:
        lon += 360.0
    return lat, lon


def _around(lat: float, lon: float, rng: random.Random, count: int):
    for _ in range(count):
        offset = rng.choice(OFFSETS_DEG)
        yield _clamped(lat + rng.uniform(-offset, offset), lon + rng.uniform(-offset, offset))


def points(uniform: int = UNIFORM_POINTS, antimeridian: int = ANTIMERIDIAN_POINTS, seed: int = 7) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    out = [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(uniform)]
    for res in RESOLUTIONS:
        for pentagon in h3.get_pentagons(res):
            out.append(h3.cell_to_latlng(pentagon))
            out.extend(_around(*h3.cell_to_latlng(pentagon), rng, 400))
            for vertex in h3.cell_to_boundary(pentagon):
                out.extend(_around(*vertex, rng, 60))
        for _ in range(1_000):
            cell = h3.latlng_to_cell(rng.uniform(-89.9, 89.9), rng.uniform(-180, 180), res)
            vertex = rng.choice(h3.cell_to_boundary(cell))
            out.extend(_around(*vertex, rng, 4))
    for _ in range(antimeridian):
        lat = rng.uniform(-90, 90)
        out.append((lat, rng.choice((180.0, -180.0))))
        out.extend(_around(lat, rng.choice((180.0, -180.0)), rng, 1))
    return out


def expected_cells(pts: list[tuple[float, float]], res: int) -> Counter:
    return Counter(h3.latlng_to_cell(lat, lon, res) for lat, lon in pts)


def write_csv(pts: list[tuple[float, float]], path: Path) -> None:
    with path.open("w") as out:
        out.write("lat,lon\n")
        out.writelines(f"{lat!r},{lon!r}\n" for lat, lon in pts)


def main(out_dir: str, uniform: int, resolutions: list[int]) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pts = points(uniform, antimeridian=uniform // 10)
    write_csv(pts, out / "h3_stress.csv")
    with (out / "h3_stress_cells.jsonl").open("w") as expected:
        for res in resolutions:
            expected.write(json.dumps({"res": res, "cells": expected_cells(pts, res)}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), [int(r) for r in sys.argv[3:]])
