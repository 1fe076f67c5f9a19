//! The toolbar: open files, the resolution, the metric and the exports.

use leptos::prelude::*;
use skyhex_core::Resolution;
use skyhex_core::density::Metric;
use skyhex_core::export;
use skyhex_core::export::kepler::KeplerLook;
use web_sys::{FileList, HtmlInputElement};

use super::{format, options};
use crate::browser;
use crate::loading::Source;
use crate::state::AppState;
use crate::workers::protocol::ExportFile;

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
            <MoreExports />
        </header>
    }
}

/// The files of the cells that a worker writes.
#[derive(Clone, Copy)]
enum CellsFile {
    Parquet,
    GeoJson,
    Kepler,
}

/// The exports written by a worker: Parquet and GeoJSON of the cells, a Kepler.gl map.
#[component]
fn MoreExports() -> impl IntoView {
    let state = expect_context::<AppState>();
    let writing = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let menu = NodeRef::<leptos::html::Details>::new();
    let export = move |kind: CellsFile| {
        // A choice closes the menu, as menus do.
        if let Some(menu) = menu.get_untracked() {
            menu.set_open(false);
        }
        let cells = state.density.with_untracked(|density| density.cells.clone());
        let metric = state.metric.get_untracked();
        let resolution = state.resolution.get_untracked();
        let (file, extension, mime_type) = match kind {
            CellsFile::Parquet => {
                (ExportFile::Parquet { cells, metric }, "parquet", "application/vnd.apache.parquet")
            }
            CellsFile::GeoJson => (ExportFile::GeoJson { cells, metric }, "geojson", "application/geo+json"),
            CellsFile::Kepler => {
                let look = KeplerLook::new(
                    metric,
                    state.colours.get_untracked().palette,
                    state.opacity.get_untracked(),
                    &state.camera.get_untracked(),
                );
                let title = format!("skyhex: {} per H3 resolution {resolution} cell", metric.label());
                (ExportFile::Kepler { cells, look, title }, "kepler.json", "application/json")
            }
        };
        writing.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let written = match state.pool() {
                Ok(pool) => pool.export(file).await,
                Err(reason) => Err(reason),
            };
            let name = format!("skyhex-h3-res{resolution}.{extension}");
            let saved = written.and_then(|bytes| browser::download(&bytes, mime_type, &name));
            problem.set(saved.err().map(|reason| format!("{name} could not be saved: {reason}")));
            writing.set(false);
        });
    };
    let disabled = move || writing.get() || state.density.with(|density| density.cells.is_empty());
    view! {
        <details class="menu" node_ref=menu>
            <summary class="button" data-testid="more-exports">"More exports"</summary>
            <div class="menu-items" role="group" aria-label="More exports">
                <button class="button" data-testid="export-parquet" disabled=disabled on:click=move |_| export(CellsFile::Parquet)>
                    "Cells as Parquet"
                </button>
                <button class="button" data-testid="export-geojson" disabled=disabled on:click=move |_| export(CellsFile::GeoJson)>
                    "Cells as GeoJSON"
                </button>
                <button
                    class="button"
                    data-testid="export-kepler"
                    disabled=disabled
                    on:click=move |_| export(CellsFile::Kepler)
                    title="A Kepler.gl map file: the cells, an H3 layer coloured by the metric (quantiles), this view"
                >
                    "Kepler.gl map"
                </button>
            </div>
        </details>
        <Show when=move || problem.with(Option::is_some)>
            <p class="export-error" role="alert">{move || problem.get()}</p>
        </Show>
    }
}
