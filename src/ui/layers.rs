//! The Layers tab: which of the map's layers show, and the theme of page and map. The
//! resolution and metric sit in the toolbar, colours and opacity in the legend.

use leptos::prelude::*;

use super::options;
use crate::inspect::Inspector;
use crate::state::{AppState, LayersShown, Theme};

#[component]
pub fn LayersTab() -> impl IntoView {
    let state = expect_context::<AppState>();
    let inspector = expect_context::<Inspector>();
    let toggle = |label: &'static str, test_id: &'static str, shown: fn(&mut LayersShown) -> &mut bool| {
        view! {
            <label class="layer-toggle">
                <input
                    type="checkbox"
                    data-testid=test_id
                    prop:checked=move || {
                        let mut layers = state.layers.get();
                        *shown(&mut layers)
                    }
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        state.layers.update(|layers| *shown(layers) = on);
                    }
                />
                {label}
            </label>
        }
    };
    view! {
        <section aria-label="Layers">
            <h2>"Map layers"</h2>
            <div class="layer-toggles">
                {toggle("Density hexagons", "layer-hexagons", |layers| &mut layers.hexagons)}
                <label class="layer-toggle">
                    <input
                        type="checkbox"
                        data-testid="layer-traffic"
                        prop:checked=move || inspector.traffic_on.get()
                        on:change=move |event| inspector.traffic_on.set(event_target_checked(&event))
                    />
                    "All traffic (thinned lines)"
                </label>
                {toggle("Track of the aircraft opened", "layer-track", |layers| &mut layers.track)}
                {toggle("Airport labels (from zoom 5)", "layer-airports", |layers| &mut layers.airports)}
            </div>
            <h2>"Theme"</h2>
            <label class="field">
                <span>"Colours of the page and the map"</span>
                <select
                    data-testid="theme"
                    on:change=move |event| {
                        if let Some(theme) = Theme::from_name(&event_target_value(&event)) {
                            state.theme.set(theme);
                        }
                    }
                >
                    {options(Theme::ALL, Theme::name, Theme::label, move |theme| state.theme.get() == theme)}
                </select>
            </label>
            <p class="note">"Resolution and metric are in the toolbar; scale, palette and opacity in the legend."</p>
        </section>
    }
}
