"""skyhex's CLI against the independent oracle (h3-py), cell for cell, on real data.

Run: SKYHEX_BIN=target/release/skyhex python -m unittest discover -s tests/oracle
"""

from __future__ import annotations

import csv
import functools
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
RENO_HOUR = JSONL / "adsb_actions_reno_2023-08-29_1hr.jsonl.gz"
TRACES = [TRACES_2023, TRACES_DERIVED]
RECORDS = [AIRCRAFT_JSON, JSONL]

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


METRIC_COLUMNS = {
    "aircraft-minutes": "aircraft_minutes",
    "flights": "flight_count",
    "mean-altitude": "mean_alt_ft",
    "max-altitude": "max_alt_ft",
}
METRIC_TOLERANCE = 1e-6


@functools.lru_cache(maxsize=None)
def oracle_files(inputs: tuple[Path, ...]) -> list[oracle.OracleFile]:
    """The oracle's reading of the inputs, shared by the tests (none changes it)."""
    return oracle.read_all(list(map(str, inputs)))


def parse_metric_cells(text: str, columns: list[str]) -> dict[str, dict[str, str]]:
    """h3_index -> column -> field, once the header is checked: the contract's five, then `columns`."""
    rows = list(csv.reader(io.StringIO(text)))
    header = ["h3_index", "point_count", "aircraft_count", "center_lat", "center_lon", *columns]
    assert rows[0] == header, rows[0]
    return {r[0]: dict(zip(header[1:], r[1:])) for r in rows[1:]}


def total_points(cells: dict[str, dict[str, str]]) -> int:
    return sum(int(row["point_count"]) for row in cells.values())


class MetricAssertions(unittest.TestCase):
    """Compares `aggregate --metric` with every metric to the oracle, cell for cell."""

    maxDiff = None

    def assert_same_metrics(self, inputs: list[Path], res: int, extra: list[str] = (), flt=None):
        run = skyhex("aggregate", "--res", str(res), "--metric", ",".join(METRIC_COLUMNS), *extra, *map(str, inputs))
        self.assertEqual(run.returncode, 0, run.stderr)
        ours = parse_metric_cells(run.stdout, list(METRIC_COLUMNS.values()))
        files = oracle_files(tuple(inputs))
        counts = oracle.aggregate(files, res, flt)
        expected = oracle.metrics(files, res, flt)
        self.assertEqual(sorted(ours), sorted(expected), "same occupied cells")
        self.assertEqual(list(ours), sorted(ours), "rows sorted by h3_index")
        for cell, want in expected.items():
            got = ours[cell]
            n, a, lat, lon = counts[cell]
            self.assertEqual((int(got["point_count"]), int(got["aircraft_count"])), (n, a), f"counts of {cell}")
            self.assertAlmostEqual(float(got["center_lat"]), lat, delta=CENTER_TOLERANCE_DEG, msg=f"center_lat of {cell}")
            self.assertAlmostEqual(float(got["center_lon"]), lon, delta=CENTER_TOLERANCE_DEG, msg=f"center_lon of {cell}")
            self.assertEqual(int(got["flight_count"]), want["flight_count"], f"flight_count of {cell}")
            self.assert_close(got["aircraft_minutes"], want["aircraft_minutes"], f"aircraft_minutes of {cell}")
            for column in ("mean_alt_ft", "max_alt_ft"):
                if want[column] is None:
                    self.assertEqual(got[column], "", f"{column} of {cell}: no kept point has an altitude")
                else:
                    self.assert_close(got[column], want[column], f"{column} of {cell}")
        return ours

    def assert_close(self, field: str, want: float, msg: str):
        """Equal within METRIC_TOLERANCE relative (skyhex keeps altitudes as float32)."""
        self.assertAlmostEqual(float(field), want, delta=METRIC_TOLERANCE * abs(want), msg=msg)


class MetricsEqualsOracle(MetricAssertions):
    """Every metric against the oracle's legs, point weights and altitudes."""

    def test_real_traces_at_res_5_and_8(self):
        for res in (5, 8):
            with self.subTest(res=res):
                cells = self.assert_same_metrics(TRACES, res)
                self.assertEqual(total_points(cells), 3930 + 80762)
                flights = sum(int(row["flight_count"]) for row in cells.values())
                self.assertGreater(flights, len(cells), "some cells are crossed by more than one leg")

    def test_real_parquet_at_res_5_and_8(self):
        for res in (5, 8):
            with self.subTest(res=res):
                cells = self.assert_same_metrics([PARQUET_ZSTD], res)
                self.assertEqual(total_points(cells), 105072)
                self.assertGreater(sum(float(row["aircraft_minutes"]) for row in cells.values()), 0)

    def test_real_aircraft_snapshots_and_json_lines(self):
        """Snapshots (one point per aircraft and file: weight 0), records without a time,
        and cells where no point has an altitude (empty mean and max)."""
        files = oracle_files((AIRCRAFT_JSON, JSONL))
        self.assertGreater(sum(1 for f in files for p in f.points if p.time_ms is None), 0)
        cells = self.assert_same_metrics([AIRCRAFT_JSON, JSONL], 6)
        self.assertIn("", {row["max_alt_ft"] for row in cells.values()})

    def test_real_records_without_time_or_address(self):
        """Every real JSON-lines record has a time and an address. In this copy of the Reno
        hour the last third of the records lose "now" and the aircraft whose address ends in
        0 to 3 lose "hex", so points without a time (after their aircraft's timed points, in
        a leg of their own) and the one group of points without an address are compared too."""
        import gzip
        import tempfile

        lines = gzip.decompress(RENO_HOUR.read_bytes()).decode().splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
        for i, record in enumerate(records):
            if i >= 2 * len(records) // 3:
                record.pop("now")
            if record.get("hex", "")[-1:] in ("0", "1", "2", "3"):
                record.pop("hex")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "reno_hour.jsonl"
            path.write_text("\n".join(map(json.dumps, records)))
            points = oracle_files((path,))[0].points
            timed = {p.address for p in points if p.time_ms is not None}
            self.assertTrue(any(p.time_ms is None and p.address in timed for p in points), "an aircraft with both")
            self.assertTrue(any(p.address is None for p in points))
            for res in (5, 9):
                with self.subTest(res=res):
                    self.assert_same_metrics([path], res)

    def test_real_traces_with_new_leg_flags_and_gaps(self):
        """The 2023 traces exercise both leg splits: points flagged "new leg", and more legs
        than files (one aircraft a file) and flags make, so gaps over 30 min."""
        files = oracle_files((TRACES_2023,))
        flagged = sum(1 for f in files for p in f.points if p.flags & oracle.NEW_LEG_FLAG)
        self.assertGreater(flagged, 0)
        self.assertGreater(sum(len(set(oracle.legs_and_weights(f.points)[0])) for f in files), len(files) + flagged)
        self.assert_same_metrics([TRACES_2023], 9)

    def test_metric_columns_follow_the_order_asked(self):
        """Duplicates, and points/aircraft (already among the contract's five), add no column."""
        run = skyhex(
            "aggregate", "--res", "5", "--metric", "max-altitude,points,flights",
            "--metric", "aircraft,flights,aircraft-minutes", str(TRACES_2023),
        )
        self.assertEqual(run.returncode, 0, run.stderr)
        ours = parse_metric_cells(run.stdout, ["max_alt_ft", "flight_count", "aircraft_minutes"])
        expected = oracle.metrics(oracle_files((TRACES_2023,)), 5)
        self.assertEqual(sorted(ours), sorted(expected))
        for cell, want in expected.items():
            self.assertEqual(int(ours[cell]["flight_count"]), want["flight_count"], cell)
            self.assert_close(ours[cell]["aircraft_minutes"], want["aircraft_minutes"], cell)
            self.assert_close(ours[cell]["max_alt_ft"], want["max_alt_ft"], cell)


class MetricFiltersEqualOracle(MetricAssertions):
    """Each new filter on real data, every metric compared at resolution 7. Each keeps some
    of the points but not all (so a filter ignored, or one that drops everything, fails);
    weights stay those of the unfiltered points."""

    def assert_filter(self, inputs: list[Path], args: list[str], flt: oracle.Filter) -> int:
        kept = total_points(self.assert_same_metrics(inputs, 7, args, flt))
        self.assertGreater(kept, 0, "the filter keeps some points")
        self.assertLess(kept, sum(len(f.points) for f in oracle_files(tuple(inputs))), "the filter drops some")
        return kept

    def test_ground(self):
        only = self.assert_filter(TRACES, ["--only-ground"], oracle.Filter(only_ground=True))
        excluded = self.assert_filter(TRACES, ["--exclude-ground"], oracle.Filter(exclude_ground=True))
        self.assertEqual(only + excluded, 3930 + 80762)

    def test_source(self):
        cases = [
            (TRACES, "tisb,mlat"),
            (TRACES, "other"),
            (TRACES, "ADSB"),
            (RECORDS, "adsc,mlat,tisb"),
            (RECORDS, "other"),
        ]
        for inputs, sources in cases:
            with self.subTest(inputs=[p.name for p in inputs], sources=sources):
                flt = oracle.Filter(sources=tuple(sources.lower().split(",")))
                self.assert_filter(inputs, ["--source", sources], flt)

    def test_callsign_prefix_and_pattern(self):
        for inputs, pattern in ((TRACES, "ual"), (TRACES, " n*a? "), (RECORDS, "N5")):
            with self.subTest(inputs=[p.name for p in inputs], pattern=pattern):
                self.assert_filter(inputs, ["--callsign", pattern], oracle.Filter(callsign=pattern))

    def test_squawk_prefix_and_pattern(self):
        for inputs, pattern in ((TRACES, "1200"), (TRACES, "1?00"), (RECORDS, "12")):
            with self.subTest(inputs=[p.name for p in inputs], pattern=pattern):
                self.assert_filter(inputs, ["--squawk", pattern], oracle.Filter(squawk=pattern))

    def test_address_prefix_and_pattern(self):
        for pattern in ("~", "A?B*"):
            with self.subTest(pattern=pattern):
                self.assert_filter(TRACES, ["--address", pattern], oracle.Filter(address=pattern))

    def test_registration_and_type(self):
        cases = [
            (TRACES, ["--registration", "N5"], oracle.Filter(registration="N5")),
            (TRACES, ["--type", "B7*"], oracle.Filter(type_code="B7*")),
            (RECORDS, ["--registration", "n*", "--type", "b73?"], oracle.Filter(registration="n*", type_code="b73?")),
        ]
        for inputs, args, flt in cases:
            with self.subTest(args=args):
                self.assert_filter(inputs, args, flt)

    def test_registration_is_the_aircrafts_across_inputs(self):
        """JSON-lines records have no registration; they get the one the snapshots give their address."""
        files = oracle_files(tuple(RECORDS))
        flt = oracle.Filter(registration="N")
        aircraft = oracle.describe_aircraft(files)
        inherited = [p for f in files for p in f.points if p.registration is None and flt.keeps(p, aircraft[p.address])]
        self.assertGreater(len(inherited), 0)
        self.assert_filter(RECORDS, ["--registration", "N"], flt)

    def test_db_flags(self):
        for names in ("ladd", "military,pia", "interesting,ladd,military"):
            with self.subTest(names=names):
                self.assert_filter(RECORDS, ["--db-flags", names], oracle.Filter(db_flags=tuple(names.split(","))))

    def test_filters_combined(self):
        args = [
            "--source", "adsb", "--callsign", "N", "--squawk", "1200", "--exclude-ground",
            "--min-alt-ft", "1000", "--from", "2025-06-01T12:00:00Z", "--to", "2025-06-02T12:00:00Z",
        ]
        flt = oracle.Filter(
            sources=("adsb",), callsign="N", squawk="1200", exclude_ground=True, min_alt_ft=1000,
            from_ms=iso_ms("2025-06-01T12:00:00Z"), to_ms=iso_ms("2025-06-02T12:00:00Z"),
        )
        self.assert_filter(TRACES, args, flt)
        args = ["--db-flags", "ladd,military", "--type", "C*", "--source", "adsb,adsc"]
        flt = oracle.Filter(db_flags=("ladd", "military"), type_code="C*", sources=("adsb", "adsc"))
        self.assert_filter(RECORDS, args, flt)


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
