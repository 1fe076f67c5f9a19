//! Native engine figures on replicated real traces: build a store of about 10 M points,
//! then time what a user's clicks cause (a new resolution, a new filter) beside the
//! baseline of recomputing H3 from coordinates. `make bench` runs it.
#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::path::{Path, PathBuf};
use std::time::Instant;

use skyhex_bench::engine::{altitude_band, decode_all, query, query_from_batches, replicated_store};
use skyhex_core::filter::PointFilter;

skyhex_core::use_unfused_fma!();

/// Copies of the 84,692 real trace points: about 10 M points.
const COPIES: usize = 118;

fn files_under(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() { files_under(&path, files) } else { files.push(path) }
    }
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let result = work();
    (result, start.elapsed().as_secs_f64() * 1000.0)
}

fn main() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/real/readsb_traces");
    let mut paths = Vec::new();
    files_under(&real, &mut paths);
    let contents: Vec<Vec<u8>> = paths.iter().map(|path| std::fs::read(path).expect("readable")).collect();
    let inputs = decode_all(&contents);
    let (store, build_ms) = timed(|| replicated_store(&inputs, COPIES));
    let points = store.len();
    println!(
        "native engine: {points} points stored in {build_ms:.0} ms, {:.1} bytes/point retained",
        store.retained_bytes() as f64 / points as f64
    );
    let (first, first_ms) = timed(|| query(&store, 5, &PointFilter::default()));
    let bytes_per_point = store.retained_bytes() as f64 / points as f64;
    let (second, res_ms) = timed(|| query(&store, 6, &PointFilter::default()));
    let (_, filter_ms) = timed(|| query(&store, 6, &altitude_band()));
    let (_, back_ms) = timed(|| query(&store, 5, &PointFilter::default()));
    let (baseline_cells, baseline_ms) = timed(|| query_from_batches(&inputs, COPIES, 6));
    assert_eq!(baseline_cells, second.cells.len() as u64, "the baseline finds the same cells");
    println!(
        "native engine: first aggregate (res 5, {} cells, {bytes_per_point:.1} bytes/point with its cells) {first_ms:.0} ms; \
         resolution change to 6 ({} cells) {res_ms:.0} ms; \
         filter change (altitude band) {filter_ms:.0} ms; back to res 5 (its cells kept) {back_ms:.0} ms; baseline (H3 from coordinates every query) {baseline_ms:.0} ms; \
         filter change {:.1}x faster than the baseline",
        first.cells.len(),
        second.cells.len(),
        baseline_ms / filter_ms
    );
}
