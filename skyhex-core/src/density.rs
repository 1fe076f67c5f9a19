//! Density: the cells of one resolution with every metric, merged from the stores'
//! aggregates ([`crate::engine`]) and pre-aggregated cells.
//!
//! Each cell gets its point count, exact distinct aircraft addresses, aircraft-minutes,
//! distinct flight legs, mean and highest altitude, and the mean of its points'
//! coordinates. Sums are kept in fixed point, so results do not depend on the order in
//! which stores or points arrive, nor on how points are split between stores (workers).
//!
//! Pre-aggregated cells ([`CellCount`], from H3 tables) add their counts and centres at
//! their own resolution or rolled up to a coarser one; a cell finer than the target stays
//! as it is. Distinct aircraft do not add up, so a table's aircraft count is used only where
//! its cell is the target cell itself and nothing else fell into it. Tables carry no time
//! or altitude, so the other metrics come from points only.

use h3o::{CellIndex, LatLng, Resolution};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::engine::store::nanodegrees;
use crate::engine::{AircraftSharing, PointStore, PointSums, StoreAggregate, aggregate_store};
use crate::filter::PointFilter;

const NANODEGREES_PER_DEGREE: f64 = 1e9;

/// What a cell's colour (and an extra export column) shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// Accepted points (the seed pipeline's count).
    #[default]
    Points,
    /// Distinct aircraft addresses.
    Aircraft,
    /// Time aircraft spent in the cell: each point weighs the time to its aircraft's next
    /// point, capped ([`crate::engine::store::MAX_POINT_WEIGHT_MS`]); a heatmap record its interval.
    AircraftMinutes,
    /// Distinct flight legs (split on readsb's new-leg flag and on gaps over 30 minutes).
    Flights,
    MeanAltitude,
    MaxAltitude,
}

impl Metric {
    pub const ALL: [Self; 6] = [
        Self::Points,
        Self::Aircraft,
        Self::AircraftMinutes,
        Self::Flights,
        Self::MeanAltitude,
        Self::MaxAltitude,
    ];

    /// The name used by `skyhex aggregate --metric` and the page.
    pub fn name(self) -> &'static str {
        match self {
            Self::Points => "points",
            Self::Aircraft => "aircraft",
            Self::AircraftMinutes => "aircraft-minutes",
            Self::Flights => "flights",
            Self::MeanAltitude => "mean-altitude",
            Self::MaxAltitude => "max-altitude",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|metric| metric.name() == name.trim())
    }

    /// Its column in exported tables.
    pub fn column(self) -> &'static str {
        match self {
            Self::Points => "point_count",
            Self::Aircraft => "aircraft_count",
            Self::AircraftMinutes => "aircraft_minutes",
            Self::Flights => "flight_count",
            Self::MeanAltitude => "mean_alt_ft",
            Self::MaxAltitude => "max_alt_ft",
        }
    }

    /// What the legend says it counts.
    pub fn label(self) -> &'static str {
        match self {
            Self::Points => "points",
            Self::Aircraft => "aircraft",
            Self::AircraftMinutes => "aircraft-minutes",
            Self::Flights => "flights",
            Self::MeanAltitude => "mean altitude (ft)",
            Self::MaxAltitude => "max altitude (ft)",
        }
    }
}

/// The aggregate of one occupied cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CellStats {
    pub cell: CellIndex,
    pub point_count: u64,
    pub aircraft_count: u64,
    pub aircraft_minutes: f64,
    pub flight_count: u64,
    /// Over the cell's points with an altitude (none on the ground).
    pub mean_alt_ft: Option<f64>,
    pub max_alt_ft: Option<f64>,
    pub center_lat: f64,
    pub center_lon: f64,
}

impl CellStats {
    /// The cell's value of `metric` (`None`: no altitude reported in the cell).
    pub fn value(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::Points => Some(self.point_count as f64),
            Metric::Aircraft => Some(self.aircraft_count as f64),
            Metric::AircraftMinutes => Some(self.aircraft_minutes),
            Metric::Flights => Some(self.flight_count as f64),
            Metric::MeanAltitude => self.mean_alt_ft,
            Metric::MaxAltitude => self.max_alt_ft,
        }
    }
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

impl Density {
    /// The cell holding the position (degrees), if it has data: the position's H3 cell at
    /// the cells' resolution, found by binary search (cells are sorted by index).
    pub fn cell_at(&self, lat: f64, lon: f64) -> Option<&CellStats> {
        let resolution = self.cells.first()?.cell.resolution();
        let cell = LatLng::new(lat, lon).ok()?.to_cell(resolution);
        let index = self.cells.binary_search_by_key(&cell, |stats| stats.cell).ok()?;
        self.cells.get(index)
    }
}

/// One cell of a pre-aggregated H3 table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CellCount {
    pub cell: CellIndex,
    pub points: u64,
    pub aircraft: Option<u64>,
    /// Mean position of the cell's points (degrees), when the table has it.
    pub center: Option<(f64, f64)>,
}

/// Sums of one cell while stores and tables arrive.
#[derive(Debug, Clone, Copy, Default)]
struct CellSums {
    /// Points of stores, and of table cells (whose points and centres add here too).
    points: PointSums,
    flights: u64,
    /// Distinct aircraft counted by the stores that alone hold them.
    private_aircraft: u64,
    /// Table cells that fell into this cell, and the aircraft count and centre of the first
    /// (used as they are when it is the only one, so a table reads back unchanged).
    table_cells: u32,
    table_aircraft: Option<u64>,
    table_center: Option<(f64, f64)>,
    /// Whether a table cell was rolled up into this (coarser) cell.
    rolled_up: bool,
}

/// Merges store aggregates and pre-aggregated cells into the cells of one resolution
/// (one entry per occupied cell and per aircraft in a cell).
#[derive(Debug)]
pub struct DensityBuilder {
    resolution: Resolution,
    filter: PointFilter,
    aircraft_ids: FxHashMap<Box<str>, u32>,
    /// Where each cell is in `cells`.
    cell_index: FxHashMap<u64, u32>,
    cells: Vec<(u64, CellSums)>,
    /// (cell index, aircraft id) pairs, packed as `index << 32 | id`: distinct within each
    /// aggregate added, so only pairs of aircraft that several aggregates name may repeat.
    cell_aircraft: Vec<u64>,
    /// Per aircraft id, whether several aggregates named it.
    aircraft_shared: Vec<bool>,
    /// Distinct aircraft that aggregates counted themselves (no other holds them).
    private_aircraft_total: u64,
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
            cell_index: FxHashMap::default(),
            cells: Vec::new(),
            cell_aircraft: Vec::new(),
            aircraft_shared: Vec::new(),
            private_aircraft_total: 0,
            points: 0,
            tables_left_out: false,
        }
    }

    /// Adds the points of `store` that pass the filter.
    pub fn add_store(&mut self, store: &PointStore) {
        self.add_aggregate(&aggregate_store(
            store,
            self.resolution,
            &self.filter,
            None,
            AircraftSharing::Possible,
        ));
    }

    /// Adds what [`aggregate_store`] made of a store (at this builder's resolution and filter).
    pub fn add_aggregate(&mut self, aggregate: &StoreAggregate) {
        let mut indexes = Vec::with_capacity(aggregate.cells.len());
        let private = aggregate.private_aircraft.iter().copied().chain(std::iter::repeat(0));
        for (((&cell, sums), &legs), private) in
            aggregate.cells.iter().zip(&aggregate.sums).zip(&aggregate.legs).zip(private)
        {
            let (index, target) = self.cell_mut(cell);
            target.points.merge(sums);
            target.flights += legs;
            target.private_aircraft += u64::from(private);
            self.points += sums.points;
            indexes.push(u64::from(index));
        }
        self.private_aircraft_total += aggregate.private_aircraft_total;
        let ids: Vec<u32> = aggregate
            .addresses
            .iter()
            .map(|address| match self.aircraft_ids.get(address) {
                // An aggregate names each aircraft once: an earlier one named this.
                Some(&id) => {
                    self.aircraft_shared[id as usize] = true;
                    id
                }
                None => {
                    let id = self.aircraft_ids.len() as u32;
                    self.aircraft_ids.insert(address.clone(), id);
                    self.aircraft_shared.push(false);
                    id
                }
            })
            .collect();
        self.cell_aircraft.extend(
            aggregate
                .aircraft
                .iter()
                .map(|&(slot, address)| indexes[slot as usize] << 32 | u64::from(ids[address as usize])),
        );
    }

    /// The sums of `cell` (new ones start empty) and where they are.
    fn cell_mut(&mut self, cell: u64) -> (u32, &mut CellSums) {
        let next = self.cells.len() as u32;
        let index = *self.cell_index.entry(cell).or_insert(next);
        if index == next {
            self.cells.push((cell, CellSums::default()));
        }
        (index, &mut self.cells[index as usize].1)
    }

    /// The distinct (cell index, aircraft id) pairs, as `(index, id)`.
    fn distinct_cell_aircraft(&mut self) -> impl Iterator<Item = (u32, u32)> + '_ {
        if self.aircraft_shared.contains(&true) {
            let shared = &self.aircraft_shared;
            let (mut repeated, mut distinct): (Vec<u64>, Vec<u64>) =
                self.cell_aircraft.iter().partition(|&&pair| shared[pair as u32 as usize]);
            repeated.sort_unstable();
            repeated.dedup();
            distinct.append(&mut repeated);
            self.cell_aircraft = distinct;
            self.aircraft_shared.fill(false);
        }
        self.cell_aircraft.iter().map(|&pair| ((pair >> 32) as u32, pair as u32))
    }

    /// Adds pre-aggregated cells. Filters select points by what tables cannot answer, so
    /// with any filter set the cells are left out.
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
            let (_, sums) = self.cell_mut(u64::from(target));
            sums.points.points += count.points;
            sums.points.lat_nanodeg += i128::from(nanodegrees(lat)) * i128::from(count.points);
            sums.points.lon_nanodeg += i128::from(nanodegrees(lon)) * i128::from(count.points);
            sums.table_cells += 1;
            sums.table_aircraft = sums.table_aircraft.or(count.aircraft);
            sums.table_center = sums.table_center.or(Some((lat, lon)));
            sums.rolled_up |= target != count.cell;
            self.points += count.points;
        }
    }

    /// What the stores added so far sum to, as one aggregate to merge elsewhere (a worker's
    /// answer to the page). Pre-aggregated cells are not part of it: add them where it merges.
    pub fn into_aggregate(mut self) -> StoreAggregate {
        let aircraft = self.distinct_cell_aircraft().collect();
        let mut addresses = vec![Box::<str>::default(); self.aircraft_ids.len()];
        for (address, id) in self.aircraft_ids {
            addresses[id as usize] = address;
        }
        let private_aircraft = if self.private_aircraft_total > 0 {
            self.cells.iter().map(|(_, sums)| sums.private_aircraft as u32).collect()
        } else {
            Vec::new()
        };
        StoreAggregate {
            cells: self.cells.iter().map(|&(cell, _)| cell).collect(),
            sums: self.cells.iter().map(|(_, sums)| sums.points).collect(),
            legs: self.cells.iter().map(|(_, sums)| sums.flights).collect(),
            aircraft,
            addresses,
            private_aircraft,
            private_aircraft_total: self.private_aircraft_total,
        }
    }

    pub fn finish(mut self) -> Density {
        let mut aircraft_per_cell = vec![0_u64; self.cells.len()];
        let mut aircraft_seen = vec![false; self.aircraft_ids.len()];
        for (index, aircraft) in self.distinct_cell_aircraft() {
            aircraft_per_cell[index as usize] += 1;
            aircraft_seen[aircraft as usize] = true;
        }
        let mut aircraft_incomplete = self.tables_left_out;
        let mut cells: Vec<CellStats> = self
            .cells
            .iter()
            .zip(aircraft_per_cell)
            .filter(|((_, sums), _)| sums.points.points > 0)
            .map(|(&(cell, ref sums), from_pairs)| {
                let from_points = from_pairs + sums.private_aircraft;
                let table_only = sums.table_cells == 1 && !sums.rolled_up && from_points == 0;
                aircraft_incomplete |= sums.table_cells > 0 && !table_only;
                let aircraft_count = if table_only { sums.table_aircraft.unwrap_or(0) } else { from_points };
                cell_stats(cell, sums, aircraft_count, table_only)
            })
            .collect();
        cells.sort_unstable_by_key(|cell| cell.cell);
        let aircraft =
            aircraft_seen.iter().filter(|&&seen| seen).count() as u64 + self.private_aircraft_total;
        Density { cells, points: self.points, aircraft, aircraft_incomplete }
    }
}

fn cell_stats(cell: u64, cell_sums: &CellSums, aircraft_count: u64, table_only: bool) -> CellStats {
    let sums = &cell_sums.points;
    let mean = |sum: i128| sum as f64 / sums.points as f64 / NANODEGREES_PER_DEGREE;
    let (center_lat, center_lon) = match cell_sums.table_center {
        Some(center) if table_only => center,
        _ => (mean(sums.lat_nanodeg), mean(sums.lon_nanodeg)),
    };
    let has_alt = sums.alt_points > 0;
    CellStats {
        cell: CellIndex::try_from(cell).expect("cells are made by h3o"),
        point_count: sums.points,
        aircraft_count,
        aircraft_minutes: sums.weight_ms as f64 / 60_000.0,
        flight_count: cell_sums.flights,
        mean_alt_ft: has_alt.then(|| sums.alt_milli_ft as f64 / 1000.0 / sums.alt_points as f64),
        max_alt_ft: has_alt.then_some(f64::from(sums.alt_max_ft)),
        center_lat,
        center_lon,
    }
}

/// Aggregates the points of `batches` (canonical schema, one input) into cells at `resolution`.
pub fn aggregate<'a>(
    batches: impl IntoIterator<Item = &'a arrow::array::RecordBatch>,
    resolution: Resolution,
    filter: &PointFilter,
) -> Density {
    let batches: Vec<_> = batches.into_iter().cloned().collect();
    let mut store = PointStore::default();
    store.add_input(&batches);
    let mut builder = DensityBuilder::new(resolution, filter.clone());
    builder.add_store(&store);
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(lat: f64, lon: f64, resolution: Resolution) -> CellIndex {
        LatLng::new(lat, lon).expect("valid").to_cell(resolution)
    }

    #[test]
    fn the_cell_at_a_position_is_found_only_where_there_is_data() {
        let table = [
            CellCount { cell: cell(47.0, 8.0, Resolution::Six), points: 10, aircraft: None, center: None },
            CellCount { cell: cell(-33.9, 151.2, Resolution::Six), points: 3, aircraft: None, center: None },
        ];
        let mut builder = DensityBuilder::new(Resolution::Six, PointFilter::default());
        builder.add_cells(&table);
        let density = builder.finish();
        assert_eq!(density.cell_at(47.0001, 8.0001).map(|stats| stats.point_count), Some(10));
        assert_eq!(density.cell_at(-33.9, 151.2).map(|stats| stats.point_count), Some(3));
        assert!(density.cell_at(0.0, 0.0).is_none());
        assert!(density.cell_at(f64::NAN, 0.0).is_none());
        assert!(Density::default().cell_at(47.0, 8.0).is_none());
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
            PointFilter { ground: crate::filter::GroundFilter::Exclude, ..PointFilter::default() },
        );
        filtered.add_cells(&cells);
        let filtered = filtered.finish();
        assert!(filtered.cells.is_empty() && filtered.aircraft_incomplete);
    }
}
