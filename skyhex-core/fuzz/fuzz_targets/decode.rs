//! Any bytes through format sniffing and every decoder: errors are fine, panics are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = skyhex_core::ingest::decode(bytes::Bytes::copy_from_slice(data));
});
