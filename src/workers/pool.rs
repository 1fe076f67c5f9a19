//! The page's pool of workers: each its own wasm instance running `skyhex-worker`
//! (`serve`). Calls are messages with an id; each worker's replies resolve its calls.
//! A worker that fails (its script cannot load, or it panics) fails its calls with the
//! reason instead of leaving them waiting.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{LocalBoxFuture, Shared};
use futures::{FutureExt, future};
use skyhex_core::engine::inspect::{Passage, TrackPiece, Traffic, merge_passages, merge_tracks};
use skyhex_core::engine::{HistogramBins, Histograms, StoreAggregate};
use skyhex_core::filter::PointFilter;
use skyhex_core::map::mesh::{CellPoints, Mesh};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{Blob, ErrorEvent, Event, MessageEvent};

use super::protocol::{self, ExportFile, READY_ID, Reply, Request};
use crate::browser::js_error_message;

/// The worker's script as Trunk writes it (`data-type="worker"` with `data-loader-shim`),
/// beside the page.
const WORKER_SCRIPT: &str = "./skyhex-worker_loader.js";

/// The most workers started, whatever the core count.
pub const MAX_WORKERS: usize = 16;

#[derive(Debug)]
pub struct Pool {
    workers: Vec<PoolWorker>,
    /// Stores the workers leave out of every answer (an archive's traces while they load
    /// behind its heatmaps).
    hidden: RefCell<Vec<u64>>,
}

/// What the workers hold, aggregated at one resolution under one filter.
#[derive(Debug, Default)]
pub struct Cells {
    pub aggregates: Vec<StoreAggregate>,
    /// The workers' histograms merged (when bins were asked for and a worker answered).
    pub histograms: Option<Histograms>,
    /// Memory the workers' stores take.
    pub retained_bytes: u64,
    /// The workers' wasm memory, all they hold.
    pub memory_bytes: u64,
    /// Why workers could not answer (their points are missing from `aggregates`).
    pub failures: Vec<String>,
    /// The workers' highest sampling factor (1: every point kept).
    pub keep_every: u32,
}

impl Pool {
    /// Starts `count` workers (at least one).
    pub fn start(count: usize) -> Result<Self, String> {
        let workers =
            (0..count.clamp(1, MAX_WORKERS)).map(|_| PoolWorker::start()).collect::<Result<_, _>>()?;
        Ok(Self { workers, hidden: RefCell::default() })
    }

    pub fn workers(&self) -> &[PoolWorker] {
        &self.workers
    }

    pub fn hide(&self, store: u64) {
        self.hidden.borrow_mut().push(store);
    }

    pub fn unhide(&self, store: u64) {
        self.hidden.borrow_mut().retain(|&hidden| hidden != store);
    }

    pub fn hides(&self, store: u64) -> bool {
        self.hidden.borrow().contains(&store)
    }

    fn hidden(&self) -> Vec<u64> {
        self.hidden.borrow().clone()
    }

    /// Every worker's cells at `resolution` under `filter`, and their histograms in `bins`.
    /// The stores in `private` count their aircraft themselves (`Request::Query`).
    pub async fn query(
        &self,
        resolution: u8,
        filter: &PointFilter,
        bins: Option<HistogramBins>,
        private: Vec<u64>,
    ) -> Cells {
        let request =
            Request::Query { resolution, filter: filter.clone(), bins, hidden: self.hidden(), private };
        let replies = self.ask_all(&request).await;
        let mut cells = Cells::default();
        for reply in replies {
            match reply {
                Reply::Cells { aggregate, histograms, retained_bytes, memory_bytes, keep_every } => {
                    cells.keep_every = cells.keep_every.max(keep_every);
                    cells.aggregates.push(aggregate);
                    match (&mut cells.histograms, histograms) {
                        (Some(merged), Some(histograms)) => merged.merge(&histograms),
                        (merged, histograms) => *merged = merged.take().or(histograms),
                    }
                    cells.retained_bytes += retained_bytes;
                    cells.memory_bytes += memory_bytes;
                }
                Reply::Failed(reason) => cells.failures.push(reason),
                other => cells.failures.push(format!("a worker answered a query with {other:?}")),
            }
        }
        cells.failures.dedup();
        cells
    }

    /// The aircraft whose points `filter` keeps in `cell`, most points first.
    pub async fn passages(&self, cell: u64, filter: &PointFilter) -> Result<Vec<Passage>, String> {
        let request = Request::Passages { cell, filter: filter.clone(), hidden: self.hidden() };
        let found = self.ask_each(&request, |reply| match reply {
            Reply::Passages(found) => Ok(found),
            other => Err(failure(other)),
        });
        Ok(merge_passages(found.await?.into_iter().flatten()))
    }

    /// Every point of the aircraft `address`, as track pieces in time order.
    pub async fn track(&self, address: &str) -> Result<Vec<TrackPiece>, String> {
        let request = Request::Track { address: address.to_owned(), hidden: self.hidden() };
        let found = self.ask_each(&request, |reply| match reply {
            Reply::Track(found) => Ok(found),
            other => Err(failure(other)),
        });
        Ok(merge_tracks(found.await?.into_iter().flatten()))
    }

    /// All traffic `filter` keeps, thinned per aircraft to about `max_points` in all.
    pub async fn traffic(&self, filter: &PointFilter, max_points: u32) -> Result<Traffic, String> {
        let per_worker = max_points / self.workers.len().max(1) as u32;
        let request =
            Request::Traffic { filter: filter.clone(), max_points: per_worker, hidden: self.hidden() };
        let found = self.ask_each(&request, |reply| match reply {
            Reply::Traffic(found) => Ok(found),
            other => Err(failure(other)),
        });
        let mut all = Traffic::default();
        found.await?.into_iter().for_each(|traffic| all.merge(traffic));
        Ok(all)
    }

    /// Every worker's answer to `request`, as `expected` takes it from the reply (or says
    /// why it is not the one expected, which fails the whole).
    async fn ask_each<T>(
        &self,
        request: &Request,
        expected: fn(Reply) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        self.ask_all(request).await.into_iter().map(expected).collect()
    }

    /// `cells`' hexagons as points in chunks, built by the workers on consecutive slices of
    /// them.
    pub async fn hex_points(&self, cells: &[u64]) -> Result<Vec<CellPoints>, String> {
        let slice_len = cells.len().div_ceil(self.workers.len()).max(1);
        let slices: Vec<&[u64]> = cells.chunks(slice_len).collect();
        let calls = self.workers.iter().zip(&slices).map(|(worker, slice)| async move {
            worker.call(&Request::HexPoints { cells: slice.to_vec() }, None).await
        });
        let mut points = Vec::new();
        for (index, reply) in future::join_all(calls).await.into_iter().enumerate() {
            match reply {
                Reply::HexPoints(chunks) => points.push(((index * slice_len) as u32, chunks)),
                other => return Err(failure(other)),
            }
        }
        Ok(CellPoints::joined(points))
    }

    /// The triangles of the hexagons of `chunks` (each a list of cells), a mesh for each in
    /// order, built by the workers on runs of chunks of about equal numbers of cells.
    pub async fn hex_triangles(&self, chunks: Vec<Vec<u64>>) -> Result<Vec<Mesh>, String> {
        let share = chunks.iter().map(Vec::len).sum::<usize>().div_ceil(self.workers.len()).max(1);
        let mut shares: Vec<Vec<Vec<u64>>> = Vec::new();
        let mut cells_in_last = share;
        for chunk in chunks {
            if cells_in_last >= share {
                shares.push(Vec::new());
                cells_in_last = 0;
            }
            cells_in_last += chunk.len();
            if let Some(last) = shares.last_mut() {
                last.push(chunk);
            }
        }
        let calls = self.workers.iter().zip(shares).map(|(worker, chunks)| async move {
            worker.call(&Request::HexTriangles { chunks }, None).await
        });
        let mut meshes = Vec::new();
        for reply in future::join_all(calls).await {
            match reply {
                Reply::HexTriangles(share) => meshes.extend(share),
                other => return Err(failure(other)),
            }
        }
        Ok(meshes)
    }

    /// A file of the cells, written by the first worker.
    pub async fn export(&self, file: ExportFile) -> Result<Vec<u8>, String> {
        let Some(worker) = self.workers.first() else { return Err("no worker is running".to_owned()) };
        match worker.call(&Request::Export(file), None).await {
            Reply::File(bytes) => Ok(bytes),
            other => Err(failure(other)),
        }
    }

    async fn ask_all(&self, request: &Request) -> Vec<Reply> {
        future::join_all(self.workers.iter().map(|worker| worker.call(request, None))).await
    }

    /// Sends `request` to every worker and waits until all have handled it.
    pub async fn broadcast(&self, request: &Request) {
        self.ask_all(request).await;
    }
}

/// Why a worker's reply is not the answer asked for.
fn failure(reply: Reply) -> String {
    match reply {
        Reply::Failed(reason) => reason,
        other => format!("a worker answered with {other:?}"),
    }
}

/// One worker, and the calls waiting for its replies.
#[derive(Debug)]
pub struct PoolWorker {
    worker: web_sys::Worker,
    calls: Rc<RefCell<Calls>>,
    /// Resolves when the worker's wasm is running (messages posted before would be lost).
    ready: Shared<LocalBoxFuture<'static, Result<(), String>>>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(Event)>,
}

#[derive(Debug, Default)]
struct Calls {
    next_id: u64,
    waiting: HashMap<u64, oneshot::Sender<Reply>>,
    ready: Option<oneshot::Sender<Result<(), String>>>,
    /// Why the worker stopped working, once it has.
    failed: Option<String>,
}

impl Calls {
    fn fail(&mut self, reason: String) {
        if let Some(ready) = self.ready.take() {
            let _ = ready.send(Err(reason.clone()));
        }
        for (_, call) in self.waiting.drain() {
            let _ = call.send(Reply::Failed(reason.clone()));
        }
        self.failed = Some(reason);
    }
}

impl PoolWorker {
    fn start() -> Result<Self, String> {
        let worker = web_sys::Worker::new(WORKER_SCRIPT)
            .map_err(|err| format!("could not start a worker: {}", js_error_message(&err)))?;
        let (ready_sender, ready) = oneshot::channel();
        let calls = Rc::new(RefCell::new(Calls { ready: Some(ready_sender), ..Calls::default() }));
        let on_message = {
            let calls = Rc::clone(&calls);
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                receive(&mut calls.borrow_mut(), &event);
            })
        };
        let on_error = {
            let calls = Rc::clone(&calls);
            // A script that cannot be loaded fires a plain `Event`; an error inside, an `ErrorEvent`.
            Closure::<dyn Fn(Event)>::new(move |event: Event| {
                let message = event.dyn_ref::<ErrorEvent>().map(ErrorEvent::message).unwrap_or_default();
                let reason =
                    if message.is_empty() { "its script could not be loaded".to_owned() } else { message };
                calls.borrow_mut().fail(format!("a worker failed: {reason}"));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let ready =
            ready.map(|ready| ready.unwrap_or_else(|_| Err("a worker stopped".to_owned()))).boxed_local();
        Ok(Self { worker, calls, ready: ready.shared(), _on_message: on_message, _on_error: on_error })
    }

    /// Sends `request` (with the blob to read, if any) and waits for the reply.
    pub async fn call(&self, request: &Request, blob: Option<&Blob>) -> Reply {
        if let Err(reason) = self.ready.clone().await {
            return Reply::Failed(reason);
        }
        let (sender, reply) = oneshot::channel();
        let id = {
            let mut calls = self.calls.borrow_mut();
            if let Some(reason) = &calls.failed {
                return Reply::Failed(reason.clone());
            }
            calls.next_id += 1;
            let id = calls.next_id;
            calls.waiting.insert(id, sender);
            id
        };
        let posted = protocol::encode(id, request, blob).and_then(|(envelope, transfer)| {
            self.worker.post_message_with_transfer(&envelope, &transfer).map_err(|err| js_error_message(&err))
        });
        if let Err(reason) = posted {
            self.calls.borrow_mut().waiting.remove(&id);
            return Reply::Failed(reason);
        }
        reply.await.unwrap_or_else(|_| Reply::Failed("a worker stopped".to_owned()))
    }
}

impl Drop for PoolWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

fn receive(calls: &mut Calls, event: &MessageEvent) {
    match protocol::decode::<Reply>(&event.data()) {
        Ok((READY_ID, Reply::Done, _)) => {
            if let Some(ready) = calls.ready.take() {
                let _ = ready.send(Ok(()));
            }
        }
        Ok((READY_ID, reply, _)) => calls.fail(format!("a worker could not read a message: {reply:?}")),
        Ok((id, reply, _)) => {
            if let Some(call) = calls.waiting.remove(&id) {
                let _ = call.send(reply);
            }
        }
        Err(reason) => calls.fail(reason),
    }
}
