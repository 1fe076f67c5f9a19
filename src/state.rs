//! App state: the inputs and what they decoded to, the view settings, load progress.
//! A small `Copy` struct of signals, provided by context. The points themselves live in
//! the workers (`crate::workers`): loading sends them jobs, and the density of the view is
//! their merged answer to a query, asked again whenever the data or the view changes.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;

use futures::StreamExt;
use futures::channel::{mpsc, oneshot};
use futures::future::{self, Either, select};
use futures::stream::{self, PollNext};

use leptos::prelude::*;
use skyhex_core::Resolution;
use skyhex_core::density::{CellCount, Density, Metric};
use skyhex_core::engine::sharing::AircraftOwners;
use skyhex_core::engine::{HistogramBins, Histograms};
use skyhex_core::filter::PointFilter;
use skyhex_core::map::camera::Camera;
use skyhex_core::map::colour::ColourSettings;
use skyhex_core::summary::Summary;

use crate::browser;
use crate::loading::{self, Job, Source};
use crate::workers::archive_format;
use crate::workers::pool::{Cells, Pool};
use crate::workers::protocol::{MAX_KEEP_EVERY, Reply, Report, Request};

/// What an input held, as the workers reported it (its points stay in the workers).
#[derive(Debug, Default)]
pub struct Loaded {
    /// The format, e.g. "Parquet" or "tar archive (1,054 members, 0 not data)".
    pub format: String,
    pub summary: Summary,
    /// Cells of pre-aggregated H3 tables (merged here, not in the workers).
    pub cells: Vec<CellCount>,
    /// Problems that did not stop the input: a member that failed, where reading stopped.
    pub problems: Vec<String>,
    /// The input's stores whose aircraft no two workers share (an archive's members spread
    /// over the workers, one aircraft's trace in one member): alone, the input's workers
    /// count those aircraft themselves.
    pub private_stores: Vec<u64>,
}

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
    /// adsb.lol data (the demo's included), which the map credits (ODbL).
    pub is_adsb_lol: bool,
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
    /// Points decoded and archive members read so far.
    pub points_done: u64,
    pub members_done: u64,
    /// When reading started (ms since page load), for the rate and the time left.
    pub started_ms: f64,
    /// The input being read.
    pub current: String,
    /// Archives whose heatmaps are shown while their traces load.
    pub previewing: usize,
    /// Bytes and points read so far of each input being read, by id.
    pub inputs: BTreeMap<u64, InputProgress>,
}

/// How far reading one input is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputProgress {
    pub bytes_done: u64,
    pub points_done: u64,
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
    /// How the map colours the cells: scale, palette, fixed classes.
    pub colours: RwSignal<ColourSettings>,
    /// Of the map's hexagons, 0 to 1.
    pub opacity: RwSignal<f64>,
    /// Where the map looks (the Kepler.gl export opens at the same view).
    pub camera: RwSignal<Camera>,
    /// A raster basemap the user named (none by default).
    pub tiles: RwSignal<Option<TileSource>>,
    /// Which of the map's layers show (the Layers tab).
    pub layers: RwSignal<LayersShown>,
    pub theme: RwSignal<Theme>,
    /// Which points count (the Filters section).
    pub filter: RwSignal<PointFilter>,
    /// `Some` while inputs are being read.
    pub progress: RwSignal<Option<Progress>>,
    /// The density of the current view: the workers' answer to the last query.
    pub density: RwSignal<Arc<Density>>,
    /// `Some(cells)` while the workers build the map's hexagons for a new density.
    pub drawing_cells: RwSignal<Option<usize>>,
    /// Cells whose triangles the workers are building (of chunks the map draws wide).
    pub triangulating_cells: RwSignal<usize>,
    /// Points per time bin and altitude band under the current filters (for the brushes).
    pub histograms: RwSignal<Option<Histograms>>,
    /// The view (resolution aside) and bins `histograms` were counted for.
    histograms_for: StoredValue<Option<(View, HistogramBins)>>,
    /// Memory the workers' points take (stores and cached cell columns).
    pub retained_bytes: RwSignal<u64>,
    /// The wasm memory of the workers and the page: all skyhex holds but the browser's own.
    pub memory_bytes: RwSignal<u64>,
    /// Memory the workers' points may take in all; past it they sample.
    pub memory_budget_bytes: u64,
    /// The workers keep one point in `keep_every` of each leg (1: all), to stay in budget.
    pub keep_every: RwSignal<u32>,
    /// Why the density leaves points out: workers that failed (their points are lost).
    pub worker_failures: RwSignal<Vec<String>>,
    /// Changes whenever what the workers hold changes.
    data_version: RwSignal<u64>,
    /// The view that `density` answers, and how long the workers took to answer it.
    shown: RwSignal<Option<View>>,
    pub query_ms: RwSignal<f64>,
    pool: StoredValue<Result<Rc<Pool>, String>, LocalStorage>,
    next_id: StoredValue<u64>,
    /// One sender per load under way (by its first input's id); `cancel` fires them all.
    cancels: StoredValue<Vec<(u64, oneshot::Sender<()>)>>,
}

/// What the density shows: the resolution and filter over the data the workers hold.
#[derive(Debug, Clone, PartialEq)]
struct View {
    resolution: u8,
    data_version: u64,
    filter: PointFilter,
}

impl View {
    /// Whether both views count the same points (they may differ in resolution).
    fn same_points(&self, other: &Self) -> bool {
        self.data_version == other.data_version && self.filter == other.filter
    }
}

/// Memory the workers' points may take in all before they are sampled (`?memory_mb=`
/// sets another): a day of adsb.lol traces (~80 M points at ~17.5 bytes) fits whole, and
/// the tab stays near 2.5 GB (the wasm heaps run ~30 % above what they hold, while
/// growing; the renderer takes ~0.45 GB more).
pub const DEFAULT_MEMORY_BUDGET_BYTES: u64 = 1_536 << 20;

/// A tile server's URL template and whom its tiles are to be credited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileSource {
    pub template: String,
    pub credit: String,
}

/// Of the map's hexagons: the land still shows through.
pub const DEFAULT_OPACITY: f64 = 0.85;

/// The map's layers a user can hide (the traffic layer is asked for, so it has its own
/// switch in the inspector).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayersShown {
    pub hexagons: bool,
    pub track: bool,
    pub airports: bool,
}

impl Default for LayersShown {
    fn default() -> Self {
        Self { hexagons: true, track: true, airports: true }
    }
}

impl LayersShown {
    /// Each layer's switch, by the name `hide=` gives it.
    fn switches(&mut self) -> [(&'static str, &mut bool); 3] {
        [("hexagons", &mut self.hexagons), ("track", &mut self.track), ("airports", &mut self.airports)]
    }

    /// The layers `hide=` names (comma-separated), hidden.
    pub fn from_hidden(text: &str) -> Self {
        let hidden: Vec<&str> = text.split(',').map(str::trim).collect();
        let mut layers = Self::default();
        for (name, shown) in layers.switches() {
            *shown = !hidden.contains(&name);
        }
        layers
    }

    /// As `hide=` names them (`None`: every layer shows).
    pub fn hidden_text(mut self) -> Option<String> {
        let hidden: Vec<&str> =
            self.switches().into_iter().filter(|(_, shown)| !**shown).map(|(name, _)| name).collect();
        (!hidden.is_empty()).then(|| hidden.join(","))
    }
}

/// The colours of the page and the map: dark by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

impl Theme {
    pub const ALL: [Self; 2] = [Self::Dark, Self::Light];

    pub fn name(self) -> &'static str {
        match self {
            Self::Dark => "dark",
            Self::Light => "light",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Dark => "Dark",
            Self::Light => "Light",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|theme| theme.name() == name)
    }
}

/// At most this many bars in the time histogram.
const TIME_BINS: u32 = 96;

/// What a cancelled input says in the errors list.
const CANCELLED: &str = "not read: loading was cancelled";

/// How often results are published (and the map redrawn) while inputs are being read: at
/// most every second, and rarer when queries take long, so they never take more than a
/// fifth of the workers' time.
const PUBLISH_EVERY_MS: f64 = 1000.0;
const PUBLISH_EVERY_QUERIES: f64 = 4.0;

/// Jobs each worker is given at a time during a load.
const JOBS_PER_WORKER: usize = 2;
/// An input's store is projected to its whole once this share (1 in N) of its bytes is read.
const PROJECTION_FROM_SHARE: u64 = 20;

impl AppState {
    pub fn new(resolution: u8, metric: Metric, workers: usize, memory_budget_bytes: u64) -> Self {
        let state = Self {
            inputs: RwSignal::new(Vec::new()),
            resolution: RwSignal::new(resolution),
            metric: RwSignal::new(metric),
            colours: RwSignal::new(ColourSettings::default()),
            opacity: RwSignal::new(DEFAULT_OPACITY),
            layers: RwSignal::new(LayersShown::default()),
            theme: RwSignal::new(Theme::default()),
            camera: RwSignal::new(Camera::default()),
            tiles: RwSignal::new(None),
            filter: RwSignal::new(PointFilter::default()),
            progress: RwSignal::new(None),
            density: RwSignal::new(Arc::default()),
            drawing_cells: RwSignal::new(None),
            triangulating_cells: RwSignal::new(0),
            histograms: RwSignal::new(None),
            histograms_for: StoredValue::new(None),
            retained_bytes: RwSignal::new(0),
            memory_bytes: RwSignal::new(0),
            memory_budget_bytes,
            keep_every: RwSignal::new(1),
            worker_failures: RwSignal::new(Vec::new()),
            data_version: RwSignal::new(0),
            shown: RwSignal::new(None),
            query_ms: RwSignal::new(0.0),
            pool: StoredValue::new_local(Pool::start(workers).map(Rc::new)),
            next_id: StoredValue::new(0),
            cancels: StoredValue::new(Vec::new()),
        };
        // A signal set to the value it had (the slider reports `input` then `change`) asks
        // nothing again.
        Effect::new(move |previous: Option<View>| {
            let view = state.view();
            if previous.as_ref() != Some(&view) {
                state.query(view.clone());
            }
            view
        });
        state
    }

    /// What the density must answer now (tracked: a change asks the workers again).
    fn view(&self) -> View {
        View {
            resolution: self.resolution.get(),
            data_version: self.data_version.get(),
            filter: self.filter.get(),
        }
    }

    /// Asks the workers for the cells of `view` and shows them, unless the view changed
    /// meanwhile (a newer query is then under way).
    fn query(self, view: View) {
        let resolution = Resolution::try_from(view.resolution).unwrap_or(Resolution::Five);
        let tables: Vec<CellCount> = self
            .inputs
            .with_untracked(|inputs| loaded(inputs).flat_map(|loaded| loaded.cells.clone()).collect());
        let pool = self.pool.with_value(|pool| pool.clone());
        let private = self.private_stores();
        let bins = self.histogram_bins();
        // Histograms do not depend on the resolution: a resolution change keeps them.
        let counted = self.histograms_for.with_value(|counted| {
            counted.as_ref().is_some_and(|(counted, counted_bins)| {
                counted.same_points(&view) && bins == Some(*counted_bins)
            })
        });
        let asked_bins = bins.filter(|_| !counted);
        leptos::task::spawn_local(async move {
            let started_ms = browser::now_ms();
            let mut cells = match &pool {
                Ok(pool) => pool.query(view.resolution, &view.filter, asked_bins, private).await,
                Err(reason) => Cells { failures: vec![reason.clone()], ..Cells::default() },
            };
            if self.view_untracked() != view {
                return;
            }
            self.query_ms.set(browser::now_ms() - started_ms);
            let density = Density::merged(&cells.aggregates, &tables, resolution, &view.filter);
            // Millions of cells at fine resolutions: gone before anything else is built.
            drop(std::mem::take(&mut cells.aggregates));
            self.retained_bytes.set(cells.retained_bytes);
            self.memory_bytes.set(cells.memory_bytes + browser::wasm_memory_bytes());
            self.sample_alike(cells.keep_every);
            if !counted {
                self.histograms.set(cells.histograms);
                self.histograms_for.set_value(bins.map(|bins| (view.clone(), bins)));
            }
            if self.worker_failures.with_untracked(|failures| *failures != cells.failures) {
                self.worker_failures.set(cells.failures);
            }
            self.density.set(Arc::new(density));
            self.shown.set(Some(view));
        });
    }

    /// The stores that alone hold their aircraft: those of the only input, once loaded, or
    /// while its traces load out of view, its heatmaps (which the workers share out by
    /// aircraft, `loading::plan`). With other inputs the workers send pairs to tell apart.
    fn private_stores(&self) -> Vec<u64> {
        let hidden = |id| self.pool.with_value(|pool| pool.as_ref().is_ok_and(|pool| pool.hides(id)));
        self.inputs.with_untracked(|inputs| match inputs.as_slice() {
            [Input { outcome: Outcome::Loaded(loaded), .. }] => loaded.private_stores.clone(),
            [Input { id, outcome: Outcome::Reading, .. }] if hidden(*id) => vec![loading::heatmap_store(*id)],
            _ => Vec::new(),
        })
    }

    /// The brushes' bins over the time span of the points loaded (read when the workers
    /// are asked: a change of the data asks them again).
    fn histogram_bins(&self) -> Option<HistogramBins> {
        self.inputs.with_untracked(|inputs| {
            let first_ms = loaded(inputs).filter_map(|loaded| loaded.summary.first_time_ms).min()?;
            let last_ms = loaded(inputs).filter_map(|loaded| loaded.summary.last_time_ms).max()?;
            Some(HistogramBins::over(first_ms, last_ms, TIME_BINS))
        })
    }

    fn view_untracked(&self) -> View {
        untrack(|| self.view())
    }

    /// The resolution of the cells shown (the slider may be ahead while the workers work).
    pub fn shown_resolution(&self) -> u8 {
        self.shown
            .with(|shown| shown.as_ref().map(|view| view.resolution))
            .unwrap_or_else(|| self.resolution.get())
    }

    /// Whether the workers are still answering for the current view.
    pub fn is_computing(&self) -> bool {
        let view = self.view();
        self.shown.with(|shown| shown.as_ref() != Some(&view))
    }

    pub fn status(&self) -> Status {
        if self.progress.with(Option::is_some)
            || self.is_computing()
            || self.drawing_cells.with(Option::is_some)
            || self.triangulating_cells.get() > 0
        {
            return Status::Loading;
        }
        self.inputs.with(|inputs| {
            let all_failed =
                !inputs.is_empty() && inputs.iter().all(|input| matches!(input.outcome, Outcome::Failed(_)));
            if all_failed { Status::Error } else { Status::Ready }
        })
    }

    /// Changes whenever what the workers hold changes (read in a reactive context, it is
    /// tracked).
    pub fn data_version(&self) -> u64 {
        self.data_version.get()
    }

    /// The data version the density shown answers (`None` before the first answer).
    pub fn shown_data_version(&self) -> Option<u64> {
        self.shown.with(|shown| shown.as_ref().map(|view| view.data_version))
    }

    /// The workers, or why there are none.
    pub fn pool(&self) -> Result<Rc<Pool>, String> {
        self.pool.with_value(Clone::clone)
    }

    /// How many web workers hold the points.
    pub fn worker_count(&self) -> usize {
        self.pool.with_value(|pool| pool.as_ref().map_or(0, |pool| pool.workers().len()))
    }

    /// Rejected points over all loaded inputs.
    pub fn rejected_total(&self) -> u64 {
        self.inputs.with(|inputs| loaded(inputs).map(|loaded| loaded.summary.rejected.total()).sum())
    }

    /// Stops every load under way: the inputs not completely read are marked as not read
    /// (and dropped by the workers); inputs already read stay.
    pub fn cancel(&self) {
        self.cancels.update_value(|cancels| {
            for (_, sender) in cancels.drain(..) {
                let _ = sender.send(());
            }
        });
    }

    pub fn remove(&self, id: u64) {
        self.forget(vec![id]);
        self.inputs.update(|inputs| inputs.retain(|input| input.id != id));
        self.data_version.update(|version| *version += 1);
    }

    /// Tells the workers to drop inputs (an archive's heatmaps too).
    fn forget(&self, inputs: Vec<u64>) {
        let stores = inputs.into_iter().flat_map(|id| [id, loading::heatmap_store(id)]).collect::<Vec<_>>();
        if let Ok(pool) = self.pool.with_value(|pool| pool.clone()) {
            stores.iter().for_each(|&store| pool.unhide(store));
        }
        self.forget_stores(stores);
    }

    fn forget_stores(&self, inputs: Vec<u64>) {
        if let (Ok(pool), false) = (self.pool.with_value(|pool| pool.clone()), inputs.is_empty()) {
            leptos::task::spawn_local(async move { pool.broadcast(&Request::Remove { inputs }).await });
        }
    }

    /// Reads `sources` on the workers, publishing results as they come. User inputs replace
    /// the demo dataset.
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
            is_adsb_lol: is_demo || source.is_adsb_lol(),
            outcome: Outcome::Reading,
        });
        let mut replaced = Vec::new();
        self.inputs.update(|inputs| {
            if !is_demo {
                replaced.extend(inputs.iter().filter(|input| input.is_demo).map(|input| input.id));
                inputs.retain(|input| !input.is_demo);
            }
            inputs.extend(entries);
        });
        self.forget(replaced);
        self.progress.update(|progress| {
            let progress = progress
                .get_or_insert_with(|| Progress { started_ms: browser::now_ms(), ..Progress::default() });
            progress.files_total += sources.len();
            progress.bytes_total += sources.iter().filter_map(Source::size_bytes).sum::<u64>();
        });
        let (cancel, cancelled) = oneshot::channel::<()>();
        self.cancels.update_value(|cancels| cancels.push((first_id, cancel)));
        leptos::task::spawn_local(async move {
            let pool = self.pool.with_value(|pool| pool.clone());
            let outcomes = match pool {
                Ok(pool) => self.run(&pool, &sources, first_id, cancelled).await,
                Err(reason) => {
                    self.update_progress(|progress| {
                        progress.files_done += sources.len();
                    });
                    (first_id..).take(sources.len()).map(|id| (id, Outcome::Failed(reason.clone()))).collect()
                }
            };
            self.publish(outcomes);
            self.cancels.update_value(|cancels| cancels.retain(|(id, _)| *id != first_id));
            self.progress.update(|progress| {
                if progress.as_ref().is_some_and(|progress| progress.files_done >= progress.files_total) {
                    *progress = None;
                }
            });
        });
    }

    /// Plans the sources' jobs (in order) while the workers take them as they come; returns
    /// the outcomes not yet published.
    async fn run(
        self,
        pool: &Pool,
        sources: &[Source],
        first_id: u64,
        cancelled: oneshot::Receiver<()>,
    ) -> Vec<(u64, Outcome)> {
        pool.broadcast(&self.limit()).await;
        let run = RefCell::new(Run::new(first_id, sources.len()));
        let (sender, receiver) = mpsc::unbounded::<Job>();
        let receiver = futures::lock::Mutex::new(receiver);
        // Jobs for one worker in particular (`Job::worker`: an archive's heatmaps, found
        // first), which it takes before any other.
        let (pinned_senders, pinned_receivers): (Vec<_>, Vec<_>) =
            pool.workers().iter().map(|_| mpsc::unbounded::<Job>()).unzip();
        let pinned_receivers: Vec<_> = pinned_receivers.into_iter().map(futures::lock::Mutex::new).collect();
        let planner = async {
            let (sender, pinned_senders) = (sender, pinned_senders);
            for (source, id) in sources.iter().zip(first_id..) {
                self.update_progress(|progress| {
                    progress.current = source.name();
                });
                let mut emit = |job: Job| {
                    let mut run = run.borrow_mut();
                    let track = run.track(job.input);
                    track.jobs_sent += 1;
                    track.heatmap_jobs_left += u64::from(job.heatmaps);
                    track.own_bytes_sent += if job.heatmaps { 0 } else { job.bytes };
                    let _ = match job.worker.and_then(|worker| pinned_senders.get(worker)) {
                        Some(pinned) => pinned.unbounded_send(job),
                        None => sender.unbounded_send(job),
                    };
                };
                let mut planned = loading::plan(source, id, pool.workers().len(), &mut emit).await;
                if let Ok(planned) = &mut planned {
                    if planned.heatmaps_preview {
                        // The traces stay out of view until all are in; the heatmaps show.
                        run.borrow_mut().track(id).previewed = true;
                        pool.hide(id);
                        self.update_progress(|progress| progress.previewing += 1);
                    }
                    std::mem::take(&mut planned.later).into_iter().for_each(&mut emit);
                }
                run.borrow_mut().planned(id, planned);
                self.step(&run);
            }
        };
        let do_job = |job: Job, index: usize| {
            let run = &run;
            async move {
                let reply = job.counted(pool.workers()[index].call(&job.request, job.blob.as_ref()).await);
                self.update_progress(|progress| {
                    let (points, members) = match &reply {
                        Reply::Decoded(report) => (report.summary.points, report.members),
                        _ => (0, 0),
                    };
                    progress.bytes_done += job.bytes;
                    progress.points_done += points;
                    progress.members_done += members;
                    let input = progress.inputs.entry(job.input).or_default();
                    input.bytes_done += job.bytes;
                    input.points_done += points;
                });
                if let Reply::Decoded(report) = &reply {
                    self.sample_alike(report.keep_every);
                }
                run.borrow_mut().job_done(&job, index as u32, reply);
                let projected = run.borrow().projected_unsampled_bytes(job.input);
                if let Some(projected) = projected {
                    self.sample_ahead(projected);
                }
                self.step(run);
            }
        };
        // A queue as a stream of jobs (the lock is held while waiting, released with a job).
        let jobs_of = |queue| {
            stream::unfold(queue, |queue: &futures::lock::Mutex<mpsc::UnboundedReceiver<Job>>| async move {
                let job = queue.lock().await.next().await;
                job.map(|job| (job, queue))
            })
        };
        // Each worker has a second job waiting while it works on one, so it never idles
        // while the page hands out the next; its own jobs come first.
        let workers = (0..pool.workers().len()).flat_map(|index| [index; JOBS_PER_WORKER]).map(|index| {
            let (own, shared) = (jobs_of(&pinned_receivers[index]), jobs_of(&receiver));
            async move {
                let mut jobs = pin!(stream::select_with_strategy(own, shared, |_: &mut ()| PollNext::Left));
                while let Some(job) = jobs.next().await {
                    do_job(job, index).await;
                }
            }
        });
        let work = future::join(planner, future::join_all(workers));
        // Resolves only when cancel fires (a dropped sender means the load ended).
        let cancelled = async move {
            if cancelled.await.is_err() {
                future::pending::<()>().await;
            }
        };
        let was_cancelled = matches!(select(pin!(work), pin!(cancelled)).await, Either::Right(_));
        let mut run = run.into_inner();
        if was_cancelled {
            let unfinished = run.cancel_unfinished();
            self.update_progress(|progress| {
                progress.files_done += unfinished.len();
            });
            self.forget(unfinished);
        } else {
            pool.broadcast(&Request::Compact).await;
        }
        self.data_version.update(|version| *version += 1);
        std::mem::take(&mut run.outcomes)
    }

    /// What keeps every worker within its share of the memory budget, sampled alike.
    fn limit(&self) -> Request {
        let workers = self.worker_count().max(1) as u64;
        Request::Limit {
            budget_bytes: self.memory_budget_bytes / workers,
            keep_every: self.keep_every.get_untracked(),
        }
    }

    /// A worker that had to sample more coarsely makes every worker sample so (the map would
    /// otherwise mix densities), and the density is asked again: the query is posted after
    /// the limit, and each worker handles its messages in order.
    fn sample_alike(self, keep_every: u32) {
        if keep_every <= self.keep_every.get_untracked() {
            return;
        }
        self.keep_every.set(keep_every);
        let Ok(pool) = self.pool.with_value(|pool| pool.clone()) else { return };
        let limit = self.limit();
        leptos::task::spawn_local(async move { pool.broadcast(&limit).await });
        self.data_version.update(|version| *version += 1);
    }

    /// Samples every worker as soon as an input's points read so far say that, whole, they
    /// would pass the memory budget. The workers would sample anyway once past it, but
    /// their wasm memory would stay at the high-water mark of the points they then drop
    /// (for a day, ~0.5 GB a worker). A store sampled 1 in 2 takes about half.
    fn sample_ahead(self, projected_unsampled_bytes: u64) {
        self.sample_alike(keep_every_within(projected_unsampled_bytes, self.memory_budget_bytes));
    }

    /// Counts inputs that are complete, and publishes what is done now and then. An archive
    /// whose traces are all in shows them instead of its heatmaps from then on.
    fn step(&self, run: &RefCell<Run>) {
        let mut run = run.borrow_mut();
        let completed = run.take_completed();
        if run.take_previews_ready() {
            run.last_publish_ms = f64::NEG_INFINITY;
        }
        if let Ok(pool) = self.pool.with_value(|pool| pool.clone()) {
            for id in std::mem::take(&mut run.previews_done) {
                pool.unhide(id);
                pool.hide(loading::heatmap_store(id));
                self.forget_stores(vec![loading::heatmap_store(id)]);
                self.update_progress(|progress| progress.previewing -= 1);
                run.last_publish_ms = f64::NEG_INFINITY;
                run.visible_changed = true;
            }
        }
        self.update_progress(|progress| {
            progress.files_done += completed;
        });
        let now_ms = browser::now_ms();
        let every_ms = PUBLISH_EVERY_MS.max(PUBLISH_EVERY_QUERIES * self.query_ms.get_untracked());
        if now_ms - run.last_publish_ms > every_ms {
            run.last_publish_ms = now_ms;
            self.publish(std::mem::take(&mut run.outcomes));
            // Traces loading out of view change nothing shown: the workers are not asked.
            if std::mem::take(&mut run.visible_changed) {
                self.data_version.update(|version| *version += 1);
            }
        }
    }

    /// Changes the progress of the loads under way, if any.
    fn update_progress(&self, change: impl FnOnce(&mut Progress)) {
        self.progress.update(|progress| progress.as_mut().map_or((), change));
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

/// Where the inputs of one load are.
#[derive(Debug)]
struct Run {
    tracks: BTreeMap<u64, Track>,
    /// Outcomes of completed inputs, not yet published.
    outcomes: Vec<(u64, Outcome)>,
    /// Archives whose traces just came in all (their heatmap previews can go).
    previews_done: Vec<u64>,
    last_publish_ms: f64,
    /// Points were added to stores in view since the last publication.
    visible_changed: bool,
}

/// One input of a load.
#[derive(Debug, Default)]
struct Track {
    /// Planning is over (every job is sent), and whether the input is an archive.
    planned: bool,
    is_archive: bool,
    jobs_sent: u64,
    jobs_done: u64,
    report: Report,
    /// What the archive's heatmap members held, and whether they only preview its traces.
    heatmaps: Report,
    previewed: bool,
    heatmap_jobs_left: u64,
    /// The heatmaps are all in and were published (at once, not at the next tick).
    preview_shown: bool,
    /// Which workers hold which aircraft, per store of the input.
    aircraft_owners: BTreeMap<u64, AircraftOwners>,
    /// Bytes of the jobs that read into the input's own store (not its heatmaps'), sent and
    /// done: the share read so far says what the whole store will take.
    own_bytes_sent: u64,
    own_bytes_done: u64,
    /// Per worker, the sampling factor, and what the input's store and all its stores take.
    retained_by_worker: BTreeMap<u32, (u32, u64, u64)>,
    failed: Option<String>,
    completed: bool,
}

impl Run {
    fn new(first_id: u64, inputs: usize) -> Self {
        let tracks = (first_id..).take(inputs).map(|id| (id, Track::default())).collect();
        Self {
            tracks,
            outcomes: Vec::new(),
            previews_done: Vec::new(),
            last_publish_ms: browser::now_ms(),
            visible_changed: false,
        }
    }

    fn track(&mut self, id: u64) -> &mut Track {
        self.tracks.entry(id).or_default()
    }

    fn planned(&mut self, id: u64, planned: Result<loading::Planned, String>) {
        let track = self.track(id);
        track.planned = true;
        match planned {
            Ok(planned) => {
                track.is_archive = planned.is_archive;
                track.report.problems.extend(planned.stopped.map(|error| error.to_string()));
            }
            Err(reason) => track.failed = Some(reason),
        }
    }

    fn job_done(&mut self, job: &Job, worker: u32, mut reply: Reply) {
        let track = self.track(job.input);
        track.jobs_done += 1;
        track.heatmap_jobs_left -= u64::from(job.heatmaps);
        let in_view = job.heatmaps || !track.previewed;
        if let Reply::Decoded(report) = &mut reply {
            if !job.heatmaps {
                track.own_bytes_done += job.bytes;
                let retained = (report.keep_every.max(1), report.store_retained_bytes, report.retained_bytes);
                track.retained_by_worker.insert(worker, retained);
            }
            let store = if job.heatmaps { loading::heatmap_store(job.input) } else { job.input };
            let hashes = std::mem::take(&mut report.aircraft_hashes);
            track.aircraft_owners.entry(store).or_default().note(worker, hashes);
        }
        match reply {
            Reply::Decoded(report) if job.heatmaps => track.heatmaps.merge(report),
            Reply::Decoded(report) => track.report.merge(report),
            Reply::Failed(reason) if track.is_archive => track.report.problems.push(reason),
            Reply::Failed(reason) => track.failed = Some(reason),
            other => track.failed = Some(format!("a worker answered with {other:?}")),
        }
        self.visible_changed |= in_view;
    }

    /// What the workers' stores would take unsampled once `input`'s store is read whole,
    /// as the share of its bytes read so far says (none before that share is telling).
    /// Every store shrinks about as the sampling factor grows.
    fn projected_unsampled_bytes(&self, input: u64) -> Option<u64> {
        let track = self.tracks.get(&input)?;
        if !track.planned || track.own_bytes_done * PROJECTION_FROM_SHARE < track.own_bytes_sent {
            return None;
        }
        let whole = track.own_bytes_sent as f64 / track.own_bytes_done as f64;
        let projected = track.retained_by_worker.values().map(|&(keep_every, store, all)| {
            f64::from(keep_every) * ((all.saturating_sub(store)) as f64 + store as f64 * whole)
        });
        Some(projected.sum::<f64>() as u64)
    }

    /// Moves the outcomes of inputs that just completed to `outcomes`; returns how many.
    fn take_completed(&mut self) -> usize {
        let mut completed = 0;
        for (&id, track) in &mut self.tracks {
            if track.completed || !track.planned || track.jobs_done < track.jobs_sent {
                continue;
            }
            track.completed = true;
            completed += 1;
            if track.previewed {
                self.previews_done.push(id);
            }
            self.outcomes.push((id, track.outcome()));
        }
        completed
    }

    /// Whether an archive's heatmaps just came in all while its traces are still loading.
    fn take_previews_ready(&mut self) -> bool {
        let mut ready = false;
        for track in self.tracks.values_mut() {
            if track.previewed && track.heatmap_jobs_left == 0 && !track.preview_shown {
                track.preview_shown = true;
                ready = true;
            }
        }
        ready
    }

    /// Marks every input not completed as cancelled; returns their ids.
    fn cancel_unfinished(&mut self) -> Vec<u64> {
        let unfinished: Vec<u64> =
            self.tracks.iter().filter(|(_, track)| !track.completed).map(|(&id, _)| id).collect();
        self.outcomes.extend(unfinished.iter().map(|&id| (id, Outcome::Failed(CANCELLED.to_owned()))));
        unfinished
    }
}

impl Track {
    fn outcome(&mut self) -> Outcome {
        if let Some(reason) = self.failed.take() {
            return Outcome::Failed(reason);
        }
        let mut report = std::mem::take(&mut self.report);
        let heatmaps = std::mem::take(&mut self.heatmaps);
        let preview_members = if self.previewed { heatmaps.members } else { 0 };
        if self.previewed {
            report.members += heatmaps.members;
            report.problems.extend(heatmaps.problems);
        } else {
            report.merge(heatmaps);
        }
        let format = if self.is_archive {
            archive_format(report.members, report.not_data, preview_members)
        } else {
            report.format
        };
        Outcome::Loaded(Arc::new(Loaded {
            format,
            summary: report.summary,
            cells: report.cells,
            problems: report.problems,
            private_stores: self.private_stores(),
        }))
    }

    /// The input's store, if it is the only one left (previewing heatmaps are dropped) and
    /// no two workers hold an aircraft of it. With two stores (heatmaps beside other
    /// records) the same aircraft may be in both.
    fn private_stores(&mut self) -> Vec<u64> {
        let previewed = self.previewed;
        let mut kept = std::mem::take(&mut self.aircraft_owners)
            .into_iter()
            .filter(|&(store, _)| !(previewed && loading::is_heatmap_store(store)));
        match (kept.next(), kept.next()) {
            (Some((store, owners)), None) if !owners.any_shared() => vec![store],
            _ => Vec::new(),
        }
    }
}

/// The least sampling factor (a power of two) that brings `unsampled_bytes` within
/// `budget_bytes`.
fn keep_every_within(unsampled_bytes: u64, budget_bytes: u64) -> u32 {
    let mut keep_every = 1;
    while unsampled_bytes / u64::from(keep_every) > budget_bytes && keep_every < MAX_KEEP_EVERY {
        keep_every *= 2;
    }
    keep_every
}

/// The loaded data of the inputs that were read.
pub fn loaded(inputs: &[Input]) -> impl Iterator<Item = &Loaded> {
    inputs.iter().filter_map(|input| match &input.outcome {
        Outcome::Loaded(loaded) => Some(loaded.as_ref()),
        Outcome::Reading | Outcome::Failed(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn sampling_ahead_takes_the_least_factor_that_fits() {
        const MB: u64 = 1 << 20;
        assert_eq!(keep_every_within(1_400 * MB, 1_536 * MB), 1);
        assert_eq!(keep_every_within(1_761 * MB, 1_536 * MB), 2);
        assert_eq!(keep_every_within(6_145 * MB, 1_536 * MB), 8);
        assert_eq!(keep_every_within(u64::MAX, 1), MAX_KEEP_EVERY);
    }

    /// A store of one point for each of `count` aircraft, addressed from `first` on.
    fn store_of_aircraft(first: u32, count: u32) -> skyhex_core::engine::PointStore {
        let mut builder = skyhex_core::points::PointsBuilder::with_capacity(count as usize);
        for number in first..first + count {
            let address = format!("{number:06x}");
            builder.push(&skyhex_core::points::Point {
                address: Some(&address),
                time_ms: Some(0),
                lat: 40.0,
                lon: -100.0,
                ..skyhex_core::points::Point::default()
            });
        }
        let mut store = skyhex_core::engine::PointStore::default();
        store.add_input(&[builder.finish().expect("short addresses").0]);
        store
    }

    #[wasm_bindgen_test]
    fn workers_holding_different_aircraft_never_look_as_if_they_shared_one() {
        // 32-bit hashes (wasm's usize) would make ~5 pairs of these look shared.
        let mut owners = AircraftOwners::default();
        for worker in 0..2 {
            let store = store_of_aircraft(worker * 150_000, 150_000);
            owners.note(worker, store.address_hashes(0));
        }
        assert!(!owners.any_shared());
        owners.note(2, store_of_aircraft(149_999, 1).address_hashes(0));
        assert!(owners.any_shared(), "one aircraft in two workers is shared");
    }

    #[wasm_bindgen_test]
    fn an_input_is_projected_whole_from_a_telling_share_of_its_bytes() {
        let mut run = Run::new(7, 1);
        let track = run.track(7);
        (track.own_bytes_sent, track.own_bytes_done) = (1_000, 40);
        // Worker 0 samples 1 in 2: its input store takes 50 bytes of its 80 (a heatmap store 30).
        track.retained_by_worker.insert(0, (2, 50, 80));
        track.retained_by_worker.insert(1, (1, 20, 20));
        assert_eq!(run.projected_unsampled_bytes(7), None, "not planned yet");
        run.track(7).planned = true;
        assert_eq!(run.projected_unsampled_bytes(7), None, "1/25 of the bytes read tells too little");
        run.track(7).own_bytes_done = 100;
        assert_eq!(run.projected_unsampled_bytes(7), Some(2 * (30 + 500) + 200));
    }
}
