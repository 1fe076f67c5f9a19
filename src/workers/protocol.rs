//! What the page and its workers say to each other. A message is `[id, bytes, blob?]`:
//! a [`Request`] or [`Reply`] encoded with postcard (its buffer transferred, not copied),
//! and the file or archive to read as a `Blob` (which the browser shares, never copies).

use js_sys::{Array, Uint8Array};
use serde::{Deserialize, Serialize};
use skyhex_core::density::{CellCount, CellStats, Metric};
use skyhex_core::engine::inspect::{Passage, TrackPiece, Traffic};
use skyhex_core::engine::{HistogramBins, Histograms, StoreAggregate};
use skyhex_core::export::kepler::KeplerLook;
use skyhex_core::filter::PointFilter;
use skyhex_core::ingest::AircraftShare;
use skyhex_core::ingest::archive::Member;
use skyhex_core::map::mesh::{CellPoints, Mesh};
use skyhex_core::serde_exact::deserialize as exact;
use skyhex_core::summary::Summary;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// The page asks a worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Decode the attached blob, one file, as input `input`.
    DecodeFile { input: u64 },
    /// Decode these members of the attached archive blob into the store of input `input`
    /// (or of its heatmaps, `loading::heatmap_store`), of heatmaps only the aircraft in `share`.
    DecodeMembers { input: u64, members: Vec<Member>, share: AircraftShare },
    /// Download and decode an http(s) URL (Parquet by HTTP Range requests).
    DecodeUrl { input: u64, url: String },
    /// The cells of every point the worker holds, at `resolution` under `filter`, and the
    /// brushes' histograms when `bins` are given. Here and below, the stores of inputs
    /// in `hidden` are left out. The stores in `private` hold aircraft no other store
    /// holds, in this worker or another: they count them per cell instead of sending pairs.
    Query {
        resolution: u8,
        filter: PointFilter,
        bins: Option<HistogramBins>,
        hidden: Vec<u64>,
        private: Vec<u64>,
    },
    /// The aircraft whose points `filter` keeps in `cell` (an H3 index).
    Passages { cell: u64, filter: PointFilter, hidden: Vec<u64> },
    /// Every point of the aircraft with this address, as track pieces.
    Track { address: String, hidden: Vec<u64> },
    /// All traffic `filter` keeps, thinned per aircraft to about `max_points`.
    Traffic { filter: PointFilter, max_points: u32, hidden: Vec<u64> },
    /// These H3 cells' hexagons as points, in chunks (the cells' outlines are the heavy part
    /// of drawing a new aggregate, so they are computed here, off the page's thread).
    HexPoints {
        #[serde(deserialize_with = "exact")]
        cells: Vec<u64>,
    },
    /// The triangles of some chunks' hexagons, a mesh for each list of cells.
    HexTriangles { chunks: Vec<Vec<u64>> },
    /// Write cells as a file to download (Parquet needs a writer and zstd that the page's
    /// wasm leaves out; large JSON is built off the page's thread).
    Export(ExportFile),
    /// Forget these inputs (removed, replaced or cancelled).
    Remove { inputs: Vec<u64> },
    /// A load is over: give back the memory the stores reserved while growing.
    Compact,
    /// Keep the stores within `budget_bytes`, sampled to at least one point in `keep_every`
    /// of each leg (so that every worker samples alike).
    Limit { budget_bytes: u64, keep_every: u32 },
}

impl Request {
    /// Whether it changes the data or the resolution looked at, so that the neighbouring
    /// resolutions a worker prepares while idle may no longer be the ones to prepare. The
    /// others (the new view's hexagons are asked for right after every query) are answered
    /// between slices of that work.
    pub fn changes_the_view(&self) -> bool {
        !matches!(
            self,
            Self::Passages { .. }
                | Self::Track { .. }
                | Self::Traffic { .. }
                | Self::HexPoints { .. }
                | Self::HexTriangles { .. }
                | Self::Export(_)
        )
    }
}

/// The cells of the current view as a file to download.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ExportFile {
    Parquet {
        #[serde(deserialize_with = "exact")]
        cells: Vec<CellStats>,
        metric: Metric,
    },
    GeoJson {
        #[serde(deserialize_with = "exact")]
        cells: Vec<CellStats>,
        metric: Metric,
    },
    Kepler {
        #[serde(deserialize_with = "exact")]
        cells: Vec<CellStats>,
        look: KeplerLook,
        title: String,
    },
}

/// Sampling stops here: past it, the stores' tables (aircraft, legs) dominate.
pub const MAX_KEEP_EVERY: u32 = 1 << 12;

/// The id of the worker's first message (it is ready) and of replies to messages it
/// could not read.
pub const READY_ID: u64 = 0;

/// A worker's answer to a request.
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    Decoded(Report),
    Failed(String),
    Cells {
        aggregate: StoreAggregate,
        histograms: Option<Histograms>,
        retained_bytes: u64,
        /// The worker's wasm memory, all it holds.
        memory_bytes: u64,
        keep_every: u32,
    },
    Passages(Vec<Passage>),
    Track(Vec<TrackPiece>),
    HexPoints(Vec<CellPoints>),
    HexTriangles(Vec<Mesh>),
    /// An exported file's bytes.
    File(Vec<u8>),
    Traffic(Traffic),
    Done,
}

/// What decoding a file, URL or run of archive members found. The points stay in the worker.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Report {
    /// The format, e.g. "Parquet"; empty for archive members (the page names the archive).
    pub format: String,
    pub summary: Summary,
    /// Cells of pre-aggregated H3 tables (these are merged on the page).
    pub cells: Vec<CellCount>,
    /// Problems that did not stop the input: a member that failed, where reading stopped.
    pub problems: Vec<String>,
    /// Archive members read, and those that held no points data (skipped).
    pub members: u64,
    pub not_data: u64,
    /// The worker's sampling factor once this was decoded (1: every point kept).
    pub keep_every: u32,
    /// Hashes of the addresses of the aircraft the store gained (or more), so the page
    /// can tell whether workers share aircraft of an input.
    pub aircraft_hashes: Vec<u64>,
    /// What the store decoded into takes in the worker now, and all the worker's stores.
    pub store_retained_bytes: u64,
    pub retained_bytes: u64,
}

impl Report {
    pub fn merge(&mut self, other: Self) {
        if self.format.is_empty() {
            self.format = other.format;
        }
        self.summary.merge(&other.summary);
        self.cells.extend(other.cells);
        self.problems.extend(other.problems);
        self.members += other.members;
        self.not_data += other.not_data;
        self.keep_every = self.keep_every.max(other.keep_every);
    }
}

/// A message as posted: `[id, bytes, blob?]`, and the buffer to transfer.
pub fn encode(id: u64, message: &impl Serialize, blob: Option<&Blob>) -> Result<(Array, Array), String> {
    let failed = |err: postcard::Error| format!("could not encode a message: {err}");
    // Written at its exact size: a vector grown by doubling would take up to 3 times a
    // large answer's bytes at once, and wasm memory keeps its high-water mark.
    let mut bytes = vec![0; postcard::experimental::serialized_size(message).map_err(failed)?];
    postcard::to_slice(message, &mut bytes).map_err(failed)?;
    let bytes = Uint8Array::from(bytes.as_slice());
    let envelope =
        Array::of3(&JsValue::from(id as f64), &bytes, blob.map_or(&JsValue::UNDEFINED, AsRef::as_ref));
    Ok((envelope, Array::of1(&bytes.buffer())))
}

/// The id, message and blob of a posted envelope.
pub fn decode<T: for<'de> Deserialize<'de>>(envelope: &JsValue) -> Result<(u64, T, Option<Blob>), String> {
    let envelope: &Array = envelope.dyn_ref().ok_or("a message that is not an envelope")?;
    let id = envelope.get(0).as_f64().ok_or("a message without an id")? as u64;
    let bytes = envelope.get(1).dyn_into::<Uint8Array>().map_err(|_| "a message without bytes")?.to_vec();
    let message = postcard::from_bytes(&bytes).map_err(|err| format!("could not decode a message: {err}"))?;
    Ok((id, message, envelope.get(2).dyn_into::<Blob>().ok()))
}
