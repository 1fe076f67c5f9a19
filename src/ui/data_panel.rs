//! The side panel's data: statistics of the current view, errors, and the Data tab's inputs.

use leptos::prelude::*;

use super::format;
use crate::browser;
use crate::loading::Source;
use crate::state::{AppState, Input, Loaded, Outcome};

/// The numbers of the current view, shown above every tab.
#[component]
pub fn Stats() -> impl IntoView {
    let state = expect_context::<AppState>();
    let points = Signal::derive(move || state.density.with(|density| density.points));
    let aircraft = Signal::derive(move || state.density.with(|density| density.aircraft));
    let cells = Signal::derive(move || state.density.with(|density| density.cells.len() as u64));
    let rejected = Signal::derive(move || state.rejected_total());
    view! {
        <section class="stats" aria-label="Statistics of the current view">
            <Stat label="Points" test_id="stat-points" value=points />
            <Stat label="Aircraft" test_id="stat-aircraft" value=aircraft />
            <Stat label="Cells" test_id="stat-cells" value=cells />
            <Stat label="Rejected" test_id="stat-rejected" value=rejected />
        </section>
    }
}

/// The inputs that failed and why, shown above every tab (nothing lost goes unsaid).
#[component]
pub fn Errors() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section aria-label="Errors">
            <ul class="errors" data-testid="errors" aria-live="assertive">
                {move || {
                    state
                        .inputs
                        .get()
                        .into_iter()
                        .filter_map(|input| match input.outcome {
                            Outcome::Failed(message) => Some((input.name, message)),
                            Outcome::Loaded(loaded) if !loaded.problems.is_empty() => {
                                Some((input.name, loaded.problems.join("; ")))
                            }
                            Outcome::Loaded(_) | Outcome::Reading => None,
                        })
                        .map(|(name, message)| {
                            view! {
                                <li>
                                    <strong>{name}</strong>
                                    ": "
                                    {message}
                                </li>
                            }
                        })
                        .collect_view()
                }}
                {move || {
                    state
                        .worker_failures
                        .get()
                        .into_iter()
                        .map(|reason| {
                            view! {
                                <li>
                                    <strong>"Points missing"</strong>
                                    ": "
                                    {reason}
                                    ". The points that worker held are not in the map; reload the page to start again."
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

/// The Data tab: the inputs, each with what it held or how far it is, and more to load.
#[component]
pub fn DataTab() -> impl IntoView {
    let state = expect_context::<AppState>();
    let shows_demo = move || state.inputs.with(|inputs| inputs.iter().any(|input| input.is_demo));
    view! {
        <Show when=move || state.density.with(|density| density.aircraft_incomplete)>
            <p class="note">
                "Aircraft counts cover point inputs only: pre-aggregated H3 tables carry no "
                "per-aircraft detail once cells are merged or rolled up, or when filters are set."
            </p>
        </Show>
        <Show when=shows_demo>
            <p class="demo-note">
                "Demo: 105,072 real ADS-B positions around Reno and Monterey Bay, "
                "© adsb.lol contributors (ODbL 1.0), via eastham/adsb_actions. "
                "Open or drop your own files to replace it."
            </p>
        </Show>
        <section aria-label="Inputs">
            <h2>
                "Inputs"
                <Show when=move || state.inputs.with(|inputs| inputs.len() > 1)>
                    {move || format!(" ({})", format::count(state.inputs.with(Vec::len) as u64))}
                </Show>
            </h2>
            <ul class="inputs">
                <For
                    each=move || state.inputs.get()
                    key=|input| (input.id, outcome_key(&input.outcome))
                    children=move |input| view! { <InputRow input /> }
                />
            </ul>
            <Show when=move || state.inputs.with(Vec::is_empty)>
                <p class="empty">
                    "Open or drop readsb traces, heatmaps or aircraft.json, adsb.lol tar archives "
                    "(all parts at once), Parquet, CSV or Arrow files."
                </p>
            </Show>
            <UrlForm />
        </section>
    }
}

/// A field to load a file from a URL.
#[component]
fn UrlForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let url = RwSignal::new(String::new());
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = url.get_untracked();
        if !text.trim().is_empty() {
            state.load(vec![Source::Url(text.trim().to_owned())], false);
            url.set(String::new());
        }
    };
    view! {
        <form class="url-form" on:submit=on_submit>
            <input
                type="url"
                data-testid="url-input"
                placeholder="https://…/traces.parquet"
                aria-label="URL of a file to load"
                prop:value=move || url.get()
                on:input=move |event| url.set(event_target_value(&event))
            />
            <button class="button" type="submit">"Load URL"</button>
        </form>
    }
}

/// Distinguishes the states of an input, so its row re-renders when it changes.
fn outcome_key(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Reading => 0,
        Outcome::Loaded(_) => 1,
        Outcome::Failed(_) => 2,
    }
}

#[component]
fn Stat(label: &'static str, test_id: &'static str, value: Signal<u64>) -> impl IntoView {
    view! {
        <div class="stat">
            <span class="stat-label">{label}</span>
            <span class="stat-value" data-testid=test_id data-value=move || value.get().to_string()>
                {move || format::count(value.get())}
            </span>
        </div>
    }
}

#[component]
fn InputRow(input: Input) -> impl IntoView {
    let id = input.id;
    let size = input.size_bytes.map(format::bytes).unwrap_or_default();
    let detail = match &input.outcome {
        Outcome::Reading => return view! { <ReadingRow input /> }.into_any(),
        Outcome::Loaded(loaded) => loaded_detail(loaded),
        Outcome::Failed(_) => "could not be read".to_owned(),
    };
    let failed = matches!(input.outcome, Outcome::Failed(_));
    view! {
        <li class="input" class:failed=failed data-testid="input">
            <span class="input-name" title=input.name.clone()>{input.name.clone()}</span>
            <span class="input-detail">{detail} " · " {size}</span>
            <RemoveButton id name=input.name.clone() />
        </li>
    }
    .into_any()
}

/// Removes an input (read or being read) from the workers and the list.
#[component]
fn RemoveButton(id: u64, name: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <button class="icon-button" on:click=move |_| state.remove(id) aria-label=format!("Remove {name}") title="Remove">
            "×"
        </button>
    }
}

/// What an input held: format, points, time span, rejected points by reason.
fn loaded_detail(loaded: &Loaded) -> String {
    let summary = &loaded.summary;
    let mut text = format!("{} · {} points", loaded.format, format::count(summary.points));
    if let (Some(first), Some(last)) = (summary.first_time_ms, summary.last_time_ms) {
        text += &format!(" · {}", format::time_span(first, last));
    }
    let rejected: Vec<String> = summary
        .rejected
        .nonzero()
        .map(|(reason, count)| format!("{} {}", format::count(count), reason.name().replace('_', " ")))
        .collect();
    if !rejected.is_empty() {
        text += &format!(" · rejected: {}", rejected.join(", "));
    }
    text
}

/// An input being read: its own progress bar, points so far and their rate.
#[component]
fn ReadingRow(input: Input) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = input.id;
    let done = move || {
        state.progress.with(|progress| {
            progress.as_ref().map(|progress| {
                let elapsed_s = (browser::now_ms() - progress.started_ms) / 1000.0;
                (progress.inputs.get(&id).copied().unwrap_or_default(), elapsed_s)
            })
        })
    };
    let text = move || {
        let Some((done, elapsed_s)) = done() else { return "reading…".to_owned() };
        let rate = (done.points_done as f64 / elapsed_s.max(0.001)) as u64;
        let mut text = format!("reading… {} points", format::count(done.points_done));
        if done.points_done > 0 {
            text += &format!(" ({}/s)", format::count(rate));
        }
        if let Some(size) = input.size_bytes {
            text += &format!(" · {} of {}", format::bytes(done.bytes_done), format::bytes(size));
        }
        text
    };
    let size = input.size_bytes;
    view! {
        <li class="input" data-testid="input">
            <span class="input-name" title=input.name.clone()>{input.name.clone()}</span>
            <span class="input-detail" data-testid="input-progress-text">{text}</span>
            <progress
                class="input-progress"
                max=size.unwrap_or(1).max(1)
                value=move || size.and(done().map(|(done, _)| done.bytes_done))
                aria-label=format!("Reading {}", input.name)
            ></progress>
            <RemoveButton id name=input.name.clone() />
        </li>
    }
}
