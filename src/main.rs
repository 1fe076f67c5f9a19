//! The page's binary (see the library).

skyhex_core::use_unfused_fma!();

fn main() {
    skyhex::start_page();
}
