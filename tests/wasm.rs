//! skyhex-core in a real browser (headless Chromium through wasm-bindgen-test): the same
//! decoders and aggregation the page runs, on real files. Expected numbers come from the
//! independent oracle (tests/oracle, h3-py), not from skyhex.
#![cfg(target_arch = "wasm32")]

use bytes::Bytes;
use skyhex_core::Resolution;
use skyhex_core::density::aggregate;
use skyhex_core::filter::PointFilter;
use skyhex_core::ingest::{self, Format, IngestError};
use skyhex_core::summary::Summary;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);
skyhex_core::use_unfused_fma!();

const PARQUET_ZSTD: &[u8] = include_bytes!("data/real/parquet/adsb_actions_points.parquet");
const PARQUET_SNAPPY: &[u8] = include_bytes!("data/real/parquet/adsb_actions_points_7col.parquet");
const TRACE_GZIP: &[u8] = include_bytes!(
    "data/real/readsb_traces/adsb_actions_2023-08-30/2023/08/20/traces/8c/trace_full_ab7b8c.json"
);

fn cells(decoded: &ingest::Decoded, resolution: Resolution) -> usize {
    aggregate(&decoded.batches, resolution, &PointFilter::default()).cells.len()
}

#[wasm_bindgen_test]
fn zstd_parquet_decodes_and_aggregates() {
    let decoded =
        ingest::decode(Bytes::from_static(PARQUET_ZSTD)).expect("real zstd Parquet decodes in wasm");
    assert_eq!(decoded.format, Format::Parquet);
    let summary = Summary::of_decoded(&decoded);
    assert_eq!(summary.points, 105_072);
    assert_eq!(summary.aircraft.len(), 1_182);
    assert_eq!(cells(&decoded, Resolution::Five), 468);
    assert_eq!(cells(&decoded, Resolution::Eight), 11_387);
}

#[wasm_bindgen_test]
fn snappy_parquet_decodes() {
    let decoded =
        ingest::decode(Bytes::from_static(PARQUET_SNAPPY)).expect("real snappy Parquet decodes in wasm");
    assert_eq!(decoded.batches.iter().map(|batch| batch.num_rows()).sum::<usize>(), 105_072);
}

#[wasm_bindgen_test]
fn gzip_trace_decodes_with_times() {
    let decoded = ingest::decode(Bytes::from_static(TRACE_GZIP)).expect("real gzip trace decodes in wasm");
    assert_eq!(decoded.format, Format::ReadsbTrace);
    let summary = Summary::of_decoded(&decoded);
    assert_eq!(summary.points, 70);
    assert_eq!(summary.first_time_ms, Some(1_693_356_891_590));
    assert_eq!(summary.last_time_ms, Some(1_693_358_116_920));
    assert_eq!(cells(&decoded, Resolution::Eight), 69);
}

#[wasm_bindgen_test]
fn truncated_gzip_is_an_error_not_a_panic() {
    let cut = Bytes::copy_from_slice(&TRACE_GZIP[..TRACE_GZIP.len() / 2]);
    assert!(matches!(ingest::decode(cut), Err(IngestError::Gzip(_))));
}
