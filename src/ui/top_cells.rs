//! The busiest cells as a table: a text alternative to the map, synchronised with it. A
//! row flies the map to its cell and lists the cell's aircraft; the cell the inspector
//! shows (clicked on the map or here) is the row marked current.

use leptos::prelude::*;
use skyhex_core::density::{CellStats, Metric};
use skyhex_core::export::h3_index;
use skyhex_core::map::camera::Insets;
use skyhex_core::map::hexagons::cell_ring;
use skyhex_core::map::mercator::{WorldBounds, world_from_lat_lon};

use super::format;
use crate::inspect::Inspector;
use crate::state::AppState;

/// Rows the table shows: the busiest cells by the metric.
const TOP_CELLS: usize = 10;

/// Zoom levels out from a cell filling the map, so its neighbours show around it.
const ZOOM_OUT_AROUND_CELL: f64 = 2.5;

/// The `TOP_CELLS` cells with the highest value of `metric`, ties by index. Selected, not
/// sorted whole: a day at res 6 has ~3 M cells, and a sorted copy took ~250 MB of the page's
/// memory for good.
fn top_cells(cells: &[CellStats], metric: Metric) -> Vec<CellStats> {
    let order = |a: &&CellStats, b: &&CellStats| {
        let (a_value, b_value) = (a.value(metric).unwrap_or_default(), b.value(metric).unwrap_or_default());
        b_value.total_cmp(&a_value).then_with(|| a.cell.cmp(&b.cell))
    };
    let mut ranked: Vec<&CellStats> = cells.iter().filter(|cell| cell.value(metric).is_some()).collect();
    if ranked.len() > TOP_CELLS {
        ranked.select_nth_unstable_by(TOP_CELLS - 1, order);
        ranked.truncate(TOP_CELLS);
    }
    ranked.sort_by(order);
    ranked.into_iter().copied().collect()
}

#[component]
pub fn TopCells() -> impl IntoView {
    let state = expect_context::<AppState>();
    let inspector = expect_context::<Inspector>();
    let rows = Memo::new(move |_| {
        let metric = state.metric.get();
        state.density.with(|density| top_cells(&density.cells, metric))
    });
    let current = move || inspector.cell.with(|cell| cell.as_ref().map(|cell| cell.stats.cell));
    let fly_to = move |stats: CellStats| {
        if let Some(bounds) = WorldBounds::around(cell_ring(stats.cell)) {
            state.camera.update(|camera| {
                *camera = camera.fitted_to(bounds, Insets::default());
                camera.center = world_from_lat_lon(stats.center_lat, stats.center_lon);
                camera.zoom -= ZOOM_OUT_AROUND_CELL;
            });
        }
        inspector.inspect_cell(state, stats);
    };
    view! {
        <section aria-label="Top cells" data-testid="top-cells">
            <h2>{move || format!("Top cells by {}", state.metric.get().label())}</h2>
            <table class="top-cells">
                <thead>
                    <tr>
                        <th scope="col">"Cell"</th>
                        <th scope="col" class="number">{move || state.metric.get().label()}</th>
                        <th scope="col" class="number">"Aircraft"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|stats| (stats.cell, stats.point_count) let:stats>
                        <tr aria-current=move || (current() == Some(stats.cell)).then_some("true")>
                            <td>
                                <button
                                    class="link-button"
                                    data-testid="top-cell"
                                    data-cell=h3_index(stats.cell)
                                    title="Show this cell on the map and list its aircraft"
                                    on:click=move |_| fly_to(stats)
                                >
                                    {h3_index(stats.cell)}
                                </button>
                            </td>
                            <td class="number">
                                {move || stats.value(state.metric.get()).map(format::value).unwrap_or_default()}
                            </td>
                            <td class="number">{format::count(stats.aircraft_count)}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use skyhex_core::{CellIndex, Resolution};
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn the_highest_values_come_first_and_ties_by_index() {
        // Distinct cells, in no particular order of index; values with many ties.
        let parent = CellIndex::try_from(0x85283473fffffff).expect("a cell");
        let cells: Vec<CellStats> = parent
            .children(Resolution::Nine)
            .take(500)
            .enumerate()
            .map(|(n, cell)| CellStats {
                cell,
                point_count: (n * 7919 % 37) as u64,
                aircraft_count: 0,
                aircraft_minutes: 0.0,
                flight_count: 0,
                mean_alt_ft: (n % 3 != 0).then_some((n * 13 % 11) as f64),
                max_alt_ft: None,
                center_lat: 0.0,
                center_lon: 0.0,
            })
            .collect();
        for metric in [Metric::Points, Metric::MeanAltitude, Metric::MaxAltitude] {
            let mut sorted: Vec<CellStats> =
                cells.iter().filter(|cell| cell.value(metric).is_some()).copied().collect();
            sorted.sort_by(|a, b| {
                let (a_value, b_value) =
                    (a.value(metric).unwrap_or_default(), b.value(metric).unwrap_or_default());
                b_value.total_cmp(&a_value).then_with(|| a.cell.cmp(&b.cell))
            });
            sorted.truncate(TOP_CELLS);
            assert_eq!(top_cells(&cells, metric), sorted, "{metric:?}");
        }
    }
}
