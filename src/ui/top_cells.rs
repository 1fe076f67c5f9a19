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

/// The `TOP_CELLS` cells with the highest value of `metric`, ties by index.
fn top_cells(cells: &[CellStats], metric: Metric) -> Vec<CellStats> {
    let mut ranked: Vec<CellStats> =
        cells.iter().filter(|cell| cell.value(metric).is_some()).copied().collect();
    ranked.sort_by(|a, b| {
        let (a_value, b_value) = (a.value(metric).unwrap_or_default(), b.value(metric).unwrap_or_default());
        b_value.total_cmp(&a_value).then_with(|| a.cell.cmp(&b.cell))
    });
    ranked.truncate(TOP_CELLS);
    ranked
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
