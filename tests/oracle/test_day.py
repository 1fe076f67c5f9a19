"""A synthetic adsb.lol day from daygen (bench/daygen) against skyhex's CLI and the oracle:
the generator is deterministic, and its heatmap and trace members give the same cells as
h3-py.

Run: SKYHEX_BIN=target/release/skyhex python -m unittest discover -s tests/oracle
(DAYGEN_BIN names a daygen binary; without it the test builds one with cargo.)
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
import tempfile
import unittest
from pathlib import Path

import oracle
from test_oracle import CENTER_TOLERANCE_DEG, ROOT, parse_cells, skyhex

DAYGEN = os.environ.get("DAYGEN_BIN")
# About 200 aircraft: a few hundred thousand points, a few MB.
SCALE = "0.003"
SEED = "11"
PARTS = 3


def build_daygen() -> str:
    if DAYGEN:
        return DAYGEN
    build = ["cargo", "build", "--locked", "--release", "-p", "skyhex-daygen"]
    subprocess.run(build, cwd=ROOT, check=True, capture_output=True)
    return str(ROOT / "target" / "release" / "daygen")


def daygen(binary: str, out_dir: Path, *args: str) -> dict:
    command = [binary, str(out_dir), "--scale", SCALE, "--seed", SEED, *args]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def parts_of(out_dir: Path) -> list[Path]:
    return sorted(out_dir.glob("*.tar.??"))


class DaygenDay(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = Path(cls.tmp.name)
        binary = build_daygen()
        whole = daygen(binary, tmp / "whole")
        part_bytes = str(whole["bytes"] // PARTS + 1)
        cls.summary = daygen(binary, tmp / "first", "--part-bytes", part_bytes)
        daygen(binary, tmp / "second", "--part-bytes", part_bytes)
        cls.whole, cls.first, cls.second = (parts_of(tmp / name) for name in ("whole", "first", "second"))
        # The members as files, as `cat parts | tar x` would give them.
        cls.members = tmp / "members"
        joined = b"".join(part.read_bytes() for part in cls.first)
        with tarfile.open(fileobj=io.BytesIO(joined), mode="r:") as archive:
            archive.extractall(cls.members, filter="data")
        cls.heatmaps = sorted((cls.members / "heatmap").glob("*.bin.ttf"))
        cls.traces = sorted((cls.members / "traces").glob("*/trace_full_*.json"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assert_cells_equal_oracle(self, inputs: list[Path], files: list[oracle.OracleFile], res: int):
        run = skyhex("aggregate", "--res", str(res), *map(str, inputs))
        self.assertEqual(run.returncode, 0, run.stderr)
        ours = parse_cells(run.stdout)
        expected = oracle.aggregate(files, res)
        self.assertEqual(sorted(ours), sorted(expected), "same occupied cells")
        for cell, (n, a, lat, lon) in expected.items():
            self.assertEqual(ours[cell][:2], (n, a), f"counts of {cell}")
            self.assertAlmostEqual(ours[cell][2], lat, delta=CENTER_TOLERANCE_DEG, msg=f"center_lat of {cell}")
            self.assertAlmostEqual(ours[cell][3], lon, delta=CENTER_TOLERANCE_DEG, msg=f"center_lon of {cell}")
        return ours

    def test_same_arguments_give_the_same_bytes_in_any_part_size(self):
        self.assertEqual(len(self.first), PARTS)
        self.assertEqual([p.name for p in self.first], [p.name for p in self.second])
        for first, second in zip(self.first, self.second):
            self.assertEqual(first.read_bytes(), second.read_bytes(), first.name)
        self.assertEqual(len(self.whole), 1)
        self.assertEqual(b"".join(p.read_bytes() for p in self.first), self.whole[0].read_bytes())

    def test_the_archive_holds_a_day_of_traces_and_heatmaps(self):
        summary = self.summary
        self.assertEqual(summary["trace_members"], summary["aircraft"])
        self.assertEqual(len(self.traces), summary["aircraft"])
        self.assertEqual([p.name for p in self.heatmaps], [f"{n:02}.bin.ttf" for n in range(48)])
        self.assertTrue((self.members / "README.txt").read_text().startswith("This is a SYNTHETIC day"))
        for path in self.traces:
            self.assertEqual(path.parent.name, path.name.removesuffix(".json")[-2:], "traces/<last two hex digits>/")

    def test_heatmaps_through_the_cli_equal_the_oracle(self):
        files = [oracle.read_heatmap(path.read_bytes()) for path in self.heatmaps]
        self.assertEqual(sum(len(f.points) for f in files), self.summary["heatmap_positions"])
        self.assertEqual(sum(f.rejected for f in files), 0)
        self.assertTrue(all(p.time_ms % 60_000 == 0 and p.interval_ms == 60_000 for f in files for p in f.points))
        self.assert_cells_equal_oracle(self.heatmaps, files, 5)
        # The tar path reads the same heatmaps.
        from_tar = oracle.read_tar_parts(self.first, kinds=("heatmap",))
        self.assertEqual(oracle.aggregate(from_tar, 5), oracle.aggregate(files, 5))
        # A heatmap record stands for its aircraft over its slice: aircraft-minutes are exact.
        run = skyhex("aggregate", "--res", "5", "--metric", "aircraft-minutes,flights", *map(str, self.heatmaps))
        self.assertEqual(run.returncode, 0, run.stderr)
        metrics = oracle.metrics(files, 5)
        rows = [line.split(",") for line in run.stdout.splitlines()[1:]]
        for row in rows:
            self.assertAlmostEqual(float(row[5]), metrics[row[0]]["aircraft_minutes"], places=9, msg=row[0])
            self.assertEqual(int(row[6]), metrics[row[0]]["flight_count"], row[0])

    def test_traces_through_the_cli_equal_the_oracle(self):
        files = [oracle.read_bytes(path.read_bytes()) for path in self.traces]
        self.assertEqual(sum(len(f.points) for f in files), self.summary["trace_points"])
        from_tar = oracle.read_tar_parts(self.first, kinds=("trace",))
        self.assertEqual(len(from_tar), len(files))
        for res in (5, 7):
            with self.subTest(res=res):
                self.assert_cells_equal_oracle(self.traces, files, res)

    def test_the_day_given_as_parts_in_any_order_counts_its_traces_once(self):
        # The heatmaps hold the traces' traffic once a minute: given the day, the CLI
        # counts the traces only, and says how many heatmaps it left out.
        traces = oracle.read_tar_parts(self.first, kinds=("trace",))
        self.assert_cells_equal_oracle(list(reversed(self.first)), traces, 5)
        report = json.loads(skyhex("inspect", "--json", *map(str, self.first)).stdout)
        self.assertEqual(report["points"], self.summary["trace_points"])
        self.assertEqual(report["files"][0]["heatmap_members_left_out"], 48)

    def test_a_cut_last_part_keeps_the_members_before_the_cut(self):
        with tempfile.TemporaryDirectory() as tmp:
            cut = [Path(tmp) / part.name for part in self.first]
            for part, copy in zip(self.first, cut):
                data = part.read_bytes()
                copy.write_bytes(data if part != self.first[-1] else data[: len(data) // 3])
            run = skyhex("aggregate", "--res", "5", *map(str, cut))
            self.assertEqual(run.returncode, 1, "an input was not read whole")
            self.assertRegex(run.stderr, r"cut short")
            # The members whole before the cut, as tarfile reads them (it stops at the cut).
            joined = b"".join(copy.read_bytes() for copy in cut)
            before = []
            with tarfile.open(fileobj=io.BytesIO(joined), mode="r:") as archive:
                try:
                    for member in archive:
                        if member.isfile() and "trace_full_" in member.name:
                            data = archive.extractfile(member).read()
                            if len(data) == member.size:
                                before.append(oracle.read_bytes(data))
                except (tarfile.ReadError, OSError, EOFError):
                    pass
            self.assertGreater(len(before), 0)
            self.assertLess(len(before), self.summary["aircraft"])
            expected = oracle.aggregate(before, 5)
            ours = parse_cells(run.stdout)
            self.assertEqual({cell: ours[cell][:2] for cell in ours}, {cell: v[:2] for cell, v in expected.items()})


if __name__ == "__main__":
    unittest.main()
