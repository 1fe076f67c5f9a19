//! Density: accepted points counted into H3 cells.
//!
//! Each cell gets its point count, its exact number of distinct aircraft addresses and the
//! mean of its points' coordinates. Means are summed in fixed point (nanodegrees, `i128`),
//! so they do not depend on the order in which points arrive.
//!
//! Pre-aggregated cells ([`CellCount`], from H3 tables) add their counts and centres at
//! their own resolution or rolled up to a coarser one; a cell finer than the target stays
//! as it is. Distinct aircraft do not add up, so a table's aircraft count is used only where
//! its cell is the target cell itself and nothing else fell into it.

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
    /// Distinct aircraft of the point inputs (pre-aggregated cells cannot tell).
    pub aircraft: u64,
    /// True when some cells' aircraft counts leave out aircraft of pre-aggregated cells
    /// (cells rolled up or merged), or filters left pre-aggregated cells out.
    pub aircraft_incomplete: bool,
}

/// One cell of a pre-aggregated H3 table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellCount {
    pub cell: CellIndex,
    pub points: u64,
    pub aircraft: Option<u64>,
    /// Mean position of the cell's points (degrees), when the table has it.
    pub center: Option<(f64, f64)>,
}

/// Sums of one cell while points arrive.
#[derive(Debug, Clone, Copy, Default)]
struct CellSums {
    points: u64,
    lat_nanodeg: i128,
    lon_nanodeg: i128,
    /// Table cells that fell into this cell, and the aircraft count and centre of the first
    /// (used as they are when it is the only one, so a table reads back unchanged).
    table_cells: u32,
    table_aircraft: Option<u64>,
    table_center: Option<(f64, f64)>,
    /// Whether a table cell was rolled up into this (coarser) cell.
    rolled_up: bool,
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
    /// Pre-aggregated cells were left out (filters were set).
    tables_left_out: bool,
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
            tables_left_out: false,
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

    /// Adds everything one input decoded to: points and pre-aggregated cells.
    pub fn add_decoded(&mut self, decoded: &crate::ingest::Decoded) {
        decoded.batches.iter().for_each(|batch| self.add(batch));
        self.add_cells(&decoded.cells);
    }

    /// Adds pre-aggregated cells. Filters select points by time and altitude, which tables
    /// cannot answer, so with any filter set the cells are left out.
    pub fn add_cells(&mut self, cells: &[CellCount]) {
        if !self.filter.is_empty() {
            self.tables_left_out |= !cells.is_empty();
            return;
        }
        for count in cells {
            let target = count.cell.parent(self.resolution).unwrap_or(count.cell);
            let (lat, lon) = count.center.unwrap_or_else(|| {
                let center = LatLng::from(count.cell);
                (center.lat(), center.lng())
            });
            let sums = self.cells.entry(u64::from(target)).or_default();
            sums.points += count.points;
            sums.lat_nanodeg += i128::from(nanodegrees(lat)) * i128::from(count.points);
            sums.lon_nanodeg += i128::from(nanodegrees(lon)) * i128::from(count.points);
            sums.table_cells += 1;
            sums.table_aircraft = sums.table_aircraft.or(count.aircraft);
            sums.table_center = sums.table_center.or(Some((lat, lon)));
            sums.rolled_up |= target != count.cell;
            self.points += count.points;
        }
    }

    pub fn finish(self) -> Density {
        let mut aircraft_per_cell: FxHashMap<u64, u64> = FxHashMap::default();
        let mut aircraft_seen = vec![false; self.aircraft_ids.len()];
        for &(cell, aircraft) in &self.cell_aircraft {
            *aircraft_per_cell.entry(cell).or_default() += 1;
            aircraft_seen[aircraft as usize] = true;
        }
        let mut aircraft_incomplete = self.tables_left_out;
        let mut cells: Vec<CellStats> = self
            .cells
            .into_iter()
            .filter(|(_, sums)| sums.points > 0)
            .map(|(cell, sums)| {
                let mean = |sum: i128| sum as f64 / sums.points as f64 / NANODEGREES_PER_DEGREE;
                let from_points = aircraft_per_cell.get(&cell).copied().unwrap_or(0);
                let table_only = sums.table_cells == 1 && !sums.rolled_up && from_points == 0;
                aircraft_incomplete |= sums.table_cells > 0 && !table_only;
                let (center_lat, center_lon) = match sums.table_center {
                    Some(center) if table_only => center,
                    _ => (mean(sums.lat_nanodeg), mean(sums.lon_nanodeg)),
                };
                CellStats {
                    cell: CellIndex::try_from(cell).expect("cells are made by h3o"),
                    point_count: sums.points,
                    aircraft_count: if table_only { sums.table_aircraft.unwrap_or(0) } else { from_points },
                    center_lat,
                    center_lon,
                }
            })
            .collect();
        cells.sort_unstable_by_key(|cell| cell.cell);
        let aircraft = aircraft_seen.iter().filter(|&&seen| seen).count() as u64;
        Density { cells, points: self.points, aircraft, aircraft_incomplete }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(lat: f64, lon: f64, resolution: Resolution) -> CellIndex {
        LatLng::new(lat, lon).expect("valid").to_cell(resolution)
    }

    #[test]
    fn table_cells_roll_up_and_keep_their_own_resolution() {
        let fine = cell(47.0, 8.0, Resolution::Seven);
        let sibling = fine
            .parent(Resolution::Six)
            .and_then(|parent| parent.children(Resolution::Seven).find(|c| *c != fine))
            .expect("a sibling");
        let cells = [
            CellCount { cell: fine, points: 10, aircraft: Some(3), center: Some((47.0, 8.0)) },
            CellCount { cell: sibling, points: 30, aircraft: Some(5), center: None },
        ];
        let at = |resolution| {
            let mut builder = DensityBuilder::new(resolution, PointFilter::default());
            builder.add_cells(&cells);
            builder.finish()
        };
        let own = at(Resolution::Seven);
        assert_eq!(own.cells.len(), 2);
        assert_eq!(own.points, 40);
        let first = own.cells.iter().find(|c| c.cell == fine).expect("fine cell");
        assert_eq!(
            (first.point_count, first.aircraft_count, first.center_lat, first.center_lon),
            (10, 3, 47.0, 8.0)
        );
        assert!(!own.aircraft_incomplete);

        let coarse = at(Resolution::Six);
        assert_eq!(coarse.cells.len(), 1);
        assert_eq!(coarse.cells[0].point_count, 40);
        let sibling_center = LatLng::from(sibling);
        let expected_lat = (47.0 * 10.0 + sibling_center.lat() * 30.0) / 40.0;
        assert!((coarse.cells[0].center_lat - expected_lat).abs() < 1e-9, "count-weighted centre");
        assert!(coarse.aircraft_incomplete, "distinct aircraft do not add up");

        let finer = at(Resolution::Nine);
        assert_eq!(finer.cells.iter().map(|c| c.cell).collect::<Vec<_>>().len(), 2);
        assert!(
            finer.cells.iter().all(|c| c.cell.resolution() == Resolution::Seven),
            "a table cell is never split"
        );

        let mut filtered = DensityBuilder::new(
            Resolution::Seven,
            PointFilter { exclude_ground: true, ..PointFilter::default() },
        );
        filtered.add_cells(&cells);
        let filtered = filtered.finish();
        assert!(filtered.cells.is_empty() && filtered.aircraft_incomplete);
    }
}
