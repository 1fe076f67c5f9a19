//! Beside the map: the aircraft that passed through the clicked cell, and the track
//! shown, with its altitude colours; and the search that finds an aircraft by address
//! (in the side panel's Inspect tab).

use leptos::prelude::*;
use skyhex_core::engine::inspect::Passage;
use skyhex_core::export::geojson;
use skyhex_core::map::track::ALTITUDE_BANDS_FT;

use super::format;
use crate::browser;
use crate::inspect::{CellInspection, FoundTrack, Inspector, ShownTrack, ShownTraffic};
use crate::render::css_rgb;
use crate::render::style::TRACK_COLOURS;
use crate::state::AppState;

/// Rows the aircraft list shows at most (the busiest first); the rest are counted.
const MAX_LISTED: usize = 200;

#[component]
pub fn InspectorPanel(inspector: Inspector, fit_track: Callback<()>) -> impl IntoView {
    view! {
        <aside class="inspector" aria-label="Aircraft">
            {move || inspector.cell.get().map(|cell| view! { <CellAircraft inspector cell /> })}
            {move || inspector.traffic.get().map(|traffic| view! { <TrafficSummary inspector traffic /> })}
            {move || inspector.track.get().map(|track| view! { <TrackSummary inspector track fit_track /> })}
        </aside>
    }
}

#[component]
pub fn TrackSearch(inspector: Inspector) -> impl IntoView {
    let state = expect_context::<AppState>();
    let address = RwSignal::new(String::new());
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let wanted = address.get_untracked().trim().to_lowercase();
        if !wanted.is_empty() {
            inspector.show_track(state, wanted);
        }
    };
    view! {
        <form class="track-search" on:submit=on_submit>
            <label class="visually-hidden" for="track-address">"Aircraft address"</label>
            <input
                id="track-address"
                type="search"
                data-testid="track-address"
                placeholder="Aircraft address (hex)"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || address.get()
                on:input=move |event| address.set(event_target_value(&event))
            />
            <button class="button small" type="submit">"Show track"</button>
        </form>
    }
}

#[component]
fn CellAircraft(inspector: Inspector, cell: CellInspection) -> impl IntoView {
    let heading = format!("Cell {} · res {}", cell.stats.cell, u8::from(cell.stats.cell.resolution()));
    let body = match cell.passages {
        None => view! { <p class="muted small">"Asking the workers…"</p> }.into_any(),
        Some(Err(reason)) => view! { <p class="error small">{format!("Could not list the aircraft: {reason}")}</p> }.into_any(),
        Some(Ok(passages)) if passages.is_empty() => view! {
            <p class="muted small">"No aircraft with an address has points here (the cell's counts may come from a pre-aggregated table)."</p>
        }
        .into_any(),
        Some(Ok(passages)) => {
            let points: u64 = passages.iter().map(|passage| passage.points).sum();
            let summary = format!(
                "{} aircraft · {} points, busiest first",
                format::count(passages.len() as u64),
                format::count(points)
            );
            let more = passages.len().saturating_sub(MAX_LISTED);
            let rows = passages
                .into_iter()
                .take(MAX_LISTED)
                .map(|passage| view! { <PassageRow inspector passage /> })
                .collect_view();
            view! {
                <p class="muted small" data-testid="passages-summary">{summary}</p>
                <ul class="passages" data-testid="passages">{rows}</ul>
                {(more > 0).then(|| view! { <p class="muted small">{format!("and {} more", format::count(more as u64))}</p> })}
            }
            .into_any()
        }
    };
    view! {
        <section class="inspector-section" data-testid="cell-aircraft" aria-live="polite">
            <header>
                <h2>{heading}</h2>
                <button class="icon-button" aria-label="Close the cell's aircraft" on:click=move |_| inspector.cell.set(None)>"×"</button>
            </header>
            {body}
        </section>
    }
}

/// One aircraft of the cell: a button that shows its track.
#[component]
fn PassageRow(inspector: Inspector, passage: Passage) -> impl IntoView {
    let state = expect_context::<AppState>();
    let address = passage.address.to_string();
    let described = [passage.registration.as_deref(), passage.type_code.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let callsigns = passage.callsigns.join(", ");
    let when = match (passage.first_ms, passage.last_ms) {
        (Some(first), Some(last)) => format::time_span(first, last),
        _ => "time not reported".to_owned(),
    };
    let points = format!("{} points", format::count(passage.points));
    let (wanted, data_address) = (address.clone(), address.clone());
    view! {
        <li>
            <button
                class="passage"
                data-testid="passage"
                data-address=data_address
                title="Show this aircraft's whole track"
                on:click=move |_| inspector.show_track(state, wanted.clone())
            >
                <span class="passage-id">
                    <strong>{address}</strong>
                    {(!described.is_empty()).then(|| view! { <span>{described}</span> })}
                    {(!callsigns.is_empty()).then(|| view! { <span class="callsigns">{callsigns}</span> })}
                </span>
                <span class="passage-points" data-testid="passage-points">{points}</span>
                <span class="passage-when">{when}</span>
            </button>
        </li>
    }
}

#[component]
fn TrackSummary(inspector: Inspector, track: ShownTrack, fit_track: Callback<()>) -> impl IntoView {
    let address = track.address.clone();
    let body = match track.answer {
        None => view! { <p class="muted small">"Gathering its points from the workers…"</p> }.into_any(),
        Some(Err(reason)) => view! { <p class="error small" data-testid="track-error">{reason}</p> }.into_any(),
        Some(Ok(track)) => view! {
            <p class="small" data-testid="track-summary">{track_text(&track)}</p>
            <AltitudeKey />
            <div class="button-row">
                <button class="button small" on:click=move |_| fit_track.run(())>"Fit the map to the track"</button>
                <button
                    class="button small"
                    data-testid="export-track"
                    on:click=move |_| save_track(&address, &track)
                    title="Download the track as GeoJSON (a MultiLineString, one line per piece)"
                >
                    "Save as GeoJSON"
                </button>
            </div>
        }
        .into_any(),
    };
    view! {
        <section class="inspector-section" data-testid="track">
            <header>
                <h2>{format!("Track of {}", track.address)}</h2>
                <button class="icon-button" aria-label="Clear the track" on:click=move |_| inspector.track.set(None)>"×"</button>
            </header>
            {body}
        </section>
    }
}

#[component]
fn TrafficSummary(inspector: Inspector, traffic: Result<ShownTraffic, String>) -> impl IntoView {
    let body = match traffic {
        Err(reason) => {
            view! { <p class="error small">{format!("Could not gather the traffic: {reason}")}</p> }
                .into_any()
        }
        Ok(traffic) => {
            let thinning = match traffic.keep_one_in {
                1 => "every point".to_owned(),
                k => format!("1 point in {k} of each aircraft's line, and its ends"),
            };
            let text = format!(
                "{} points in {} lines ({thinning}), under the filters",
                format::count(traffic.points as u64),
                format::count(traffic.pieces as u64)
            );
            view! {
                <p class="small" data-testid="traffic-summary" data-points=traffic.points data-keep-one-in=traffic.keep_one_in>{text}</p>
                <AltitudeKey />
            }
            .into_any()
        }
    };
    view! {
        <section class="inspector-section" data-testid="traffic">
            <header>
                <h2>"All traffic"</h2>
                <button class="icon-button" aria-label="Hide the traffic" on:click=move |_| inspector.traffic_on.set(false)>"×"</button>
            </header>
            {body}
        </section>
    }
}

fn save_track(address: &str, track: &FoundTrack) {
    let json = geojson::track_geojson(address, &track.pieces);
    let name = format!("skyhex-track-{}.geojson", address.trim_start_matches('~'));
    if let Err(message) = browser::download(json.as_bytes(), "application/geo+json", &name) {
        leptos::logging::error!("{name} could not be saved: {message}");
    }
}

fn track_text(track: &FoundTrack) -> String {
    let pieces = track.pieces.len();
    let mut text = format!(
        "{} points in {} {}",
        format::count(track.points() as u64),
        format::count(pieces as u64),
        if pieces == 1 { "piece" } else { "pieces (new legs, stale positions or gaps over 2 minutes)" }
    );
    if let Some((first, last)) = track.time_span_ms() {
        text += &format!(" · {}", format::time_span(first, last));
    }
    if let Some(max) = track.max_alt_ft() {
        text += &format!(" · up to {} ft", format::value(f64::from(max).round()));
    }
    text
}

/// The track's colours and the altitudes they stand for.
#[component]
fn AltitudeKey() -> impl IntoView {
    let label = |band: usize| match band {
        0 => "ground or unknown".to_owned(),
        1 => format!("< {} ft", format::value(f64::from(ALTITUDE_BANDS_FT[0]))),
        band if band <= ALTITUDE_BANDS_FT.len() => format!(
            "{}–{}",
            format::value(f64::from(ALTITUDE_BANDS_FT[band - 2])),
            format::value(f64::from(ALTITUDE_BANDS_FT[band - 1]))
        ),
        _ => format!("≥ {} ft", format::value(f64::from(ALTITUDE_BANDS_FT[ALTITUDE_BANDS_FT.len() - 1]))),
    };
    let items = TRACK_COLOURS
        .iter()
        .enumerate()
        .map(|(band, &colour)| {
            view! {
                <li>
                    <span class="swatch line" style=format!("background: {}", css_rgb(colour))></span>
                    {label(band)}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="altitude-key" aria-label="Track colours by altitude">{items}</ul> }
}
