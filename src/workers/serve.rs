//! The worker's side: it holds the points of the inputs (or archive members) it decoded,
//! one compact store per input, and answers the page's queries with one aggregate.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use arrow::array::RecordBatch;
use skyhex_core::engine::inspect::{
    Traffic, merge_passages, merge_tracks, passages_in_cell, track_of, traffic,
};
use skyhex_core::engine::{
    AircraftSharing, HistogramBins, Histograms, PointStore, StoreAggregate, aggregate_store, merge_aggregates,
};
use skyhex_core::export::{self, geojson, kepler};
use skyhex_core::filter::PointFilter;
use skyhex_core::map::hexagons::HexLayer;
use skyhex_core::map::mesh::{CellPoints, Mesh};
use skyhex_core::{CellIndex, Resolution};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use super::decode;
use super::protocol::{self, ExportFile, MAX_KEEP_EVERY, READY_ID, Reply, Report, Request};
use crate::browser;

/// The inputs a worker holds.
#[derive(Debug)]
struct Held {
    stores: BTreeMap<u64, PointStore>,
    /// Inputs removed while still being decoded: what arrives for them later is dropped.
    removed: BTreeSet<u64>,
    /// Memory the stores may take before they are sampled (doubling the factor each time).
    budget_bytes: u64,
    /// Every store keeps one point in `keep_every` of each leg.
    keep_every: u32,
    /// What the stores take, kept up to date as they grow.
    retained_bytes: u64,
    /// Requests received that change the view ([`Request::changes_the_view`]): work done
    /// while idle stops when a new one comes.
    requests: u64,
}

impl Default for Held {
    fn default() -> Self {
        Self {
            stores: BTreeMap::new(),
            removed: BTreeSet::new(),
            budget_bytes: u64::MAX,
            keep_every: 1,
            retained_bytes: 0,
            requests: 0,
        }
    }
}

impl Held {
    fn add(&mut self, input: u64, batches: &[RecordBatch]) {
        if self.removed.contains(&input) {
            return;
        }
        let keep_every = self.keep_every;
        let store = self.stores.entry(input).or_insert_with(|| {
            let mut store = PointStore::default();
            store.sample(keep_every);
            store
        });
        let before = store.retained_bytes() as u64;
        store.add_input(batches);
        self.retained_bytes = self.retained_bytes.saturating_sub(before) + store.retained_bytes() as u64;
        self.keep_within_budget();
    }

    /// Samples the stores more coarsely (by powers of two) until they fit the budget, once
    /// the cells of earlier resolutions are let go.
    fn keep_within_budget(&mut self) {
        self.forget_earlier_columns_past_budget();
        while self.retained_bytes > self.budget_bytes && self.keep_every < MAX_KEEP_EVERY {
            self.sample(self.keep_every * 2);
        }
    }

    fn sample(&mut self, keep_every: u32) {
        self.keep_every = self.keep_every.max(keep_every);
        self.stores.values_mut().for_each(|store| store.sample(self.keep_every));
        self.recount();
    }

    fn forget_earlier_columns_past_budget(&mut self) {
        if self.retained_bytes > self.budget_bytes {
            self.stores.values_mut().for_each(PointStore::forget_earlier_columns);
            self.recount();
        }
    }

    fn recount(&mut self) {
        self.retained_bytes = self.stores.values().map(|store| store.retained_bytes() as u64).sum();
    }

    fn remove(&mut self, input: u64) {
        self.stores.remove(&input);
        self.removed.insert(input);
    }

    /// The stores not in `hidden`.
    fn visible<'a>(&'a self, hidden: &'a [u64]) -> impl Iterator<Item = &'a PointStore> + 'a {
        self.visible_by_id(hidden).map(|(_, store)| store)
    }

    fn visible_by_id<'a>(&'a self, hidden: &'a [u64]) -> impl Iterator<Item = (u64, &'a PointStore)> + 'a {
        self.stores.iter().filter(|(input, _)| !hidden.contains(input)).map(|(&input, store)| (input, store))
    }

    /// The aircraft a store has (0 before it exists).
    fn aircraft_count(&self, store: u64) -> usize {
        self.stores.get(&store).map_or(0, |store| store.aircraft().len())
    }
}

/// Runs the worker: answers each message the page posts, and says it is ready.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let held = Rc::new(RefCell::new(Held::default()));
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let held = Rc::clone(&held);
        let decoded = protocol::decode::<Request>(&event.data());
        if decoded.as_ref().is_ok_and(|(_, request, _)| request.changes_the_view()) {
            held.borrow_mut().requests += 1;
        }
        wasm_bindgen_futures::spawn_local(async move {
            match decoded {
                Ok((id, Request::Query { resolution, filter, bins, hidden, private }, _)) => {
                    let stores = Stores { hidden, private };
                    let reply = query(&mut held.borrow_mut(), resolution, &filter, bins, &stores);
                    let cells = match &reply {
                        Reply::Cells { aggregate, .. } => aggregate.cells.len(),
                        _ => 0,
                    };
                    post(id, &reply);
                    drop(reply);
                    prepare_neighbours(&held, resolution, cells).await;
                }
                Ok((id, request, blob)) => post(id, &handle(&held, request, blob).await),
                Err(message) => post(READY_ID, &Reply::Failed(message)),
            }
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(READY_ID, &Reply::Done);
}

/// Posts a reply; one that cannot be sent is replaced by a reply saying why, so the page
/// never waits for an answer that will not come.
fn post(id: u64, reply: &Reply) {
    if let Err(reason) = try_post(id, reply) {
        let _ = try_post(id, &Reply::Failed(reason));
    }
}

fn try_post(id: u64, reply: &Reply) -> Result<(), String> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let (envelope, transfer) = protocol::encode(id, reply, None)?;
    scope.post_message_with_transfer(&envelope, &transfer).map_err(|err| browser::js_error_message(&err))
}

async fn handle(held: &Rc<RefCell<Held>>, request: Request, blob: Option<Blob>) -> Reply {
    let sink_for = |input: u64| move |batches: &[RecordBatch]| held.borrow_mut().add(input, batches);
    let store = match &request {
        Request::DecodeFile { input }
        | Request::DecodeMembers { input, .. }
        | Request::DecodeUrl { input, .. } => *input,
        _ => 0,
    };
    let known_aircraft = held.borrow().aircraft_count(store);
    let decoded = match request {
        Request::DecodeFile { input } => match blob {
            Some(blob) => decode::decode_file(&blob, &mut sink_for(input)).await,
            None => Err("no file was sent".to_owned()),
        },
        Request::DecodeMembers { input, members, share } => match blob {
            Some(blob) => decode::decode_members(&blob, &members, share, &mut sink_for(input)).await,
            None => Err("no archive was sent".to_owned()),
        },
        Request::DecodeUrl { input, url } => decode::decode_url(&url, &mut sink_for(input)).await,
        Request::Query { resolution, filter, bins, hidden, private } => {
            return query(&mut held.borrow_mut(), resolution, &filter, bins, &Stores { hidden, private });
        }
        Request::Passages { cell, filter, hidden } => {
            let Ok(cell) = CellIndex::try_from(cell) else {
                return Reply::Failed(format!("{cell:x} is not an H3 cell"));
            };
            let held = held.borrow();
            let passages = held.visible(&hidden).flat_map(|store| passages_in_cell(store, cell, &filter));
            return Reply::Passages(merge_passages(passages));
        }
        Request::Track { address, hidden } => {
            let held = held.borrow();
            return Reply::Track(merge_tracks(
                held.visible(&hidden).flat_map(|store| track_of(store, &address)),
            ));
        }
        Request::Traffic { filter, max_points, hidden } => {
            let held = held.borrow();
            // The budget is shared by the stores in proportion to their points.
            let points: usize = held.visible(&hidden).map(PointStore::len).sum();
            let mut all = Traffic::default();
            for store in held.visible(&hidden) {
                let share = (max_points as usize).saturating_mul(store.len()) / points.max(1);
                all.merge(traffic(store, &filter, share));
            }
            return Reply::Traffic(all);
        }
        Request::HexPoints { cells } => {
            return match hex_mesh(cells) {
                Ok(mesh) => Reply::HexPoints(mesh.chunks.iter().map(CellPoints::of).collect()),
                Err(reason) => Reply::Failed(reason),
            };
        }
        Request::HexTriangles { chunks } => {
            return match chunks.into_iter().map(hex_mesh).collect() {
                Ok(meshes) => Reply::HexTriangles(meshes),
                Err(reason) => Reply::Failed(reason),
            };
        }
        Request::Export(file) => return export(file),
        Request::Remove { inputs } => {
            let mut held = held.borrow_mut();
            inputs.into_iter().for_each(|input| held.remove(input));
            held.recount();
            return Reply::Done;
        }
        Request::Compact => {
            let mut held = held.borrow_mut();
            held.stores.values_mut().for_each(PointStore::shrink_to_fit);
            held.recount();
            held.keep_within_budget();
            return Reply::Done;
        }
        Request::Limit { budget_bytes, keep_every } => {
            let mut held = held.borrow_mut();
            held.budget_bytes = budget_bytes;
            held.sample(keep_every);
            held.keep_within_budget();
            return Reply::Done;
        }
    };
    let held = held.borrow();
    match decoded {
        Ok(report) => {
            let store = held.stores.get(&store);
            Reply::Decoded(Report {
                keep_every: held.keep_every,
                aircraft_hashes: store
                    .map_or_else(Vec::new, |store| store.address_hashes(known_aircraft).collect()),
                store_retained_bytes: store.map_or(0, |store| store.retained_bytes() as u64),
                retained_bytes: held.retained_bytes,
                ..report
            })
        }
        Err(message) => Reply::Failed(message),
    }
}

/// Points whose cells a worker computes between two looks at its messages while idle
/// (about ten milliseconds).
const PREPARE_SLICE_POINTS: usize = 50_000;

/// A finer resolution is prepared ahead only while it may have at most this many cells in
/// a worker (up to 7 times those of the one asked): computing a column keeps lookup tables
/// of its cells, ~100 bytes each, and wasm memory keeps that high-water mark.
const MAX_PREPARED_CELLS: usize = 4_000_000;

/// While idle after a query that found `cells` here, computes the cells of the resolutions
/// next to the one asked, in slices, so that a step of the slider finds them ready; stops
/// at the next request or when they would not fit the budget.
async fn prepare_neighbours(held: &Rc<RefCell<Held>>, resolution: u8, cells: usize) {
    let Ok(resolution) = Resolution::try_from(resolution) else { return };
    let asked_at = held.borrow().requests;
    let finer = resolution.succ().filter(|_| cells.saturating_mul(7) <= MAX_PREPARED_CELLS);
    for next in [finer, resolution.pred()].into_iter().flatten() {
        loop {
            gloo::timers::future::TimeoutFuture::new(0).await;
            let mut held = held.borrow_mut();
            if held.requests != asked_at {
                return;
            }
            let more =
                held.stores.values().any(|store| store.prepare_cell_column(next, PREPARE_SLICE_POINTS));
            held.recount();
            // What does not fit is the column prepared ahead, not those the user asked for.
            if held.retained_bytes > held.budget_bytes {
                held.stores.values_mut().for_each(|store| store.forget_prepared_column(next));
                held.recount();
                return;
            }
            if !more {
                break;
            }
        }
    }
}

/// Which stores a query leaves out, and which alone hold their aircraft.
struct Stores {
    hidden: Vec<u64>,
    private: Vec<u64>,
}

/// Answers a query; the cell columns it computed count against the budget from then on
/// (those of earlier resolutions are let go first when it is passed).
fn query(
    held: &mut Held,
    resolution: u8,
    filter: &PointFilter,
    bins: Option<HistogramBins>,
    stores: &Stores,
) -> Reply {
    let Ok(resolution) = Resolution::try_from(resolution) else {
        return Reply::Failed(format!("there is no H3 resolution {resolution}"));
    };
    let mut histograms = bins.map(Histograms::new);
    let aggregates = held.visible_by_id(&stores.hidden).map(|(id, store)| {
        let sharing = AircraftSharing::of_store_alone(stores.private.contains(&id));
        aggregate_store(store, resolution, filter, histograms.as_mut(), sharing)
    });
    let aggregate = merged(aggregates);
    held.recount();
    held.forget_earlier_columns_past_budget();
    Reply::Cells {
        aggregate,
        histograms,
        retained_bytes: held.retained_bytes,
        memory_bytes: browser::wasm_memory_bytes(),
        keep_every: held.keep_every,
    }
}

/// The stores' aggregates as one. The page merges what workers send: one store's aggregate
/// goes as it is (a worker given one archive holds one store), several are merged here to
/// send less.
fn merged(aggregates: impl Iterator<Item = StoreAggregate>) -> StoreAggregate {
    let mut aggregates: Vec<StoreAggregate> = aggregates.collect();
    match aggregates.len() {
        0 | 1 => aggregates.pop().unwrap_or_default(),
        _ => merge_aggregates(&aggregates),
    }
}

/// The mesh of these cells' hexagons.
fn hex_mesh(cells: Vec<u64>) -> Result<Mesh, String> {
    let cells: Result<Vec<CellIndex>, _> = cells.into_iter().map(CellIndex::try_from).collect();
    match cells {
        Ok(cells) => Ok(Mesh::of_hexagons(&HexLayer::new(cells))),
        Err(err) => Err(format!("a cell to draw is not an H3 cell: {err}")),
    }
}

fn export(file: ExportFile) -> Reply {
    match file {
        ExportFile::Parquet { cells, metric } => match export::to_parquet(&cells, &[metric]) {
            Ok(bytes) => Reply::File(bytes),
            Err(err) => Reply::Failed(format!("the Parquet file could not be written: {err}")),
        },
        ExportFile::GeoJson { cells, metric } => {
            Reply::File(geojson::cells_geojson(&cells, &[metric]).into_bytes())
        }
        ExportFile::Kepler { cells, look, title } => {
            Reply::File(kepler::kepler_map(&cells, &look, &title).into_bytes())
        }
    }
}
