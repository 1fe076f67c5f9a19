//! Density: accepted points counted into H3 cells.
//!
//! Each cell gets its point count, its exact number of distinct aircraft addresses and the
//! mean of its points' coordinates. Means are summed in fixed point (nanodegrees, `i128`),
//! so they do not depend on the order in which points arrive.

use std::collections::HashMap;

use arrow::array::RecordBatch;
use h3o::{CellIndex, LatLng, Resolution};

use crate::filter::PointFilter;
use crate::points::PointColumns;

const NANODEGREES_PER_DEGREE: f64 = 1e9;

/// The aggregate of one occupied cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellStats {
    pub cell: CellIndex,
    pub point_count: u64,
    pub aircraft_count: u64,
    pub center_lat: f64,
    pub center_lon: f64,
}

/// Cells sorted by index, with the totals over the points that passed the filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Density {
    pub cells: Vec<CellStats>,
    pub points: u64,
    pub aircraft: u64,
}

/// One kept point on its way into a cell.
#[derive(Clone, Copy)]
struct Entry {
    cell: u64,
    aircraft: u32,
    lat_nanodeg: i64,
    lon_nanodeg: i64,
}

/// Aircraft id for points without an address: they count as points but not as aircraft.
const NO_AIRCRAFT: u32 = u32::MAX;

/// Aggregates the points of `batches` (canonical schema) into cells at `resolution`.
pub fn aggregate<'a>(
    batches: impl IntoIterator<Item = &'a RecordBatch>,
    resolution: Resolution,
    filter: &PointFilter,
) -> Density {
    let mut aircraft_ids: HashMap<&'a str, u32> = HashMap::new();
    let mut entries = Vec::new();
    for batch in batches {
        let points = PointColumns::new(batch);
        for row in 0..points.len() {
            if !filter.keeps(&points, row) {
                continue;
            }
            let (lat, lon) = (points.lat.value(row), points.lon.value(row));
            let Ok(position) = LatLng::new(lat, lon) else { continue };
            let next_id = aircraft_ids.len() as u32;
            let aircraft = points
                .address(row)
                .map_or(NO_AIRCRAFT, |address| *aircraft_ids.entry(address).or_insert(next_id));
            entries.push(Entry {
                cell: u64::from(position.to_cell(resolution)),
                aircraft,
                lat_nanodeg: (lat * NANODEGREES_PER_DEGREE).round() as i64,
                lon_nanodeg: (lon * NANODEGREES_PER_DEGREE).round() as i64,
            });
        }
    }
    entries.sort_unstable_by_key(|entry| (entry.cell, entry.aircraft));
    let aircraft = {
        let mut ids: Vec<u32> =
            entries.iter().map(|entry| entry.aircraft).filter(|&id| id != NO_AIRCRAFT).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() as u64
    };
    let cells = entries.chunk_by(|a, b| a.cell == b.cell).map(cell_stats).collect();
    Density { cells, points: entries.len() as u64, aircraft }
}

/// Stats of one cell's entries, sorted by aircraft.
fn cell_stats(entries: &[Entry]) -> CellStats {
    let count = entries.len() as u64;
    let mean = |sum: i128| sum as f64 / count as f64 / NANODEGREES_PER_DEGREE;
    let distinct_aircraft = entries
        .chunk_by(|a, b| a.aircraft == b.aircraft)
        .filter(|run| run[0].aircraft != NO_AIRCRAFT)
        .count();
    CellStats {
        cell: CellIndex::try_from(entries[0].cell).expect("entries hold cells made by h3o"),
        point_count: count,
        aircraft_count: distinct_aircraft as u64,
        center_lat: mean(entries.iter().map(|entry| i128::from(entry.lat_nanodeg)).sum()),
        center_lon: mean(entries.iter().map(|entry| i128::from(entry.lon_nanodeg)).sum()),
    }
}
