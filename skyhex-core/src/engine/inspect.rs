//! What the map asks of a store when the user looks closer: the aircraft that passed
//! through one cell (under the filter), and one aircraft's whole track. Each store answers
//! alone; answers from several stores merge ([`merge_passages`], [`merge_tracks`]).

use std::collections::BTreeMap;

use h3o::CellIndex;
use serde::{Deserialize, Serialize};

use super::query::Kept;
use super::store::{MAX_POINT_WEIGHT_MS, PointStore};
use crate::filter::PointFilter;

/// One aircraft's points in a cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    pub address: Box<str>,
    pub registration: Option<Box<str>>,
    pub type_code: Option<Box<str>>,
    /// The callsigns its points there carried (in alphabetical order once merged).
    pub callsigns: Vec<Box<str>>,
    pub points: u64,
    /// The first and last time of those points (ms since the Unix epoch), when known.
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
}

impl Passage {
    fn add(&mut self, other: Self) {
        self.registration = self.registration.take().or(other.registration);
        self.type_code = self.type_code.take().or(other.type_code);
        for callsign in other.callsigns {
            self.note_callsign(Some(&callsign));
        }
        self.points += other.points;
        self.first_ms = min_time(self.first_ms, other.first_ms);
        self.last_ms = self.last_ms.max(other.last_ms);
    }

    fn note_callsign(&mut self, callsign: Option<&str>) {
        if let Some(callsign) = callsign
            && !self.callsigns.iter().any(|known| **known == *callsign)
        {
            self.callsigns.push(callsign.into());
        }
    }
}

fn min_time(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The aircraft whose points `filter` keeps in `cell` (at `cell`'s resolution), one
/// passage each. Points without an address are no aircraft and are left out.
pub fn passages_in_cell(store: &PointStore, cell: CellIndex, filter: &PointFilter) -> Vec<Passage> {
    let column = store.cell_column(cell.resolution());
    let Some(slot) = column.cells.iter().position(|&known| known == u64::from(cell)) else {
        return Vec::new();
    };
    let kept = Kept::of(store, filter);
    let mut slots = column.slot_cursor();
    let mut by_aircraft: BTreeMap<u32, Passage> = BTreeMap::new();
    for (leg, points) in store.leg_points() {
        for point in points {
            if slots.slot(point) as usize != slot || !kept.keeps_point(store, leg, point) {
                continue;
            }
            let aircraft_id = store.legs()[leg as usize].aircraft;
            let aircraft = &store.aircraft()[aircraft_id as usize];
            let Some(address) = &aircraft.address else { continue };
            let time = store.time_in_leg_ms(leg, point);
            let passage = by_aircraft.entry(aircraft_id).or_insert_with(|| Passage {
                address: address.clone(),
                registration: aircraft.registration.clone(),
                type_code: aircraft.type_code.clone(),
                callsigns: Vec::new(),
                points: 0,
                first_ms: time,
                last_ms: time,
            });
            passage.points += 1;
            passage.first_ms = min_time(passage.first_ms, time);
            passage.last_ms = passage.last_ms.max(time);
            passage.note_callsign(store.states()[store.state_of(point) as usize].callsign.as_deref());
        }
    }
    by_aircraft.into_values().collect()
}

/// Passages of several stores as one per aircraft, most points first (then by address).
pub fn merge_passages(passages: impl IntoIterator<Item = Passage>) -> Vec<Passage> {
    let mut by_address: BTreeMap<Box<str>, Passage> = BTreeMap::new();
    for passage in passages {
        match by_address.get_mut(&passage.address) {
            Some(known) => known.add(passage),
            None => {
                by_address.insert(passage.address.clone(), passage);
            }
        }
    }
    let mut merged: Vec<Passage> = by_address.into_values().collect();
    merged.iter_mut().for_each(|passage| passage.callsigns.sort_unstable());
    merged.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.address.cmp(&b.address)));
    merged
}

/// One point of a track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrackPoint {
    pub lat: f64,
    pub lon: f64,
    pub time_ms: Option<i64>,
    /// `None` on the ground or when not reported.
    pub alt_ft: Option<f32>,
}

/// An aircraft's points drawn as one line: a flight leg, or the part of one between
/// stale points or gaps longer than [`MAX_POINT_WEIGHT_MS`].
pub type TrackPiece = Vec<TrackPoint>;

/// Every point of the aircraft `address` in the store, unfiltered, as pieces; points
/// readsb marked stale are gaps.
pub fn track_of(store: &PointStore, address: &str) -> Vec<TrackPiece> {
    let Some(aircraft_id) = store.find_aircraft(address) else { return Vec::new() };
    let mut pieces = Pieces::thinned_to_one_in(1);
    for (leg, points) in store.leg_points() {
        if store.legs()[leg as usize].aircraft == aircraft_id {
            for point in points {
                match is_stale(store, point) {
                    true => pieces.end_piece(),
                    false => pieces.push(track_point(store, leg, point)),
                }
            }
            pieces.end_piece();
        }
    }
    pieces.finish()
}

fn is_stale(store: &PointStore, point: usize) -> bool {
    store.states()[store.state_of(point) as usize].stale
}

/// The traffic the filter keeps (stale points are gaps), thinned per aircraft to about
/// `max_points`: one point in
/// `k` of each piece, and each piece's last, so every aircraft keeps a continuous line
/// (where a blind sample of points would leave scattered dots).
pub fn traffic(store: &PointStore, filter: &PointFilter, max_points: usize) -> Traffic {
    let keep_one_in = store.len().div_ceil(max_points.max(1)).max(1);
    let kept = Kept::of(store, filter);
    let mut pieces = Pieces::thinned_to_one_in(keep_one_in);
    for (leg, points) in store.leg_points() {
        for point in points {
            if kept.keeps_point(store, leg, point) && !is_stale(store, point) {
                pieces.push(track_point(store, leg, point));
            } else {
                pieces.end_piece();
            }
        }
        pieces.end_piece();
    }
    Traffic { keep_one_in: keep_one_in as u32, pieces: pieces.finish() }
}

/// A store's thinned traffic, and its thinning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Traffic {
    pub keep_one_in: u32,
    pub pieces: Vec<TrackPiece>,
}

impl Traffic {
    /// Adds another store's traffic (the thinning is the coarser of the two).
    pub fn merge(&mut self, other: Self) {
        self.keep_one_in = self.keep_one_in.max(other.keep_one_in);
        self.pieces.extend(other.pieces);
    }
}

fn track_point(store: &PointStore, leg: u32, point: usize) -> TrackPoint {
    let (lat, lon) = store.lat_lon(point);
    TrackPoint { lat, lon, time_ms: store.time_in_leg_ms(leg, point), alt_ft: store.alt_ft(point) }
}

/// Pieces made from one leg's points after another: a piece ends with its leg, at a gap
/// longer than [`MAX_POINT_WEIGHT_MS`], or where points are left out; of each piece it
/// keeps the first point, every `keep_one_in`-th after it, and the last.
struct Pieces {
    pieces: Vec<TrackPiece>,
    current: TrackPiece,
    /// Points of the current piece seen (kept or not), the time of the last and, when
    /// it was not kept, the point itself (kept should the piece end there).
    seen: usize,
    last_ms: Option<i64>,
    unkept_last: Option<TrackPoint>,
    keep_one_in: usize,
}

impl Pieces {
    fn thinned_to_one_in(keep_one_in: usize) -> Self {
        Self {
            pieces: Vec::new(),
            current: Vec::new(),
            seen: 0,
            last_ms: None,
            unkept_last: None,
            keep_one_in: keep_one_in.max(1),
        }
    }

    fn push(&mut self, point: TrackPoint) {
        let stale = matches!((self.last_ms, point.time_ms), (Some(last), Some(now)) if now - last > i64::from(MAX_POINT_WEIGHT_MS));
        if stale {
            self.end_piece();
        }
        if self.seen.is_multiple_of(self.keep_one_in) {
            self.current.push(point);
            self.unkept_last = None;
        } else {
            self.unkept_last = Some(point);
        }
        self.seen += 1;
        self.last_ms = point.time_ms.or(self.last_ms);
    }

    fn end_piece(&mut self) {
        self.current.extend(self.unkept_last.take());
        if !self.current.is_empty() {
            self.pieces.push(std::mem::take(&mut self.current));
        }
        (self.seen, self.last_ms) = (0, None);
    }

    fn finish(mut self) -> Vec<TrackPiece> {
        self.end_piece();
        self.pieces
    }
}

/// Pieces of several stores in time order (by their first point; untimed ones last).
pub fn merge_tracks(pieces: impl IntoIterator<Item = TrackPiece>) -> Vec<TrackPiece> {
    let mut merged: Vec<TrackPiece> = pieces.into_iter().filter(|piece| !piece.is_empty()).collect();
    merged.sort_by_key(|piece| piece.first().and_then(|point| point.time_ms).unwrap_or(i64::MAX));
    merged
}
