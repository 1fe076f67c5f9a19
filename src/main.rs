//! skyhex: flight-density maps from ADS-B data, in the browser.
//!
//! The page (`ui`) over app state (`state`), browser access (`browser`) and the map
//! renderer (`render`); everything computed lives in `skyhex_core`.

mod browser;
mod loading;
mod render;
mod state;
mod ui;

skyhex_core::use_unfused_fma!();

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ui::App);
}
