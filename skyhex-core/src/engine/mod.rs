//! The density engine: parse once, then answer every resolution, filter and metric from a
//! compact in-memory store.
//!
//! - [`store`]: [`PointStore`], 16 bytes per point, with per-input legs (as runs) and point weights.
//! - [`cells`]: the cell of every point at the resolution asked, fast and exact.
//! - [`query`]: per-cell sums of a store under a filter, and the brushes' histograms.
//! - [`merge`]: aggregates of stores (or workers) merged by walking their sorted cells.
//! - [`inspect`]: the aircraft that passed through one cell, and one aircraft's track.
//! - [`sharing`]: which stores hold the same aircraft (the others count theirs alone).
//!
//! Why the store keeps positions rather than one fine H3 cell per point: a coarse cell
//! derived from a fine one (`parent`) is not the cell `latlng_to_cell` gives at the coarse
//! resolution for about 6.5 % of points at every resolution, because H3 children do not
//! tile their parent. Exact cells at any resolution need the position, so the store keeps
//! positions (1e-7 degree) and computes one cell column per resolution asked, cached until
//! the next; filters and metrics at that resolution then only re-count.

pub mod cells;
pub mod chunked;
pub mod coded;
pub mod inspect;
pub mod merge;
pub mod query;
pub mod sharing;
pub mod store;

pub use merge::merge_aggregates;
pub use query::{AircraftSharing, HistogramBins, Histograms, PointSums, StoreAggregate, aggregate_store};
pub use store::{BYTES_PER_POINT, PointStore};
