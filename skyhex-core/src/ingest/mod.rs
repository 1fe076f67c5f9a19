//! Decoders: bytes of one input in, canonical point batches out.
//!
//! The format is sniffed from the content, never trusted from the file name: readsb writes
//! gzip into files named `.json`. Decoders never open files or fetch URLs.

pub mod archive;
mod cell_table;
pub mod compression;
mod json;
pub mod parquet_remote;
mod point_table;
mod readsb_aircraft;
mod readsb_heatmap;
mod readsb_trace;
mod tabular;

use arrow::array::RecordBatch;
use bytes::Bytes;

pub use compression::{Compression, MAX_DECOMPRESSED_BYTES};
pub use readsb_heatmap::AircraftShare;

use crate::density::CellCount;
use crate::points::RejectCounts;

/// The formats skyhex reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// readsb `trace_full` / `trace_recent` JSON.
    ReadsbTrace,
    /// readsb `heatmap/NN.bin.ttf` records.
    ReadsbHeatmap,
    /// readsb `aircraft.json` snapshots and logs of aircraft records (JSON lines).
    ReadsbAircraft,
    /// An Apache Parquet table of points.
    Parquet,
    /// A CSV table of points.
    Csv,
    /// An Arrow IPC file or stream of points.
    ArrowIpc,
    /// A pre-aggregated H3 table (in Parquet, CSV or Arrow IPC).
    H3Table,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Self::ReadsbTrace => "readsb trace",
            Self::ReadsbHeatmap => "readsb heatmap",
            Self::ReadsbAircraft => "readsb aircraft records",
            Self::Parquet => "Parquet",
            Self::Csv => "CSV",
            Self::ArrowIpc => "Arrow IPC",
            Self::H3Table => "H3 aggregate table",
        }
    }
}

/// What one input decoded to.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub format: Format,
    /// Accepted points in the canonical schema ([`crate::points::schema`]).
    pub batches: Vec<RecordBatch>,
    /// Cells of a pre-aggregated H3 table.
    pub cells: Vec<CellCount>,
    pub rejected: RejectCounts,
    /// Why reading stopped before the end, when it did; the points before it are kept.
    pub stopped_early: Option<String>,
}

impl Decoded {
    /// An input read to its end.
    pub fn complete(format: Format, batches: Vec<RecordBatch>, rejected: RejectCounts) -> Self {
        Self { format, batches, cells: Vec::new(), rejected, stopped_early: None }
    }

    /// Memory the decoded points take, in bytes.
    pub fn retained_bytes(&self) -> usize {
        self.batches.iter().map(RecordBatch::get_array_memory_size).sum::<usize>()
            + self.cells.len() * size_of::<CellCount>()
    }

    /// Accepted points, those of pre-aggregated cells included.
    pub fn points(&self) -> u64 {
        let rows: usize = self.batches.iter().map(RecordBatch::num_rows).sum();
        rows as u64 + self.cells.iter().map(|cell| cell.points).sum::<u64>()
    }
}

/// What one archive member holds.
#[derive(Debug)]
pub enum MemberContent {
    Points(Decoded),
    /// Not a supported format (licences, READMEs, ...): skipped and counted, not an error.
    NotData,
    Failed(IngestError),
}

/// Decodes one archive member; of a heatmap, only the aircraft in `share`.
pub fn decode_member(content: Bytes, share: AircraftShare) -> MemberContent {
    match decode_share(content, share) {
        Ok(decoded) => MemberContent::Points(decoded),
        Err(IngestError::UnknownFormat(_) | IngestError::Empty) => MemberContent::NotData,
        Err(err) => MemberContent::Failed(err),
    }
}

/// Why an input could not be read. Messages say what is wrong; the caller adds the input's name.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("the file is empty")]
    Empty,
    #[error("not a supported format (content starts with {0})")]
    UnknownFormat(String),
    #[error("gzip data is corrupt or truncated: {0}")]
    Gzip(#[source] std::io::Error),
    #[error("zstd data is corrupt or truncated: {0}")]
    Zstd(#[source] std::io::Error),
    #[error("not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    #[error("not a readsb heatmap: {0}")]
    Heatmap(String),
    #[error("not readsb aircraft records: {0}")]
    Records(String),
    #[error("unreadable Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("unreadable table: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    #[error("unreadable CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("no {role} column (looked for {aliases})")]
    MissingColumn { role: &'static str, aliases: String },
    #[error("column {column:?} has type {data_type}, which cannot hold {role}")]
    ColumnType { column: String, data_type: String, role: &'static str },
    #[error(transparent)]
    TextTooLarge(#[from] crate::points::TextTooLarge),
}

/// Decodes one input, whatever its supported format and compression.
pub fn decode(content: Bytes) -> Result<Decoded, IngestError> {
    decode_share(content, AircraftShare::ALL)
}

/// Decodes one input; of a heatmap, only the aircraft in `share` (the other formats are
/// not split by aircraft: each is read whole by one worker).
fn decode_share(content: Bytes, share: AircraftShare) -> Result<Decoded, IngestError> {
    if content.is_empty() {
        return Err(IngestError::Empty);
    }
    if content.starts_with(tabular::PARQUET_MAGIC) {
        return tabular::decode(Format::Parquet, content);
    }
    let plain = compression::decompress(content)?;
    if readsb_heatmap::sniff(&plain) {
        return readsb_heatmap::decode(&plain, share);
    }
    match first_non_whitespace(&plain) {
        Some(b'{' | b'[') if is_trace(&plain) => readsb_trace::decode(&plain),
        Some(b'{' | b'[') => readsb_aircraft::decode(&plain),
        None => Err(IngestError::Empty),
        Some(_) => match tabular::sniff(&plain) {
            Some(format) => tabular::decode(format, plain),
            None => Err(IngestError::UnknownFormat(preview(&plain))),
        },
    }
}

/// readsb traces start with their `"icao"` key (aircraft records say `"hex"`), and name
/// their points `"trace"` after a few short aircraft fields.
fn is_trace(json: &[u8]) -> bool {
    const HEAD_BYTES: usize = 4096;
    let head = &json[..json.len().min(HEAD_BYTES)];
    head.windows(7).any(|window| window == b"\"trace\"")
        || head.windows(6).any(|window| window == b"\"icao\"")
}

fn first_non_whitespace(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|byte| !byte.is_ascii_whitespace())
}

/// The first bytes of unrecognised content, printable and short, for error messages.
fn preview(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(8)];
    if head.iter().all(|byte| byte.is_ascii_graphic() || *byte == b' ') {
        format!("{:?}", String::from_utf8_lossy(head))
    } else {
        let hex: Vec<String> = head.iter().map(|byte| format!("{byte:02x}")).collect();
        format!("bytes {}", hex.join(" "))
    }
}
