//! Content compression sniffed by magic bytes: readsb writes gzip into files named `.json`,
//! and some adsb.lol tooling writes zstd.

use std::io::Read;

use bytes::Bytes;

use super::IngestError;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Largest decompressed content accepted from one input, so that a decompression bomb is a
/// clear error rather than an exhausted tab (wasm32 has at most 4 GiB).
pub const MAX_DECOMPRESSED_BYTES: u64 = 1 << 30;

/// Compression wrapped around an input's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn sniff(bytes: &[u8]) -> Self {
        if bytes.starts_with(&GZIP_MAGIC) {
            Self::Gzip
        } else if bytes.starts_with(&ZSTD_MAGIC) {
            Self::Zstd
        } else {
            Self::None
        }
    }
}

/// Returns the content with any gzip or zstd layer removed (the same bytes when there is none).
pub fn decompress(content: Bytes) -> Result<Bytes, IngestError> {
    match Compression::sniff(&content) {
        Compression::None => Ok(content),
        Compression::Gzip => read_limited(flate2::read::MultiGzDecoder::new(&content[..]), content.len())
            .map_err(IngestError::Gzip),
        Compression::Zstd => {
            let decoder =
                zstd::stream::read::Decoder::with_buffer(&content[..]).map_err(IngestError::Zstd)?;
            read_limited(decoder, content.len()).map_err(IngestError::Zstd)
        }
    }
}

fn read_limited(reader: impl Read, compressed_len: usize) -> std::io::Result<Bytes> {
    let mut out = Vec::with_capacity(compressed_len.saturating_mul(8).min(1 << 26));
    reader.take(MAX_DECOMPRESSED_BYTES + 1).read_to_end(&mut out)?;
    if out.len() as u64 > MAX_DECOMPRESSED_BYTES {
        return Err(std::io::Error::other(format!(
            "content grows past {MAX_DECOMPRESSED_BYTES} bytes when decompressed"
        )));
    }
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).expect("write to Vec");
        encoder.finish().expect("finish gzip")
    }

    #[test]
    fn round_trips_gzip_zstd_and_plain() {
        let data = Bytes::from_static(b"{\"icao\":\"abc123\"}");
        assert_eq!(decompress(data.clone()).expect("plain"), data);
        assert_eq!(decompress(gzip(&data).into()).expect("gzip"), data);
        let zstd = zstd::encode_all(&data[..], 3).expect("zstd encode");
        assert_eq!(decompress(zstd.into()).expect("zstd"), data);
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let compressed = gzip(&[b'x'; 10_000]);
        let cut = Bytes::copy_from_slice(&compressed[..compressed.len() / 2]);
        assert!(matches!(decompress(cut), Err(IngestError::Gzip(_))));
    }
}
