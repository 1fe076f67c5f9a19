//! Web workers: the page (`pool`) spreads decoding over a pool of workers, each its own
//! wasm instance that keeps the points it decoded (`serve`, `decode`) and answers queries
//! with one aggregate; the page merges those. `protocol` is what they say to each other.

mod decode;
pub mod pool;
pub mod protocol;
mod serve;

pub use decode::archive_format;
pub use serve::serve;
