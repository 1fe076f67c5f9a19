//! skyhex: flight-density maps from ADS-B data, in the browser.
//!
//! Two wasm binaries share this library: the page (`skyhex`: `ui` over app state `state`
//! and what the map inspects, `inspect`; browser access `browser`; the map renderer
//! `render`) and its web workers (`skyhex-worker`: `workers`), which decode inputs and
//! hold their points. Everything computed lives in `skyhex_core`.

mod browser;
mod inspect;
mod loading;
mod render;
mod state;
mod ui;
mod workers;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Starts the page.
pub fn start_page() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ui::App);
}

/// Starts a worker (in a worker's global scope).
pub fn start_worker() {
    console_error_panic_hook::set_once();
    workers::serve();
}
