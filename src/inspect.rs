//! Looking closer at the map: the aircraft that passed through a clicked cell (under the
//! filters), and the whole track of one aircraft. The workers hold the points and answer;
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
    pub answer: Option<Result<Track, String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub pieces: Vec<TrackPiece>,
    pub layer: Arc<TrackLayer>,
}

impl Track {
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

#[derive(Debug, Clone, Copy)]
pub struct Inspector {
    pub cell: RwSignal<Option<CellInspection>>,
    pub track: RwSignal<Option<ShownTrack>>,
    /// Counts questions, so an answer to an earlier one is dropped.
    asked: StoredValue<u64>,
}

impl Inspector {
    /// An inspector whose cell follows the density: a new filter asks again, a new
    /// resolution (or a cell gone) closes it.
    pub fn new(state: AppState) -> Self {
        let inspector =
            Self { cell: RwSignal::new(None), track: RwSignal::new(None), asked: StoredValue::new(0) };
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

    fn next_question(&self) -> u64 {
        self.asked.update_value(|asked| *asked += 1);
        self.asked.get_value()
    }

    /// Asks the workers which aircraft passed through the cell, under the current filter.
    pub fn inspect_cell(self, state: AppState, stats: CellStats) {
        let question = self.next_question();
        self.cell.set(Some(CellInspection { stats, passages: None }));
        let filter = state.filter.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = match state.pool() {
                Ok(pool) => pool.passages(u64::from(stats.cell), &filter).await,
                Err(reason) => Err(reason),
            };
            if self.asked.get_value() == question {
                self.cell.set(Some(CellInspection { stats, passages: Some(answer) }));
            }
        });
    }

    /// Asks the workers for every point of the aircraft `address`.
    pub fn show_track(self, state: AppState, address: String) {
        let question = self.next_question();
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
                Ok(Track { pieces, layer })
            });
            if self.asked.get_value() == question {
                self.track.set(Some(ShownTrack { address, answer: Some(answer) }));
            }
        });
    }

    /// The track drawn on the map, if one has arrived.
    pub fn track_layer(&self) -> Option<Arc<TrackLayer>> {
        self.track.with(|track| {
            track.as_ref()?.answer.as_ref()?.as_ref().ok().map(|track| Arc::clone(&track.layer))
        })
    }
}
