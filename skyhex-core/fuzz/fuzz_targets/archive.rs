//! Any bytes as a tar archive: the walker must end, and list only members inside the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skyhex_core::ingest::archive::{self, ByteRange};

fuzz_target!(|data: &[u8]| {
    let index = archive::index(data.len() as u64, |range: ByteRange| {
        let start = usize::try_from(range.offset).unwrap_or(usize::MAX).min(data.len());
        let end = usize::try_from(range.offset.saturating_add(range.len)).unwrap_or(usize::MAX).min(data.len());
        Ok::<_, ()>(data[start..end].to_vec())
    })
    .expect("in-memory reads cannot fail");
    for member in index.members {
        assert!(member.range().end <= data.len() as u64);
    }
});
