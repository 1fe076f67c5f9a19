//! Queries over a [`PointStore`]: per-cell sums of the points a filter keeps, and the
//! histograms the page's brushes draw. Each store is queried on its own (one per input, or
//! per worker) and the results merge exactly ([`super::merge`]).

use h3o::Resolution;
use serde::{Deserialize, Serialize};

use super::cells::CellRun;
use super::store::{Aircraft, PointStore, milli_ft};
use crate::filter::PointFilter;
use crate::serde_exact::deserialize as exact;

/// Sums over one cell's points in one store.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
/// The 128-bit sums come first: aligned to 16 bytes, they would leave gaps between 8-byte
/// fields (80 bytes a cell instead of 96, in every query's and every merge's sums).
pub struct PointSums {
    /// Coordinates summed in nanodegrees (fixed point, so sums do not depend on order).
    pub lat_nanodeg: i128,
    pub lon_nanodeg: i128,
    /// The sum of the altitudes of `alt_points`, in thousandths of a foot (fixed point, so
    /// sums do not depend on order).
    pub alt_milli_ft: i128,
    pub points: u64,
    /// Time the points stand for ([`PointStore::weight_ms`]).
    pub weight_ms: u64,
    /// Points with an altitude (off the ground), and the highest.
    pub alt_points: u64,
    pub alt_max_ft: f32,
}

impl Default for PointSums {
    fn default() -> Self {
        Self {
            points: 0,
            lat_nanodeg: 0,
            lon_nanodeg: 0,
            weight_ms: 0,
            alt_points: 0,
            alt_milli_ft: 0,
            alt_max_ft: f32::NEG_INFINITY,
        }
    }
}

impl PointSums {
    /// Adds the sums of other points (of another store, in the same cell).
    pub fn merge(&mut self, other: &Self) {
        self.points += other.points;
        self.lat_nanodeg += other.lat_nanodeg;
        self.lon_nanodeg += other.lon_nanodeg;
        self.weight_ms += other.weight_ms;
        self.alt_points += other.alt_points;
        self.alt_milli_ft += other.alt_milli_ft;
        self.alt_max_ft = self.alt_max_ft.max(other.alt_max_ft);
    }
}

/// What one store contributes to the cells of one resolution: self-contained (aircraft by
/// address), so it can cross from a worker to the page and merge there.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreAggregate {
    /// The occupied cells (index of each slot).
    #[serde(deserialize_with = "exact")]
    pub cells: Vec<u64>,
    #[serde(deserialize_with = "exact")]
    pub sums: Vec<PointSums>,
    /// Distinct flight legs per slot (legs never span stores, so these add up).
    #[serde(deserialize_with = "exact")]
    pub legs: Vec<u64>,
    /// Distinct (slot, aircraft) pairs, aircraft as indexes into `addresses`: aircraft that
    /// other aggregates may hold too, so the merge must tell them apart.
    #[serde(deserialize_with = "exact")]
    pub aircraft: Vec<(u32, u32)>,
    #[serde(deserialize_with = "exact")]
    pub addresses: Vec<Box<str>>,
    /// Distinct aircraft per slot that no other aggregate holds (counted where they are,
    /// instead of as pairs: a day's archive names ~10^7 pairs at res 6); empty when none.
    #[serde(deserialize_with = "exact")]
    pub private_aircraft: Vec<u32>,
    /// Distinct such aircraft over all slots.
    pub private_aircraft_total: u64,
}

/// What a query needs of each state and leg of a store, decided once per query so the
/// loop over points does two lookups.
pub(super) struct Kept<'a> {
    filter: &'a PointFilter,
    states: Vec<StateKept>,
    legs: Vec<bool>,
    /// Whether every state is kept (runs can then be added whole).
    all_states: bool,
    /// Whether points must be tested one by one (a time window or an altitude band is set).
    by_time: bool,
    by_alt: bool,
}

#[derive(Clone, Copy)]
struct StateKept {
    kept: bool,
    on_ground: bool,
    interval_ms: Option<u32>,
}

/// How many of a run's points a filter keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Share {
    All,
    None,
    Some,
}

impl Share {
    /// From whether the filter keeps both ends of a run's range and whether the range lies
    /// wholly outside what it keeps (when neither, the points are tested one by one).
    fn of(ends_kept: bool, outside: bool) -> Self {
        match (ends_kept, outside) {
            (true, _) => Self::All,
            (false, true) => Self::None,
            (false, false) => Self::Some,
        }
    }
}

impl<'a> Kept<'a> {
    pub(super) fn of(store: &PointStore, filter: &'a PointFilter) -> Self {
        let aircraft: Vec<bool> = store
            .aircraft()
            .iter()
            .map(|a: &Aircraft| {
                filter.keeps_aircraft(
                    a.address.as_deref(),
                    a.registration.as_deref(),
                    a.type_code.as_deref(),
                    a.db_flags,
                )
            })
            .collect();
        let states: Vec<StateKept> = store
            .states()
            .iter()
            .map(|s| StateKept {
                kept: filter.keeps_state(s.callsign.as_deref(), s.squawk.as_deref(), s.source, s.on_ground),
                on_ground: s.on_ground,
                interval_ms: s.interval_ms,
            })
            .collect();
        let legs = store.legs().iter().map(|leg| aircraft[leg.aircraft as usize]).collect();
        let by_time = filter.from_ms.is_some() || filter.to_ms.is_some();
        let by_alt = filter.min_alt_ft.is_some() || filter.max_alt_ft.is_some();
        let all_states = states.iter().all(|state| state.kept);
        Self { filter, states, legs, all_states, by_time, by_alt }
    }

    /// Whether the filter keeps `point`, a point of `leg`.
    pub(super) fn keeps_point(&self, store: &PointStore, leg: u32, point: usize) -> bool {
        let state = self.states[store.state_of(point) as usize];
        self.legs[leg as usize]
            && state.kept
            && self.in_window_and_band(store, leg, point, state) == (true, true)
    }

    /// Whether `point` (of `leg`, in `state`) is in the filter's time window and altitude band.
    fn in_window_and_band(
        &self,
        store: &PointStore,
        leg: u32,
        point: usize,
        state: StateKept,
    ) -> (bool, bool) {
        let in_window = !self.by_time || self.filter.keeps_time(store.time_in_leg_ms(leg, point));
        let in_band =
            !self.by_alt || self.filter.keeps_alt(store.alt_ft(point).map(f64::from), state.on_ground);
        (in_window, in_band)
    }

    /// The run's points in the time window (a leg's times never decrease, so the first
    /// and last decide).
    fn window_share(&self, store: &PointStore, leg: u32, run: &CellRun) -> Share {
        if !self.by_time {
            return Share::All;
        }
        let points = run.points();
        let (Some(first), Some(last)) =
            (store.time_in_leg_ms(leg, points.start), store.time_in_leg_ms(leg, points.end - 1))
        else {
            return Share::None;
        };
        let filter = self.filter;
        let outside =
            filter.to_ms.is_some_and(|to| first >= to) || filter.from_ms.is_some_and(|from| last < from);
        Share::of(filter.keeps_time(Some(first)) && filter.keeps_time(Some(last)), outside)
    }

    /// The run's points in the altitude band.
    fn band_share(&self, run: &CellRun) -> Share {
        if !self.by_alt || run.airborne_points == 0 {
            return if self.by_alt { Share::None } else { Share::All };
        }
        if run.airborne_points < run.points {
            return Share::Some;
        }
        let (low, high) = (f64::from(run.airborne_min_ft), f64::from(run.airborne_max_ft));
        let filter = self.filter;
        let outside =
            filter.max_alt_ft.is_some_and(|max| low > max) || filter.min_alt_ft.is_some_and(|min| high < min);
        Share::of(filter.keeps_alt(Some(low), false) && filter.keeps_alt(Some(high), false), outside)
    }
}

/// Whether the other stores of a merge may hold aircraft of this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AircraftSharing {
    /// They may: aircraft travel as pairs, told apart where the aggregates merge.
    Possible,
    /// No other store holds any of its aircraft: they are counted per cell in the store.
    None,
}

impl AircraftSharing {
    /// `None` for a store that alone holds its aircraft, else `Possible`.
    pub fn of_store_alone(alone: bool) -> Self {
        if alone { Self::None } else { Self::Possible }
    }
}

/// Sums the points of `store` that `filter` keeps into cells at `resolution`, and counts
/// them into `histograms` on the way (each histogram ignoring its own dimension's filter).
pub fn aggregate_store(
    store: &PointStore,
    resolution: Resolution,
    filter: &PointFilter,
    histograms: Option<&mut Histograms>,
    sharing: AircraftSharing,
) -> StoreAggregate {
    let column = store.cell_column(resolution);
    let kept = Kept::of(store, filter);
    let mut sums = Accumulator::new(store, &kept, column.cells.len(), histograms, sharing);
    let mut runs = column.runs.iter().peekable();
    let mut slots = column.slot_cursor();
    for (leg, points) in store.leg_points() {
        if !kept.legs[leg as usize] {
            continue;
        }
        let mut point = points.start;
        while point < points.end {
            while runs.next_if(|run| (run.first_point as usize) < point).is_some() {}
            match runs.next_if(|run| run.first_point as usize == point) {
                Some(run) => {
                    sums.add_run(leg, &run, points.end);
                    point += run.points as usize;
                }
                None => {
                    sums.add_point(leg, point, slots.slot(point), points.end);
                    point += 1;
                }
            }
        }
    }
    sums.finish(&column.cells)
}

/// A query's sums in progress, per slot of the cell column.
struct Accumulator<'a> {
    store: &'a PointStore,
    kept: &'a Kept<'a>,
    histograms: Option<&'a mut Histograms>,
    sums: Vec<PointSums>,
    /// Distinct legs per slot.
    legs: Vec<u64>,
    last_aircraft: Vec<u32>,
    last_leg: Vec<u32>,
    /// Pairs to tell apart: all of them, or with no sharing those of aircraft that recur
    /// in the store (their legs are not consecutive).
    aircraft_pairs: Vec<(u32, u32)>,
    /// With no sharing: distinct aircraft per slot (other than recurring ones), and which
    /// aircraft had points kept.
    private: Option<PrivateAircraft>,
}

struct PrivateAircraft {
    per_slot: Vec<u32>,
    seen: Vec<bool>,
}

impl<'a> Accumulator<'a> {
    fn new(
        store: &'a PointStore,
        kept: &'a Kept<'a>,
        slots: usize,
        histograms: Option<&'a mut Histograms>,
        sharing: AircraftSharing,
    ) -> Self {
        let private = (sharing == AircraftSharing::None)
            .then(|| PrivateAircraft { per_slot: vec![0; slots], seen: vec![false; store.aircraft().len()] });
        Self {
            store,
            kept,
            histograms,
            sums: vec![PointSums::default(); slots],
            legs: vec![0; slots],
            last_aircraft: vec![u32::MAX; slots],
            last_leg: vec![u32::MAX; slots],
            aircraft_pairs: Vec::new(),
            private,
        }
    }

    /// Adds a run whole when the filter keeps all or none of it, else point by point.
    fn add_run(&mut self, leg: u32, run: &CellRun, leg_end: usize) {
        let (window, band) = (self.kept.window_share(self.store, leg, run), self.kept.band_share(run));
        if !self.kept.all_states || window == Share::Some || band == Share::Some {
            run.points().for_each(|point| self.add_point(leg, point, run.slot, leg_end));
            return;
        }
        if let Some(histograms) = self.histograms.as_deref_mut() {
            if band == Share::All {
                histograms.add_run_times(self.store, leg, run);
            }
            if window == Share::All {
                histograms.add_run_alts(self.store, run);
            }
        }
        if window == Share::All && band == Share::All {
            let cell = &mut self.sums[run.slot as usize];
            cell.points += u64::from(run.points);
            cell.lat_nanodeg += i128::from(run.lat_nanodeg);
            cell.lon_nanodeg += i128::from(run.lon_nanodeg);
            cell.weight_ms += run.weight_ms;
            cell.alt_points += u64::from(run.alt_points);
            cell.alt_milli_ft += i128::from(run.alt_milli_ft);
            cell.alt_max_ft = cell.alt_max_ft.max(run.alt_max_ft);
            self.note_leg(run.slot, leg);
        }
    }

    fn add_point(&mut self, leg: u32, point: usize, slot: u32, leg_end: usize) {
        let (store, kept) = (self.store, self.kept);
        let state = kept.states[store.state_of(point) as usize];
        if !state.kept {
            return;
        }
        let (in_window, in_band) = kept.in_window_and_band(store, leg, point, state);
        if let Some(histograms) = self.histograms.as_deref_mut() {
            histograms.add(store, leg, point, state, in_window, in_band);
        }
        if !(in_window && in_band) {
            return;
        }
        let cell = &mut self.sums[slot as usize];
        cell.points += 1;
        let (lat, lon) = store.nanodegrees(point);
        cell.lat_nanodeg += i128::from(lat);
        cell.lon_nanodeg += i128::from(lon);
        cell.weight_ms +=
            u64::from(state.interval_ms.unwrap_or_else(|| store.gap_to_next_ms(point, leg_end)));
        if let Some(alt) = store.alt_ft(point) {
            cell.alt_points += 1;
            cell.alt_milli_ft += i128::from(milli_ft(alt));
            cell.alt_max_ft = cell.alt_max_ft.max(alt);
        }
        self.note_leg(slot, leg);
    }

    /// Notes that `leg` (and its aircraft) has points in `slot`. Legs are summed one after
    /// the other, so a leg new to a slot is one not summed into it last. An aircraft's
    /// legs are consecutive too unless it recurs in several inputs: its pairs are noted
    /// when they change, and only recurring aircraft's revisits need deduplicating.
    fn note_leg(&mut self, slot: u32, leg: u32) {
        if self.last_leg[slot as usize] == leg {
            return;
        }
        self.last_leg[slot as usize] = leg;
        self.legs[slot as usize] += 1;
        let aircraft = self.store.legs()[leg as usize].aircraft;
        let noted = &self.store.aircraft()[aircraft as usize];
        if self.last_aircraft[slot as usize] == aircraft || noted.address.is_none() {
            return;
        }
        self.last_aircraft[slot as usize] = aircraft;
        if let Some(private) = &mut self.private {
            private.seen[aircraft as usize] = true;
            // An aircraft that recurs in the store may come back to the slot: a pair.
            if !noted.in_several_inputs {
                private.per_slot[slot as usize] += 1;
                return;
            }
        }
        self.aircraft_pairs.push((slot, aircraft));
    }

    fn finish(self, cells: &[u64]) -> StoreAggregate {
        let mut aggregate = StoreAggregate::default();
        let new_slot = compact_slots(cells, self.sums, self.legs, &mut aggregate);
        let (mut recurring, single): (Vec<_>, Vec<_>) = self
            .aircraft_pairs
            .into_iter()
            .partition(|&(_, aircraft)| self.store.aircraft()[aircraft as usize].in_several_inputs);
        recurring.sort_unstable();
        recurring.dedup();
        match self.private {
            Some(private) => {
                let mut per_slot = private.per_slot;
                recurring.iter().for_each(|&(slot, _)| per_slot[slot as usize] += 1);
                aggregate.private_aircraft = vec![0; aggregate.cells.len()];
                for (&new, count) in new_slot.iter().zip(per_slot) {
                    if let Some(slot) = aggregate.private_aircraft.get_mut(new as usize) {
                        *slot = count;
                    }
                }
                aggregate.private_aircraft_total = private.seen.iter().filter(|&&seen| seen).count() as u64;
            }
            None => name_pairs(self.store, single.into_iter().chain(recurring), &new_slot, &mut aggregate),
        }
        aggregate
    }
}

/// Keeps the occupied slots only, in increasing order of their cells (merges walk sorted
/// lists, [`super::merge`]); returns each slot's new index (`u32::MAX`: empty). All in
/// place: a copy would raise wasm's memory high-water mark.
fn compact_slots(
    cells: &[u64],
    mut sums: Vec<PointSums>,
    mut legs: Vec<u64>,
    aggregate: &mut StoreAggregate,
) -> Vec<u32> {
    let mut new_slot = vec![u32::MAX; cells.len()];
    let mut occupied = 0;
    for slot in 0..cells.len() {
        if sums[slot].points > 0 {
            new_slot[slot] = occupied as u32;
            sums[occupied] = sums[slot];
            legs[occupied] = legs[slot];
            aggregate.cells.push(cells[slot]);
            occupied += 1;
        }
    }
    sums.truncate(occupied);
    legs.truncate(occupied);
    let mut order: Vec<u32> = (0..occupied as u32).collect();
    order.sort_unstable_by_key(|&index| aggregate.cells[index as usize]);
    let mut rank = vec![0_u32; occupied];
    order.iter().enumerate().for_each(|(position, &index)| rank[index as usize] = position as u32);
    move_to(&mut aggregate.cells, &rank);
    move_to(&mut sums, &rank);
    move_to(&mut legs, &rank);
    new_slot.iter_mut().filter(|new| **new != u32::MAX).for_each(|new| *new = rank[*new as usize]);
    aggregate.sums = sums;
    aggregate.legs = legs;
    new_slot
}

/// Moves each value to its `destination`, in place, following the permutation's cycles.
fn move_to<T: Copy>(values: &mut [T], destination: &[u32]) {
    let mut placed = vec![false; values.len()];
    for start in 0..values.len() {
        if placed[start] {
            continue;
        }
        let mut carried = values[start];
        let mut at = destination[start] as usize;
        while at != start {
            std::mem::swap(&mut carried, &mut values[at]);
            placed[at] = true;
            at = destination[at] as usize;
        }
        values[start] = carried;
        placed[start] = true;
    }
}

/// Names the aircraft of (slot, aircraft) pairs by address, slots renumbered.
fn name_pairs(
    store: &PointStore,
    pairs: impl Iterator<Item = (u32, u32)>,
    new_slot: &[u32],
    aggregate: &mut StoreAggregate,
) {
    let mut address_index = vec![u32::MAX; store.aircraft().len()];
    for (slot, aircraft) in pairs {
        let index = &mut address_index[aircraft as usize];
        if *index == u32::MAX {
            *index = aggregate.addresses.len() as u32;
            let address = store.aircraft()[aircraft as usize].address.clone();
            aggregate.addresses.push(address.expect("pairs are only noted for aircraft with an address"));
        }
        aggregate.aircraft.push((new_slot[slot as usize], *index));
    }
}

/// How the brushes' histograms bin points: by time from `time_start_ms` in bins of
/// `time_bin_ms`, and by altitude from 0 ft in bands of `alt_band_ft`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistogramBins {
    pub time_start_ms: i64,
    pub time_bin_ms: i64,
    pub time_bins: u32,
    pub alt_band_ft: u32,
    pub alt_bands: u32,
}

/// Time bins people read easily, from a minute to a year.
const ROUND_TIME_BINS_MS: [i64; 17] = [
    60_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000,
    172_800_000,
    604_800_000,
    1_209_600_000,
    2_592_000_000,
    7_776_000_000,
    31_536_000_000,
];

impl HistogramBins {
    /// At most `max_time_bins` round, aligned time bins over `[first_ms, last_ms]`, and
    /// 1,000 ft bands up to 50,000 ft (the last band also holds everything higher).
    pub fn over(first_ms: i64, last_ms: i64, max_time_bins: u32) -> Self {
        let span_ms = last_ms.saturating_sub(first_ms).max(0).unsigned_abs() + 1;
        let max_bins = u64::from(max_time_bins.max(2));
        let time_bin_ms = ROUND_TIME_BINS_MS
            .into_iter()
            .find(|&bin| span_ms.div_ceil(bin as u64) < max_bins)
            .unwrap_or_else(|| span_ms.div_ceil(max_bins - 1) as i64);
        let time_start_ms = first_ms.div_euclid(time_bin_ms) * time_bin_ms;
        let time_bins = (last_ms.saturating_sub(time_start_ms).max(0) / time_bin_ms + 1) as u32;
        Self { time_start_ms, time_bin_ms, time_bins, alt_band_ft: 1_000, alt_bands: 50 }
    }

    /// The start of time bin `bin` (ms since the Unix epoch).
    pub fn time_of_bin_ms(&self, bin: u32) -> i64 {
        self.time_start_ms + i64::from(bin) * self.time_bin_ms
    }
}

/// Points per time bin and per altitude band, for the page's brushes. Each histogram
/// applies every filter but its own dimension's, so a brush shows what it can select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histograms {
    pub bins: HistogramBins,
    /// Points per time bin; points outside the bins or without a time are not counted.
    pub time: Vec<u64>,
    /// Points per altitude band (band 0 also holds altitudes below 0, the last everything
    /// above); points on the ground or without altitude are in `alt_unknown`.
    pub alt: Vec<u64>,
    pub alt_unknown: u64,
}

impl Histograms {
    pub fn new(bins: HistogramBins) -> Self {
        let bins = HistogramBins {
            time_bin_ms: bins.time_bin_ms.max(1),
            alt_band_ft: bins.alt_band_ft.max(1),
            alt_bands: bins.alt_bands.max(1),
            ..bins
        };
        Self {
            bins,
            time: vec![0; bins.time_bins as usize],
            alt: vec![0; bins.alt_bands as usize],
            alt_unknown: 0,
        }
    }

    /// Where a time window of `window_ms` from `from_ms` holds points, by the time
    /// histogram: `from_ms` itself when its bins have any, else the start of the next bin
    /// that has (so playback skips the empty hours of a sparse span); `None` past the last.
    pub fn busy_window_from_ms(&self, from_ms: i64, window_ms: i64) -> Option<i64> {
        let bins = &self.bins;
        let bin_of =
            |time_ms: i64| (time_ms - bins.time_start_ms).div_euclid(bins.time_bin_ms).max(0) as usize;
        let (first, last) = (bin_of(from_ms), bin_of(from_ms + window_ms.max(1) - 1));
        if self
            .time
            .get(first..=last.min(self.time.len().saturating_sub(1)))
            .is_some_and(|counts| counts.iter().any(|&count| count > 0))
        {
            return Some(from_ms);
        }
        let next = (last + 1..self.time.len()).find(|&bin| self.time[bin] > 0)?;
        Some(bins.time_of_bin_ms(next as u32))
    }

    /// Adds the counts of other points, binned alike (another worker's).
    pub fn merge(&mut self, other: &Self) {
        debug_assert_eq!(self.bins, other.bins, "histograms merge only when binned alike");
        self.time.iter_mut().zip(&other.time).for_each(|(count, other)| *count += other);
        self.alt.iter_mut().zip(&other.alt).for_each(|(count, other)| *count += other);
        self.alt_unknown += other.alt_unknown;
    }

    /// Counts a point the aircraft and state filters keep: into the time histogram when it
    /// is in the altitude band, into the altitude histogram when it is in the time window.
    fn add(
        &mut self,
        store: &PointStore,
        leg: u32,
        point: usize,
        state: StateKept,
        in_window: bool,
        in_band: bool,
    ) {
        if in_band {
            self.add_time(store.time_in_leg_ms(leg, point));
        }
        if in_window {
            self.add_alt(store.alt_ft(point).filter(|_| !state.on_ground));
        }
    }

    /// Counts a run's points by time: at once when they share a bin.
    fn add_run_times(&mut self, store: &PointStore, leg: u32, run: &CellRun) {
        let points = run.points();
        let (first, last) =
            (store.time_in_leg_ms(leg, points.start), store.time_in_leg_ms(leg, points.end - 1));
        match (self.time_bin(first), self.time_bin(last)) {
            (Some(first), Some(last)) if first == last => self.time[first] += u64::from(run.points),
            _ => points.for_each(|point| self.add_time(store.time_in_leg_ms(leg, point))),
        }
    }

    /// Counts a run's points by altitude: at once when they share a band or have none.
    fn add_run_alts(&mut self, store: &PointStore, run: &CellRun) {
        if run.airborne_points == 0 {
            self.alt_unknown += u64::from(run.points);
            return;
        }
        let (low, high) = (self.alt_band(run.airborne_min_ft), self.alt_band(run.airborne_max_ft));
        if run.airborne_points == run.points && low == high {
            self.alt[low] += u64::from(run.points);
            return;
        }
        for point in run.points() {
            let on_ground = store.states()[store.state_of(point) as usize].on_ground;
            self.add_alt(store.alt_ft(point).filter(|_| !on_ground));
        }
    }

    fn time_bin(&self, time_ms: Option<i64>) -> Option<usize> {
        let time = time_ms.filter(|&time| time >= self.bins.time_start_ms)?;
        let bin = ((time - self.bins.time_start_ms) / self.bins.time_bin_ms) as usize;
        (bin < self.time.len()).then_some(bin)
    }

    fn alt_band(&self, alt_ft: f32) -> usize {
        let band = (alt_ft.max(0.0) / self.bins.alt_band_ft as f32) as usize;
        band.min(self.alt.len() - 1)
    }

    fn add_time(&mut self, time_ms: Option<i64>) {
        if let Some(bin) = self.time_bin(time_ms) {
            self.time[bin] += 1;
        }
    }

    fn add_alt(&mut self, alt_ft: Option<f32>) {
        match alt_ft {
            Some(alt) => {
                let band = self.alt_band(alt);
                self.alt[band] += 1;
            }
            None => self.alt_unknown += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_sums_leave_no_gaps() {
        assert_eq!(size_of::<PointSums>(), 3 * 16 + 3 * 8 + 8);
    }

    #[test]
    fn time_bins_are_round_aligned_and_cover_the_span() {
        // 2023-08-30 00:54:51.590 to 23:59:59: quarter hours (the first round width under 96 bins) from 00:45.
        let bins = HistogramBins::over(1_693_356_891_590, 1_693_439_999_000, 96);
        assert_eq!((bins.time_start_ms, bins.time_bin_ms, bins.time_bins), (1_693_356_300_000, 900_000, 93));
        let one_point = HistogramBins::over(1_000, 1_000, 96);
        assert_eq!((one_point.time_start_ms, one_point.time_bin_ms, one_point.time_bins), (0, 60_000, 1));
        let two_years = HistogramBins::over(1_693_353_600_000, 1_765_756_800_000, 96);
        assert_eq!((two_years.time_bin_ms, two_years.time_bins), (1_209_600_000, 61), "bins of two weeks");
        let years = HistogramBins::over(0, 1000 * 365 * 86_400_000, 96);
        assert!(years.time_bins <= 96 && years.time_of_bin_ms(years.time_bins) > 100 * 365 * 86_400_000);
    }

    #[test]
    fn a_busy_window_skips_empty_bins() {
        const HOUR_MS: i64 = 3_600_000;
        let bins = HistogramBins {
            time_start_ms: 0,
            time_bin_ms: HOUR_MS,
            time_bins: 6,
            alt_band_ft: 1000,
            alt_bands: 1,
        };
        let mut histograms = Histograms::new(bins);
        histograms.time = vec![5, 0, 0, 0, 2, 0];
        assert_eq!(histograms.busy_window_from_ms(0, HOUR_MS), Some(0));
        assert_eq!(
            histograms.busy_window_from_ms(HOUR_MS / 2, HOUR_MS),
            Some(HOUR_MS / 2),
            "overlaps the busy first hour"
        );
        assert_eq!(
            histograms.busy_window_from_ms(HOUR_MS, 2 * HOUR_MS),
            Some(4 * HOUR_MS),
            "skips two empty hours"
        );
        assert_eq!(histograms.busy_window_from_ms(5 * HOUR_MS, HOUR_MS), None, "nothing after");
        assert_eq!(histograms.busy_window_from_ms(9 * HOUR_MS, HOUR_MS), None, "past the span");
    }
}
