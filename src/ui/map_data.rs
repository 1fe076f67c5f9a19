//! What the map draws that comes from elsewhere: the hexagons the workers build for each
//! aggregate (points, and triangles of the chunks drawn wide), the basemap and the airport
//! table fetched from the site.

use std::sync::Arc;

use leptos::prelude::*;
use skyhex_core::map::airports::Airports;
use skyhex_core::map::basemap::WorldAtlas;

use crate::browser;
use crate::render::Hexagons;
use crate::state::AppState;

pub const COARSE_BASEMAP_URL: &str = "basemap/countries-110m.json";
pub const DETAILED_BASEMAP_URL: &str = "basemap/countries-50m.json";
const AIRPORTS_URL: &str = "airports/airports.csv.gz";

/// Keeps `hexagons` those of the current density, as points built by the workers: one
/// build at a time (while data loads, densities come faster than hexagons), the latest
/// density next.
pub fn build_hexagons(state: AppState, hexagons: RwSignal<Arc<Hexagons>>, failure: RwSignal<Option<String>>) {
    let building = StoredValue::new(false);
    Effect::new(move |_| {
        let density = state.density.get();
        state.drawing_cells.set(Some(density.cells.len()));
        if building.get_value() {
            return;
        }
        building.set_value(true);
        leptos::task::spawn_local(async move {
            let mut density = density;
            loop {
                let cells: Vec<u64> = density.cells.iter().map(|cell| u64::from(cell.cell)).collect();
                let points = match state.pool() {
                    _ if cells.is_empty() => Ok(Vec::new()),
                    Ok(pool) => pool.hex_points(&cells).await,
                    Err(reason) => Err(reason),
                };
                match points {
                    Ok(points) => {
                        failure.set(None);
                        hexagons.set(Arc::new(Hexagons::new(points, Arc::clone(&density))));
                    }
                    Err(reason) => failure.set(Some(reason)),
                }
                let latest = state.density.get_untracked();
                if Arc::ptr_eq(&latest, &density) {
                    break;
                }
                density = latest;
            }
            building.set_value(false);
            state.drawing_cells.set(None);
        });
    });
}

/// Has the workers build the triangles of those of `chunks` of `hexagons` that are neither
/// here nor on their way, and notifies `arrived` once they are here.
pub fn fetch_triangles(
    state: AppState,
    hexagons: &Arc<Hexagons>,
    chunks: &[usize],
    arrived: Trigger,
    failure: RwSignal<Option<String>>,
) {
    let asked = hexagons.ask(chunks);
    if asked.is_empty() {
        return;
    }
    let cells: usize = asked.iter().map(|(_, cells)| cells.len()).sum();
    state.triangulating_cells.update(|pending| *pending += cells);
    let hexagons = Arc::clone(hexagons);
    leptos::task::spawn_local(async move {
        let (chunks, cells_of_chunks): (Vec<usize>, Vec<Vec<u64>>) = asked.into_iter().unzip();
        let meshes = match state.pool() {
            Ok(pool) => pool.hex_triangles(cells_of_chunks).await,
            Err(reason) => Err(reason),
        };
        match meshes {
            Ok(meshes) => {
                for (chunk, mesh) in chunks.into_iter().zip(meshes) {
                    hexagons.arrived(chunk, mesh);
                }
            }
            Err(reason) => failure.set(Some(reason)),
        }
        state.triangulating_cells.update(|pending| *pending -= cells);
        arrived.notify();
    });
}

pub fn load_airports(target: RwSignal<Option<Arc<Airports>>>) {
    leptos::task::spawn_local(async move {
        let loaded = browser::fetch_bytes(AIRPORTS_URL)
            .await
            .and_then(|bytes| Airports::from_csv(bytes::Bytes::from(bytes)));
        match loaded {
            Ok(airports) => target.set(Some(Arc::new(airports))),
            Err(message) => leptos::logging::warn!("airport labels unavailable: {message}"),
        }
    });
}

pub fn load_basemap(url: &'static str, target: RwSignal<Option<Arc<WorldAtlas>>>) {
    leptos::task::spawn_local(async move {
        let loaded = browser::fetch_bytes(url).await.and_then(|bytes| {
            let json = String::from_utf8(bytes).map_err(|err| err.to_string())?;
            WorldAtlas::from_topojson(&json).map_err(|err| err.to_string())
        });
        match loaded {
            Ok(basemap) => target.set(Some(Arc::new(basemap))),
            Err(message) => leptos::logging::warn!("basemap {url} unavailable: {message}"),
        }
    });
}
