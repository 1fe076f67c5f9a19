//! What the map draws that comes from elsewhere: the hexagon mesh the workers build for
//! each aggregate, the basemap and the airport table fetched from the site.

use std::sync::Arc;

use leptos::prelude::*;
use skyhex_core::map::airports::Airports;
use skyhex_core::map::basemap::WorldAtlas;
use skyhex_core::map::mesh::Mesh;

use crate::browser;
use crate::render::Hexagons;
use crate::state::AppState;

pub const COARSE_BASEMAP_URL: &str = "basemap/countries-110m.json";
pub const DETAILED_BASEMAP_URL: &str = "basemap/countries-50m.json";
const AIRPORTS_URL: &str = "airports/airports.csv.gz";

/// Keeps `hexagons` the mesh of the current density, built by the workers: one build at a
/// time (while data loads, densities come faster than meshes), the latest density next;
/// and again when `rebuild` fires (a lost WebGL context took the geometry with it).
pub fn build_hexagons(
    state: AppState,
    hexagons: RwSignal<Arc<Hexagons>>,
    failure: RwSignal<Option<String>>,
    rebuild: Trigger,
) {
    let building = StoredValue::new(false);
    Effect::new(move |_| {
        rebuild.track();
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
                let mesh = match state.pool() {
                    _ if cells.is_empty() => Ok(Mesh::default()),
                    Ok(pool) => pool.hex_mesh(&cells).await,
                    Err(reason) => Err(reason),
                };
                match mesh {
                    Ok(mesh) => {
                        failure.set(None);
                        hexagons.set(Arc::new(Hexagons::new(mesh, Arc::clone(&density))));
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
