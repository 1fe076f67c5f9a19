//! App state: the inputs and what they decoded to, the view settings, load progress.
//! A small `Copy` struct of signals, provided by context.

use std::pin::pin;
use std::sync::Arc;

use futures::FutureExt;
use futures::channel::oneshot;
use futures::future::{Either, select};

use leptos::prelude::*;
use skyhex_core::Resolution;
use skyhex_core::density::{Density, DensityBuilder, Metric};
use skyhex_core::filter::PointFilter;

use crate::browser;
use crate::loading::{self, Loaded, Source};

/// The seed pipeline's resolution, and the default of the density layer.
pub const DEFAULT_RESOLUTION: u8 = 5;

/// The demo dataset bundled with the site (real points; see public/demo/README.md).
pub const DEMO_URL: &str = "demo/adsb_actions_points.parquet";

/// What became of reading an input.
#[derive(Debug, Clone)]
pub enum Outcome {
    Reading,
    Loaded(Arc<Loaded>),
    Failed(String),
}

/// One input in the data panel.
#[derive(Debug, Clone)]
pub struct Input {
    pub id: u64,
    pub name: String,
    pub size_bytes: Option<u64>,
    pub is_demo: bool,
    pub outcome: Outcome,
}

/// Progress of the load under way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    /// Bytes read of the inputs whose size is known (files; not URLs).
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// The input being read.
    pub current: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Loading,
    Ready,
    /// There are inputs and none could be read.
    Error,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Self::Loading => "loading",
            Self::Ready => "ready",
            Self::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct AppState {
    pub inputs: RwSignal<Vec<Input>>,
    pub resolution: RwSignal<u8>,
    /// What colours the cells and joins the exported columns.
    pub metric: RwSignal<Metric>,
    /// `Some` while inputs are being read.
    pub progress: RwSignal<Option<Progress>>,
    /// The density of the current view, recomputed when inputs, resolution or filter change.
    pub density: Memo<Arc<Density>>,
    next_id: StoredValue<u64>,
    /// One sender per load under way (by its first input's id); `cancel` fires them all.
    cancels: StoredValue<Vec<(u64, oneshot::Sender<()>)>>,
}

/// What a cancelled input says in the errors list.
const CANCELLED: &str = "not read: loading was cancelled";

/// How long decoding runs before results are published and the page repaints.
const PUBLISH_EVERY_MS: f64 = 250.0;

impl AppState {
    pub fn new(resolution: u8, metric: Metric) -> Self {
        let inputs = RwSignal::new(Vec::<Input>::new());
        let resolution = RwSignal::new(resolution);
        let density = Memo::new(move |_| {
            let resolution = Resolution::try_from(resolution.get()).unwrap_or(Resolution::Five);
            inputs.with(|inputs| {
                let mut builder = DensityBuilder::new(resolution, PointFilter::default());
                for loaded in loaded(inputs) {
                    builder.add_store(&loaded.store);
                    builder.add_cells(&loaded.cells);
                }
                Arc::new(builder.finish())
            })
        });
        Self {
            inputs,
            resolution,
            metric: RwSignal::new(metric),
            progress: RwSignal::new(None),
            density,
            next_id: StoredValue::new(0),
            cancels: StoredValue::new(Vec::new()),
        }
    }

    pub fn status(&self) -> Status {
        if self.progress.with(Option::is_some) {
            return Status::Loading;
        }
        self.inputs.with(|inputs| {
            let all_failed =
                !inputs.is_empty() && inputs.iter().all(|input| matches!(input.outcome, Outcome::Failed(_)));
            if all_failed { Status::Error } else { Status::Ready }
        })
    }

    /// Memory the loaded inputs' points take (stores and cached cell columns).
    pub fn retained_bytes(&self) -> u64 {
        self.inputs.with(|inputs| loaded(inputs).map(|loaded| loaded.store.retained_bytes() as u64).sum())
    }

    /// Rejected points over all loaded inputs.
    pub fn rejected_total(&self) -> u64 {
        self.inputs.with(|inputs| loaded(inputs).map(|loaded| loaded.summary.rejected.total()).sum())
    }

    /// Stops every load under way: the input being read and those after it are marked as
    /// not read; inputs already read stay.
    pub fn cancel(&self) {
        self.cancels.update_value(|cancels| {
            for (_, sender) in cancels.drain(..) {
                let _ = sender.send(());
            }
        });
    }

    pub fn remove(&self, id: u64) {
        self.inputs.update(|inputs| inputs.retain(|input| input.id != id));
    }

    /// Reads and decodes `sources` one after another, publishing results as they come.
    /// User inputs replace the demo dataset.
    pub fn load(self, sources: Vec<Source>, is_demo: bool) {
        if sources.is_empty() {
            return;
        }
        let first_id = self.next_id.get_value();
        self.next_id.set_value(first_id + sources.len() as u64);
        let entries = sources.iter().zip(first_id..).map(|(source, id)| Input {
            id,
            name: source.name(),
            size_bytes: source.size_bytes(),
            is_demo,
            outcome: Outcome::Reading,
        });
        self.inputs.update(|inputs| {
            if !is_demo {
                inputs.retain(|input| !input.is_demo);
            }
            inputs.extend(entries);
        });
        self.progress.update(|progress| {
            let progress = progress.get_or_insert_with(Progress::default);
            progress.files_total += sources.len();
            progress.bytes_total += sources.iter().filter_map(Source::size_bytes).sum::<u64>();
        });
        let (cancel, cancelled) = oneshot::channel::<()>();
        self.cancels.update_value(|cancels| cancels.push((first_id, cancel)));
        // Resolves only when cancel fires (a dropped sender means the load ended).
        let cancelled = async move {
            if cancelled.await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        .boxed_local()
        .shared();
        leptos::task::spawn_local(async move {
            let mut pending = Vec::new();
            let mut was_cancelled = false;
            let mut last_publish_ms = browser::now_ms();
            for (source, id) in sources.into_iter().zip(first_id..) {
                let size_bytes = source.size_bytes().unwrap_or(0);
                self.progress.update(|progress| {
                    if let Some(progress) = progress {
                        progress.current = source.name();
                    }
                });
                let bytes_before =
                    self.progress.with_untracked(|progress| progress.as_ref().map_or(0, |p| p.bytes_done));
                let report = move |bytes_in_source: u64| {
                    self.progress.update(|progress| {
                        if let Some(progress) = progress {
                            progress.bytes_done = bytes_before + bytes_in_source;
                        }
                    });
                };
                let outcome = if was_cancelled {
                    Outcome::Failed(CANCELLED.to_owned())
                } else {
                    match select(pin!(loading::load(&source, &report)), cancelled.clone()).await {
                        Either::Left((Ok(loaded), _)) => Outcome::Loaded(loaded),
                        Either::Left((Err(message), _)) => Outcome::Failed(message),
                        Either::Right(((), _)) => {
                            was_cancelled = true;
                            Outcome::Failed(CANCELLED.to_owned())
                        }
                    }
                };
                pending.push((id, outcome));
                self.progress.update(|progress| {
                    if let Some(progress) = progress {
                        progress.files_done += 1;
                        progress.bytes_done = bytes_before + size_bytes;
                    }
                });
                if browser::now_ms() - last_publish_ms > PUBLISH_EVERY_MS {
                    self.publish(std::mem::take(&mut pending));
                    browser::yield_to_browser().await;
                    last_publish_ms = browser::now_ms();
                }
            }
            self.publish(pending);
            self.cancels.update_value(|cancels| cancels.retain(|(id, _)| *id != first_id));
            self.progress.update(|progress| {
                if progress.as_ref().is_some_and(|progress| progress.files_done >= progress.files_total) {
                    *progress = None;
                }
            });
        });
    }

    fn publish(&self, outcomes: Vec<(u64, Outcome)>) {
        if outcomes.is_empty() {
            return;
        }
        self.inputs.update(|inputs| {
            for (id, outcome) in outcomes {
                if let Some(input) = inputs.iter_mut().find(|input| input.id == id) {
                    input.outcome = outcome;
                }
            }
        });
    }
}

/// The loaded data of the inputs that were read.
pub fn loaded(inputs: &[Input]) -> impl Iterator<Item = &Loaded> {
    inputs.iter().filter_map(|input| match &input.outcome {
        Outcome::Loaded(loaded) => Some(loaded.as_ref()),
        Outcome::Reading | Outcome::Failed(_) => None,
    })
}
