//! The H3 cell of every stored point at one resolution, computed fast and exactly.
//!
//! `latlng_to_cell` (trigonometry, a face search, a projection) is most of the cost of a new
//! resolution. A track's consecutive points mostly stay in one cell, so each cell a track
//! lingers in gets an [`InnerDisc`]: a disc around its centre proven to lie inside the
//! cell, tested with a few multiplications. A point inside the previous point's disc is in
//! that cell, exactly as `latlng_to_cell` would say; only the others are computed.
//!
//! The same lingering makes the column small and queries quick: cells are kept as spans of
//! consecutive points where those are long, and runs of a leg's points in one cell are
//! summed once ([`CellRun`]) for queries to add whole.

use std::ops::Range;

use h3o::{CellIndex, LatLng, LatLngIndexer, Resolution};
use rustc_hash::FxHashMap;

use super::chunked::Chunked;
use super::store::{PointStore, milli_ft};

/// The H3 cell of every point at one resolution, as an index into `cells` (so the query
/// loop counts into arrays, not a hash map), and the long runs of points in one cell.
#[derive(Debug, Clone)]
pub struct CellColumn {
    pub resolution: Resolution,
    pub cells: Vec<u64>,
    slots: Slots,
    /// Runs of at least [`MIN_RUN_POINTS`] points of a leg in one cell, in order of their
    /// first points.
    pub runs: Chunked<CellRun>,
    /// The point where the legs not yet searched for runs begin.
    runs_from: usize,
    /// What finding cells needs, kept while the column is computed in slices.
    lookups: Option<Box<Lookups>>,
}

/// The slot of each cell found, and the discs of cells where two consecutive points were
/// found (`None`: no usable disc).
#[derive(Debug, Clone, Default)]
struct Lookups {
    slots: FxHashMap<u64, u32>,
    discs: FxHashMap<u32, Option<InnerDisc>>,
}

/// The slot of every point: as spans of consecutive points in one cell while those are
/// long (coarse resolutions: 8 bytes a span, instead of 4 a point), else point by point.
#[derive(Debug, Clone)]
enum Slots {
    Spans { spans: Chunked<Span>, points: usize },
    PerPoint(Chunked<u32>),
}

#[derive(Debug, Clone, Copy)]
struct Span {
    first_point: u32,
    slot: u32,
}

impl Slots {
    fn len(&self) -> usize {
        match self {
            Self::Spans { points, .. } => *points,
            Self::PerPoint(slots) => slots.len(),
        }
    }

    /// Appends the slot of the next point; spans turn into slots per point once they
    /// average under two points (where they would take more memory).
    fn push(&mut self, slot: u32) {
        match self {
            Self::Spans { spans, points } => {
                if spans.last().is_none_or(|span| span.slot != slot) {
                    spans.push(Span { first_point: *points as u32, slot });
                }
                *points += 1;
                if spans.len() > 1024 && spans.len() * 2 > *points {
                    *self = Self::PerPoint(self.iter().collect());
                }
            }
            Self::PerPoint(slots) => slots.push(slot),
        }
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut cursor = SlotCursor { slots: self, span: 0 };
        (0..self.len()).map(move |point| cursor.slot(point))
    }
}

/// Reads the slots of points in increasing order (spans are walked, not searched).
#[derive(Debug)]
pub struct SlotCursor<'a> {
    slots: &'a Slots,
    span: usize,
}

impl SlotCursor<'_> {
    pub fn slot(&mut self, point: usize) -> u32 {
        match self.slots {
            Slots::Spans { spans, .. } => {
                while self.span + 1 < spans.len() && spans.get(self.span + 1).first_point as usize <= point {
                    self.span += 1;
                }
                spans.get(self.span).slot
            }
            Slots::PerPoint(slots) => slots.get(point),
        }
    }
}

impl CellColumn {
    pub fn new(resolution: Resolution) -> Self {
        let slots = Slots::Spans { spans: Chunked::default(), points: 0 };
        Self { resolution, cells: Vec::new(), slots, runs: Chunked::default(), runs_from: 0, lookups: None }
    }

    /// The points whose cells the column holds (the store's first ones).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A reader of the points' slots, for points taken in increasing order.
    pub fn slot_cursor(&self) -> SlotCursor<'_> {
        SlotCursor { slots: &self.slots, span: 0 }
    }

    /// The cell of every point, in order.
    pub fn point_cells(&self) -> impl Iterator<Item = u64> + '_ {
        self.slots.iter().map(|slot| self.cells[slot as usize])
    }

    /// Memory the column holds, in bytes.
    pub fn retained_bytes(&self) -> usize {
        let lookups = self.lookups.as_ref().map_or(0, |lookups| {
            lookups.slots.capacity() * (size_of::<(u64, u32)>() + 1)
                + lookups.discs.capacity() * (size_of::<(u32, Option<InnerDisc>)>() + 1)
        });
        self.complete_bytes() + lookups
    }

    /// Memory the column holds once complete (without what computing it takes meanwhile).
    pub fn complete_bytes(&self) -> usize {
        let slots = match &self.slots {
            Slots::Spans { spans, .. } => spans.retained_bytes(),
            Slots::PerPoint(slots) => slots.retained_bytes(),
        };
        slots + self.cells.capacity() * size_of::<u64>() + self.runs.retained_bytes()
    }

    pub fn shrink_to_fit(&mut self) {
        match &mut self.slots {
            Slots::Spans { spans, .. } => spans.shrink_to_fit(),
            Slots::PerPoint(slots) => slots.shrink_to_fit(),
        }
        self.cells.shrink_to_fit();
        self.runs.shrink_to_fit();
    }

    /// Computes the cells (and runs) of the store's points that the column does not cover yet.
    pub fn extend(&mut self, store: &PointStore) {
        self.extend_by(store, usize::MAX);
    }

    /// Computes the cells of at most `max_points` more of the store's points, and the runs
    /// of the legs they complete (so a column can be computed in slices).
    pub fn extend_by(&mut self, store: &PointStore, max_points: usize) {
        self.extend_slots(store, store.len().min(self.len().saturating_add(max_points)));
        self.extend_runs(store);
        if self.len() == store.len() {
            self.shrink_to_fit();
        }
    }

    fn extend_slots(&mut self, store: &PointStore, end: usize) {
        if end <= self.len() {
            return;
        }
        let mut lookups = self.lookups.take().unwrap_or_else(|| {
            let slots = self.cells.iter().enumerate().map(|(slot, &cell)| (cell, slot as u32)).collect();
            Box::new(Lookups { slots, discs: FxHashMap::default() })
        });
        let Lookups { slots, discs } = &mut *lookups;
        let mut indexer = LatLngIndexer::default();
        let mut last: Option<(u32, Option<InnerDisc>)> = None;
        for point in self.len()..end {
            let (lat, lon) = store.lat_lon(point);
            if let Some((slot, Some(disc))) = last
                && disc.contains(lat, lon)
            {
                self.slots.push(slot);
                continue;
            }
            let position = LatLng::new(lat, lon).expect("accepted points have valid coordinates");
            let cell = indexer.to_cell(position, self.resolution);
            let next = self.cells.len() as u32;
            let slot = *slots.entry(u64::from(cell)).or_insert(next);
            if slot == next {
                self.cells.push(u64::from(cell));
            }
            let disc = match last {
                Some((last_slot, _)) if last_slot == slot => {
                    *discs.entry(slot).or_insert_with(|| InnerDisc::of(cell))
                }
                _ => discs.get(&slot).copied().flatten(),
            };
            last = Some((slot, disc));
            self.slots.push(slot);
        }
        // Kept until the column is complete (a slice of it was asked), then let go.
        if end < store.len() {
            self.lookups = Some(lookups);
        }
    }

    /// Finds the runs of the legs whose cells are all known and that were not searched yet.
    fn extend_runs(&mut self, store: &PointStore) {
        let mut cursor = self.slot_cursor();
        let mut runs = Vec::new();
        let (from, covered) = (self.runs_from, self.len());
        let mut runs_from = from;
        let legs = store.leg_points().filter(|(_, points)| points.start >= from && points.end <= covered);
        for (_, points) in legs {
            runs_from = points.end;
            let mut start = points.start;
            let mut slot = cursor.slot(start);
            for point in start + 1..=points.end {
                let next = if point < points.end { cursor.slot(point) } else { u32::MAX };
                if next == slot && point - start < MAX_RUN_POINTS {
                    continue;
                }
                if point - start >= MIN_RUN_POINTS
                    && let Some(run) = CellRun::of(store, slot, start..point, points.end)
                {
                    runs.push(run);
                }
                (start, slot) = (point, next);
            }
        }
        runs.into_iter().for_each(|run| self.runs.push(run));
        self.runs_from = runs_from;
    }
}

/// Runs shorter than this are summed point by point: their summary would take more memory
/// (64 bytes) than the 4 bytes per point of the slot column, for little time saved.
const MIN_RUN_POINTS: usize = 8;
/// Longer runs are split, so that a run's sums cannot overflow.
const MAX_RUN_POINTS: usize = 1 << 20;
/// Runs with altitudes beyond this (hostile input) are summed point by point.
const MAX_RUN_ALT_FT: f32 = 1e7;

/// Consecutive points of one leg in one cell, summed when the column is computed, so a
/// query that keeps all of them (no state filter, the run inside the time window and the
/// altitude band) adds them at once. Sums are those the query would add point by point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellRun {
    pub lat_nanodeg: i64,
    pub lon_nanodeg: i64,
    pub weight_ms: u64,
    pub alt_milli_ft: i64,
    pub first_point: u32,
    pub points: u32,
    pub slot: u32,
    /// Points with an altitude (on the ground or not) and the highest.
    pub alt_points: u32,
    pub alt_max_ft: f32,
    /// Points with an altitude off the ground (what altitude bands and the altitude
    /// histogram see), the lowest and highest of them.
    pub airborne_points: u32,
    pub airborne_min_ft: f32,
    pub airborne_max_ft: f32,
}

impl CellRun {
    /// The run of `points` (in cell `slot`, of a leg ending before `leg_end`), unless an
    /// altitude is too large to sum safely.
    fn of(store: &PointStore, slot: u32, points: Range<usize>, leg_end: usize) -> Option<Self> {
        let mut run = Self {
            lat_nanodeg: 0,
            lon_nanodeg: 0,
            weight_ms: 0,
            alt_milli_ft: 0,
            first_point: points.start as u32,
            points: points.len() as u32,
            slot,
            alt_points: 0,
            alt_max_ft: f32::NEG_INFINITY,
            airborne_points: 0,
            airborne_min_ft: f32::INFINITY,
            airborne_max_ft: f32::NEG_INFINITY,
        };
        for point in points {
            let (lat, lon) = store.nanodegrees(point);
            run.lat_nanodeg += lat;
            run.lon_nanodeg += lon;
            run.weight_ms += u64::from(store.weight_in_leg_ms(point, leg_end));
            let Some(alt) = store.alt_ft(point) else { continue };
            if alt.abs() > MAX_RUN_ALT_FT {
                return None;
            }
            run.alt_points += 1;
            run.alt_milli_ft += milli_ft(alt);
            run.alt_max_ft = run.alt_max_ft.max(alt);
            if !store.states()[store.state_of(point) as usize].on_ground {
                run.airborne_points += 1;
                run.airborne_min_ft = run.airborne_min_ft.min(alt);
                run.airborne_max_ft = run.airborne_max_ft.max(alt);
            }
        }
        Some(run)
    }

    pub fn points(&self) -> Range<usize> {
        self.first_point as usize..(self.first_point + self.points) as usize
    }
}

/// A disc inside one cell, in a form tested without trigonometry: a point at `lat`, `lon`
/// (degrees) whose `dlat² + (lon_scale · dlon)² <= radius²` lies inside the cell.
#[derive(Debug, Clone, Copy)]
pub struct InnerDisc {
    lat: f64,
    lon: f64,
    lon_scale: f64,
    radius_sq: f64,
}

/// Shrinks a disc's radius, relatively, so rounding (here and in `latlng_to_cell`, both
/// near 1e-15) never decides a point at its rim.
const DISC_MARGIN: f64 = 1e-6;

impl InnerDisc {
    /// The disc of `cell`, for a hexagon within one icosahedron face: there its edges are
    /// great-circle arcs (straight in the face's gnomonic projection, where H3 draws its
    /// hexagons), so the cell is the intersection of the hemispheres its edges bound, and
    /// the disc whose radius is the centre's least distance to those great circles lies
    /// inside. Pentagons and cells across faces (bent at the face's edge) get none.
    pub fn of(cell: CellIndex) -> Option<Self> {
        let boundary = cell.boundary();
        if cell.is_pentagon() || boundary.len() != 6 || cell.icosahedron_faces().len() != 1 {
            return None;
        }
        let centre_ll = LatLng::from(cell);
        let centre = unit_vector(centre_ll);
        let vertices: Vec<[f64; 3]> = boundary.iter().map(|&vertex| unit_vector(vertex)).collect();
        let radius_rad = (0..vertices.len())
            .map(|edge| {
                distance_to_great_circle_rad(centre, vertices[edge], vertices[(edge + 1) % vertices.len()])
            })
            .fold(f64::INFINITY, f64::min)
            * (1.0 - DISC_MARGIN);
        // For points P and centre C: hav(d) = hav(dlat) + cos(lat_C)·cos(lat_P)·hav(dlon) and
        // hav(x) <= x²/4, so dlat² + k²·dlon² <= 4·hav(r) puts P within r of C whenever
        // k² >= cos(lat_C)·cos(lat_P). Such a P has |dlat| <= 2·sin(r/2), bounding cos(lat_P).
        let chord = 2.0 * (radius_rad / 2.0).sin();
        let lat_rad = centre_ll.lat_radians();
        let lat_nearest_equator_rad = (lat_rad.abs() - chord).max(0.0);
        let lon_scale = (lat_rad.cos() * lat_nearest_equator_rad.cos()).sqrt();
        let chord_deg = chord.to_degrees();
        Some(Self { lat: centre_ll.lat(), lon: centre_ll.lng(), lon_scale, radius_sq: chord_deg * chord_deg })
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let dlat = lat - self.lat;
        let dlon = (lon - self.lon).abs();
        let dlon = if dlon > 180.0 { 360.0 - dlon } else { dlon } * self.lon_scale;
        dlat * dlat + dlon * dlon <= self.radius_sq
    }
}

fn unit_vector(position: LatLng) -> [f64; 3] {
    let (lat, lon) = (position.lat_radians(), position.lng_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The angular distance (radians) from `point` to the great circle through `a` and `b`,
/// computed from differences so that it stays accurate for the smallest cells.
fn distance_to_great_circle_rad(point: [f64; 3], a: [f64; 3], b: [f64; 3]) -> f64 {
    let normal = cross(a, minus(b, a));
    let length = dot(normal, normal).sqrt();
    (dot(minus(point, a), normal).abs() / length).min(1.0).asin()
}

fn minus(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic walk over the globe, in steps from metres to hundreds of kilometres,
    /// through the poles' and the antimeridian's neighbourhoods.
    fn walk(steps: usize) -> Vec<(f64, f64)> {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut lat, mut lon) = (0.0_f64, 179.9_f64);
        (0..steps)
            .map(|_| {
                let step_deg = 10f64.powf(-5.0 + 7.0 * next());
                lat = (lat + step_deg * (next() - 0.5)).clamp(-90.0, 90.0);
                lon += step_deg * (next() - 0.5);
                if lon > 180.0 {
                    lon -= 360.0;
                }
                if lon < -180.0 {
                    lon += 360.0;
                }
                (lat, lon)
            })
            .collect()
    }

    #[test]
    fn a_disc_holds_only_points_of_its_cell() {
        let mut checked = 0;
        for resolution in Resolution::range(Resolution::Zero, Resolution::Fifteen) {
            let mut disc: Option<(CellIndex, InnerDisc)> = None;
            for (lat, lon) in walk(20_000) {
                let cell = LatLng::new(lat, lon).expect("valid").to_cell(resolution);
                if let Some((disc_cell, disc)) = disc
                    && disc.contains(lat, lon)
                {
                    assert_eq!(cell, disc_cell, "{lat} {lon} at {resolution}");
                    checked += 1;
                }
                if disc.is_none_or(|(disc_cell, _)| disc_cell != cell) {
                    disc = InnerDisc::of(cell).map(|d| (cell, d));
                }
            }
        }
        assert!(checked > 10_000, "the walk lingers in cells: {checked}");
    }
}
