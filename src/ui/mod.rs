//! The page: a toolbar, the side panel (tabs) and the map. Components hold no logic beyond
//! wiring signals; state lives in `crate::state`, maths in `skyhex_core`.

mod cell_tooltip;
mod data_panel;
mod filters;
pub mod format;
mod gestures;
mod histograms;
mod inspector;
mod layers;
mod legend;
mod map_data;
mod map_view;
mod side_panel;
mod tile_controls;
mod toolbar;
mod top_cells;

use leptos::prelude::*;
use skyhex_core::density::Metric;
use skyhex_core::map::colour::{self, Palette, ScaleKind};

use crate::browser::{self, StartParams};
use crate::inspect::Inspector;
use crate::loading::Source;
use crate::state::{
    AppState, DEFAULT_MEMORY_BUDGET_BYTES, DEFAULT_OPACITY, DEFAULT_RESOLUTION, DEMO_URL, Progress, Theme,
};

#[component]
pub fn App() -> impl IntoView {
    let params = StartParams::from_location();
    let state = AppState::new(
        params.resolution.unwrap_or(DEFAULT_RESOLUTION),
        params.metric.unwrap_or_default(),
        params.workers.unwrap_or_else(browser::core_count),
        params.memory_mb.map_or(DEFAULT_MEMORY_BUDGET_BYTES, |mb| mb << 20),
    );
    state.colours.set(params.colours);
    state.opacity.set(params.opacity.unwrap_or(DEFAULT_OPACITY));
    state.tiles.set(params.tiles);
    state.layers.set(params.layers);
    state.theme.set(params.theme);
    provide_context(state);
    provide_context(Inspector::new(state));
    // The view lives in the URL too, so a copied link restores it (defaults left out).
    Effect::new(move |_| {
        let resolution = state.resolution.get();
        let metric = state.metric.get();
        let opacity = state.opacity.get();
        let colours = state.colours.get();
        let tiles = state.tiles.get();
        let (layers, theme) = (state.layers.get(), state.theme.get());
        browser::set_page_theme(theme.name());
        browser::set_url_params(&[
            ("hide", layers.hidden_text()),
            ("theme", (theme != Theme::default()).then(|| theme.name().to_owned())),
            ("tiles", tiles.as_ref().map(|tiles| tiles.template.clone())),
            ("tiles_credit", tiles.map(|tiles| tiles.credit).filter(|credit| !credit.is_empty())),
            ("res", (resolution != DEFAULT_RESOLUTION).then(|| resolution.to_string())),
            ("metric", (metric != Metric::default()).then(|| metric.name().to_owned())),
            ("scale", (colours.kind != ScaleKind::default()).then(|| colours.kind.name().to_owned())),
            ("palette", (colours.palette != Palette::default()).then(|| colours.palette.name().to_owned())),
            ("classes", colours.fixed_bounds.as_deref().map(colour::bounds_text)),
            ("opacity", (opacity != DEFAULT_OPACITY).then(|| opacity.to_string())),
        ]);
    });
    if params.sources.is_empty() {
        state.load(vec![Source::Url(DEMO_URL.to_owned())], true);
    } else {
        state.load(params.sources.into_iter().map(Source::Url).collect(), false);
    }
    let (embed, start_view) = (params.embed, params.view);
    let dragging = RwSignal::new(false);
    let on_drop = move |event: leptos::ev::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        if let Some(files) = event.data_transfer().and_then(|transfer| transfer.files()) {
            state.load(toolbar::sources_of(&files), false);
        }
    };
    view! {
        <div
            class="app"
            class:embed=embed
            class:dragging=move || dragging.get()
            on:dragover=move |event: leptos::ev::DragEvent| {
                event.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            {(!embed).then(|| view! { <toolbar::Toolbar /> })}
            <main class="workspace">
                // Embedded, the page's title is for screen readers only.
                {if embed {
                    view! { <h1 class="visually-hidden">"skyhex — flight density"</h1> }.into_any()
                } else {
                    view! { <side_panel::SidePanel /> }.into_any()
                }}
                <map_view::MapView embed start_view />
            </main>
            <StatusBar />
            <div class="drop-hint" aria-hidden="true">"Drop files to load them"</div>
        </div>
    }
}

/// The `<option>`s of a select: one per item, with its name as value and its label as
/// text, the one `is_selected` marked.
fn options<T: Copy + Send + Sync + 'static>(
    items: impl IntoIterator<Item = T>,
    name: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    is_selected: impl Fn(T) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    items
        .into_iter()
        .map(|item| view! { <option value=name(item) selected=move || is_selected(item)>{label(item)}</option> })
        .collect_view()
}

/// The progress bar follows bytes when the inputs' sizes are known, else inputs.
fn progress_scale(progress: &Progress) -> u64 {
    if progress.bytes_total > 0 { progress.bytes_total } else { progress.files_total as u64 }
}

fn progress_value(progress: &Progress) -> u64 {
    if progress.bytes_total > 0 { progress.bytes_done } else { progress.files_done as u64 }
}

/// What is being read, how far it is, how fast, and how long it should take still.
fn progress_text(progress: &Progress) -> String {
    let mut text = match progress.previewing {
        0 => String::new(),
        _ => "Map from the archive's heatmaps (each aircraft once a minute) until its traces are in · "
            .to_owned(),
    };
    text += &format!("Reading {}", progress.current);
    let elapsed_s = (browser::now_ms() - progress.started_ms) / 1000.0;
    if progress.bytes_total > 0 {
        text +=
            &format!(" · {} of {}", format::bytes(progress.bytes_done), format::bytes(progress.bytes_total));
    }
    if progress.points_done > 0 && elapsed_s > 0.0 {
        let rate = (progress.points_done as f64 / elapsed_s) as u64;
        text += &format!(" · {} points ({}/s)", format::count(progress.points_done), format::count(rate));
    }
    if progress.members_done > 0 {
        text += &format!(" · {} archive members", format::count(progress.members_done));
    }
    if progress.files_total > 1 {
        let current = (progress.files_done + 1).min(progress.files_total);
        text += &format!(" · input {current} of {}", progress.files_total);
    }
    if progress.bytes_done > 0 && progress.bytes_total > progress.bytes_done {
        let left_s =
            elapsed_s * (progress.bytes_total - progress.bytes_done) as f64 / progress.bytes_done as f64;
        text += &format!(" · about {} s left", left_s.ceil() as u64);
    }
    text
}

/// Why the counts are of fewer points than were read.
fn sampling_text(state: AppState) -> String {
    format!(
        "Sampled: 1 point in {} of each track kept, to stay within {} of memory; counts are of the points kept",
        state.keep_every.get(),
        format::bytes(state.memory_budget_bytes),
    )
}

/// What the status bar says of the density shown.
fn shown_text(state: AppState) -> String {
    let workers = state.worker_count();
    let (points, cells) = state.density.with(|density| (density.points, density.cells.len()));
    format!(
        "{} points in {} at H3 resolution {} (computed in {} ms) · {} of points, {} of memory in all, on {workers} {}",
        format::count(points),
        format::cells(cells),
        state.resolution.get(),
        format::count(state.query_ms.get().round() as u64),
        format::bytes(state.retained_bytes.get()),
        format::bytes(state.memory_bytes.get()),
        if workers == 1 { "worker" } else { "workers" }
    )
}

#[component]
fn StatusBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = move || match state.progress.get() {
        Some(progress) => progress_text(&progress),
        None if state.is_computing() => {
            format!("Computing the cells at H3 resolution {} on the workers…", state.resolution.get())
        }
        None if state.drawing_cells.with(Option::is_some) || state.triangulating_cells.get() > 0 => format!(
            "Drawing {} hexagons on the workers…",
            format::count(state.drawing_cells.get().unwrap_or_else(|| state.triangulating_cells.get()) as u64)
        ),
        None => shown_text(state),
    };
    view! {
        <footer class="status-bar">
            <span
                data-testid="status"
                data-state=move || state.status().name()
                data-memory-bytes=move || state.memory_bytes.get()
                data-previewing=move || {
                    state.progress.with(|p| p.as_ref().is_some_and(|p| p.previewing > 0)).to_string()
                }
                role="status"
            >
                {text}
            </span>
            <Show when=move || { state.keep_every.get() > 1 }>
                <span class="warn" data-testid="sampling" data-value=move || state.keep_every.get()>
                    {move || sampling_text(state)}
                </span>
            </Show>
            <Show when=move || state.progress.with(Option::is_some)>
                <button class="button small" data-testid="cancel" on:click=move |_| state.cancel()>
                    "Cancel"
                </button>
                <progress
                    max=move || state.progress.with(|p| p.as_ref().map_or(1, progress_scale).max(1))
                    value=move || state.progress.with(|p| p.as_ref().map_or(0, progress_value))
                    aria-label="Reading progress"
                ></progress>
            </Show>
        </footer>
    }
}
