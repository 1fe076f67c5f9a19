//! The compact point store: what stays in memory of every accepted point once an input is
//! decoded, 16 bytes a point for readsb-precision positions (see [`BYTES_PER_POINT`]),
//! plus one entry per distinct aircraft, flight leg and reported state.

use std::hash::{BuildHasher, Hash};
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use arrow::array::RecordBatch;
use h3o::Resolution;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::cells::CellColumn;
use super::chunked::Chunked;
use super::coded::Coded;
use crate::filter::SourceKind;
use crate::points::PointColumns;

/// Bytes each retained point takes: latitude and longitude (i32 each, in 1e-7 degree),
/// time within its leg (u32), altitude and state (2 bytes each: codes into the distinct
/// values of 65,536 points, [`Coded`]). A leg's points are consecutive, so legs are kept as
/// runs (one entry per leg), not per point. A store whose positions do not all fit 1e-7
/// degree exactly keeps them as f64: 8 bytes more.
pub const BYTES_PER_POINT: usize = 16;

/// Units of stored positions: 1e-7 degree (about 1 cm).
const UNITS_PER_DEGREE: f64 = 1e7;

/// readsb's trace flag for a position that was not updated since an earlier point.
const STALE_FLAG: u8 = 1;

/// readsb's trace flag for the first point of a new leg.
const NEW_LEG_FLAG: u8 = 2;

/// A point weighs the time to its aircraft's next point, at most this: longer gaps are
/// holes in coverage, not time spent where the point is (99 % of real trace gaps are
/// shorter than 94 s).
pub const MAX_POINT_WEIGHT_MS: u32 = 120_000;

/// A gap longer than this between an aircraft's points starts a new flight leg.
pub const LEG_GAP_MS: i64 = 30 * 60 * 1000;

/// Marks a point without a time.
const NO_TIME: u32 = u32::MAX;

/// An aircraft as its address identifies it, with what the inputs tell of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aircraft {
    /// `None` for points without an address (never counted as an aircraft).
    pub address: Option<Box<str>>,
    pub registration: Option<Box<str>>,
    pub type_code: Option<Box<str>>,
    pub db_flags: u16,
    /// Whether the aircraft has points in more than one input (its legs are then not all
    /// consecutive in the store).
    pub in_several_inputs: bool,
}

/// What a point reports besides position, time and altitude. Consecutive points mostly
/// share one, so each distinct state is kept once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PointState {
    pub callsign: Option<Box<str>>,
    pub squawk: Option<Box<str>>,
    pub source: SourceKind,
    pub on_ground: bool,
    /// The time the point stands for when its source says (a heatmap record).
    pub interval_ms: Option<u32>,
    /// readsb marked the position stale (not updated since an earlier point).
    pub stale: bool,
}

impl PointState {
    fn of(points: &PointColumns<'_>, row: usize) -> Self {
        Self {
            callsign: points.callsign(row).map(Box::from),
            squawk: points.squawk(row).map(Box::from),
            source: SourceKind::from_readsb(points.source(row)),
            on_ground: points.on_ground.value(row),
            interval_ms: points.interval_ms(row),
            stale: points.flags.value(row) & STALE_FLAG != 0,
        }
    }

    /// Whether the row reports this state (compared in place, without allocating).
    fn is_of(&self, points: &PointColumns<'_>, row: usize) -> bool {
        self.callsign.as_deref() == points.callsign(row)
            && self.squawk.as_deref() == points.squawk(row)
            && self.source == SourceKind::from_readsb(points.source(row))
            && self.on_ground == points.on_ground.value(row)
            && self.interval_ms == points.interval_ms(row)
            && self.stale == (points.flags.value(row) & STALE_FLAG != 0)
    }
}

/// A run of one aircraft's points, split on readsb's new-leg flag and on long gaps. Its
/// points are the store's points from `first_point` to the next leg's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leg {
    pub aircraft: u32,
    pub first_point: u32,
    /// Time of the leg's first point (ms since the Unix epoch); its points store offsets.
    pub start_ms: i64,
}

/// The points of one or more inputs, columnar and compact.
#[derive(Debug)]
pub struct PointStore {
    positions: Positions,
    offset_ms: Chunked<u32>,
    /// The bits of an `f32`, NaN when unknown (on the ground, or not reported).
    alt_ft_bits: Coded<u32>,
    state: Coded<u32>,
    legs: Vec<Leg>,
    aircraft: Vec<Aircraft>,
    /// The aircraft with an address, by its hash ([`fx_hash`]). These indexes hold ids only: a
    /// map from values would keep a second copy of each, strings included.
    aircraft_ids: HashTable<u32>,
    /// The aircraft entry of points without an address, once there is one.
    no_address: Option<u32>,
    states: Vec<PointState>,
    state_ids: HashTable<u32>,
    /// Memory the tables' strings take (addresses, registrations, callsigns...).
    strings_bytes: usize,
    /// The cells of the resolutions asked last, the most recent last ([`Self::cell_column`]).
    cell_columns: Mutex<Vec<Arc<CellColumn>>>,
    /// Of each leg's points, the store keeps the first and then every `keep_every`-th
    /// (1: all): the sampling that keeps a store within a memory budget.
    keep_every: u32,
}

impl Default for PointStore {
    fn default() -> Self {
        Self {
            positions: Positions::default(),
            offset_ms: Chunked::default(),
            alt_ft_bits: Coded::default(),
            state: Coded::default(),
            legs: Vec::new(),
            aircraft: Vec::new(),
            aircraft_ids: HashTable::new(),
            no_address: None,
            states: Vec::new(),
            state_ids: HashTable::new(),
            strings_bytes: 0,
            cell_columns: Mutex::default(),
            keep_every: 1,
        }
    }
}

/// One accepted point on its way into the store.
struct Row {
    aircraft: u32,
    time_ms: Option<i64>,
    batch: u32,
    row: u32,
}

impl PointStore {
    pub fn len(&self) -> usize {
        self.state.len()
    }

    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }

    /// Memory the store holds, in bytes (columns, tables and the cached cell column).
    pub fn retained_bytes(&self) -> usize {
        let columns = self.offset_ms.retained_bytes()
            + self.alt_ft_bits.retained_bytes()
            + self.state.retained_bytes()
            + self.positions.retained_bytes();
        // An index entry is an id and a control byte.
        let tables = self.legs.capacity() * size_of::<Leg>()
            + self.aircraft.capacity() * size_of::<Aircraft>()
            + self.states.capacity() * size_of::<PointState>()
            + (self.aircraft_ids.capacity() + self.state_ids.capacity()) * (size_of::<u32>() + 1)
            + self.strings_bytes;
        let cells = column_bytes(&self.cell_columns.lock().unwrap_or_else(PoisonError::into_inner));
        columns + tables + cells
    }

    /// Adds the points of one input (or archive member). Legs and point weights are worked
    /// out within it: its points are ordered by aircraft and time first.
    pub fn add_input(&mut self, batches: &[RecordBatch]) {
        let columns: Vec<PointColumns<'_>> = batches.iter().map(PointColumns::new).collect();
        let mut rows = Vec::with_capacity(columns.iter().map(PointColumns::len).sum());
        let known_aircraft = self.aircraft.len() as u32;
        let mut last: Option<(Option<&str>, u32)> = None;
        for (batch, points) in columns.iter().enumerate() {
            for row in 0..points.len() {
                // Consecutive points mostly share an aircraft: skip the lookup then.
                let address = points.address(row);
                let aircraft = match last {
                    Some((last_address, id)) if last_address == address => id,
                    _ => self.aircraft_id(address),
                };
                last = Some((address, aircraft));
                if aircraft < known_aircraft && address.is_some() {
                    self.aircraft[aircraft as usize].in_several_inputs = true;
                }
                self.describe_aircraft(aircraft, points, row);
                rows.push(Row {
                    aircraft,
                    time_ms: points.time_ms(row),
                    batch: batch as u32,
                    row: row as u32,
                });
            }
        }
        // Stable: points with equal times keep their input order. Points without a time
        // come last in their aircraft.
        rows.sort_by_key(|row| (row.aircraft, row.time_ms.is_none(), row.time_ms));
        let mut current: Option<(u32, i64)> = None;
        let mut last_time: Option<i64> = None;
        let mut last_state: Option<u32> = None;
        // Points of the current leg so far (kept or not).
        let mut in_leg = 0_u32;
        for row in rows {
            let points = &columns[row.batch as usize];
            let index = row.row as usize;
            let new_leg = match (current, row.time_ms) {
                (Some((leg, start)), time) => {
                    self.legs[leg as usize].aircraft != row.aircraft
                        || points.flags.value(index) & NEW_LEG_FLAG != 0
                        || match (time, last_time) {
                            (Some(time), Some(last)) => {
                                time - last > LEG_GAP_MS || time - start >= i64::from(NO_TIME)
                            }
                            (None, None) => false,
                            _ => true,
                        }
                }
                (None, _) => true,
            };
            if new_leg {
                let leg = self.legs.len() as u32;
                let first_point = self.len() as u32;
                self.legs.push(Leg {
                    aircraft: row.aircraft,
                    first_point,
                    start_ms: row.time_ms.unwrap_or(0),
                });
                current = Some((leg, row.time_ms.unwrap_or(0)));
                in_leg = 0;
            }
            let (_, start) = current.expect("a leg was started");
            last_time = row.time_ms;
            let position_in_leg = in_leg;
            in_leg += 1;
            if !position_in_leg.is_multiple_of(self.keep_every) {
                continue;
            }
            let state = match last_state {
                Some(id) if self.states[id as usize].is_of(points, index) => id,
                _ => self.state_id(points, index),
            };
            last_state = Some(state);
            let offset_ms = row.time_ms.map_or(NO_TIME, |time| (time - start) as u32);
            self.push_point(points, index, state, offset_ms);
        }
    }

    /// The sampling factor: of each leg's points, the first and every `keep_every`-th after.
    pub fn keep_every(&self) -> u32 {
        self.keep_every
    }

    /// Samples the store down to one point in `keep_every` of each leg (a multiple of the
    /// current factor), now and for the inputs added later. Each leg keeps its first point,
    /// so tracks, legs and aircraft stay; a point's weight becomes the time to the next
    /// point kept.
    pub fn sample(&mut self, keep_every: u32) {
        if keep_every <= self.keep_every || !keep_every.is_multiple_of(self.keep_every) {
            return;
        }
        // Without a copy of the columns: in wasm a copy would stay as the memory's high-water mark.
        let step = (keep_every / self.keep_every) as usize;
        let len = self.len();
        let starts: Vec<usize> = self.legs.iter().map(|leg| leg.first_point as usize).collect();
        let leg_points = |leg: usize| starts[leg]..starts.get(leg + 1).copied().unwrap_or(len);
        let kept = || (0..starts.len()).flat_map(|leg| leg_points(leg).step_by(step));
        let mut first_kept = 0;
        for (index, leg) in self.legs.iter_mut().enumerate() {
            leg.first_point = first_kept as u32;
            first_kept += leg_points(index).len().div_ceil(step);
        }
        self.positions.keep_in_order(kept());
        self.offset_ms.keep_in_order(kept());
        self.alt_ft_bits.keep_in_order(kept());
        self.state.keep_in_order(kept());
        self.cell_columns.get_mut().unwrap_or_else(PoisonError::into_inner).clear();
        self.shrink_to_fit();
        self.keep_every = keep_every;
    }

    fn state_id(&mut self, points: &PointColumns<'_>, row: usize) -> u32 {
        let state = PointState::of(points, row);
        let hash = fx_hash(&state);
        let states = &self.states;
        if let Some(&id) = self.state_ids.find(hash, |&id| states[id as usize] == state) {
            return id;
        }
        let id = states.len() as u32;
        self.strings_bytes += heap_bytes(state.callsign.as_deref()) + heap_bytes(state.squawk.as_deref());
        self.states.push(state);
        let states = &self.states;
        self.state_ids.insert_unique(hash, id, |&id| fx_hash(&states[id as usize]));
        id
    }

    fn push_point(&mut self, points: &PointColumns<'_>, row: usize, state: u32, offset_ms: u32) {
        self.positions.push(points.lat.value(row), points.lon.value(row));
        self.offset_ms.push(offset_ms);
        self.alt_ft_bits.push(points.alt_ft(row).map_or(f32::NAN, |alt| alt as f32).to_bits());
        self.state.push(state);
    }

    fn aircraft_id(&mut self, address: Option<&str>) -> u32 {
        let known = match address {
            Some(address) => self.find_aircraft(address),
            None => self.no_address,
        };
        known.unwrap_or_else(|| {
            let id = self.aircraft.len() as u32;
            self.aircraft.push(Aircraft { address: address.map(Box::from), ..Aircraft::default() });
            self.strings_bytes += heap_bytes(address);
            match address {
                Some(address) => {
                    let aircraft = &self.aircraft;
                    self.aircraft_ids.insert_unique(fx_hash(address), id, |&id| {
                        fx_hash(aircraft[id as usize].address.as_deref().unwrap_or_default())
                    });
                }
                None => self.no_address = Some(id),
            }
            id
        })
    }

    /// Records what the row tells of its aircraft (the first registration and type given,
    /// every dbFlags bit).
    fn describe_aircraft(&mut self, id: u32, points: &PointColumns<'_>, row: usize) {
        let aircraft = &mut self.aircraft[id as usize];
        if aircraft.registration.is_none() {
            aircraft.registration = points.registration(row).map(Box::from);
            self.strings_bytes += heap_bytes(aircraft.registration.as_deref());
        }
        if aircraft.type_code.is_none() {
            aircraft.type_code = points.type_code(row).map(Box::from);
            self.strings_bytes += heap_bytes(aircraft.type_code.as_deref());
        }
        aircraft.db_flags |= points.db_flags(row).unwrap_or(0);
    }

    /// The hashes of the addresses of the aircraft from index `first` on (those added since
    /// the store had `first`), to tell which stores share aircraft ([`super::sharing`]).
    pub fn address_hashes(&self, first: usize) -> impl Iterator<Item = u64> + '_ {
        self.aircraft
            .get(first..)
            .unwrap_or_default()
            .iter()
            .filter_map(|a| a.address.as_deref().map(address_hash))
    }

    /// The index in [`Self::aircraft`] of the aircraft with this address, if the store has it.
    pub fn find_aircraft(&self, address: &str) -> Option<u32> {
        let aircraft = &self.aircraft;
        self.aircraft_ids
            .find(fx_hash(address), |&id| aircraft[id as usize].address.as_deref() == Some(address))
            .copied()
    }

    pub fn aircraft(&self) -> &[Aircraft] {
        &self.aircraft
    }

    pub fn states(&self) -> &[PointState] {
        &self.states
    }

    pub fn legs(&self) -> &[Leg] {
        &self.legs
    }

    /// Each leg with the range of its points.
    pub fn leg_points(&self) -> impl Iterator<Item = (u32, Range<usize>)> + '_ {
        (0..self.legs.len()).map(|leg| (leg as u32, self.legs[leg].first_point as usize..self.leg_end(leg)))
    }

    fn leg_end(&self, leg: usize) -> usize {
        self.legs.get(leg + 1).map_or(self.len(), |next| next.first_point as usize)
    }

    /// The leg of a point (a binary search: loops over points go leg by leg instead).
    pub fn leg_of(&self, point: usize) -> u32 {
        (self.legs.partition_point(|leg| leg.first_point as usize <= point) - 1) as u32
    }

    pub fn state_of(&self, point: usize) -> u32 {
        self.state.get(point)
    }

    /// The point's position in degrees, exactly as decoded.
    pub fn lat_lon(&self, point: usize) -> (f64, f64) {
        self.positions.get(point)
    }

    /// The point's position in nanodegrees (integers, for order-independent sums).
    pub fn nanodegrees(&self, point: usize) -> (i64, i64) {
        self.positions.nanodegrees(point)
    }

    /// Frees the room kept for points to come (once an input is complete).
    pub fn shrink_to_fit(&mut self) {
        for column in self.cell_columns.get_mut().unwrap_or_else(PoisonError::into_inner) {
            Arc::make_mut(column).shrink_to_fit();
        }
        self.positions.shrink_to_fit();
        self.offset_ms.shrink_to_fit();
        self.alt_ft_bits.shrink_to_fit();
        self.state.shrink_to_fit();
        self.legs.shrink_to_fit();
    }

    pub fn time_ms(&self, point: usize) -> Option<i64> {
        self.time_in_leg_ms(self.leg_of(point), point)
    }

    /// The time of `point`, a point of `leg`.
    pub fn time_in_leg_ms(&self, leg: u32, point: usize) -> Option<i64> {
        let offset = self.offset_ms.get(point);
        (offset != NO_TIME).then(|| self.legs[leg as usize].start_ms + i64::from(offset))
    }

    pub fn alt_ft(&self, point: usize) -> Option<f32> {
        let alt = f32::from_bits(self.alt_ft_bits.get(point));
        (!alt.is_nan()).then_some(alt)
    }

    /// The time the point stands for: its heatmap interval, or the time to the next point
    /// of its leg capped at [`MAX_POINT_WEIGHT_MS`] (0 for a leg's last point).
    pub fn weight_ms(&self, point: usize) -> u32 {
        self.weight_in_leg_ms(point, self.leg_end(self.leg_of(point) as usize))
    }

    /// [`Self::weight_ms`] of a point whose leg ends before `leg_end`.
    pub fn weight_in_leg_ms(&self, point: usize, leg_end: usize) -> u32 {
        self.states[self.state.get(point) as usize]
            .interval_ms
            .unwrap_or_else(|| self.gap_to_next_ms(point, leg_end))
    }

    /// The time to the next point of the point's leg (which ends before `leg_end`), capped at
    /// [`MAX_POINT_WEIGHT_MS`] (0 for a leg's last point).
    pub fn gap_to_next_ms(&self, point: usize, leg_end: usize) -> u32 {
        let next = point + 1;
        if next >= leg_end {
            return 0;
        }
        match (self.offset_ms.get(point), self.offset_ms.get(next)) {
            (NO_TIME, _) | (_, NO_TIME) => 0,
            (this, next) => (next - this).min(MAX_POINT_WEIGHT_MS),
        }
    }

    /// The cell of every point at `resolution`: computed once per resolution asked, then
    /// only for the points added since (points are only ever appended). The columns of the
    /// resolutions asked before stay while all fit in [`COLUMN_CACHE_BYTES_PER_POINT`], so
    /// going back to one is immediate.
    pub fn cell_column(&self, resolution: Resolution) -> Arc<CellColumn> {
        let mut columns = self.cell_columns.lock().unwrap_or_else(PoisonError::into_inner);
        let mut column = match columns.iter().position(|column| column.resolution == resolution) {
            Some(index) => columns.remove(index),
            None => Arc::new(CellColumn::new(resolution)),
        };
        if column.len() < self.len() {
            Arc::make_mut(&mut column).extend(self);
        }
        columns.push(Arc::clone(&column));
        self.keep_columns_within_allowance(&mut columns);
        column
    }

    /// Computes up to `max_points` more of the cells at `resolution` before a query asks
    /// for them (a worker does so while idle, in slices); returns whether some are left.
    /// The column joins the cache behind the one asked last. It pushes out no column asked
    /// before (the user may well go back to one): past the allowance it is let go instead.
    pub fn prepare_cell_column(&self, resolution: Resolution, max_points: usize) -> bool {
        let mut columns = self.cell_columns.lock().unwrap_or_else(PoisonError::into_inner);
        let index = columns.iter().position(|column| column.resolution == resolution).unwrap_or_else(|| {
            let behind_last = columns.len().saturating_sub(1);
            columns.insert(behind_last, Arc::new(CellColumn::new(resolution)));
            behind_last
        });
        Arc::make_mut(&mut columns[index]).extend_by(self, max_points);
        if self.past_allowance(&columns) {
            columns.remove(index);
            return false;
        }
        columns[index].len() < self.len()
    }

    /// Drops the oldest columns (never the last asked) past [`COLUMN_CACHE_BYTES_PER_POINT`].
    fn keep_columns_within_allowance(&self, columns: &mut Vec<Arc<CellColumn>>) {
        while columns.len() > 1 && self.past_allowance(columns) {
            columns.remove(0);
        }
    }

    /// Whether `columns` take more than [`COLUMN_CACHE_BYTES_PER_POINT`] (counted complete:
    /// a column computed in slices is not pushed out by its lookups).
    fn past_allowance(&self, columns: &[Arc<CellColumn>]) -> bool {
        columns.iter().map(|column| column.complete_bytes()).sum::<usize>()
            > self.len() * COLUMN_CACHE_BYTES_PER_POINT
    }

    /// Drops the column of `resolution` unless it is the one asked last (a column prepared
    /// ahead that would not fit a memory budget).
    pub fn forget_prepared_column(&mut self, resolution: Resolution) {
        let columns = self.cell_columns.get_mut().unwrap_or_else(PoisonError::into_inner);
        let asked_last = columns.len().saturating_sub(1);
        if let Some(index) = columns.iter().position(|column| column.resolution == resolution)
            && index != asked_last
        {
            columns.remove(index);
        }
    }

    /// Drops the columns of the resolutions asked before the last (to fit a memory budget).
    pub fn forget_earlier_columns(&mut self) {
        let columns = self.cell_columns.get_mut().unwrap_or_else(PoisonError::into_inner);
        columns.drain(..columns.len().saturating_sub(1));
    }
}

/// Memory the cell columns of several resolutions may take together, per point (a column
/// takes 4 bytes per point and its runs' sums up to 8 more).
const COLUMN_CACHE_BYTES_PER_POINT: usize = 16;

fn column_bytes(columns: &[Arc<CellColumn>]) -> usize {
    columns.iter().map(|column| column.retained_bytes()).sum()
}

/// Point positions, exactly as decoded: in 1e-7 degree units while every value is a whole
/// number of them (readsb writes 6 decimals; the division back is correctly rounded, so
/// such a value returns as the very `f64` it was parsed to), else as `f64`.
#[derive(Debug)]
enum Positions {
    Units { lat: Chunked<i32>, lon: Chunked<i32> },
    Degrees { lat: Chunked<f64>, lon: Chunked<f64> },
}

impl Default for Positions {
    fn default() -> Self {
        Self::Units { lat: Chunked::default(), lon: Chunked::default() }
    }
}

impl Positions {
    fn keep_in_order(&mut self, sources: impl Iterator<Item = usize> + Clone) {
        match self {
            Self::Units { lat, lon } => {
                lat.keep_in_order(sources.clone());
                lon.keep_in_order(sources);
            }
            Self::Degrees { lat, lon } => {
                lat.keep_in_order(sources.clone());
                lon.keep_in_order(sources);
            }
        }
    }

    fn push(&mut self, lat: f64, lon: f64) {
        if let Self::Units { lat: lats, lon: lons } = self {
            match (to_units(lat), to_units(lon)) {
                (Some(lat), Some(lon)) => {
                    lats.push(lat);
                    lons.push(lon);
                    return;
                }
                _ => self.widen(),
            }
        }
        if let Self::Degrees { lat: lats, lon: lons } = self {
            lats.push(lat);
            lons.push(lon);
        }
    }

    /// Switches to `f64` storage for a value that units cannot hold exactly.
    fn widen(&mut self) {
        if let Self::Units { lat, lon } = self {
            let lat = lat.iter().map(from_units).collect();
            let lon = lon.iter().map(from_units).collect();
            *self = Self::Degrees { lat, lon };
        }
    }

    fn get(&self, point: usize) -> (f64, f64) {
        match self {
            Self::Units { lat, lon } => (from_units(lat.get(point)), from_units(lon.get(point))),
            Self::Degrees { lat, lon } => (lat.get(point), lon.get(point)),
        }
    }

    fn nanodegrees(&self, point: usize) -> (i64, i64) {
        match self {
            Self::Units { lat, lon } => {
                let (lat, lon) = (lat.get(point), lon.get(point));
                (i64::from(lat) * NANODEGREES_PER_UNIT, i64::from(lon) * NANODEGREES_PER_UNIT)
            }
            Self::Degrees { lat, lon } => (nanodegrees(lat.get(point)), nanodegrees(lon.get(point))),
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            Self::Units { lat, lon } => {
                lat.shrink_to_fit();
                lon.shrink_to_fit();
            }
            Self::Degrees { lat, lon } => {
                lat.shrink_to_fit();
                lon.shrink_to_fit();
            }
        }
    }

    fn retained_bytes(&self) -> usize {
        match self {
            Self::Units { lat, lon } => lat.retained_bytes() + lon.retained_bytes(),
            Self::Degrees { lat, lon } => lat.retained_bytes() + lon.retained_bytes(),
        }
    }
}

/// The value in 1e-7 degree units, when that is exact.
fn to_units(degrees: f64) -> Option<i32> {
    let units = (degrees * UNITS_PER_DEGREE).round();
    let fits = units.abs() <= f64::from(i32::MAX) && from_units(units as i32) == degrees;
    fits.then_some(units as i32)
}

fn from_units(units: i32) -> f64 {
    f64::from(units) / UNITS_PER_DEGREE
}

/// An altitude in whole thousandths of a foot (fixed point, so sums do not depend on
/// order): `(alt * 1000).round()`, saturating, without the `round` library call that
/// wasm32 (and x86-64 before SSE4.1) lacks an instruction for.
pub fn milli_ft(alt_ft: f32) -> i64 {
    let milli = f64::from(alt_ft) * 1000.0;
    let whole = milli as i64;
    // `milli - whole` is exact while `whole` is (below 2^53); beyond, `milli` has no fraction.
    if (milli - whole as f64).abs() >= 0.5 { whole.saturating_add(milli.signum() as i64) } else { whole }
}

fn fx_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    FxBuildHasher.hash_one(value)
}

/// A hash of an address that other stores (and workers) compare without the address:
/// 64 bits on every target. Fx hashes are `usize` wide, so in wasm32 a day's ~10^5
/// aircraft had about one pair of addresses with the same hash, which made two workers
/// look as if they shared aircraft (and send pairs) on some loads and not others.
fn address_hash(address: &str) -> u64 {
    std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(address)
}

/// Memory a string of the tables takes on the heap: its bytes rounded up to the
/// allocator's 8-byte granule, and the allocator's header.
fn heap_bytes(text: Option<&str>) -> usize {
    text.map_or(0, |text| text.len().next_multiple_of(8) + 8)
}

/// Nanodegrees in one stored unit.
const NANODEGREES_PER_UNIT: i64 = 100;

/// Degrees as whole nanodegrees (1e-9 degree is well below a millimetre).
pub fn nanodegrees(degrees: f64) -> i64 {
    (degrees * 1e9).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::points::{Point, PointsBuilder};

    fn store_of(points: &[Point<'_>]) -> PointStore {
        let mut builder = PointsBuilder::default();
        points.iter().for_each(|point| builder.push(point));
        let mut store = PointStore::default();
        store.add_input(&[builder.finish().expect("short texts").0]);
        store
    }

    fn at(address: &'static str, time_ms: i64) -> Point<'static> {
        Point { address: Some(address), time_ms: Some(time_ms), lat: 47.5, lon: 8.5, ..Point::default() }
    }

    #[test]
    fn legs_split_on_the_new_leg_flag_and_long_gaps_and_points_are_ordered() {
        let store = store_of(&[
            at("b", 5_000),
            at("a", 10_000),
            at("a", 0),
            Point { flags: NEW_LEG_FLAG, ..at("a", 20_000) },
            at("a", 20_000 + LEG_GAP_MS + 1),
            Point { time_ms: None, ..at("a", 0) },
        ]);
        let legs: Vec<u32> = (0..store.len()).map(|point| store.leg_of(point)).collect();
        // Aircraft in order of first appearance, each by time:
        // b@5s | a@0, a@10s | a@20s (flag) | a after the gap | a without time
        assert_eq!(legs, [0, 1, 1, 2, 3, 4]);
        let times: Vec<Option<i64>> = (0..store.len()).map(|point| store.time_ms(point)).collect();
        assert_eq!(times[..4], [Some(5_000), Some(0), Some(10_000), Some(20_000)]);
        assert_eq!(times[5], None);
        let weights: Vec<u32> = (0..store.len()).map(|point| store.weight_ms(point)).collect();
        assert_eq!(weights, [0, 10_000, 0, 0, 0, 0], "to the next point of the leg; 0 at a leg's end");
    }

    #[test]
    fn weights_are_capped_and_heatmap_records_weigh_their_interval() {
        let store = store_of(&[
            at("a", 0),
            at("a", 600_000),
            at("a", 600_500),
            Point { interval_ms: Some(30_000), ..at("h", 0) },
        ]);
        let weights: Vec<u32> = (0..store.len()).map(|point| store.weight_ms(point)).collect();
        assert_eq!(weights, [MAX_POINT_WEIGHT_MS, 500, 0, 30_000]);
    }

    #[test]
    fn milli_ft_rounds_like_round() {
        for alt in [0.0, 0.0625, -0.0625, 0.0005, 1234.5678, -2.5e-3, 37_000.0, 1.5e-4, -1e9, 0.49999997] {
            assert_eq!(milli_ft(alt), (f64::from(alt) * 1000.0).round() as i64, "{alt}");
        }
        assert_eq!(milli_ft(f32::MAX), i64::MAX);
        assert_eq!(milli_ft(f32::NEG_INFINITY), i64::MIN);
    }

    #[test]
    fn positions_come_back_exactly() {
        let six_decimals = store_of(&[Point { lat: 37.002838, lon: -121.817003, ..at("a", 0) }]);
        assert_eq!(six_decimals.lat_lon(0), (37.002838, -121.817003));
        let many = [
            Point { lat: 37.5, lon: 8.25, ..at("a", 0) },
            Point { lat: 0.1 + 0.2, lon: -180.0, ..at("a", 1) },
        ];
        let widened = store_of(&many);
        assert_eq!(widened.lat_lon(0), (37.5, 8.25));
        assert_eq!(widened.lat_lon(1), (0.1 + 0.2, -180.0), "a value finer than 1e-7 degree keeps its f64");
    }
}
