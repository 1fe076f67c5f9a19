//! The engine benchmark's work: real trace points replicated into a store of millions of
//! points (each copy shifted east and given its own aircraft addresses, so cells and
//! aircraft multiply like a bigger day's), then the queries a user's clicks cause.

use skyhex_core::Resolution;
use skyhex_core::density::Density;
use skyhex_core::engine::PointStore;
use skyhex_core::filter::PointFilter;
use skyhex_core::ingest::{self, Decoded};
use skyhex_core::points::{Point, PointColumns, PointsBuilder};

/// Degrees each copy is shifted east.
const COPY_SHIFT_DEG: f64 = 0.37;

/// Decodes inputs (0 points for one that does not decode).
pub fn decode_all(contents: &[Vec<u8>]) -> Vec<Decoded> {
    contents.iter().filter_map(|content| ingest::decode(content.clone().into()).ok()).collect()
}

/// A store of `copies` shifted copies of the decoded inputs' points.
pub fn replicated_store(inputs: &[Decoded], copies: usize) -> PointStore {
    let mut store = PointStore::default();
    for copy in 0..copies {
        for input in inputs {
            let batches: Vec<_> = input.batches.iter().map(|batch| shifted(batch, copy)).collect();
            store.add_input(&batches);
        }
    }
    store.shrink_to_fit();
    store
}

fn shifted(batch: &arrow::array::RecordBatch, copy: usize) -> arrow::array::RecordBatch {
    let points = PointColumns::new(batch);
    let mut builder = PointsBuilder::with_capacity(points.len());
    let shift = copy as f64 * COPY_SHIFT_DEG;
    for row in 0..points.len() {
        let address = points.address(row).map(|address| format!("{address}-{copy}"));
        let lon = (points.lon.value(row) + shift + 180.0).rem_euclid(360.0) - 180.0;
        builder.push(&Point {
            address: address.as_deref(),
            time_ms: points.time_ms(row),
            lat: points.lat.value(row),
            lon: (lon * 1e6).round() / 1e6,
            alt_ft: points.alt_ft(row),
            on_ground: points.on_ground.value(row),
            flags: points.flags.value(row),
            source: points.source(row),
            callsign: points.callsign(row),
            squawk: points.squawk(row),
            ..Point::default()
        });
    }
    builder.finish().expect("real texts are short").0
}

/// The cells of `store` at `resolution` under `filter`.
pub fn query(store: &PointStore, resolution: u8, filter: &PointFilter) -> Density {
    let resolution = Resolution::try_from(resolution).unwrap_or(Resolution::Five);
    Density::of_stores(std::slice::from_ref(store), resolution, filter)
}

/// The altitude band the filter-change figure uses.
pub fn altitude_band() -> PointFilter {
    PointFilter { min_alt_ft: Some(5_000.0), max_alt_ft: Some(25_000.0), ..PointFilter::default() }
}

/// The baseline: what re-aggregating costs without a store, from the decoded Arrow batches
/// (H3 from coordinates for every point, every time), as skyhex did before.
pub fn query_from_batches(inputs: &[Decoded], copies: usize, resolution: u8) -> u64 {
    let resolution = Resolution::try_from(resolution).unwrap_or(Resolution::Five);
    let mut cells = rustc_hash::FxHashSet::default();
    for copy in 0..copies {
        for input in inputs {
            for batch in &input.batches {
                let points = PointColumns::new(batch);
                let shift = copy as f64 * COPY_SHIFT_DEG;
                for row in 0..points.len() {
                    let lon = (points.lon.value(row) + shift + 180.0).rem_euclid(360.0) - 180.0;
                    if let Ok(position) = h3o::LatLng::new(points.lat.value(row), lon) {
                        cells.insert(u64::from(position.to_cell(resolution)));
                    }
                }
            }
        }
    }
    cells.len() as u64
}
