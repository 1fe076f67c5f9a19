"""skyhex's CLI against the independent oracle (h3-py), cell for cell, on real data.

Run: SKYHEX_BIN=target/release/skyhex python -m unittest discover -s tests/oracle
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import unittest
from datetime import datetime
from pathlib import Path

import oracle

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
SKYHEX = os.environ.get("SKYHEX_BIN", str(ROOT / "target" / "release" / "skyhex"))

TRACES_2023 = REAL / "readsb_traces" / "adsb_actions_2023-08-30"
TRACES_DERIVED = REAL / "readsb_traces" / "derived_monterey_2025-06"
PARQUET_ZSTD = REAL / "parquet" / "adsb_actions_points.parquet"
PARQUET_SNAPPY = REAL / "parquet" / "adsb_actions_points_7col.parquet"
AIRCRAFT_JSON = REAL / "aircraft_json"
JSONL = REAL / "jsonl"

CENTER_TOLERANCE_DEG = 1e-8


def skyhex(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SKYHEX, *args], capture_output=True, text=True, check=False)


def parse_cells(text: str) -> dict[str, tuple[int, int, float, float]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["h3_index", "point_count", "aircraft_count", "center_lat", "center_lon"], rows[0]
    return {r[0]: (int(r[1]), int(r[2]), float(r[3]), float(r[4])) for r in rows[1:]}


def iso_ms(text: str | None) -> int | None:
    if text is None:
        return None
    return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


class AggregateEqualsOracle(unittest.TestCase):
    maxDiff = None

    def assert_same_cells(self, inputs: list[Path], res: int, extra: list[str] = (), flt=None):
        run = skyhex("aggregate", "--res", str(res), *extra, *map(str, inputs))
        self.assertEqual(run.returncode, 0, run.stderr)
        ours = parse_cells(run.stdout)
        expected = oracle.aggregate(oracle.read_all(list(map(str, inputs))), res, flt)
        self.assertEqual(sorted(ours), sorted(expected), "same occupied cells")
        self.assertEqual(list(ours), sorted(ours), "rows sorted by h3_index")
        for cell, (n, a, lat, lon) in expected.items():
            got = ours[cell]
            self.assertEqual(got[:2], (n, a), f"counts of {cell}")
            self.assertAlmostEqual(got[2], lat, delta=CENTER_TOLERANCE_DEG, msg=f"center_lat of {cell}")
            self.assertAlmostEqual(got[3], lon, delta=CENTER_TOLERANCE_DEG, msg=f"center_lon of {cell}")
        return ours

    def test_real_traces_at_res_5_and_8(self):
        for res in (5, 8):
            with self.subTest(res=res):
                cells = self.assert_same_cells([TRACES_2023, TRACES_DERIVED], res)
                self.assertEqual(sum(n for n, *_ in cells.values()), 3930 + 80762)

    def test_real_parquet_zstd_and_snappy_at_res_5_and_8(self):
        for path in (PARQUET_ZSTD, PARQUET_SNAPPY):
            for res in (5, 8):
                with self.subTest(path=path.name, res=res):
                    cells = self.assert_same_cells([path], res)
                    self.assertEqual(sum(n for n, *_ in cells.values()), 105072)

    def test_real_aircraft_snapshots_and_json_lines_at_res_5_and_8(self):
        for res in (5, 8):
            with self.subTest(res=res):
                cells = self.assert_same_cells([AIRCRAFT_JSON, JSONL], res)
                self.assertEqual(sum(n for n, *_ in cells.values()), 376 + 143 + 101142)

    def test_real_traces_in_a_tar_split_in_two_parts(self):
        import tarfile
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            day = Path(tmp) / "day.tar"
            with tarfile.open(day, "w", format=tarfile.GNU_FORMAT) as archive:
                archive.add(TRACES_DERIVED, arcname="traces")
                readme = Path(tmp) / "README.txt"
                readme.write_text("not aircraft data")
                archive.add(readme, arcname="README.txt")
            joined = day.read_bytes()
            cut = len(joined) // 2 + 123
            parts = [Path(tmp) / "day.tar.aa", Path(tmp) / "day.tar.ab"]
            parts[0].write_bytes(joined[:cut])
            parts[1].write_bytes(joined[cut:])
            expected = oracle.aggregate(oracle.read_tar_parts(parts), 6)
            # Parts given out of order are put in suffix order.
            run = skyhex("aggregate", "--res", "6", str(parts[1]), str(parts[0]))
            self.assertEqual(run.returncode, 0, run.stderr)
            ours = parse_cells(run.stdout)
            self.assertEqual(sorted(ours), sorted(expected))
            self.assertEqual(sum(n for n, *_ in ours.values()), 80762)
            for cell, (n, a, lat, lon) in expected.items():
                self.assertEqual(ours[cell][:2], (n, a), cell)
                self.assertAlmostEqual(ours[cell][2], lat, delta=CENTER_TOLERANCE_DEG)
            inspect = json.loads(skyhex("inspect", "--json", str(parts[0]), str(parts[1])).stdout)
            self.assertEqual(inspect["files"][0]["skipped_members"], 1, "README.txt is skipped and counted")
            self.assertEqual(inspect["points"], 80762)

    def test_real_points_as_csv_and_arrow_ipc(self):
        import tempfile

        import pyarrow.csv as pacsv
        import pyarrow.feather as feather
        import pyarrow.parquet as pq

        table = pq.read_table(PARQUET_SNAPPY)
        expected = oracle.aggregate(oracle.read_all([str(PARQUET_SNAPPY)]), 7)
        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / "points.csv"
            ipc_path = Path(tmp) / "points.arrow"
            pacsv.write_csv(table, csv_path)
            feather.write_feather(table, ipc_path, compression="uncompressed")
            for path in (csv_path, ipc_path):
                with self.subTest(path=path.name):
                    run = skyhex("aggregate", "--res", "7", str(path))
                    self.assertEqual(run.returncode, 0, run.stderr)
                    ours = parse_cells(run.stdout)
                    self.assertEqual(sorted(ours), sorted(expected))
                    for cell, (n, a, lat, lon) in expected.items():
                        self.assertEqual(ours[cell][:2], (n, a), cell)
                        self.assertAlmostEqual(ours[cell][3], lon, delta=CENTER_TOLERANCE_DEG)

    def test_filters(self):
        flt = oracle.Filter(
            from_ms=iso_ms("2023-08-30T06:00:00Z"), to_ms=iso_ms("2023-08-30T18:00:00Z"), min_alt_ft=1000, max_alt_ft=20000
        )
        args = ["--from", "2023-08-30T06:00:00Z", "--to", "2023-08-30T18:00:00Z", "--min-alt-ft", "1000", "--max-alt-ft", "20000"]
        cells = self.assert_same_cells([TRACES_2023], 7, args, flt)
        self.assertGreater(len(cells), 10)
        self.assert_same_cells([TRACES_2023], 6, ["--exclude-ground"], oracle.Filter(exclude_ground=True))


class H3IndexingEqualsReference(unittest.TestCase):
    """The CLI's cells (h3o with plain multiply-add) against h3-py on ~1 M stress points."""

    def test_every_resolution_on_stress_points(self):
        import tempfile

        import h3_stress

        points = h3_stress.points()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "h3_stress.csv"
            h3_stress.write_csv(points, path)
            for res in h3_stress.RESOLUTIONS:
                with self.subTest(res=res):
                    run = skyhex("aggregate", "--res", str(res), str(path))
                    self.assertEqual(run.returncode, 0, run.stderr)
                    ours = {cell: n for cell, (n, *_) in parse_cells(run.stdout).items()}
                    expected = h3_stress.expected_cells(points, res)
                    differing = sorted(c for c in set(ours) | set(expected) if ours.get(c) != expected.get(c))
                    self.assertEqual(len(differing), 0, f"{len(differing)} cells differ, first {differing[:3]}")
                    self.assertEqual(sum(ours.values()), len(points))


class InspectEqualsOracle(unittest.TestCase):
    def test_totals(self):
        for inputs in ([TRACES_2023], [TRACES_DERIVED], [PARQUET_ZSTD], [TRACES_2023, PARQUET_SNAPPY], [AIRCRAFT_JSON], [JSONL]):
            with self.subTest(inputs=[p.name for p in inputs]):
                run = skyhex("inspect", "--json", *map(str, inputs))
                self.assertEqual(run.returncode, 0, run.stderr)
                report = json.loads(run.stdout)
                expected = oracle.inspect(oracle.read_all(list(map(str, inputs))))
                self.assertEqual(report["points"], expected["points"])
                self.assertEqual(report["rejected"], expected["rejected"])
                self.assertEqual(report["aircraft"], expected["aircraft"])
                self.assertEqual(iso_ms(report["first_time"]), expected["first_time_ms"])
                self.assertEqual(iso_ms(report["last_time"]), expected["last_time_ms"])


if __name__ == "__main__":
    unittest.main()
