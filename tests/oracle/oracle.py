"""An independent skyhex: reads the same inputs with Python's json/gzip and pyarrow, and
computes H3 cells with h3-py (the reference H3 implementation's bindings).

It shares no code with skyhex; it restates the rules of the contract:
- an accepted point has lat and lon, both finite, -90 <= lat <= 90, -180 <= lon <= 180;
- a cell's center is the mean of its points' coordinates;
- aircraft are distinct addresses (`~abc123` differs from `abc123`);
- filters: time in [from, to); min <= altitude <= max with ground and unknown altitudes
  dropped only when an altitude filter is given; --exclude-ground drops ground points.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import h3
import pyarrow.parquet as pq


@dataclass
class OraclePoint:
    address: str | None
    time_ms: int | None
    lat: float
    lon: float
    alt_ft: float | None
    on_ground: bool


@dataclass
class OracleFile:
    points: list[OraclePoint] = field(default_factory=list)
    rejected: int = 0


def _accepted(lat, lon) -> bool:
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return False
    if isinstance(lat, bool) or isinstance(lon, bool):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def read_trace(raw: bytes) -> OracleFile:
    doc = json.loads(raw)
    address = doc["icao"].strip().lower()
    base = doc["timestamp"]
    out = OracleFile()
    for point in doc["trace"]:
        lat, lon = point[1], point[2]
        if not _accepted(lat, lon):
            out.rejected += 1
            continue
        alt = point[3]
        out.points.append(
            OraclePoint(
                address=address,
                time_ms=round((base * 1000.0) + point[0] * 1000.0),
                lat=float(lat),
                lon=float(lon),
                alt_ft=float(alt) if isinstance(alt, (int, float)) else None,
                on_ground=alt == "ground",
            )
        )
    return out


def _json_values(text: str):
    """JSON values separated by white space, commas or brackets; a bad one skips its line."""
    decoder = json.JSONDecoder()
    i = 0
    while i < len(text):
        while i < len(text) and text[i] in " \t\r\n,[]":
            i += 1
        if i >= len(text):
            return
        try:
            value, i = decoder.raw_decode(text, i)
            yield value
        except json.JSONDecodeError:
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline + 1
            yield None


def read_aircraft_records(raw: bytes) -> OracleFile:
    """readsb aircraft.json snapshots and logs of aircraft records (JSON lines)."""
    out = OracleFile()

    def add(record, now):
        if not isinstance(record, dict):
            out.rejected += 1
            return
        lat, lon = record.get("lat"), record.get("lon")
        if not _accepted(lat, lon):
            out.rejected += 1
            return
        now = record.get("now", now)
        alt = record.get("alt_baro")
        hex_ = record.get("hex")
        out.points.append(
            OraclePoint(
                address=hex_.strip().lower() if isinstance(hex_, str) and hex_.strip() else None,
                time_ms=None if now is None else round((now - record.get("seen_pos", 0)) * 1000.0),
                lat=float(lat),
                lon=float(lon),
                alt_ft=float(alt) if isinstance(alt, (int, float)) and not isinstance(alt, bool) else None,
                on_ground=alt == "ground",
            )
        )

    for value in _json_values(raw.decode("utf-8", "replace")):
        if isinstance(value, dict) and isinstance(value.get("aircraft"), list):
            for record in value["aircraft"]:
                add(record, value.get("now"))
        else:
            add(value, None)
    return out


def read_parquet(path) -> OracleFile:
    table = pq.read_table(path, columns=["icao", "ts", "lat", "lon", "alt_ft"]).to_pydict()
    out = OracleFile()
    for address, ts, lat, lon, alt in zip(table["icao"], table["ts"], table["lat"], table["lon"], table["alt_ft"]):
        if lat is None or lon is None or not _accepted(lat, lon):
            out.rejected += 1
            continue
        out.points.append(
            OraclePoint(
                address=address.strip().lower() if address is not None else None,
                time_ms=None if ts is None else round(ts * 1000.0),
                lat=lat,
                lon=lon,
                alt_ft=alt,
                on_ground=False,
            )
        )
    return out


def read_file(path: Path) -> OracleFile:
    return read_bytes(path.read_bytes())


def read_tar_parts(parts: list[Path]) -> list[OracleFile]:
    """A tar archive split into parts: the parts joined in suffix order, every member that is
    data read (members that are not, like README.txt, are skipped)."""
    import io
    import tarfile

    joined = b"".join(p.read_bytes() for p in sorted(parts))
    out = []
    with tarfile.open(fileobj=io.BytesIO(joined), mode="r:") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            raw = archive.extractfile(member).read()
            try:
                out.append(read_bytes(raw))
            except (ValueError, KeyError, UnicodeDecodeError):
                continue
    return out


def read_bytes(raw: bytes) -> OracleFile:
    if raw[:4] == b"PAR1":
        import io

        return read_parquet(io.BytesIO(raw))
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if b'"trace"' in raw[:4096]:
        return read_trace(raw)
    if raw[:1] not in (b"{", b"["):
        raise ValueError("not data")
    return read_aircraft_records(raw)


def list_files(inputs: list[str]) -> list[Path]:
    files = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        else:
            files.append(path)
    return files


def read_all(inputs: list[str]) -> list[OracleFile]:
    return [read_file(path) for path in list_files(inputs)]


@dataclass
class Filter:
    from_ms: int | None = None
    to_ms: int | None = None
    min_alt_ft: float | None = None
    max_alt_ft: float | None = None
    exclude_ground: bool = False

    def keeps(self, p: OraclePoint) -> bool:
        if self.exclude_ground and p.on_ground:
            return False
        if self.from_ms is not None or self.to_ms is not None:
            if p.time_ms is None:
                return False
            if self.from_ms is not None and p.time_ms < self.from_ms:
                return False
            if self.to_ms is not None and p.time_ms >= self.to_ms:
                return False
        if self.min_alt_ft is not None or self.max_alt_ft is not None:
            if p.on_ground or p.alt_ft is None:
                return False
            if self.min_alt_ft is not None and p.alt_ft < self.min_alt_ft:
                return False
            if self.max_alt_ft is not None and p.alt_ft > self.max_alt_ft:
                return False
        return True


def aggregate(files: list[OracleFile], res: int, flt: Filter | None = None) -> dict[str, tuple[int, int, float, float]]:
    """h3_index -> (point_count, aircraft_count, center_lat, center_lon)."""
    flt = flt or Filter()
    cells: dict[str, list] = {}
    for f in files:
        for p in f.points:
            if not flt.keeps(p):
                continue
            cell = h3.latlng_to_cell(p.lat, p.lon, res)
            acc = cells.setdefault(cell, [0, set(), 0.0, 0.0])
            acc[0] += 1
            if p.address is not None:
                acc[1].add(p.address)
            acc[2] += p.lat
            acc[3] += p.lon
    return {c: (n, len(a), slat / n, slon / n) for c, (n, a, slat, slon) in cells.items()}


def inspect(files: list[OracleFile]) -> dict:
    points = [p for f in files for p in f.points]
    times = [p.time_ms for p in points if p.time_ms is not None]
    return {
        "points": len(points),
        "rejected": sum(f.rejected for f in files),
        "aircraft": len({p.address for p in points if p.address is not None}),
        "first_time_ms": min(times) if times else None,
        "last_time_ms": max(times) if times else None,
    }


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="reference aggregation with h3-py")
    parser.add_argument("--res", type=int, required=True)
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()
    result = aggregate(read_all(args.inputs), args.res)
    sys.stdout.write("h3_index,point_count,aircraft_count,center_lat,center_lon\n")
    for cell in sorted(result):
        n, a, lat, lon = result[cell]
        sys.stdout.write(f"{cell},{n},{a},{lat:.9f},{lon:.9f}\n")
