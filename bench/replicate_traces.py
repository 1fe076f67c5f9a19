"""Writes the real readsb traces, copied COPIES times, as one tar archive split in two parts
(OUT_DIR/day.tar.aa and .ab, like an adsb.lol release) for the page's archive benchmark.

Usage: replicate_traces.py OUT_DIR COPIES
"""

import io
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACES = ROOT / "tests" / "data" / "real" / "readsb_traces"


def main(out_dir: Path, copies: int) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = sorted(path for path in TRACES.rglob("*.json"))
    contents = [(path.relative_to(TRACES).as_posix(), path.read_bytes()) for path in files]
    whole = out_dir / "day.tar"
    with tarfile.open(whole, "w", format=tarfile.GNU_FORMAT) as archive:
        for copy in range(copies):
            for name, content in contents:
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
