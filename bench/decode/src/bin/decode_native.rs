//! Native decode throughput on the real data: the same inputs and work as the browser bench.
//! Prints one line per input kind; `make bench` runs it.
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

skyhex_core::use_unfused_fma!();

fn main() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/real");
    let mut traces = Vec::new();
    files_under(&real.join("readsb_traces"), &mut traces);
    let parquet = vec![real.join("parquet/adsb_actions_points.parquet")];
    for (name, files) in [("readsb traces (gzip JSON)", traces), ("Parquet (zstd)", parquet)] {
        let contents: Vec<Vec<u8>> =
            files.iter().map(|path| std::fs::read(path).expect("real file")).collect();
        let mut best_secs = f64::MAX;
        let mut points = 0;
        for _ in 0..PASSES {
            let start = Instant::now();
            points = contents.iter().map(|content| skyhex_bench::decode_points(content)).sum::<u64>();
            best_secs = best_secs.min(start.elapsed().as_secs_f64());
        }
        let retained: usize = contents.iter().map(|content| skyhex_bench::decode_measured(content).1).sum();
        println!(
            "native  {name:<28} {points:>9} points  {:>12.0} points/s (1 core, best of {PASSES})  {:>5.0} bytes kept per point",
            points as f64 / best_secs,
            retained as f64 / points as f64
        );
    }
}
