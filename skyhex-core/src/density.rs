//! Density: accepted points counted into H3 cells.
//!
//! Each cell gets its point count, its exact number of distinct aircraft addresses and the
//! mean of its points' coordinates. Means are summed in fixed point (nanodegrees, `i128`),
//! so they do not depend on the order in which points arrive.

use arrow::array::RecordBatch;
use h3o::{CellIndex, LatLng, Resolution};
use rustc_hash::{FxHashMap, FxHashSet};

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

/// Sums of one cell while points arrive.
#[derive(Debug, Clone, Copy, Default)]
struct CellSums {
    points: u64,
    lat_nanodeg: i128,
    lon_nanodeg: i128,
}

/// Aggregates points batch by batch, so inputs of any size stream through in bounded
/// memory (one entry per occupied cell and per aircraft in a cell).
#[derive(Debug)]
pub struct DensityBuilder {
    resolution: Resolution,
    filter: PointFilter,
    aircraft_ids: FxHashMap<Box<str>, u32>,
    cells: FxHashMap<u64, CellSums>,
    /// (cell, aircraft id) pairs seen.
    cell_aircraft: FxHashSet<(u64, u32)>,
    points: u64,
}

impl DensityBuilder {
    pub fn new(resolution: Resolution, filter: PointFilter) -> Self {
        Self {
            resolution,
            filter,
            aircraft_ids: FxHashMap::default(),
            cells: FxHashMap::default(),
            cell_aircraft: FxHashSet::default(),
            points: 0,
        }
    }

    /// Adds the points of one batch (canonical schema) that pass the filter.
    pub fn add(&mut self, batch: &RecordBatch) {
        let points = PointColumns::new(batch);
        let mut last_aircraft: Option<(&str, u32)> = None;
        for row in 0..points.len() {
            if !self.filter.keeps(&points, row) {
                continue;
            }
            let (lat, lon) = (points.lat.value(row), points.lon.value(row));
            let Ok(position) = LatLng::new(lat, lon) else { continue };
            let cell = u64::from(position.to_cell(self.resolution));
            let sums = self.cells.entry(cell).or_default();
            sums.points += 1;
            sums.lat_nanodeg += i128::from(nanodegrees(lat));
            sums.lon_nanodeg += i128::from(nanodegrees(lon));
            self.points += 1;
            if let Some(address) = points.address(row) {
                // Consecutive points mostly share an aircraft: skip the lookup then.
                let id = match last_aircraft {
                    Some((last, id)) if last == address => id,
                    _ => {
                        let next_id = self.aircraft_ids.len() as u32;
                        let id = *self.aircraft_ids.entry(address.into()).or_insert(next_id);
                        last_aircraft = Some((address, id));
                        id
                    }
                };
                self.cell_aircraft.insert((cell, id));
            }
        }
    }

    pub fn finish(self) -> Density {
        let mut aircraft_per_cell: FxHashMap<u64, u64> = FxHashMap::default();
        let mut aircraft_seen = vec![false; self.aircraft_ids.len()];
        for &(cell, aircraft) in &self.cell_aircraft {
            *aircraft_per_cell.entry(cell).or_default() += 1;
            aircraft_seen[aircraft as usize] = true;
        }
        let mut cells: Vec<CellStats> = self
            .cells
            .into_iter()
            .map(|(cell, sums)| {
                let mean = |sum: i128| sum as f64 / sums.points as f64 / NANODEGREES_PER_DEGREE;
                CellStats {
                    cell: CellIndex::try_from(cell).expect("cells are made by h3o"),
                    point_count: sums.points,
                    aircraft_count: aircraft_per_cell.get(&cell).copied().unwrap_or(0),
                    center_lat: mean(sums.lat_nanodeg),
                    center_lon: mean(sums.lon_nanodeg),
                }
            })
            .collect();
        cells.sort_unstable_by_key(|cell| cell.cell);
        let aircraft = aircraft_seen.iter().filter(|&&seen| seen).count() as u64;
        Density { cells, points: self.points, aircraft }
    }
}

fn nanodegrees(degrees: f64) -> i64 {
    (degrees * NANODEGREES_PER_DEGREE).round() as i64
}

/// Aggregates the points of `batches` (canonical schema) into cells at `resolution`.
pub fn aggregate<'a>(
    batches: impl IntoIterator<Item = &'a RecordBatch>,
    resolution: Resolution,
    filter: &PointFilter,
) -> Density {
    let mut builder = DensityBuilder::new(resolution, *filter);
    for batch in batches {
        builder.add(batch);
    }
    builder.finish()
}
