//! skyhex-core: everything skyhex computes, with no browser dependency.
//!
//! - [`ingest`]: bytes of an input in, canonical point batches ([`points`]) out.
//! - [`engine`]: the compact point store and its queries; [`density`] merges them into the
//!   cells of one resolution with every metric, under [`filter`]s; [`export`] writes them.
//! - [`summary`]: per-input facts for `skyhex inspect` and the page's statistics.

pub mod density;
pub mod engine;
pub mod export;
pub mod filter;
pub mod ingest;
pub mod map;
pub mod points;
pub mod serde_exact;
pub mod summary;
pub mod unfused_fma;

pub use h3o::{CellIndex, Resolution};
