//! The optional raster basemap: a tile server's URL template and its credit, given by the
//! user (skyhex ships and calls none), and how its tiles are arriving.

use leptos::prelude::*;
use skyhex_core::map::tiles::tile_template;

use super::format;
use crate::render::TileCounts;
use crate::state::{AppState, TileSource};

#[component]
pub fn TileControls(counts: RwSignal<TileCounts>, problem: RwSignal<Option<String>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let shown = state.tiles.get_untracked();
    let template = RwSignal::new(shown.as_ref().map(|tiles| tiles.template.clone()).unwrap_or_default());
    let credit = RwSignal::new(shown.map(|tiles| tiles.credit).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match tile_template(&template.get_untracked()) {
            Ok(template) => {
                error.set(None);
                counts.set(TileCounts::default());
                state
                    .tiles
                    .set(Some(TileSource { template, credit: credit.get_untracked().trim().to_owned() }));
            }
            Err(reason) => error.set(Some(reason)),
        }
    };
    let status = move || {
        if let Some(problem) = problem.get() {
            return problem;
        }
        let TileCounts { loaded, failed } = counts.get();
        let mut text = format!("{} tiles loaded", format::count(u64::from(loaded)));
        if failed > 0 {
            text += &format!(
                ", {} failed (the server must exist and send Access-Control-Allow-Origin)",
                format::count(u64::from(failed))
            );
        }
        text
    };
    view! {
        <details class="tile-controls" open=state.tiles.with_untracked(Option::is_some)>
            <summary>"Raster basemap"</summary>
            <form on:submit=on_submit>
                <label>
                    <span>"Tile URL template"</span>
                    <input
                        type="url"
                        data-testid="tile-template"
                        placeholder="https://…/{z}/{x}/{y}.png"
                        prop:value=move || template.get()
                        on:input=move |event| template.set(event_target_value(&event))
                    />
                </label>
                <label>
                    <span>"Credit (shown with the map)"</span>
                    <input
                        type="text"
                        data-testid="tile-credit"
                        placeholder="© the tiles' makers"
                        prop:value=move || credit.get()
                        on:input=move |event| credit.set(event_target_value(&event))
                    />
                </label>
                <div class="tile-buttons">
                    <button class="button small" type="submit">"Use these tiles"</button>
                    <button class="button small" type="button" disabled=move || state.tiles.with(Option::is_none) on:click=move |_| state.tiles.set(None)>
                        "No tiles"
                    </button>
                </div>
            </form>
            {move || error.get().map(|reason| view! { <p class="error small" role="alert">{reason}</p> })}
            <Show when=move || state.tiles.with(Option::is_some)>
                <p class="muted small" data-testid="tile-status" role="status">{status}</p>
            </Show>
        </details>
    }
}
