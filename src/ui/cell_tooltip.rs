//! The tooltip of the cell under the pointer: its index, size and every metric.

use leptos::prelude::*;
use skyhex_core::density::CellStats;
use skyhex_core::map::camera::{Camera, ScreenPoint};
use skyhex_core::map::mercator::{WorldPoint, lat_lon_from_world};

use super::format;
use crate::state::AppState;

/// The cell with data under a point of the map, if any.
pub fn cell_under(state: &AppState, camera: &Camera, at: ScreenPoint) -> Option<CellStats> {
    let world = camera.world_from_screen(at);
    if !(0.0..=1.0).contains(&world.y) {
        return None;
    }
    let (lat, lon) = lat_lon_from_world(WorldPoint::new(world.x.rem_euclid(1.0), world.y));
    state.density.with_untracked(|density| density.cell_at(lat, lon).copied())
}

/// What the cell under the pointer holds: its index, size and every metric.
#[component]
pub fn CellTooltip(
    hovered: RwSignal<Option<(ScreenPoint, CellStats)>>,
    camera: RwSignal<Camera>,
) -> impl IntoView {
    let text = |stats: &CellStats| {
        let altitude = match (stats.mean_alt_ft, stats.max_alt_ft) {
            (Some(mean), Some(max)) => {
                format!(
                    "altitude mean {} ft, max {} ft",
                    format::value(mean.round()),
                    format::value(max.round())
                )
            }
            _ => "no altitude reported".to_owned(),
        };
        [
            format!(
                "Cell {} · res {} · {}",
                stats.cell,
                u8::from(stats.cell.resolution()),
                format::area_km2(stats.cell.area_km2())
            ),
            format!(
                "{} points · {} aircraft · {} flights",
                format::count(stats.point_count),
                format::count(stats.aircraft_count),
                format::count(stats.flight_count)
            ),
            format!("{} aircraft-minutes · {altitude}", format::value(stats.aircraft_minutes)),
        ]
    };
    move || {
        hovered.get().map(|(at, stats)| {
            let lines = text(&stats).map(|line| view! { <span>{line}</span> }).collect_view();
            view! {
                <div class="map-tooltip" role="tooltip" data-testid="cell-tooltip" style=tooltip_position(at, camera.with_untracked(|camera| camera.viewport_px))>
                    {lines}
                </div>
            }
        })
    }
}

/// Beside the pointer, on the side with more room.
fn tooltip_position(at: ScreenPoint, viewport_px: ScreenPoint) -> String {
    const GAP_PX: f64 = 14.0;
    let x = if at.x < viewport_px.x / 2.0 {
        format!("left: {}px", at.x + GAP_PX)
    } else {
        format!("right: {}px", viewport_px.x - at.x + GAP_PX)
    };
    let y = if at.y < viewport_px.y / 2.0 {
        format!("top: {}px", at.y + GAP_PX)
    } else {
        format!("bottom: {}px", viewport_px.y - at.y + GAP_PX)
    };
    format!("{x}; {y}")
}
