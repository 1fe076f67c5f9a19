//! Parquet read by byte ranges (HTTP Range requests in the browser): the footer first, then
//! only the column chunks skyhex needs, one row group at a time. The caller fetches; this
//! module says which bytes and decodes them.

use std::ops::Range;
use std::sync::Arc;

use bytes::{Buf, Bytes};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::errors::ParquetError;
use parquet::file::metadata::ParquetMetaDataReader;
use parquet::file::reader::{ChunkReader, Length};

use super::tabular::{BATCH_ROWS, decode_table, wanted_root_columns};
use super::{Decoded, Format, IngestError};

/// Bytes fetched from the end of the file first: most footers fit.
pub const TAIL_BYTES: u64 = 64 * 1024;
const FOOTER_BYTES: usize = 8;

/// What reading the tail of a file gave.
#[derive(Debug)]
pub enum Footer {
    Ready(Box<RemoteParquet>),
    /// The footer is longer than the tail: fetch this many bytes from the end instead.
    NeedTail(u64),
}

/// A Parquet file known by its footer, read row group by row group.
#[derive(Debug)]
pub struct RemoteParquet {
    file_len: u64,
    metadata: ArrowReaderMetadata,
    /// The root (top-level) columns to read.
    columns: Vec<usize>,
    /// The tail already fetched, and where it starts: column chunks in it are not fetched again.
    tail_start: u64,
    tail: Bytes,
}

impl RemoteParquet {
    /// Reads the footer from `tail`, the last bytes of a file of `file_len` bytes.
    pub fn from_tail(file_len: u64, tail: &[u8]) -> Result<Footer, IngestError> {
        let not_parquet = || {
            IngestError::Parquet(ParquetError::General("no Parquet footer at the end of the file".to_owned()))
        };
        if tail.len() < FOOTER_BYTES || !tail.ends_with(b"PAR1") {
            return Err(not_parquet());
        }
        let length_bytes = &tail[tail.len() - FOOTER_BYTES..tail.len() - 4];
        let metadata_len = u64::from(u32::from_le_bytes([
            length_bytes[0],
            length_bytes[1],
            length_bytes[2],
            length_bytes[3],
        ]));
        let needed = metadata_len + FOOTER_BYTES as u64;
        if needed > file_len {
            return Err(not_parquet());
        }
        if needed > tail.len() as u64 {
            return Ok(Footer::NeedTail(needed));
        }
        let metadata_start = tail.len() - needed as usize;
        let metadata =
            ParquetMetaDataReader::decode_metadata(&tail[metadata_start..tail.len() - FOOTER_BYTES])?;
        let metadata = ArrowReaderMetadata::try_new(Arc::new(metadata), ArrowReaderOptions::default())?;
        let columns = wanted_root_columns(metadata.schema())?;
        let tail_start = file_len - tail.len() as u64;
        Ok(Footer::Ready(Box::new(Self {
            file_len,
            metadata,
            columns,
            tail_start,
            tail: Bytes::copy_from_slice(tail),
        })))
    }

    pub fn row_groups(&self) -> usize {
        self.metadata.metadata().num_row_groups()
    }

    /// The byte ranges to fetch for row group `row_group`: the column chunks skyhex reads,
    /// adjacent ones merged, less what the tail already holds.
    pub fn ranges(&self, row_group: usize) -> Vec<Range<u64>> {
        let schema = self.metadata.metadata().file_metadata().schema_descr();
        let mut ranges: Vec<Range<u64>> = self
            .metadata
            .metadata()
            .row_group(row_group)
            .columns()
            .iter()
            .enumerate()
            .filter(|(leaf, _)| self.columns.contains(&schema.get_column_root_idx(*leaf)))
            .map(|(_, column)| {
                let (start, len) = column.byte_range();
                start..start + len
            })
            .collect();
        ranges.sort_by_key(|range| range.start);
        ranges.dedup_by(|next, previous| {
            let touches = next.start <= previous.end;
            if touches {
                previous.end = previous.end.max(next.end);
            }
            touches
        });
        ranges
            .into_iter()
            .map(|range| range.start..range.end.min(self.tail_start))
            .filter(|range| range.start < range.end)
            .collect()
    }

    /// Decodes one row group from the bytes of its [`Self::ranges`].
    pub fn decode_row_group(
        &self,
        row_group: usize,
        mut fetched: Vec<(u64, Bytes)>,
    ) -> Result<Decoded, IngestError> {
        fetched.push((self.tail_start, self.tail.clone()));
        let file = Sparse { len: self.file_len, ranges: fetched };
        let schema_descr = self.metadata.metadata().file_metadata().schema_descr();
        let mask = ProjectionMask::roots(schema_descr, self.columns.iter().copied());
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.metadata.clone())
            .with_projection(mask)
            .with_row_groups(vec![row_group])
            .with_batch_size(BATCH_ROWS)
            .build()?;
        let schema = arrow::array::RecordBatchReader::schema(&reader);
        decode_table(Format::Parquet, &schema, reader)
    }
}

/// A file of which only some byte ranges are at hand.
struct Sparse {
    len: u64,
    ranges: Vec<(u64, Bytes)>,
}

impl Sparse {
    /// Bytes `start..start + len`, from one piece, or copied from pieces that follow each
    /// other (a column chunk that runs into the tail).
    fn find(&self, start: u64, len: u64) -> Result<Bytes, ParquetError> {
        let end = start + len;
        let mut pieces: Vec<&(u64, Bytes)> = self
            .ranges
            .iter()
            .filter(|(offset, bytes)| *offset < end && start < offset + bytes.len() as u64)
            .collect();
        pieces.sort_by_key(|(offset, _)| *offset);
        let missing = || ParquetError::General(format!("bytes {start}..{end} were not fetched"));
        if let [(offset, bytes)] = pieces[..]
            && *offset <= start
            && end <= offset + bytes.len() as u64
        {
            return Ok(bytes.slice((start - offset) as usize..(end - offset) as usize));
        }
        let mut joined = Vec::with_capacity(len as usize);
        let mut at = start;
        for (offset, bytes) in pieces {
            if *offset > at {
                return Err(missing());
            }
            let piece_end = (offset + bytes.len() as u64).min(end);
            if piece_end > at {
                joined.extend_from_slice(&bytes[(at - offset) as usize..(piece_end - offset) as usize]);
                at = piece_end;
            }
        }
        if at < end { Err(missing()) } else { Ok(Bytes::from(joined)) }
    }
}

impl Length for Sparse {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for Sparse {
    type T = bytes::buf::Reader<Bytes>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        // A reader may run on: give it every byte at hand from `start` without a gap.
        let mut pieces: Vec<(u64, u64)> =
            self.ranges.iter().map(|(offset, bytes)| (*offset, offset + bytes.len() as u64)).collect();
        pieces.sort_unstable();
        let mut end = start;
        for (piece_start, piece_end) in pieces {
            if piece_start <= end && piece_end > end {
                end = piece_end;
            }
        }
        Ok(self.find(start, end - start)?.reader())
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        self.find(start, length as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real_parquet() -> Bytes {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/real/parquet/adsb_actions_points.parquet");
        Bytes::from(std::fs::read(path).expect("real Parquet"))
    }

    /// Reads a file the way the browser does: a tail, then the ranges of each row group;
    /// returns the points and the bytes fetched.
    fn read_by_ranges(file: &Bytes, tail_bytes: u64) -> (Decoded, u64) {
        let len = file.len() as u64;
        let tail = |bytes: u64| file.slice((len - bytes.min(len)) as usize..);
        let mut fetched = tail_bytes.min(len);
        let remote = match RemoteParquet::from_tail(len, &tail(tail_bytes)).expect("footer") {
            Footer::Ready(remote) => remote,
            Footer::NeedTail(needed) => {
                fetched += needed;
                match RemoteParquet::from_tail(len, &tail(needed)).expect("footer") {
                    Footer::Ready(remote) => remote,
                    Footer::NeedTail(_) => panic!("the whole footer was fetched"),
                }
            }
        };
        let mut all = Decoded::complete(Format::Parquet, Vec::new(), crate::points::RejectCounts::default());
        for row_group in 0..remote.row_groups() {
            let ranges = remote.ranges(row_group);
            fetched += ranges.iter().map(|range| range.end - range.start).sum::<u64>();
            let chunks = ranges
                .into_iter()
                .map(|range| (range.start, file.slice(range.start as usize..range.end as usize)))
                .collect();
            let decoded = remote.decode_row_group(row_group, chunks).expect("row group decodes");
            all.batches.extend(decoded.batches);
        }
        (all, fetched)
    }

    #[test]
    fn reads_only_the_footer_and_the_needed_column_chunks() {
        let file = real_parquet();
        let whole = crate::ingest::decode(file.clone()).expect("whole file");
        for tail_bytes in [TAIL_BYTES, 100] {
            let (by_ranges, fetched) = read_by_ranges(&file, tail_bytes);
            assert_eq!(by_ranges.points(), whole.points());
            assert_eq!(by_ranges.batches, whole.batches, "the same points, column for column");
            // The `dataset` column and the page headers before the first chunk are never fetched.
            assert!(fetched < file.len() as u64, "{fetched} of {}", file.len());
        }
    }

    #[test]
    fn a_file_that_is_not_parquet_says_so() {
        let error = RemoteParquet::from_tail(100, b"not parquet at all").expect_err("no footer");
        assert!(error.to_string().contains("no Parquet footer"), "{error}");
    }
}
