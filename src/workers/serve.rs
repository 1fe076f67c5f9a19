//! The worker's side: it holds the points of the inputs (or archive members) it decoded,
//! one compact store per input, and answers the page's queries with one aggregate.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use arrow::array::RecordBatch;
use skyhex_core::Resolution;
use skyhex_core::density::DensityBuilder;
use skyhex_core::engine::{HistogramBins, Histograms, PointStore, aggregate_store};
use skyhex_core::filter::PointFilter;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use super::decode;
use super::protocol::{self, READY_ID, Reply, Request};

/// The inputs a worker holds.
#[derive(Debug, Default)]
struct Held {
    stores: BTreeMap<u64, PointStore>,
    /// Inputs removed while still being decoded: what arrives for them later is dropped.
    removed: BTreeSet<u64>,
}

impl Held {
    fn add(&mut self, input: u64, batches: &[RecordBatch]) {
        if !self.removed.contains(&input) {
            self.stores.entry(input).or_default().add_input(batches);
        }
    }

    fn retained_bytes(&self) -> u64 {
        self.stores.values().map(|store| store.retained_bytes() as u64).sum()
    }
}

/// Runs the worker: answers each message the page posts, and says it is ready.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let held = Rc::new(RefCell::new(Held::default()));
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let held = Rc::clone(&held);
        wasm_bindgen_futures::spawn_local(async move {
            match protocol::decode::<Request>(&event.data()) {
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
    scope
        .post_message_with_transfer(&envelope, &transfer)
        .map_err(|err| crate::browser::js_error_message(&err))
}

async fn handle(held: &Rc<RefCell<Held>>, request: Request, blob: Option<Blob>) -> Reply {
    let sink_for = |input: u64| move |batches: &[RecordBatch]| held.borrow_mut().add(input, batches);
    let decoded = match request {
        Request::DecodeFile { input } => match blob {
            Some(blob) => decode::decode_file(&blob, &mut sink_for(input)).await,
            None => Err("no file was sent".to_owned()),
        },
        Request::DecodeMembers { input, members } => match blob {
            Some(blob) => decode::decode_members(&blob, &members, &mut sink_for(input)).await,
            None => Err("no archive was sent".to_owned()),
        },
        Request::DecodeUrl { input, url } => decode::decode_url(&url, &mut sink_for(input)).await,
        Request::Query { resolution, filter, bins } => {
            return query(&held.borrow(), resolution, &filter, bins);
        }
        Request::Remove { inputs } => {
            let mut held = held.borrow_mut();
            for input in inputs {
                held.stores.remove(&input);
                held.removed.insert(input);
            }
            return Reply::Done;
        }
        Request::Compact => {
            held.borrow_mut().stores.values_mut().for_each(PointStore::shrink_to_fit);
            return Reply::Done;
        }
    };
    match decoded {
        Ok(report) => Reply::Decoded(report),
        Err(message) => Reply::Failed(message),
    }
}

fn query(held: &Held, resolution: u8, filter: &PointFilter, bins: Option<HistogramBins>) -> Reply {
    let Ok(resolution) = Resolution::try_from(resolution) else {
        return Reply::Failed(format!("there is no H3 resolution {resolution}"));
    };
    let mut histograms = bins.map(Histograms::new);
    let mut builder = DensityBuilder::new(resolution, filter.clone());
    for store in held.stores.values() {
        builder.add_aggregate(&aggregate_store(store, resolution, filter, histograms.as_mut()));
    }
    Reply::Cells { aggregate: builder.into_aggregate(), histograms, retained_bytes: held.retained_bytes() }
}
