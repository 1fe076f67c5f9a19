//! The work each benchmark times. Decode: bytes of one input in, accepted points out.
//! Ingest: bytes in, points in a store with their cells at one resolution. Engine (see
//! [`engine`]): queries over millions of stored points. Ceiling: gzip alone and a JSON scan
//! alone, the least any trace decoder does. In the browser they are exported to
//! JavaScript (see bench/browser); natively the `decode_native` and `engine_native`
//! binaries call them directly.

pub mod engine;

use std::io::Read;

use bytes::Bytes;

#[cfg(target_arch = "wasm32")]
skyhex_core::use_unfused_fma!();

/// Decodes one input and returns its accepted points (0 for an input that does not decode).
pub fn decode_points(content: &[u8]) -> u64 {
    decode_measured(content).0
}

/// Decodes one input and returns its accepted points and the bytes the decoded points take.
pub fn decode_measured(content: &[u8]) -> (u64, usize) {
    skyhex_core::ingest::decode(Bytes::copy_from_slice(content))
        .map_or((0, 0), |decoded| (decoded.points(), decoded.retained_bytes()))
}

/// Decodes one input, keeps its points in a store and works out their cells at
/// `resolution` (what loading a file costs before the map can draw); returns the points.
pub fn ingest_to_cells(content: &[u8], resolution: u8) -> u64 {
    let Ok(decoded) = skyhex_core::ingest::decode(Bytes::copy_from_slice(content)) else { return 0 };
    let mut store = skyhex_core::engine::PointStore::default();
    store.add_input(&decoded.batches);
    let resolution = skyhex_core::Resolution::try_from(resolution).unwrap_or(skyhex_core::Resolution::Five);
    store.cell_column(resolution);
    store.len() as u64
}

/// Inflates gzip `content` and returns the bytes it holds (0 for content that does not
/// inflate): the first half of a trace decoder's unavoidable work.
pub fn inflate_gzip(content: &[u8]) -> usize {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(content).read_to_end(&mut plain).unwrap_or(0)
}

/// Tokenises `json` without keeping a value (the least any JSON decoder does); false when it
/// is not JSON.
pub fn scan_json(json: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(json).is_ok()
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen::prelude::wasm_bindgen;

    /// `ingest_to_cells` for JavaScript.
    #[wasm_bindgen(js_name = ingestToCells)]
    pub fn ingest_to_cells(content: &[u8], resolution: u8) -> f64 {
        super::ingest_to_cells(content, resolution) as f64
    }

    /// A store of replicated real points, for timing queries from JavaScript.
    #[wasm_bindgen]
    #[derive(Debug)]
    pub struct EngineBench {
        inputs: Vec<skyhex_core::ingest::Decoded>,
        copies: usize,
        store: skyhex_core::engine::PointStore,
    }

    #[wasm_bindgen]
    impl EngineBench {
        /// Decodes `contents` (inputs concatenated, split at `lengths`) and stores `copies` copies.
        #[wasm_bindgen(constructor)]
        pub fn new(contents: &[u8], lengths: &[u32], copies: usize) -> Self {
            let mut inputs = Vec::new();
            let mut start = 0;
            for &length in lengths {
                let end = start + length as usize;
                inputs.push(contents[start..end].to_vec());
                start = end;
            }
            let inputs = super::engine::decode_all(&inputs);
            let store = super::engine::replicated_store(&inputs, copies);
            Self { inputs, copies, store }
        }

        pub fn points(&self) -> f64 {
            self.store.len() as f64
        }

        #[wasm_bindgen(js_name = bytesPerPoint)]
        pub fn bytes_per_point(&self) -> f64 {
            self.store.retained_bytes() as f64 / self.store.len().max(1) as f64
        }

        /// Cells at `resolution`, optionally within the altitude band; returns the cell count.
        pub fn query(&self, resolution: u8, altitude_band: bool) -> f64 {
            let filter = if altitude_band {
                super::engine::altitude_band()
            } else {
                skyhex_core::filter::PointFilter::default()
            };
            super::engine::query(&self.store, resolution, &filter).cells.len() as f64
        }

        /// The baseline: H3 from coordinates for every point, as without a store.
        #[wasm_bindgen(js_name = queryFromBatches)]
        pub fn query_from_batches(&self, resolution: u8) -> f64 {
            super::engine::query_from_batches(&self.inputs, self.copies, resolution) as f64
        }
    }

    /// `inflate_gzip` for JavaScript.
    #[wasm_bindgen(js_name = inflateGzip)]
    pub fn inflate_gzip(content: &[u8]) -> f64 {
        super::inflate_gzip(content) as f64
    }

    /// `scan_json` for JavaScript.
    #[wasm_bindgen(js_name = scanJson)]
    pub fn scan_json(json: &[u8]) -> bool {
        super::scan_json(json)
    }

    /// `decode_points` for JavaScript (a point count fits an f64 exactly).
    #[wasm_bindgen(js_name = decodePoints)]
    pub fn decode_points(content: &[u8]) -> f64 {
        super::decode_points(content) as f64
    }
}
