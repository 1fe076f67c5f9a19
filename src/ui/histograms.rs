//! The brushes: points per time bin and per altitude band under the other filters, as bar
//! charts. Pressing on a bar and releasing on another (or the same) selects that range:
//! the time window or the altitude band fields take its bounds, and the density follows.

use leptos::prelude::*;
use skyhex_core::engine::{HistogramBins, Histograms};
use skyhex_core::summary::format_time;

use super::format;

/// One bar: its count, what it covers (said in its tooltip) and whether the current filter
/// selects it (`None`: no filter on this dimension).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub count: u64,
    pub covers: String,
    pub selected: Option<bool>,
}

/// The time histogram's bars, selected by the `[from, to)` window.
pub fn time_bars(histograms: &Histograms, from_ms: Option<i64>, to_ms: Option<i64>) -> Vec<Bar> {
    let bins = histograms.bins;
    let windowed = from_ms.is_some() || to_ms.is_some();
    (0..bins.time_bins)
        .map(|bin| {
            let (start, end) = (bins.time_of_bin_ms(bin), bins.time_of_bin_ms(bin + 1));
            let overlaps = from_ms.is_none_or(|from| end > from) && to_ms.is_none_or(|to| start < to);
            Bar {
                count: histograms.time[bin as usize],
                covers: format!("{} to {}", format_time(start), format_time(end)),
                selected: windowed.then_some(overlaps),
            }
        })
        .collect()
}

/// The altitude histogram's bars, selected by the `[min, max]` band.
pub fn alt_bars(histograms: &Histograms, min_ft: Option<f64>, max_ft: Option<f64>) -> Vec<Bar> {
    let band_ft = histograms.bins.alt_band_ft;
    let banded = min_ft.is_some() || max_ft.is_some();
    let last = histograms.alt.len() - 1;
    (0..histograms.alt.len())
        .map(|band| {
            let low = f64::from(band as u32 * band_ft);
            let high = f64::from((band as u32 + 1) * band_ft);
            let overlaps =
                min_ft.is_none_or(|min| band == last || high > min) && max_ft.is_none_or(|max| low <= max);
            let covers = if band == last {
                open_band(low as u64)
            } else {
                format!("{} to {} ft", format::count(low as u64), format::count(high as u64))
            };
            Bar { count: histograms.alt[band], covers, selected: banded.then_some(overlaps) }
        })
        .collect()
}

/// What the time axis says at its ends: `2023-08-30 05:00`, or only the day for bins of days.
pub fn time_ends(bins: &HistogramBins) -> (String, String) {
    const DAY_MS: i64 = 86_400_000;
    let short = |time_ms: i64| {
        let full = format_time(time_ms);
        let shown = if bins.time_bin_ms >= DAY_MS { full.get(..10) } else { full.get(..16) };
        shown.map_or(full.clone(), |shown| shown.replace('T', " "))
    };
    (short(bins.time_start_ms), short(bins.time_of_bin_ms(bins.time_bins)))
}

/// What the altitude axis says at its ends.
pub fn alt_ends(bins: &HistogramBins) -> (String, String) {
    ("0 ft".to_owned(), open_band(u64::from(bins.alt_band_ft * (bins.alt_bands - 1))))
}

/// The last altitude band, which holds everything above its floor.
fn open_band(low_ft: u64) -> String {
    format!("{} ft and above", format::count(low_ft))
}

/// The height of the lowest non-empty bar, in percent of the tallest.
const MIN_BAR_HEIGHT: f64 = 4.0;

/// A bar chart whose bars select a range (`on_select(first, last)`, inclusive).
#[component]
pub fn Histogram(
    label: &'static str,
    test_id: &'static str,
    #[prop(into)] bars: Signal<Vec<Bar>>,
    /// What the axis says at its start and end.
    #[prop(into)]
    ends: Signal<(String, String)>,
    on_select: Callback<(usize, usize)>,
) -> impl IntoView {
    let anchor = RwSignal::new(None::<usize>);
    let hovered = RwSignal::new(None::<usize>);
    // The bar the keyboard is on (arrows move it, with Shift they extend the range).
    let cursor = RwSignal::new(None::<usize>);
    let total = move || bars.with(|bars| bars.iter().map(|bar| bar.count).sum::<u64>());
    let dragged = move |bar: usize| match (anchor.get(), hovered.get()) {
        (Some(start), Some(end)) => (start.min(end)..=start.max(end)).contains(&bar),
        _ => false,
    };
    let bar_view = move |index: usize, bar: Bar, tallest: u64| {
        // Heights are linear; a bar with any point stays visible next to a tall one.
        let height = match bar.count {
            0 => 0.0,
            count => (count as f64 / tallest as f64 * 100.0).max(MIN_BAR_HEIGHT),
        };
        let selected = bar.selected;
        let class = move || match (dragged(index), selected) {
            (true, _) => "bar dragged",
            (false, Some(false)) => "bar out",
            _ => "bar",
        };
        let at_cursor = move || cursor.get() == Some(index);
        // The group spans the full height, so low bars are easy to press.
        view! {
            <g
                on:pointerdown=move |event| {
                    event.prevent_default();
                    anchor.set(Some(index));
                    hovered.set(Some(index));
                }
                on:pointerenter=move |_| hovered.set(Some(index))
                on:pointerup=move |_| {
                    if let Some(start) = anchor.get_untracked() {
                        on_select.run((start.min(index), start.max(index)));
                    }
                    anchor.set(None);
                }
            >
                <title>{format!("{}: {} points", bar.covers, format::count(bar.count))}</title>
                <rect class="bar-hit" class:cursor=at_cursor x=index y="0" width="1" height="100"></rect>
                <rect class=class x=index y=100.0 - height width="0.86" height=height data-count=bar.count></rect>
            </g>
        }
    };
    view! {
        <figure class="histogram">
            <figcaption>
                {label} <span class="muted">{move || format!("{} points", format::count(total()))}</span>
            </figcaption>
            <svg
                data-testid=test_id
                data-total=total
                viewBox=move || format!("0 0 {} 100", bars.with(Vec::len).max(1))
                preserveAspectRatio="none"
                role="group"
                tabindex="0"
                aria-label=move || {
                    format!(
                        "{label}: {} points. Drag over the bars, or use the arrow keys (Shift to extend) and Enter, to select a range",
                        format::count(total()),
                    )
                }
                on:pointerleave=move |_| {
                    if cursor.get_untracked().is_none() {
                        anchor.set(None);
                        hovered.set(None);
                    }
                }
                on:keydown=move |event| {
                    let last = bars.with_untracked(Vec::len).saturating_sub(1);
                    if let Some(range) = keyboard_step(&event, cursor, anchor, hovered, last) {
                        event.prevent_default();
                        if let Some((first, last)) = range {
                            on_select.run((first, last));
                        }
                    }
                }
                on:blur=move |_| {
                    cursor.set(None);
                    anchor.set(None);
                    hovered.set(None);
                }
            >
                {move || {
                    let bars = bars.get();
                    let tallest = bars.iter().map(|bar| bar.count).max().unwrap_or(0).max(1);
                    bars.into_iter().enumerate().map(|(index, bar)| bar_view(index, bar, tallest)).collect_view()
                }}
            </svg>
            <div class="histogram-ends muted">
                <span>{move || ends.get().0}</span>
                <span>{move || ends.get().1}</span>
            </div>
            <p class="visually-hidden" aria-live="polite">
                {move || {
                    cursor.get().and_then(|index| bars.with(|bars| bars.get(index).map(|bar| {
                        format!("{}: {} points", bar.covers, format::count(bar.count))
                    })))
                }}
            </p>
        </figure>
    }
}

/// Moves the keyboard's bar (arrows, Home, End; with Shift the range grows from where it
/// was) or selects the range (Enter, Space). `None`: not a key the chart uses; `Some(Some(
/// range))`: the range chosen.
fn keyboard_step(
    event: &leptos::ev::KeyboardEvent,
    cursor: RwSignal<Option<usize>>,
    anchor: RwSignal<Option<usize>>,
    hovered: RwSignal<Option<usize>>,
    last: usize,
) -> Option<Option<(usize, usize)>> {
    let at = cursor.get_untracked();
    let next = match event.key().as_str() {
        "ArrowRight" | "ArrowUp" => at.map_or(0, |at| (at + 1).min(last)),
        "ArrowLeft" | "ArrowDown" => at.map_or(0, |at| at.saturating_sub(1)),
        "Home" => 0,
        "End" => last,
        "Enter" | " " => {
            let at = at?;
            let start = anchor.get_untracked().unwrap_or(at);
            anchor.set(None);
            hovered.set(None);
            return Some(Some((start.min(at), start.max(at))));
        }
        "Escape" => {
            cursor.set(None);
            anchor.set(None);
            hovered.set(None);
            return Some(None);
        }
        _ => return None,
    };
    let start = if event.shift_key() { anchor.get_untracked().or(at).unwrap_or(next) } else { next };
    cursor.set(Some(next));
    anchor.set(Some(start));
    hovered.set(Some(next));
    Some(None)
}
