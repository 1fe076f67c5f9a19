"""An independent skyhex: reads the same inputs with Python's json/gzip/struct and pyarrow, and
computes H3 cells with h3-py (the reference H3 implementation's bindings).

It shares no code with skyhex; it restates the rules of the contract:
- an accepted point has lat and lon, both finite, -90 <= lat <= 90, -180 <= lon <= 180;
- a cell's center is the mean of its points' coordinates;
- aircraft are distinct addresses (`~abc123` differs from `abc123`);
- filters: time in [from, to); min <= altitude <= max with ground and unknown altitudes
  dropped only when an altitude filter is given; --exclude-ground drops ground points,
  --only-ground keeps only them; source type, address, callsign, registration, type,
  squawk and dbFlags filters (see `Filter`); all filters AND-ed, applied before
  aggregation;
- metrics: aircraft-minutes (point weights, see `legs_and_weights`), flights (distinct
  legs), mean and max barometric altitude (see `metrics`).
"""

from __future__ import annotations

import gzip
import json
import math
import re
import struct
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
    flags: int = 0
    source: str | None = None
    callsign: str | None = None
    squawk: str | None = None
    registration: str | None = None
    type_code: str | None = None
    db_flags: int | None = None
    # The time the point stands for, when its source says (a heatmap record: its slice).
    interval_ms: int | None = None


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


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _text(value) -> str | None:
    """A string trimmed of blanks; None for blank text and anything that is not a string."""
    return (value.strip() or None) if isinstance(value, str) else None


def _db_flags(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFF else None


def read_trace(raw: bytes) -> OracleFile:
    """A readsb trace: point = [dt, lat, lon, alt|"ground", gs, track, flags, rate, details,
    source, ...], at round((timestamp + dt) * 1000) ms. The details object (element 8) carries its "flight" (callsign, trimmed;
    blank clears it) and "squawk" forward to the following points, rejected ones included.
    Top-level "r" (registration), "t" (type) and "dbFlags" describe every point."""
    doc = json.loads(raw)
    address = doc["icao"].strip().lower()
    base = doc["timestamp"]
    registration, type_code, db_flags = _text(doc.get("r")), _text(doc.get("t")), _db_flags(doc.get("dbFlags"))
    callsign = squawk = None
    out = OracleFile()
    for point in doc["trace"]:
        details = point[8] if len(point) > 8 else None
        if isinstance(details, dict):
            if isinstance(details.get("flight"), str):
                callsign = _text(details["flight"])
            if isinstance(details.get("squawk"), str):
                squawk = details["squawk"]
        lat, lon = point[1], point[2]
        if not _accepted(lat, lon):
            out.rejected += 1
            continue
        alt = point[3]
        source = point[9] if len(point) > 9 else None
        out.points.append(
            OraclePoint(
                address=address,
                time_ms=round((base * 1000.0) + point[0] * 1000.0),
                lat=float(lat),
                lon=float(lon),
                alt_ft=_number(alt),
                on_ground=alt == "ground",
                flags=int(_number(point[6]) or 0) if len(point) > 6 else 0,
                source=source if isinstance(source, str) else None,
                callsign=callsign,
                squawk=squawk,
                registration=registration,
                type_code=type_code,
                db_flags=db_flags,
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
    """readsb aircraft.json snapshots and logs of aircraft records (JSON lines). Callsign
    ("flight"), squawk and source ("type") come from the record, else from its "flightdict"
    (adsb.lol logs); registration "r", type "t" and "dbFlags" from the record."""
    out = OracleFile()

    def detail(record, key):
        details = record.get("flightdict")
        return _text(record.get(key)) or (_text(details.get(key)) if isinstance(details, dict) else None)

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
                alt_ft=_number(alt),
                on_ground=alt == "ground",
                source=detail(record, "type"),
                callsign=detail(record, "flight"),
                squawk=detail(record, "squawk"),
                registration=_text(record.get("r")),
                type_code=_text(record.get("t")),
                db_flags=_db_flags(record.get("dbFlags")),
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


HEATMAP_RECORD = struct.Struct("<iiihh")  # hex, lat, lon, alt, gs
HEATMAP_SLICE_MARKER = 0x0E7F7C9D
HEATMAP_CALLSIGN_FLAG = 1 << 30
HEATMAP_NON_ICAO = 1 << 24
HEATMAP_ALT_UNIT_FT = 25
HEATMAP_ALT_GROUND = -123
HEATMAP_ALT_UNKNOWN = -124  # readsb's "altitude unknown" (FORMATS.md names only -123)
# readsb's address types (bits 27..31 of a record's hex), by their trace JSON names.
HEATMAP_SOURCES = (
    "adsb_icao", "adsb_icao_nt", "adsr_icao", "tisb_icao", "adsc", "mlat", "other", "mode_s",
    "adsb_other", "adsr_other", "tisb_trackfile", "tisb_other", "mode_ac",
)


def _is_heatmap(content: bytes) -> bool:
    """Whole 16-byte records, the first index entry pointing at a slice marker."""
    if len(content) < 2 * HEATMAP_RECORD.size or len(content) % HEATMAP_RECORD.size:
        return False
    first = HEATMAP_RECORD.unpack_from(content, 0)[0]
    at = first * HEATMAP_RECORD.size
    if not 0 < first or at + HEATMAP_RECORD.size > len(content):
        return False
    return HEATMAP_RECORD.unpack_from(content, at)[0] == HEATMAP_SLICE_MARKER


def read_heatmap(raw: bytes) -> OracleFile:
    """A readsb heatmap (FORMATS.md section 2), gzip or not: 16-byte little-endian records
    {i32 hex; i32 lat; i32 lon; i16 alt; i16 gs}. The index (one record per slice, its hex the
    record offset of the slice's marker) finds the slices; a marker holds the slice start in
    ms (lat high, lon low 32 bits) and its length in ms (alt, unsigned). Each position record
    is one point at the slice start: address = low 24 bits as 6 lower-case hex digits, `~`
    first when bit 24 (non-ICAO) is set; source = the address type in bits 27..31; lat/lon in
    1e-6 degrees; alt in 25 ft units, -123 on the ground, -124 unknown. A record whose lat is
    at least 1 << 30 (as a signed number: negative latitudes also have bit 30 set) is a
    callsign record instead: squawk = the rest of lat as decimal digits, callsign = the 8
    bytes from lon; they carry forward to the aircraft's later positions in the file."""
    content = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    if not _is_heatmap(content):
        raise ValueError("not a readsb heatmap")
    records = HEATMAP_RECORD.size
    count = len(content) // records
    # The first slice's marker follows the index: its offset is the number of slices.
    slices = HEATMAP_RECORD.unpack_from(content, 0)[0]
    starts = [HEATMAP_RECORD.unpack_from(content, i * records)[0] for i in range(slices)]
    out = OracleFile()
    idents: dict[int, tuple[str | None, str]] = {}
    for start, end in zip(starts, starts[1:] + [count]):
        hex_, high, low, interval, _ = HEATMAP_RECORD.unpack_from(content, start * records)
        if hex_ != HEATMAP_SLICE_MARKER:
            raise ValueError(f"heatmap index points at record {start}, which is not a slice marker")
        time_ms = (high << 32) | (low & 0xFFFFFFFF)
        interval_ms = interval & 0xFFFF
        for i in range(start + 1, end):
            hex_, lat, lon, alt, _ = HEATMAP_RECORD.unpack_from(content, i * records)
            key = hex_ & (HEATMAP_NON_ICAO | 0xFFFFFF)
            if lat >= HEATMAP_CALLSIGN_FLAG:
                callsign = content[i * records + 8 : i * records + 16].split(b"\0")[0].decode("ascii", "replace")
                idents[key] = (callsign.strip() or None, f"{lat - HEATMAP_CALLSIGN_FLAG:04d}")
                continue
            address = ("~" if key & HEATMAP_NON_ICAO else "") + f"{key & 0xFFFFFF:06x}"
            lat_deg, lon_deg = lat / 1e6, lon / 1e6
            if not _accepted(lat_deg, lon_deg):
                out.rejected += 1
                continue
            type_number = (hex_ & 0xFFFFFFFF) >> 27
            callsign, squawk = idents.get(key, (None, None))
            on_ground = alt == HEATMAP_ALT_GROUND
            out.points.append(
                OraclePoint(
                    address=address,
                    time_ms=time_ms,
                    lat=lat_deg,
                    lon=lon_deg,
                    alt_ft=None if on_ground or alt == HEATMAP_ALT_UNKNOWN else float(alt * HEATMAP_ALT_UNIT_FT),
                    on_ground=on_ground,
                    source=HEATMAP_SOURCES[type_number] if type_number < len(HEATMAP_SOURCES) else None,
                    callsign=callsign,
                    squawk=squawk,
                    interval_ms=interval_ms or None,
                )
            )
    return out


def read_file(path: Path) -> OracleFile:
    return read_bytes(path.read_bytes())


MEMBER_KINDS = ("trace", "heatmap", "records", "parquet")


def member_kind(name: str, raw: bytes) -> str | None:
    """What a file holds: "heatmap" (named *.bin.ttf, or gzip of heatmap records), "trace"
    (readsb trace JSON), "records" (aircraft.json or JSON lines), "parquet"; None for
    anything else (README.txt, licences)."""
    if name.endswith(".bin.ttf"):
        return "heatmap"
    if raw[:4] == b"PAR1":
        return "parquet"
    content = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    if b'"trace"' in content[:4096]:
        return "trace"
    if content.lstrip()[:1] in (b"{", b"["):
        return "records"
    if raw[:2] == b"\x1f\x8b" and _is_heatmap(content):
        return "heatmap"
    return None


def read_tar_parts(parts: list[Path], kinds: tuple[str, ...] = MEMBER_KINDS) -> list[OracleFile]:
    """A tar archive split into parts: the parts joined in suffix order, every member that is
    data of one of `kinds` (see `member_kind`) read; the others (README.txt, say) are
    skipped. `kinds=("trace",)` reads the traces only, `("heatmap",)` the heatmaps only."""
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
                if member_kind(member.name, raw) in kinds:
                    out.append(read_heatmap(raw) if member.name.endswith(".bin.ttf") else read_bytes(raw))
            except (ValueError, KeyError, UnicodeDecodeError, OSError, EOFError):
                continue
    return out


def read_bytes(raw: bytes) -> OracleFile:
    if raw[:4] == b"PAR1":
        import io

        return read_parquet(io.BytesIO(raw))
    compressed = raw[:2] == b"\x1f\x8b"
    if compressed:
        raw = gzip.decompress(raw)
    if b'"trace"' in raw[:4096]:
        return read_trace(raw)
    if raw[:1] not in (b"{", b"["):
        if compressed and _is_heatmap(raw):
            return read_heatmap(raw)
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


DB_FLAG_BITS = {"military": 1, "interesting": 2, "pia": 4, "ladd": 8}


def source_kind(source: str | None) -> str:
    """readsb's source type as analysts group it: starting with "adsb" or "adsr" (ADS-R) is
    adsb, "mlat" is mlat, starting with "tisb" is tisb, "adsc" is adsc; else (or absent) other."""
    source = source or ""
    if source.startswith(("adsb", "adsr")):
        return "adsb"
    if source.startswith("tisb"):
        return "tisb"
    if source in ("mlat", "adsc"):
        return source
    return "other"


def text_matches(pattern: str, value: str | None) -> bool:
    """Case-insensitive, blanks around both ignored: a pattern with `*` (any run) or `?` (one
    character) must match the whole value, any other is a prefix. An absent value never matches."""
    if value is None:
        return False
    pattern, value = pattern.strip().lower(), value.strip().lower()
    if "*" not in pattern and "?" not in pattern:
        return value.startswith(pattern)
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


@dataclass
class Aircraft:
    registration: str | None = None
    type_code: str | None = None
    db_flags: int = 0


def describe_aircraft(files: list[OracleFile]) -> dict[str | None, Aircraft]:
    """Per address (None: the points without one), over all inputs in order: the first
    registration and the first type given, and its points' dbFlags OR-ed."""
    out: dict[str | None, Aircraft] = {}
    for f in files:
        for p in f.points:
            aircraft = out.setdefault(p.address, Aircraft())
            aircraft.registration = aircraft.registration or p.registration
            aircraft.type_code = aircraft.type_code or p.type_code
            aircraft.db_flags |= p.db_flags or 0
    return out


@dataclass
class Filter:
    """Which points count; every filter given must keep the point. Time and altitude as in
    the module's docstring; `sources` names source kinds (`source_kind`); `address`,
    `callsign` and `squawk` patterns (`text_matches`) test the point, `registration` and
    `type_code` its aircraft (`describe_aircraft`); `db_flags` names bits of which the
    aircraft must have any (`DB_FLAG_BITS`)."""

    from_ms: int | None = None
    to_ms: int | None = None
    min_alt_ft: float | None = None
    max_alt_ft: float | None = None
    exclude_ground: bool = False
    only_ground: bool = False
    sources: tuple[str, ...] | None = None
    address: str | None = None
    callsign: str | None = None
    registration: str | None = None
    type_code: str | None = None
    squawk: str | None = None
    db_flags: tuple[str, ...] = ()

    def keeps(self, p: OraclePoint, aircraft: Aircraft) -> bool:
        if self.exclude_ground and p.on_ground:
            return False
        if self.only_ground and not p.on_ground:
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
        if self.sources is not None and source_kind(p.source) not in self.sources:
            return False
        patterns = (
            (self.address, p.address),
            (self.callsign, p.callsign),
            (self.squawk, p.squawk),
            (self.registration, aircraft.registration),
            (self.type_code, aircraft.type_code),
        )
        if any(pattern is not None and not text_matches(pattern, value) for pattern, value in patterns):
            return False
        if self.db_flags and not any(aircraft.db_flags & DB_FLAG_BITS[name] for name in self.db_flags):
            return False
        return True


NEW_LEG_FLAG = 2
LEG_GAP_MS = 30 * 60 * 1000
MAX_WEIGHT_MS = 2 * 60 * 1000


def _starts_leg(previous: OraclePoint, p: OraclePoint) -> bool:
    """p, next after `previous` in a unit's order, starts a leg: another aircraft, readsb's
    "new leg" trace flag, more than 30 min after `previous`, or the first point without a time."""
    if p.address != previous.address or p.flags & NEW_LEG_FLAG:
        return True
    if previous.time_ms is None:
        return False
    return p.time_ms is None or p.time_ms - previous.time_ms > LEG_GAP_MS


def legs_and_weights(points: list[OraclePoint]) -> tuple[list[int], list[int]]:
    """The leg number and the weight (ms) of each point of one unit (an input file or a tar
    member). The unit's order: points grouped by address (the points without one are a
    group), each group by time, stable, points without a time after the timed ones. Legs
    start as `_starts_leg` says. A point weighs min(next time - its time, 2 min) when the
    next point in that order is of its leg and both have times, else 0; a point whose
    source gives the time it stands for (a heatmap record's slice, `interval_ms`) weighs
    that. Weights are taken on all accepted points, before any filter."""

    def place(i):
        p = points[i]
        return (p.address is None, p.address or "", p.time_ms is None, p.time_ms or 0)

    order = sorted(range(len(points)), key=place)
    legs, weights = [0] * len(points), [0] * len(points)
    leg, previous = -1, None
    for i in order:
        p = points[i]
        if previous is None or _starts_leg(points[previous], p):
            leg += 1
        elif p.time_ms is not None and points[previous].time_ms is not None:
            weights[previous] = min(p.time_ms - points[previous].time_ms, MAX_WEIGHT_MS)
        legs[i] = leg
        previous = i
    for i, p in enumerate(points):
        if p.interval_ms is not None:
            weights[i] = p.interval_ms
    return legs, weights


def _kept(files: list[OracleFile], res: int, flt: Filter | None):
    """(h3_index, point, leg, weight_ms) of each point the filter keeps; a leg is
    (unit number, leg number), so legs of different units always differ."""
    flt = flt or Filter()
    aircraft = describe_aircraft(files)
    for unit, f in enumerate(files):
        legs, weights = legs_and_weights(f.points)
        for p, leg, weight in zip(f.points, legs, weights):
            if flt.keeps(p, aircraft[p.address]):
                yield h3.latlng_to_cell(p.lat, p.lon, res), p, (unit, leg), weight


def aggregate(files: list[OracleFile], res: int, flt: Filter | None = None) -> dict[str, tuple[int, int, float, float]]:
    """h3_index -> (point_count, aircraft_count, center_lat, center_lon)."""
    cells: dict[str, list] = {}
    for cell, p, _, _ in _kept(files, res, flt):
        acc = cells.setdefault(cell, [0, set(), 0.0, 0.0])
        acc[0] += 1
        if p.address is not None:
            acc[1].add(p.address)
        acc[2] += p.lat
        acc[3] += p.lon
    return {c: (n, len(a), slat / n, slon / n) for c, (n, a, slat, slon) in cells.items()}


def metrics(files: list[OracleFile], res: int, flt: Filter | None = None) -> dict[str, dict[str, float | int | None]]:
    """h3_index -> the metric columns: aircraft_minutes, the kept points' weights summed, in
    minutes; flight_count, the distinct legs with a kept point in the cell; mean_alt_ft and
    max_alt_ft over the kept points with a barometric altitude (None when there is none)."""
    cells: dict[str, list] = {}
    for cell, p, leg, weight in _kept(files, res, flt):
        acc = cells.setdefault(cell, [0, set(), []])
        acc[0] += weight
        acc[1].add(leg)
        if p.alt_ft is not None:
            acc[2].append(p.alt_ft)
    return {
        c: {
            "aircraft_minutes": weight_ms / 60000,
            "flight_count": len(legs),
            "mean_alt_ft": sum(alts) / len(alts) if alts else None,
            "max_alt_ft": max(alts, default=None),
        }
        for c, (weight_ms, legs, alts) in cells.items()
    }


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
