//! A web worker's binary: decodes inputs and answers queries (see `skyhex::start_worker`).

skyhex_core::use_unfused_fma!();

fn main() {
    skyhex::start_worker();
}
