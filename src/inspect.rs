//! Looking closer at the map: the aircraft that passed through a clicked cell (under the
//! filters), the whole track of one aircraft, and all traffic thinned per aircraft. The workers hold the points and answer;
//! this keeps the questions and answers the page shows.

use std::sync::Arc;

use leptos::prelude::*;
use skyhex_core::density::CellStats;
use skyhex_core::engine::inspect::{Passage, TrackPiece};
use skyhex_core::map::track::TrackLayer;

use crate::state::AppState;

/// A cell the user clicked, and its aircraft once the workers have answered.
#[derive(Debug, Clone, PartialEq)]
pub struct CellInspection {
    pub stats: CellStats,
    /// `None` while the workers are asked.
    pub passages: Option<Result<Vec<Passage>, String>>,
}

/// An aircraft's track, once the workers have sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownTrack {
    pub address: String,
    /// `None` while the workers are asked.
    pub answer: Option<Result<FoundTrack, String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FoundTrack {
    pub pieces: Vec<TrackPiece>,
    pub layer: Arc<TrackLayer>,
}

impl FoundTrack {
    pub fn points(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }

    /// The first and last time of its points (ms since the Unix epoch), when known.
    pub fn time_span_ms(&self) -> Option<(i64, i64)> {
        let times = || self.pieces.iter().flatten().filter_map(|point| point.time_ms);
        Some((times().min()?, times().max()?))
    }

    pub fn max_alt_ft(&self) -> Option<f32> {
        self.pieces.iter().flatten().filter_map(|point| point.alt_ft).reduce(f32::max)
    }
}

/// All traffic under the filters, thinned per aircraft, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownTraffic {
    pub points: usize,
    pub pieces: usize,
    /// One point in this many of each aircraft's line is drawn.
    pub keep_one_in: u32,
    pub layer: Arc<TrackLayer>,
}

/// Points the traffic layer draws at most (the workers share them): enough for a
/// continuous picture, few enough for a software-rendered frame.
pub const TRAFFIC_MAX_POINTS: u32 = 100_000;

#[derive(Debug, Clone, Copy)]
pub struct Inspector {
    pub cell: RwSignal<Option<CellInspection>>,
    pub track: RwSignal<Option<ShownTrack>>,
    /// Whether the traffic layer is on, and what it shows once the workers answered
    /// (`Err`: why they could not).
    pub traffic_on: RwSignal<bool>,
    pub traffic: RwSignal<Option<Result<ShownTraffic, String>>>,
    /// Each kind of question is counted, so an answer to an earlier one is dropped.
    cell_asked: Questions,
    track_asked: Questions,
    traffic_asked: Questions,
}

/// Numbers the questions of one kind.
#[derive(Debug, Clone, Copy)]
struct Questions(StoredValue<u64>);

impl Questions {
    fn new() -> Self {
        Self(StoredValue::new(0))
    }

    fn next(self) -> u64 {
        self.0.update_value(|asked| *asked += 1);
        self.0.get_value()
    }

    fn is_latest(self, question: u64) -> bool {
        self.0.get_value() == question
    }
}

impl Inspector {
    /// An inspector whose cell follows the density: a new filter asks again, a new
    /// resolution (or a cell gone) closes it.
    pub fn new(state: AppState) -> Self {
        let inspector = Self {
            cell: RwSignal::new(None),
            track: RwSignal::new(None),
            traffic_on: RwSignal::new(false),
            traffic: RwSignal::new(None),
            cell_asked: Questions::new(),
            track_asked: Questions::new(),
            traffic_asked: Questions::new(),
        };
        // The traffic layer follows the filters and the data (not the resolution).
        Effect::new(move |_| {
            state.filter.track();
            state.data_version();
            if inspector.traffic_on.get() {
                inspector.show_traffic(state);
            } else {
                inspector.traffic.set(None);
            }
        });
        Effect::new(move |_| {
            let current = state.density.with(|density| {
                inspector.cell.with_untracked(|cell| {
                    let cell = cell.as_ref()?.stats.cell;
                    density
                        .cells
                        .binary_search_by_key(&cell, |stats| stats.cell)
                        .ok()
                        .map(|at| density.cells[at])
                })
            });
            match current {
                Some(stats)
                    if inspector.cell.with_untracked(|cell| cell.as_ref().map(|c| c.stats))
                        != Some(stats) =>
                {
                    inspector.inspect_cell(state, stats);
                }
                Some(_) => {}
                None => inspector.cell.set(None),
            }
        });
        inspector
    }

    /// Asks the workers which aircraft passed through the cell, under the current filter.
    pub fn inspect_cell(self, state: AppState, stats: CellStats) {
        let question = self.cell_asked.next();
        self.cell.set(Some(CellInspection { stats, passages: None }));
        let filter = state.filter.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = match state.pool() {
                Ok(pool) => pool.passages(u64::from(stats.cell), &filter).await,
                Err(reason) => Err(reason),
            };
            if self.cell_asked.is_latest(question) {
                self.cell.set(Some(CellInspection { stats, passages: Some(answer) }));
            }
        });
    }

    /// Asks the workers for every point of the aircraft `address`.
    pub fn show_track(self, state: AppState, address: String) {
        let question = self.track_asked.next();
        self.track.set(Some(ShownTrack { address: address.clone(), answer: None }));
        leptos::task::spawn_local(async move {
            let answer = match state.pool() {
                Ok(pool) => pool.track(&address).await,
                Err(reason) => Err(reason),
            };
            let answer = answer.and_then(|pieces| {
                if pieces.is_empty() {
                    return Err(format!("no loaded points have the address {address}"));
                }
                let layer = Arc::new(TrackLayer::new(&pieces));
                Ok(FoundTrack { pieces, layer })
            });
            if self.track_asked.is_latest(question) {
                self.track.set(Some(ShownTrack { address, answer: Some(answer) }));
            }
        });
    }

    fn show_traffic(self, state: AppState) {
        let question = self.traffic_asked.next();
        let filter = state.filter.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = match state.pool() {
                Ok(pool) => pool.traffic(&filter, TRAFFIC_MAX_POINTS).await,
                Err(reason) => Err(reason),
            };
            // A newer question (new data or filters) or a switch-off makes this answer stale.
            if !self.traffic_on.get_untracked() || !self.traffic_asked.is_latest(question) {
                return;
            }
            self.traffic.set(Some(answer.map(|traffic| ShownTraffic {
                points: traffic.pieces.iter().map(Vec::len).sum(),
                pieces: traffic.pieces.len(),
                keep_one_in: traffic.keep_one_in,
                layer: Arc::new(TrackLayer::new(&traffic.pieces)),
            })));
        });
    }

    /// The traffic layer drawn on the map, if it is on and has arrived.
    pub fn traffic_layer(&self) -> Option<Arc<TrackLayer>> {
        self.traffic.with(|traffic| traffic.as_ref()?.as_ref().ok().map(|traffic| Arc::clone(&traffic.layer)))
    }

    /// The track drawn on the map, if one has arrived.
    pub fn track_layer(&self) -> Option<Arc<TrackLayer>> {
        self.track.with(|track| {
            track.as_ref()?.answer.as_ref()?.as_ref().ok().map(|track| Arc::clone(&track.layer))
        })
    }
}
