//! The Filters section of the side panel: which points count, the same filters as
//! `skyhex aggregate` (time window, altitude band, on the ground, source, aircraft and
//! callsign patterns, squawk, dbFlags). A control applies when it changes; the workers
//! then answer the query under the new filter.

use leptos::prelude::*;
use skyhex_core::filter::{GroundFilter, Pattern, PointFilter, SourceKind};
use skyhex_core::map::colour::CellColours;
use skyhex_core::summary::{format_time, parse_time};

use super::format;
use super::histograms::{Histogram, alt_bars, alt_ends, time_bars, time_ends};
use crate::browser;
use crate::state::AppState;

/// The text fields, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Text {
    From,
    To,
    MinAlt,
    MaxAlt,
    Callsign,
    Registration,
    Type,
    Address,
    Squawk,
}

impl Text {
    const ALL: [Self; 9] = [
        Self::From,
        Self::To,
        Self::MinAlt,
        Self::MaxAlt,
        Self::Callsign,
        Self::Registration,
        Self::Type,
        Self::Address,
        Self::Squawk,
    ];

    /// Label, placeholder, test id and URL parameter.
    fn describe(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Self::From => ("From (UTC)", "2023-08-30T12:00:00Z", "filter-from", "from"),
            Self::To => ("To (UTC, before)", "2023-08-30T18:00:00Z", "filter-to", "to"),
            Self::MinAlt => ("Min altitude (ft)", "0", "filter-min-alt", "min_alt"),
            Self::MaxAlt => ("Max altitude (ft)", "45000", "filter-max-alt", "max_alt"),
            Self::Callsign => ("Callsign", "UAL or N*AB", "filter-callsign", "callsign"),
            Self::Registration => ("Registration", "N12", "filter-registration", "registration"),
            Self::Type => ("Type", "B73*", "filter-type", "type"),
            Self::Address => ("Address (hex)", "a1b2", "filter-address", "address"),
            Self::Squawk => ("Squawk", "7700", "filter-squawk", "squawk"),
        }
    }
}

/// readsb's dbFlags bits, as the page names them.
const DB_FLAGS: [(u16, &str); 4] = [(1, "Military"), (2, "Interesting"), (4, "PIA"), (8, "LADD")];

/// What the controls hold, as typed.
#[derive(Debug, Clone, PartialEq)]
struct Form {
    texts: [String; Text::ALL.len()],
    ground: GroundFilter,
    /// Source types kept (all of them: no source filter).
    sources: Vec<SourceKind>,
    db_flags_any: u16,
}

impl Default for Form {
    fn default() -> Self {
        Self {
            texts: Default::default(),
            ground: GroundFilter::Any,
            sources: SourceKind::ALL.to_vec(),
            db_flags_any: 0,
        }
    }
}

impl Form {
    /// The form a link describes (the parameters `url_params` writes).
    fn from_url() -> Self {
        let mut form = Self::default();
        let Some(params) = browser::url_params() else { return form };
        for field in Text::ALL {
            form.texts[field as usize] = params.get(field.describe().3).unwrap_or_default();
        }
        form.ground = ground_of(&params.get("ground").unwrap_or_default());
        if let Some(sources) = params.get("source") {
            form.sources = sources.split(',').filter_map(SourceKind::from_name).collect();
            form.sources.sort();
            form.sources.dedup();
        }
        let flags = params.get("flags").unwrap_or_default();
        for name in flags.split(',') {
            if let Some((bit, _)) = DB_FLAGS.iter().find(|(_, flag)| flag.eq_ignore_ascii_case(name.trim())) {
                form.db_flags_any |= bit;
            }
        }
        form
    }

    /// The URL parameters that describe the form (absent when not set).
    fn url_params(&self) -> Vec<(&'static str, Option<String>)> {
        let mut params: Vec<_> = Text::ALL
            .iter()
            .map(|&field| {
                (field.describe().3, Some(self.text(field).to_owned()).filter(|text| !text.is_empty()))
            })
            .collect();
        params.push((
            "ground",
            (self.ground != GroundFilter::Any).then(|| ground_name(self.ground).to_owned()),
        ));
        let sources = self.sources.iter().map(|source| source.name()).collect::<Vec<_>>().join(",");
        params.push(("source", (self.sources.len() < SourceKind::ALL.len()).then_some(sources)));
        let flags: Vec<String> = DB_FLAGS
            .iter()
            .filter(|(bit, _)| self.db_flags_any & bit != 0)
            .map(|(_, name)| name.to_lowercase())
            .collect();
        params.push(("flags", (!flags.is_empty()).then(|| flags.join(","))));
        params
    }

    fn text(&self, field: Text) -> &str {
        self.texts[field as usize].trim()
    }

    /// The filter the form describes, and what in it could not be read (left out).
    fn filter(&self) -> (PointFilter, Vec<String>) {
        let mut problems = Vec::new();
        let (time_example, feet_example) = ("a time such as 2023-08-30T12:00:00Z", "a number of feet");
        let from_ms = self.parsed(Text::From, time_ms, time_example, &mut problems);
        let to_ms = self.parsed(Text::To, time_ms, time_example, &mut problems);
        let min_alt_ft = self.parsed(Text::MinAlt, feet, feet_example, &mut problems);
        let max_alt_ft = self.parsed(Text::MaxAlt, feet, feet_example, &mut problems);
        let pattern = |field| Some(self.text(field)).filter(|text| !text.is_empty()).map(Pattern::new);
        let filter = PointFilter {
            from_ms,
            to_ms,
            min_alt_ft,
            max_alt_ft,
            ground: self.ground,
            sources: (self.sources.len() < SourceKind::ALL.len()).then(|| self.sources.clone()),
            address: pattern(Text::Address),
            callsign: pattern(Text::Callsign),
            registration: pattern(Text::Registration),
            type_code: pattern(Text::Type),
            squawk: pattern(Text::Squawk),
            db_flags_any: self.db_flags_any,
        };
        (filter, problems)
    }
}

/// One filter that is set, as the summary shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Setting {
    Text(Text),
    Ground,
    Sources,
    Flags,
}

impl Form {
    /// The filters set, each with how the summary words it (a field that cannot be read
    /// sets none: the problems list says why).
    fn set_filters(&self) -> Vec<(Setting, String)> {
        let reads = |field: Text, text: &str| match field {
            Text::From | Text::To => time_ms(text).is_some(),
            Text::MinAlt | Text::MaxAlt => feet(text).is_some(),
            _ => true,
        };
        let mut set: Vec<(Setting, String)> = Text::ALL
            .iter()
            .filter(|&&field| !self.text(field).is_empty() && reads(field, self.text(field)))
            .map(|&field| (Setting::Text(field), format!("{} {}", field.describe().0, self.text(field))))
            .collect();
        if self.ground != GroundFilter::Any {
            let words = if self.ground == GroundFilter::Only { "only" } else { "left out" };
            set.push((Setting::Ground, format!("On the ground: {words}")));
        }
        if self.sources.len() < SourceKind::ALL.len() {
            let names: Vec<&str> = self.sources.iter().map(|&source| source_label(source)).collect();
            let names = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
            set.push((Setting::Sources, format!("Source: {names}")));
        }
        if self.db_flags_any != 0 {
            let names: Vec<&str> = DB_FLAGS
                .iter()
                .filter(|(bit, _)| self.db_flags_any & bit != 0)
                .map(|(_, name)| *name)
                .collect();
            set.push((Setting::Flags, format!("Flagged: {}", names.join(" or "))));
        }
        set
    }

    fn clear(&mut self, filter: Setting) {
        let default = Self::default();
        match filter {
            Setting::Text(field) => self.texts[field as usize].clear(),
            Setting::Ground => self.ground = default.ground,
            Setting::Sources => self.sources = default.sources,
            Setting::Flags => self.db_flags_any = default.db_flags_any,
        }
    }

    /// The field's value, `None` when it is empty or cannot be read (then said in `problems`).
    fn parsed<T>(
        &self,
        field: Text,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
        problems: &mut Vec<String>,
    ) -> Option<T> {
        let text = self.text(field);
        if text.is_empty() {
            return None;
        }
        let value = parse(text);
        if value.is_none() {
            problems.push(format!("{}: {text:?} is not {expected}", field.describe().0));
        }
        value
    }
}

#[component]
pub fn Filters() -> impl IntoView {
    let state = expect_context::<AppState>();
    let form = RwSignal::new(Form::from_url());
    let read = Memo::new(move |_| form.with(Form::filter));
    Effect::new(move |_| state.filter.set(read.with(|(filter, _)| filter.clone())));
    Effect::new(move |_| browser::set_url_params(&form.with(Form::url_params)));
    let active = move || state.filter.with(|filter| !filter.is_empty());
    view! {
        <section class="filters" aria-label="Filters">
            <h2>"Filters"</h2>
            <SetFilters form />
            <Brushes form />
            <div class="filter-grid">
                {Text::ALL.map(|field| view! { <TextField form field /> }).collect_view()}
            </div>
            <label class="field">
                <span>"On the ground"</span>
                <select
                    data-testid="filter-ground"
                    on:change=move |event| {
                        let ground = ground_of(&event_target_value(&event));
                        form.update(|form| form.ground = ground);
                    }
                    prop:value=move || form.with(|form| ground_name(form.ground))
                >
                    <option value="any">"In or out"</option>
                    <option value="exclude">"Leave out"</option>
                    <option value="only">"Only"</option>
                </select>
            </label>
            <fieldset class="checks">
                <legend>"Source"</legend>
                {SourceKind::ALL
                    .map(|source| {
                        view! {
                            <label>
                                <input
                                    type="checkbox"
                                    data-testid=format!("filter-source-{}", source.name())
                                    prop:checked=move || form.with(|form| form.sources.contains(&source))
                                    on:change=move |event| {
                                        let checked = event_target_checked(&event);
                                        form.update(|form| {
                                            form.sources.retain(|kept| *kept != source);
                                            if checked {
                                                form.sources.push(source);
                                                form.sources.sort();
                                            }
                                        });
                                    }
                                />
                                {source_label(source)}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="checks">
                <legend>"Aircraft flagged (any)"</legend>
                {DB_FLAGS
                    .map(|(bit, name)| {
                        view! {
                            <label>
                                <input
                                    type="checkbox"
                                    data-testid=format!("filter-flag-{}", name.to_lowercase())
                                    prop:checked=move || form.with(|form| form.db_flags_any & bit != 0)
                                    on:change=move |event| {
                                        let checked = event_target_checked(&event);
                                        form.update(|form| {
                                            form.db_flags_any = if checked {
                                                form.db_flags_any | bit
                                            } else {
                                                form.db_flags_any & !bit
                                            };
                                        });
                                    }
                                />
                                {name}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <ul class="errors" data-testid="filter-problems" aria-live="assertive">
                {move || read.with(|(_, problems)| problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view())}
            </ul>
            <button
                class="button small"
                data-testid="filter-clear"
                disabled=move || !active()
                on:click=move |_| form.set(Form::default())
            >
                "Clear filters"
            </button>
        </section>
    }
}

/// The filters set, in one place, each with a button that clears it.
#[component]
fn SetFilters(form: RwSignal<Form>) -> impl IntoView {
    let set = Memo::new(move |_| form.with(Form::set_filters));
    view! {
        <ul class="set-filters" data-testid="set-filters" aria-label="Filters set">
            <Show when=move || set.with(Vec::is_empty)>
                <li class="muted small">"No filter: every point counts."</li>
            </Show>
            <For each=move || set.get() key=|(_, words)| words.clone() let:((filter, words))>
                <li class="chip" data-testid="set-filter">
                    <span>{words.clone()}</span>
                    <button
                        class="chip-clear"
                        aria-label=format!("Clear {words}")
                        title="Clear"
                        on:click=move |_| form.update(|form| form.clear(filter))
                    >
                        "✕"
                    </button>
                </li>
            </For>
        </ul>
    }
}

/// The time and altitude histograms; a range selected on one fills its filter's fields.
#[component]
fn Brushes(form: RwSignal<Form>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let histograms = state.histograms;
    let time = Signal::derive(move || {
        let window = state.filter.with(|filter| (filter.from_ms, filter.to_ms));
        histograms.with(|h| h.as_ref().map(|h| time_bars(h, window.0, window.1)).unwrap_or_default())
    });
    let alt = Signal::derive(move || {
        let band = state.filter.with(|filter| (filter.min_alt_ft, filter.max_alt_ft));
        histograms.with(|h| h.as_ref().map(|h| alt_bars(h, band.0, band.1)).unwrap_or_default())
    });
    let time_ends = Signal::derive(move || {
        histograms.with(|h| h.as_ref().map(|h| time_ends(&h.bins))).unwrap_or_default()
    });
    let alt_ends = Signal::derive(move || {
        histograms.with(|h| h.as_ref().map(|h| alt_ends(&h.bins))).unwrap_or_default()
    });
    let select_time = Callback::new(move |(first, last): (usize, usize)| {
        let Some(bins) = histograms.with_untracked(|h| h.as_ref().map(|h| h.bins)) else { return };
        form.update(|form| {
            form.texts[Text::From as usize] = format_time(bins.time_of_bin_ms(first as u32));
            form.texts[Text::To as usize] = format_time(bins.time_of_bin_ms(last as u32 + 1));
        });
    });
    let select_alt = Callback::new(move |(first, last): (usize, usize)| {
        let Some(bins) = histograms.with_untracked(|h| h.as_ref().map(|h| h.bins)) else { return };
        // The first band also holds lower altitudes and the last higher ones: no bound there.
        let bound = |band: usize, open: bool| {
            if open { String::new() } else { (band as u32 * bins.alt_band_ft).to_string() }
        };
        form.update(|form| {
            form.texts[Text::MinAlt as usize] = bound(first, first == 0);
            form.texts[Text::MaxAlt as usize] = bound(last + 1, last + 1 == bins.alt_bands as usize);
        });
    });
    let unknown = move || histograms.with(|h| h.as_ref().map_or(0, |h| h.alt_unknown));
    view! {
        <Show when=move || histograms.with(Option::is_some)>
            <Histogram label="Points by time (UTC)" test_id="histogram-time" bars=time ends=time_ends on_select=select_time />
            <Playback form />
            <Histogram label="Points by altitude" test_id="histogram-alt" bars=alt ends=alt_ends on_select=select_alt />
            <p class="muted small" data-testid="histogram-alt-unknown" data-value=unknown>
                {move || format!("On the ground or without altitude: {} points", format::count(unknown()))}
            </p>
        </Show>
    }
}

/// Window lengths playback offers, in bars of the time histogram (whose width suits the
/// span: a quarter hour for a day, two weeks for two years).
const PLAY_WINDOWS_BARS: [i64; 4] = [1, 2, 4, 8];
const DEFAULT_PLAY_WINDOW_BARS: i64 = 2;
/// Steps a second playback offers; with reduced motion, one step every 2 s.
const PLAY_SPEEDS: [f64; 3] = [1.0, 2.0, 4.0];
const REDUCED_MOTION_STEP_MS: u32 = 2_000;

/// Plays the time window over the loaded span: each step moves it on by a quarter of its
/// length once the map shows the step before (a slow query is never skipped), from the
/// window set, else from the start, skipping hours without points; it stops at the end. The colour classes are kept while
/// it plays (those shown when it starts, unless some are kept already), so cells compare.
#[component]
fn Playback(form: RwSignal<Form>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let window_bars = RwSignal::new(DEFAULT_PLAY_WINDOW_BARS);
    let bar_ms = move || state.histograms.with(|h| h.as_ref().map_or(3_600_000, |h| h.bins.time_bin_ms));
    let speed = RwSignal::new(2.0_f64);
    let reduced_motion = browser::prefers_reduced_motion();
    let ticker = StoredValue::new_local(None::<gloo::timers::callback::Interval>);
    let playing = RwSignal::new(false);
    let stop = move || {
        ticker.set_value(None);
        playing.set(false);
    };
    let step = move || {
        if untrack(|| state.is_computing()) {
            return;
        }
        let window_ms = window_bars.get_untracked() * untrack(bar_ms);
        let last_from_ms = form.with_untracked(|form| time_ms(form.text(Text::From)));
        let next = state.histograms.with_untracked(|histograms| {
            let histograms = histograms.as_ref()?;
            let from_ms = match last_from_ms {
                Some(from_ms) if playing.get_untracked() => from_ms + window_ms / 4,
                Some(from_ms) => from_ms,
                None => histograms.bins.time_start_ms,
            };
            histograms.busy_window_from_ms(from_ms, window_ms)
        });
        let Some(from_ms) = next else { return stop() };
        form.update(|form| {
            form.texts[Text::From as usize] = format_time(from_ms);
            form.texts[Text::To as usize] = format_time(from_ms + window_ms);
        });
    };
    let play = move || {
        if state.colours.with_untracked(|settings| settings.fixed_bounds.is_none()) {
            let metric = state.metric.get_untracked();
            let bounds = state.density.with_untracked(|density| {
                state.colours.with_untracked(|settings| {
                    CellColours::new(&density.cells, metric, settings).scale.bounds()
                })
            });
            state.colours.update(|settings| settings.fixed_bounds = Some(bounds));
        }
        step();
        playing.set(true);
        let period_ms =
            if reduced_motion { REDUCED_MOTION_STEP_MS } else { (1000.0 / speed.get_untracked()) as u32 };
        ticker.set_value(Some(gloo::timers::callback::Interval::new(period_ms, step)));
    };
    on_cleanup(move || ticker.set_value(None));
    view! {
        <div class="playback" role="group" aria-label="Playback of the time window">
            <button
                class="button small"
                data-testid="play"
                aria-pressed=move || playing.get().to_string()
                on:click=move |_| if playing.get_untracked() { stop() } else { play() }
            >
                {move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <label>
                <span>"Window"</span>
                <select
                    data-testid="play-window"
                    on:change=move |event| {
                        window_bars.set(event_target_value(&event).parse().unwrap_or(DEFAULT_PLAY_WINDOW_BARS));
                    }
                >
                    {move || {
                        PLAY_WINDOWS_BARS
                            .map(|bars| {
                                let selected = bars == window_bars.get_untracked();
                                view! { <option value=bars selected=selected>{format::duration(bars * bar_ms())}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label>
                <span>"Speed"</span>
                <select
                    data-testid="play-speed"
                    disabled=reduced_motion
                    title=if reduced_motion { "Reduced motion: one step every 2 s" } else { "Steps a second" }
                    on:change=move |event| speed.set(event_target_value(&event).parse().unwrap_or(2.0))
                >
                    {PLAY_SPEEDS
                        .map(|steps| view! { <option value=steps selected=steps == 2.0>{format!("{steps}×")}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}

#[component]
fn TextField(form: RwSignal<Form>, field: Text) -> impl IntoView {
    let (label, placeholder, test_id, _) = field.describe();
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type="text"
                data-testid=test_id
                placeholder=placeholder
                spellcheck="false"
                prop:value=move || form.with(|form| form.texts[field as usize].clone())
                on:change=move |event| form.update(|form| form.texts[field as usize] = event_target_value(&event))
            />
        </label>
    }
}

fn time_ms(text: &str) -> Option<i64> {
    parse_time(text).ok()
}

fn feet(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|feet| feet.is_finite())
}

fn source_label(source: SourceKind) -> &'static str {
    match source {
        SourceKind::Adsb => "ADS-B",
        SourceKind::Mlat => "MLAT",
        SourceKind::TisB => "TIS-B",
        SourceKind::AdsC => "ADS-C",
        SourceKind::Other => "other",
    }
}

/// The inverse of [`ground_name`]; anything else keeps every point.
fn ground_of(name: &str) -> GroundFilter {
    match name {
        "exclude" => GroundFilter::Exclude,
        "only" => GroundFilter::Only,
        _ => GroundFilter::Any,
    }
}

fn ground_name(ground: GroundFilter) -> &'static str {
    match ground {
        GroundFilter::Any => "any",
        GroundFilter::Exclude => "exclude",
        GroundFilter::Only => "only",
    }
}
