//! The legend under the map's corner (the classes of the colour scale, what they count)
//! with the colour controls, and the attribution of what the map shows.

use std::sync::Arc;

use leptos::prelude::*;
use skyhex_core::map::colour::{CellColours, ColourSettings, Palette, ScaleKind};

use super::tile_controls::TileControls;
use super::{format, options};
use crate::render::{LegendRow, TileCounts, css_rgb};
use crate::state::AppState;

/// The legend's rows, top class first.
pub fn legend_rows(colours: &CellColours) -> Vec<LegendRow> {
    colours
        .scale
        .classes
        .iter()
        .rev()
        .map(|class| {
            let range = if class.min_value == class.max_value {
                format::value(class.min_value)
            } else {
                format!("{} – {}", format::value(class.min_value), format::value(class.max_value))
            };
            LegendRow { colour: class.colour, range, cells: format::cells(class.cells) }
        })
        .collect()
}

pub fn legend_title(state: &AppState) -> String {
    let classes = state.colours.with(|settings| match settings.fixed_bounds {
        Some(_) => "fixed classes",
        None => settings.kind.label(),
    });
    format!(
        "{} per cell · H3 res {} · {classes}",
        capitalised(state.metric.get().label()),
        state.shown_resolution()
    )
}

/// Whose data the map shows: the land always, raster tiles when used (by the credit the
/// user gave, else their host), the airports once labelled, adsb.lol's positions (the
/// demo's, or inputs named as adsb.lol's) while they are loaded.
pub fn attribution(state: &AppState, with_airports: bool) -> String {
    let adsb_lol = state.inputs.with(|inputs| inputs.iter().any(|input| input.is_adsb_lol));
    let airports = if with_airports { " · Airports: airportsdata (MIT)" } else { "" };
    let data = if adsb_lol { " · Data: © adsb.lol contributors, ODbL" } else { "" };
    let tiles = state.tiles.with(|tiles| match tiles {
        Some(tiles) if !tiles.credit.is_empty() => format!(" · Tiles: {}", tiles.credit),
        Some(tiles) => format!(" · Tiles: {}", tile_host(&tiles.template)),
        None => String::new(),
    });
    format!("Land and borders: Natural Earth (public domain), via world-atlas{tiles}{airports}{data}")
}

#[component]
pub fn Legend(
    colours: Memo<Arc<CellColours>>,
    tile_counts: RwSignal<TileCounts>,
    tile_problem: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = move || {
        colours.with(|colours| {
            legend_rows(colours)
                .into_iter()
                .map(|LegendRow { colour, range, cells }| {
                    view! {
                        <li>
                            <span class="swatch" style=format!("background: {}", css_rgb(colour))></span>
                            <span class="legend-range">{range}</span>
                            <span class="legend-cells">{cells}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    // On a phone the controls fold away, so the legend leaves the map room.
    let unfolded = RwSignal::new(false);
    view! {
        <Show when=move || colours.with(|colours| !colours.scale.classes.is_empty())>
            <figure class="legend" class:unfolded=move || unfolded.get() aria-label="Legend">
                <figcaption>{move || legend_title(&state)}</figcaption>
                <ul data-testid="legend-rows">{rows}</ul>
                <button
                    class="legend-unfold"
                    aria-expanded=move || unfolded.get().to_string()
                    on:click=move |_| unfolded.update(|unfolded| *unfolded = !*unfolded)
                >
                    {move || if unfolded.get() { "Fewer controls" } else { "Colours and basemap…" }}
                </button>
                <div class="legend-folding">
                    <ColourControls colours />
                    <TileControls counts=tile_counts problem=tile_problem />
                </div>
            </figure>
        </Show>
    }
}

/// The scale, palette, opacity and fixed classes, under the legend they change.
#[component]
fn ColourControls(colours: Memo<Arc<CellColours>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_scale = move |event: leptos::ev::Event| {
        if let Some(kind) = ScaleKind::from_name(&event_target_value(&event)) {
            // A new kind of scale means new classes: fixed ones are let go.
            state.colours.set(ColourSettings { kind, fixed_bounds: None, ..state.colours.get_untracked() });
        }
    };
    let on_palette = move |event: leptos::ev::Event| {
        if let Some(palette) = Palette::from_name(&event_target_value(&event)) {
            state.colours.update(|settings| settings.palette = palette);
        }
    };
    let on_opacity = move |event: leptos::ev::Event| {
        if let Ok(opacity) = event_target_value(&event).parse::<f64>() {
            state.opacity.set(opacity.clamp(0.0, 1.0));
        }
    };
    let on_fixed = move |event: leptos::ev::Event| {
        let bounds =
            event_target_checked(&event).then(|| colours.with_untracked(|colours| colours.scale.bounds()));
        state.colours.update(|settings| settings.fixed_bounds = bounds);
    };
    let is_fixed = move || state.colours.with(|settings| settings.fixed_bounds.is_some());
    view! {
        <div class="legend-controls">
            <label>
                <span>"Scale"</span>
                <select data-testid="colour-scale" on:change=on_scale>
                    {options(ScaleKind::ALL, ScaleKind::name, ScaleKind::label, move |kind| {
                        state.colours.with(|settings| settings.kind == kind)
                    })}
                </select>
            </label>
            <label>
                <span>"Palette"</span>
                <select data-testid="palette" on:change=on_palette>
                    {options(Palette::ALL, Palette::name, Palette::name, move |palette| {
                        state.colours.with(|settings| settings.palette == palette)
                    })}
                </select>
            </label>
            <label class="legend-opacity">
                <span>"Opacity"</span>
                <input
                    type="range"
                    min="0.1"
                    max="1"
                    step="0.05"
                    data-testid="opacity"
                    prop:value=move || state.opacity.get().to_string()
                    on:input=on_opacity
                    aria-valuetext=move || format!("{} %", (state.opacity.get() * 100.0).round())
                />
            </label>
            <label class="legend-fixed" title="Keep these classes when the data, the filters or the time window change, so colours stay comparable">
                <input type="checkbox" data-testid="fix-classes" prop:checked=is_fixed on:change=on_fixed />
                <span>"Keep these classes"</span>
            </label>
        </div>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The host of a tile URL template (what to credit when the user named no one).
fn tile_host(template: &str) -> &str {
    let rest = template.split_once("//").map_or(template, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}
