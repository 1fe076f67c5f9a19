"""Writes the real readsb traces, copied COPIES times, as one tar archive split in two parts
(OUT_DIR/day.tar.aa and .ab, like an adsb.lol release) for the page's archive benchmark.

Each copy gives its aircraft addresses of their own (as a day has one trace file per
aircraft), so aircraft multiply with the copies as they do in a bigger day.

Usage: replicate_traces.py OUT_DIR COPIES
"""

import gzip
import io
import re
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACES = ROOT / "tests" / "data" / "real" / "readsb_traces"


MAX_COPIES = MAX_FILES = 0x1000
ICAO = re.compile(rb'"icao"\s*:\s*"(~?)[0-9a-fA-F]+"')


def readdressed(content: bytes, address: str) -> bytes:
    """The trace with `address` for its aircraft (a `~` non-ICAO marker stays), gzip again."""
    plain = gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content
    plain, replaced = ICAO.subn(lambda match: b'"icao":"' + match[1] + address.encode() + b'"', plain, count=1)
    assert replaced == 1, "every real trace names its aircraft"
    return gzip.compress(plain, compresslevel=6, mtime=0)


def main(out_dir: Path, copies: int) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = sorted(path for path in TRACES.rglob("*.json"))
    assert copies <= MAX_COPIES and len(files) <= MAX_FILES, "addresses would repeat"
    contents = [(path.relative_to(TRACES).as_posix(), path.read_bytes()) for path in files]
    whole = out_dir / "day.tar"
    with tarfile.open(whole, "w", format=tarfile.GNU_FORMAT) as archive:
        for copy in range(copies):
            for index, (name, content) in enumerate(contents):
                content = readdressed(content, f"{copy:03x}{index:03x}")
                info = tarfile.TarInfo(f"copy{copy:04}/{name}")
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
    size = whole.stat().st_size
    with whole.open("rb") as source:
        for suffix, length in (("aa", size // 2), ("ab", size - size // 2)):
            with (out_dir / f"day.tar.{suffix}").open("wb") as part:
                part.write(source.read(length))
    whole.unlink()
    print(f"{copies} copies of {len(files)} traces: {size:,} bytes in {out_dir}/day.tar.aa, .ab")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
