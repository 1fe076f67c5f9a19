//! The work each decode benchmark times: bytes of one input in, accepted points out.
//! In the browser it is exported to JavaScript (see bench/browser); natively `decode-native`
//! calls it directly.

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

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen::prelude::wasm_bindgen;

    /// `decode_points` for JavaScript (a point count fits an f64 exactly).
    #[wasm_bindgen(js_name = decodePoints)]
    pub fn decode_points(content: &[u8]) -> f64 {
        super::decode_points(content) as f64
    }
}
