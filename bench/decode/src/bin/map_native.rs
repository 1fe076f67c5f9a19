//! Native map figures: the hexagon layer (cell outlines), its GPU mesh and its colours
//! for about a million cells, as the page builds them after each aggregate. `make bench`
//! runs it; `bench/browser/map.mjs` times the same in the page, and frames while panning.
#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::Instant;

use h3o::{LatLng, Resolution};
use skyhex_core::density::{CellStats, Metric};
use skyhex_core::map::colour::{CellColours, ColourSettings};
use skyhex_core::map::hexagons::HexLayer;
use skyhex_core::map::mesh::{Mesh, vertex_classes};

/// A disc of res-7 cells this many rings wide holds 3k(k+1)+1 = 1,000,519 cells.
const RINGS: u32 = 577;

fn timed<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let result = work();
    (result, start.elapsed().as_secs_f64() * 1000.0)
}

fn main() {
    // Around Reno-Tahoe (KRNO), where the real traces are; counts vary deterministically.
    let centre = LatLng::new(39.4991, -119.7681).expect("valid").to_cell(Resolution::Seven);
    let mut cells: Vec<CellStats> = centre
        .grid_disk::<Vec<_>>(RINGS)
        .into_iter()
        .map(|cell| {
            let position = LatLng::from(cell);
            CellStats {
                cell,
                point_count: u64::from(cell) % 997 + 1,
                aircraft_count: 1,
                aircraft_minutes: 1.0,
                flight_count: 1,
                mean_alt_ft: None,
                max_alt_ft: None,
                center_lat: position.lat(),
                center_lon: position.lng(),
            }
        })
        .collect();
    cells.sort_by_key(|stats| stats.cell);
    let (layer, layer_ms) = timed(|| HexLayer::new(cells.iter().map(|stats| stats.cell)));
    let (mesh, mesh_ms) = timed(|| Mesh::of_hexagons(&layer));
    let settings = ColourSettings::default();
    let (colours, colours_ms) = timed(|| CellColours::new(&cells, Metric::Points, &settings));
    let (_, recolour_ms) = timed(|| {
        mesh.chunks
            .iter()
            .map(|chunk| vertex_classes(&chunk.cell_runs, &colours.classes).len())
            .sum::<usize>()
    });
    let bytes: usize = mesh
        .chunks
        .iter()
        .map(|chunk| {
            chunk.positions.len() * 4 // and one class byte per vertex:
                + chunk.positions.len() / 2
                + (chunk.triangles.len() + chunk.outlines.len()) * 4
        })
        .sum();
    println!(
        "native map: {} cells: outlines {layer_ms:.0} ms, GPU mesh {mesh_ms:.0} ms \
         ({} triangles in {} chunks, {:.0} MB, {:.0} bytes/cell); a new scale: classes \
         {colours_ms:.0} ms, vertex classes {recolour_ms:.0} ms",
        cells.len(),
        mesh.triangles(),
        mesh.chunks.len(),
        bytes as f64 / 1e6,
        bytes as f64 / cells.len() as f64
    );
}
