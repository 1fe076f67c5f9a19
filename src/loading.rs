//! What reading an input takes, as jobs for the workers: a file or URL is one job; a tar
//! archive (whole or split into parts) is indexed here, from its headers only, and its
//! members go out in runs of a few megabytes so every worker gets a share. An archive is
//! never read whole: its parts are joined as one `Blob` (no copy) and read by `Blob.slice`.
//!
//! Heatmap members go out first, as they are found, into a store of their own: a day's
//! density appears from them in seconds while its traces (sent once the index is complete)
//! load, and the heatmaps are dropped once the traces are in (they hold the same traffic).
//! Every worker reads every heatmap member and keeps its share of the aircraft, so each
//! worker's heatmap store alone holds its aircraft (see `AircraftShare`).

use js_sys::Uint8Array;
use skyhex_core::ingest::AircraftShare;
use skyhex_core::ingest::archive::{
    ArchiveError, ByteRange, Member, MemberKind, TarWalker, heatmaps_preview_traces, split_part,
};
use web_sys::{Blob, File};

use crate::browser;
use crate::workers::protocol::{Reply, Request};

/// Bytes read at once while indexing an archive: the headers of small members come from
/// one read. Each `Blob.slice` read costs ~0.7 ms whatever its size, so a day's 2.5 GB
/// took 7.3 s in 1 MB reads and 2.9 s in 16 MB ones (Chromium, this machine).
const INDEX_WINDOW_BYTES: u64 = 16 << 20;
/// Bounds of one job's run of archive members: large enough that messages are few, small
/// enough that every worker gets several.
const MIN_JOB_BYTES: u64 = 256 << 10;
const MAX_JOB_BYTES: u64 = 8 << 20;

/// Where an input comes from.
#[derive(Debug, Clone)]
pub enum Source {
    File(File),
    /// A tar archive, whole or split into parts (in suffix order).
    Archive(Vec<File>),
    Url(String),
}

impl Source {
    /// Sources for files picked or dropped together: split parts (`x.tar.aa`, `x.tar.ab`, …)
    /// join into one archive in suffix order, whatever order they came in.
    pub fn group(files: Vec<File>) -> Vec<Self> {
        let mut sources: Vec<Self> = Vec::new();
        let mut archives: Vec<(String, Vec<(String, File)>)> = Vec::new();
        for file in files {
            let name = file.name();
            let Some((stem, suffix)) = split_part(&name) else {
                sources.push(Self::File(file));
                continue;
            };
            let part = (suffix.to_owned(), file.clone());
            match archives.iter_mut().find(|(archive, _)| archive == stem) {
                Some((_, parts)) => parts.push(part),
                None => archives.push((stem.to_owned(), vec![part])),
            }
        }
        sources.extend(archives.into_iter().map(|(_, mut parts)| {
            parts.sort_by(|a, b| a.0.cmp(&b.0));
            Self::Archive(parts.into_iter().map(|(_, file)| file).collect())
        }));
        sources
    }

    pub fn name(&self) -> String {
        match self {
            Self::File(file) => file.name(),
            Self::Archive(parts) => parts.iter().map(File::name).collect::<Vec<_>>().join(" + "),
            Self::Url(url) => browser::url_file_name(url),
        }
    }

    /// Whether the input is adsb.lol data (ODbL: it must be credited), as its name or URL
    /// says: adsb.lol's daily releases are `v2025.05.28-planes-readsb-prod-0tmp.tar.aa`, ….
    pub fn is_adsb_lol(&self) -> bool {
        let names = match self {
            Self::File(file) => vec![file.name()],
            Self::Archive(parts) => parts.iter().map(File::name).collect(),
            Self::Url(url) => vec![url.clone()],
        };
        names
            .iter()
            .map(|name| name.to_ascii_lowercase())
            .any(|name| ["adsb.lol", "adsblol", "-planes-readsb-"].iter().any(|mark| name.contains(mark)))
    }

    pub fn size_bytes(&self) -> Option<u64> {
        match self {
            Self::File(file) => Some(file.size() as u64),
            Self::Archive(parts) => Some(parts.iter().map(|part| part.size() as u64).sum()),
            Self::Url(_) => None,
        }
    }
}

/// One piece of work for a worker.
#[derive(Debug)]
pub struct Job {
    pub input: u64,
    pub request: Request,
    /// The file or archive the request reads.
    pub blob: Option<Blob>,
    /// Bytes of the input the job covers (for the progress bar).
    pub bytes: u64,
    /// The job reads heatmap members into the archive's [`heatmap_store`].
    pub heatmaps: bool,
    /// The worker that must take it (each worker reads every heatmap member for its share
    /// of the aircraft); any worker when none.
    pub worker: Option<usize>,
}

impl Job {
    /// Its reply as the load counts it: every share of a run of heatmaps but the first
    /// reads members that the first counts, with their problems.
    pub fn counted(&self, mut reply: Reply) -> Reply {
        let later_share = matches!(self.request, Request::DecodeMembers { share, .. } if share.index > 0);
        if let (Reply::Decoded(report), true) = (&mut reply, later_share) {
            (report.members, report.not_data) = (0, 0);
            report.problems.clear();
        }
        reply
    }
}

/// What planning found out about an input.
#[derive(Debug, Default)]
pub struct Planned {
    pub is_archive: bool,
    /// Why an archive's index stopped early, if it did.
    pub stopped: Option<ArchiveError>,
    /// The archive's heatmaps (sent already) preview its traces, which `later` reads.
    pub heatmaps_preview: bool,
    /// Jobs to send once the index is complete.
    pub later: Vec<Job>,
}

/// The store a worker keeps an archive's heatmap members in, apart from its other members
/// (which are in the store named by the input's id).
pub fn heatmap_store(input: u64) -> u64 {
    input | HEATMAP_STORE_BIT
}

pub fn is_heatmap_store(store: u64) -> bool {
    store & HEATMAP_STORE_BIT != 0
}

/// Input ids count up from 0 and never reach it.
const HEATMAP_STORE_BIT: u64 = 1 << 63;

/// Plans the reading of `source` as input `input`, handing each job to `emit` as soon as it
/// is known (an archive's heatmaps are decoded while the rest is indexed).
pub async fn plan(
    source: &Source,
    input: u64,
    workers: usize,
    emit: &mut dyn FnMut(Job),
) -> Result<Planned, String> {
    let file = match source {
        Source::Archive(parts) => {
            return plan_archive(browser::join_blobs(parts)?, input, workers, emit).await;
        }
        Source::Url(url) => {
            let request = Request::DecodeUrl { input, url: browser::resolve_http_url(url)? };
            emit(Job { input, request, blob: None, bytes: 0, heatmaps: false, worker: None });
            return Ok(Planned::default());
        }
        Source::File(file) => file,
    };
    let header = browser::read_blob_range(file, 0, 512).await?;
    if TarWalker::sniff(&header) {
        return plan_archive(file.clone().into(), input, workers, emit).await;
    }
    emit(Job {
        input,
        request: Request::DecodeFile { input },
        blob: Some(file.clone().into()),
        bytes: file.size() as u64,
        heatmaps: false,
        worker: None,
    });
    Ok(Planned::default())
}

/// Walks the archive's headers, emitting its heatmap members as they are found; its other
/// members are planned for later, in contiguous runs.
async fn plan_archive(
    blob: Blob,
    input: u64,
    workers: usize,
    emit: &mut dyn FnMut(Job),
) -> Result<Planned, String> {
    let archive_len = blob.size() as u64;
    let job_bytes = (archive_len / (4 * workers.max(1) as u64)).clamp(MIN_JOB_BYTES, MAX_JOB_BYTES);
    let span_bytes = |members: &[Member]| {
        members.last().map_or(0, |last| last.offset + last.size)
            - members.first().map_or(0, |first| first.offset)
    };
    let job = |members: Vec<Member>| {
        let bytes = span_bytes(&members);
        let request = Request::DecodeMembers { input, members, share: AircraftShare::ALL };
        Job { input, request, blob: Some(blob.clone()), bytes, heatmaps: false, worker: None }
    };
    // Every worker reads each run of heatmaps and keeps its share of the aircraft.
    let count = workers.max(1) as u64;
    let heatmap_jobs = |members: Vec<Member>| {
        let (bytes, blob) = (span_bytes(&members), &blob);
        (0..count).map(move |index| {
            let share = AircraftShare { index: index as u32, count: count as u32 };
            let request =
                Request::DecodeMembers { input: heatmap_store(input), members: members.clone(), share };
            let bytes = bytes * (index + 1) / count - bytes * index / count;
            Job {
                input,
                request,
                blob: Some(blob.clone()),
                bytes,
                heatmaps: true,
                worker: Some(index as usize),
            }
        })
    };
    let mut heatmaps = Runs::new(job_bytes);
    let mut has_heatmaps = false;
    let mut others = Vec::new();
    let mut walker = TarWalker::new(archive_len);
    let mut window = Window::default();
    let mut stopped = None;
    while let Some(range) = walker.next_read() {
        let bytes = window.read(&blob, range).await?;
        match walker.feed(&bytes) {
            Ok(Some(member)) if member.kind() == MemberKind::Heatmap => {
                has_heatmaps = true;
                heatmaps.push(member).into_iter().flat_map(heatmap_jobs).for_each(&mut *emit);
            }
            Ok(Some(member)) => others.push(member),
            Ok(None) => {}
            Err(error) => stopped = Some(error),
        }
    }
    heatmaps.finish().into_iter().flat_map(heatmap_jobs).for_each(&mut *emit);
    let heatmaps_preview = has_heatmaps && heatmaps_preview_traces(&others);
    let mut runs = Runs::new(job_bytes);
    let mut later: Vec<Job> = others.into_iter().filter_map(|member| runs.push(member)).map(job).collect();
    later.extend(runs.finish().map(job));
    Ok(Planned { is_archive: true, stopped, heatmaps_preview, later })
}

/// Gathers members into runs of contiguous members of about `job_bytes`.
#[derive(Debug)]
struct Runs {
    job_bytes: u64,
    run: Vec<Member>,
}

impl Runs {
    fn new(job_bytes: u64) -> Self {
        Self { job_bytes, run: Vec::new() }
    }

    /// Adds a member; returns the run it completes (the member starts the next), if any.
    fn push(&mut self, member: Member) -> Option<Vec<Member>> {
        let full = self.run.first().is_some_and(|first| {
            member.offset + member.size - first.offset > self.job_bytes
                || self.run.last().is_some_and(|last| last.offset + last.size + GAP_BYTES < member.offset)
        });
        let done = full.then(|| std::mem::take(&mut self.run));
        self.run.push(member);
        done
    }

    fn finish(self) -> Option<Vec<Member>> {
        Some(self.run).filter(|run| !run.is_empty())
    }
}

/// Members further apart than this go in separate runs (a worker reads a run's bytes whole).
const GAP_BYTES: u64 = 64 << 10;

/// The last bytes read of an archive, so consecutive small reads cost one `Blob.slice`.
/// They stay in JavaScript's memory: only the headers asked are copied into wasm.
#[derive(Debug)]
struct Window {
    start: u64,
    bytes: Uint8Array,
}

impl Default for Window {
    fn default() -> Self {
        Self { start: 0, bytes: Uint8Array::new_with_length(0) }
    }
}

impl Window {
    /// Up to `range.len` bytes at `range.offset` (fewer at the end of the blob).
    async fn read(&mut self, blob: &Blob, range: ByteRange) -> Result<Vec<u8>, String> {
        let blob_len = blob.size() as u64;
        let end = (range.offset + range.len).min(blob_len);
        if range.offset < self.start || end > self.start + u64::from(self.bytes.length()) {
            let read_end = (range.offset + range.len.max(INDEX_WINDOW_BYTES)).min(blob_len);
            self.bytes = browser::read_blob_range_js(blob, range.offset, read_end).await?;
            self.start = range.offset;
        }
        let start = (range.offset - self.start) as u32;
        Ok(self.bytes.subarray(start, start + end.saturating_sub(range.offset) as u32).to_vec())
    }
}
