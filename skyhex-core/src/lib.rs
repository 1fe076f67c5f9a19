//! skyhex-core: everything skyhex computes, with no browser dependency.
//!
//! - [`ingest`]: bytes of an input in, canonical point batches ([`points`]) out.
//! - [`density`]: points into H3 cells, with [`filter`]s; [`export`] writes the cell table.
//! - [`summary`]: per-input facts for `skyhex inspect` and the page's statistics.

pub mod density;
pub mod export;
pub mod filter;
pub mod ingest;
pub mod map;
pub mod points;
pub mod summary;
pub mod unfused_fma;

pub use h3o::Resolution;
