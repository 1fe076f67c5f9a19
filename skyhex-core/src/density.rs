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
use serde::{Deserialize, Serialize};

use crate::engine::merge::{MergedAircraft, MergedCells};
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

impl Density {
    /// Merges store aggregates (each with its cells in increasing order, as
    /// [`aggregate_store`] and [`merge_aggregates`] make them) and pre-aggregated cells into
    /// the cells of `resolution`. Filters select points by what tables cannot answer, so with
    /// any filter set the tables are left out.
    ///
    /// [`merge_aggregates`]: crate::engine::merge_aggregates
    pub fn merged(
        aggregates: &[StoreAggregate],
        tables: &[CellCount],
        resolution: Resolution,
        filter: &PointFilter,
    ) -> Self {
        let tables_left_out = !filter.is_empty() && !tables.is_empty();
        let (table_cells, table_sums) =
            if filter.is_empty() { table_sums(tables, resolution) } else { Default::default() };
        let lists: Vec<&[u64]> = aggregates
            .iter()
            .map(|aggregate| aggregate.cells.as_slice())
            .chain([table_cells.as_slice()])
            .collect();
        let merged = MergedCells::of(&lists);
        let aircraft = MergedAircraft::of(aggregates, &merged.index_of);
        let mut aircraft_per_cell = vec![0_u32; merged.cells.len()];
        let mut aircraft_seen = vec![false; aircraft.addresses.len()];
        for &pair in &aircraft.pairs {
            aircraft_per_cell[(pair >> 32) as usize] += 1;
            aircraft_seen[pair as u32 as usize] = true;
        }
        let mut aircraft_incomplete = tables_left_out;
        let mut cells = Vec::with_capacity(merged.cells.len());
        merged.for_each_cell(|index, parts| {
            let mut sums = CellSums::default();
            for &(list, at) in parts {
                match aggregates.get(list) {
                    Some(aggregate) => sums.merge(&CellSums::of_slot(aggregate, at)),
                    None => sums.merge(&table_sums[at]),
                }
            }
            if sums.points.points == 0 {
                return;
            }
            let from_points = u64::from(aircraft_per_cell[index]) + sums.private_aircraft;
            let table_only = sums.table_cells == 1 && !sums.rolled_up && from_points == 0;
            aircraft_incomplete |= sums.table_cells > 0 && !table_only;
            let aircraft_count = if table_only { sums.table_aircraft.unwrap_or(0) } else { from_points };
            cells.push(cell_stats(merged.cells[index], &sums, aircraft_count, table_only));
        });
        let private_aircraft: u64 = aggregates.iter().map(|aggregate| aggregate.private_aircraft_total).sum();
        Density {
            points: cells.iter().map(|cell| cell.point_count).sum(),
            aircraft: aircraft_seen.iter().filter(|&&seen| seen).count() as u64 + private_aircraft,
            aircraft_incomplete,
            cells,
        }
    }

    /// The points of `stores` that pass `filter`, at `resolution`.
    pub fn of_stores(stores: &[PointStore], resolution: Resolution, filter: &PointFilter) -> Self {
        let aggregates: Vec<_> = stores
            .iter()
            .map(|store| aggregate_store(store, resolution, filter, None, AircraftSharing::Possible))
            .collect();
        Self::merged(&aggregates, &[], resolution, filter)
    }
}

/// Sums of one cell: of stores' points, and of the table cells that fell into it.
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

impl CellSums {
    fn of_slot(aggregate: &StoreAggregate, slot: usize) -> Self {
        Self {
            points: aggregate.sums[slot],
            flights: aggregate.legs[slot],
            private_aircraft: aggregate.private_aircraft.get(slot).copied().map_or(0, u64::from),
            ..Self::default()
        }
    }

    /// Adds `other`'s sums; of table cells, the first one's aircraft and centre stay.
    fn merge(&mut self, other: &Self) {
        self.points.merge(&other.points);
        self.flights += other.flights;
        self.private_aircraft += other.private_aircraft;
        self.table_cells += other.table_cells;
        self.table_aircraft = self.table_aircraft.or(other.table_aircraft);
        self.table_center = self.table_center.or(other.table_center);
        self.rolled_up |= other.rolled_up;
    }
}

/// Pre-aggregated cells summed into their parents at `resolution` (a cell coarser than that
/// stays as it is), in increasing order of those.
fn table_sums(tables: &[CellCount], resolution: Resolution) -> (Vec<u64>, Vec<CellSums>) {
    // By target, then in the tables' order (the first table cell of a target stays first).
    let mut order: Vec<(u64, usize)> = tables
        .iter()
        .enumerate()
        .map(|(index, count)| (u64::from(count.cell.parent(resolution).unwrap_or(count.cell)), index))
        .collect();
    order.sort_unstable();
    let (mut targets, mut all_sums) = (Vec::new(), Vec::<CellSums>::new());
    for (target, index) in order {
        let count = &tables[index];
        if targets.last() != Some(&target) {
            targets.push(target);
            all_sums.push(CellSums::default());
        }
        let (lat, lon) = count.center.unwrap_or_else(|| {
            let center = LatLng::from(count.cell);
            (center.lat(), center.lng())
        });
        let sums = all_sums.last_mut().expect("pushed above");
        sums.points.points += count.points;
        sums.points.lat_nanodeg += i128::from(nanodegrees(lat)) * i128::from(count.points);
        sums.points.lon_nanodeg += i128::from(nanodegrees(lon)) * i128::from(count.points);
        sums.table_cells += 1;
        sums.table_aircraft = sums.table_aircraft.or(count.aircraft);
        sums.table_center = sums.table_center.or(Some((lat, lon)));
        sums.rolled_up |= target != u64::from(count.cell);
    }
    (targets, all_sums)
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
    Density::of_stores(&[store], resolution, filter)
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
        let density = Density::merged(&[], &table, Resolution::Six, &PointFilter::default());
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
        let at = |resolution| Density::merged(&[], &cells, resolution, &PointFilter::default());
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

        let ground_out =
            PointFilter { ground: crate::filter::GroundFilter::Exclude, ..PointFilter::default() };
        let filtered = Density::merged(&[], &cells, Resolution::Seven, &ground_out);
        assert!(filtered.cells.is_empty() && filtered.aircraft_incomplete);
    }
}
