//! The toolbar: open files, the resolution, the CSV export.

use leptos::prelude::*;
use skyhex_core::Resolution;
use skyhex_core::density::Metric;
use skyhex_core::export;
use web_sys::{FileList, HtmlInputElement};

use super::{format, options};
use crate::browser;
use crate::loading::Source;
use crate::state::AppState;

/// The sources of a file list: split archive parts join into one archive.
pub fn sources_of(files: &FileList) -> Vec<Source> {
    Source::group((0..files.length()).filter_map(|index| files.get(index)).collect())
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_files = move |event: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&event);
        if let Some(files) = input.files() {
            state.load(sources_of(&files), false);
        }
        // Picking the same file again must load it again.
        input.set_value("");
    };
    let on_resolution = move |event: leptos::ev::Event| {
        if let Ok(resolution) = event_target_value(&event).parse::<u8>() {
            state.resolution.set(resolution.min(15));
        }
    };
    let cell_area = move || {
        Resolution::try_from(state.resolution.get())
            .map(|res| format::area_km2(res.area_km2()))
            .unwrap_or_default()
    };
    let export_csv = move |_| {
        let metric = state.metric.get_untracked();
        let csv = state.density.with_untracked(|density| export::to_csv(&density.cells, &[metric]));
        let name = format!("skyhex-h3-res{}.csv", state.resolution.get_untracked());
        if let Err(message) = browser::download(csv.as_bytes(), "text/csv", &name) {
            leptos::logging::error!("export failed: {message}");
        }
    };
    view! {
        <header class="toolbar">
            <h1 class="brand">"skyhex"</h1>
            <label class="button primary">
                "Open files…"
                <input
                    type="file"
                    multiple
                    data-testid="file-input"
                    class="visually-hidden"
                    accept=".json,.gz,.parquet,.tar,.csv,.arrow,.arrows,.ipc,.ttf,.bin,application/json,application/gzip"
                    on:change=on_files
                />
            </label>
            <label class="resolution">
                <span>"H3 resolution"</span>
                <input
                    type="range"
                    min="0"
                    max="15"
                    step="1"
                    data-testid="resolution"
                    prop:value=move || state.resolution.get().to_string()
                    on:input=on_resolution
                    on:change=on_resolution
                    aria-valuetext=move || format!("resolution {}, {} per cell", state.resolution.get(), cell_area())
                />
                <output>{move || state.resolution.get()}</output>
                <span class="hint">{move || format!("≈ {} per cell", cell_area())}</span>
            </label>
            <label class="metric">
                <span>"Metric"</span>
                <select
                    data-testid="metric"
                    on:change=move |event| {
                        if let Some(metric) = Metric::from_name(&event_target_value(&event)) {
                            state.metric.set(metric);
                        }
                    }
                >
                    {options(Metric::ALL, Metric::name, Metric::label, move |metric| state.metric.get() == metric)}
                </select>
            </label>
            <button
                class="button"
                data-testid="export-csv"
                on:click=export_csv
                disabled=move || state.density.with(|density| density.cells.is_empty())
                title="Download the cells as CSV (h3_index, point_count, aircraft_count, center_lat, center_lon, and the metric shown)"
            >
                "Export CSV"
            </button>
        </header>
    }
}
