//! Native decode throughput on the real data: the same inputs and work as the browser bench.
//! Prints two lines per input kind (decode alone, then decode to cells); `make bench` runs it.
#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::path::{Path, PathBuf};
use std::time::Instant;

const PASSES: usize = 5;

fn files_under(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() { files_under(&path, files) } else { files.push(path) }
    }
}

/// The shortest of `PASSES` runs of `work`, in seconds.
fn best_secs(mut work: impl FnMut()) -> f64 {
    (0..PASSES)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

skyhex_core::use_unfused_fma!();

fn main() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/real");
    let mut traces = Vec::new();
    files_under(&real.join("readsb_traces"), &mut traces);
    let parquet = vec![real.join("parquet/adsb_actions_points.parquet")];
    for (name, files) in [("readsb traces (gzip JSON)", traces), ("Parquet (zstd)", parquet)] {
        let contents: Vec<Vec<u8>> =
            files.iter().map(|path| std::fs::read(path).expect("real file")).collect();
        let points = contents.iter().map(|content| skyhex_bench::decode_points(content)).sum::<u64>();
        let decode_secs = best_secs(|| {
            contents.iter().for_each(|content| {
                skyhex_bench::decode_points(content);
            });
        });
        let ingest_secs = best_secs(|| {
            contents.iter().for_each(|content| {
                skyhex_bench::ingest_to_cells(content, 5);
            });
        });
        let retained: usize = contents.iter().map(|content| skyhex_bench::decode_measured(content).1).sum();
        println!(
            "native  decode          {name:<26} {points:>9} points  {:>11.0} points/s (1 core, best of {PASSES})  {:>5.0} bytes kept per point",
            points as f64 / decode_secs,
            retained as f64 / points as f64
        );
        println!(
            "native  ingest to cells {name:<26} {points:>9} points  {:>11.0} points/s (1 core, best of {PASSES}; res 5)",
            points as f64 / ingest_secs
        );
    }
}
