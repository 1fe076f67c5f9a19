//! Reading inputs in the browser: files, split tar archives and URLs, decoded by
//! `skyhex_core`. An archive is never read whole: its parts are joined as one `Blob`
//! (no copy), headers and members are read through a sliding window of `Blob.slice`.

use std::sync::Arc;

use arrow::array::RecordBatch;
use bytes::Bytes;
use skyhex_core::density::CellCount;
use skyhex_core::engine::PointStore;
use skyhex_core::ingest::archive::{ByteRange, TarWalker, split_part};
use skyhex_core::ingest::parquet_remote::{Footer, RemoteParquet, TAIL_BYTES};
use skyhex_core::ingest::{self, Decoded, MemberContent};
use skyhex_core::summary::Summary;
use web_sys::{Blob, File};

use crate::browser;

/// Bytes read from an archive at once: headers and small members come from one read.
const WINDOW_BYTES: u64 = 4 << 20;
/// How long work runs before the page gets to repaint (progress bars).
const YIELD_EVERY_MS: f64 = 50.0;

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

    pub fn size_bytes(&self) -> Option<u64> {
        match self {
            Self::File(file) => Some(file.size() as u64),
            Self::Archive(parts) => Some(parts.iter().map(|part| part.size() as u64).sum()),
            Self::Url(_) => None,
        }
    }
}

/// What an input held: its points, how it was read, and what went wrong on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The format, e.g. "Parquet" or "tar archive (1,054 members)".
    pub format: String,
    /// The points, compact; decoded batches only wait in `pending` until their file (or
    /// archive member) is complete, since legs are worked out within one.
    pub store: PointStore,
    pending: Vec<RecordBatch>,
    /// Cells of pre-aggregated H3 tables.
    pub cells: Vec<CellCount>,
    pub summary: Summary,
    /// Problems that did not stop the input: a member that failed, where reading stopped.
    pub problems: Vec<String>,
}

impl Loaded {
    /// Moves the points of a complete file or member into the store.
    fn end_file(&mut self) {
        self.store.add_input(&self.pending);
        self.pending.clear();
    }

    fn add(&mut self, decoded: Decoded, member: Option<&str>) {
        self.summary.merge(&Summary::of_decoded(&decoded));
        self.pending.extend(decoded.batches);
        self.cells.extend(decoded.cells);
        if let Some(stopped) = decoded.stopped_early {
            self.problems.push(match member {
                Some(member) => format!("{member}: {stopped}"),
                None => stopped,
            });
        }
    }
}

/// Reads and decodes one source; `progress(bytes)` reports how far into it reading is.
pub async fn load(source: &Source, progress: &dyn Fn(u64)) -> Result<Arc<Loaded>, String> {
    let mut loaded = match source {
        Source::Archive(parts) => read_archive(BlobWindow::joining(parts)?, progress).await?,
        Source::File(file) if is_tar(file).await => {
            read_archive(BlobWindow::joining(std::slice::from_ref(file))?, progress).await?
        }
        Source::File(file) => decode_whole(browser::read_file(file).await?)?,
        Source::Url(url) => {
            let url = browser::resolve_http_url(url)?;
            let is_parquet = url
                .split(['?', '#'])
                .next()
                .is_some_and(|path| path.to_ascii_lowercase().ends_with(".parquet"));
            match (is_parquet, browser::fetch_length(&url).await?) {
                (true, Some(length)) => read_parquet_ranges(&url, length, progress).await?,
                _ => decode_fetched(browser::fetch_bytes(&url).await?, progress).await?,
            }
        }
    };
    loaded.store.shrink_to_fit();
    Ok(Arc::new(loaded))
}

/// Bytes fetched whole: an archive is walked in memory, anything else decoded.
async fn decode_fetched(bytes: Vec<u8>, progress: &dyn Fn(u64)) -> Result<Loaded, String> {
    if TarWalker::sniff(&bytes) {
        read_archive(InMemory(Bytes::from(bytes)), progress).await
    } else {
        decode_whole(bytes)
    }
}

/// Parquet at a URL, by HTTP Range requests: the footer, then the needed column chunks of
/// each row group in turn. A server that ignores ranges sends the whole file, read as such.
async fn read_parquet_ranges(url: &str, length: u64, progress: &dyn Fn(u64)) -> Result<Loaded, String> {
    let mut fetched = 0;
    let mut tail_bytes = TAIL_BYTES.min(length);
    let remote = loop {
        let tail = match browser::fetch_range(url, length - tail_bytes..length).await? {
            browser::Ranged::Part(tail) => tail,
            browser::Ranged::Whole(whole) => return decode_fetched(whole, progress).await,
        };
        fetched += tail.len() as u64;
        match RemoteParquet::from_tail(length, &tail).map_err(|err| err.to_string())? {
            Footer::Ready(remote) => break remote,
            Footer::NeedTail(needed) if needed > tail_bytes => tail_bytes = needed,
            Footer::NeedTail(_) => return Err("the Parquet footer could not be read".to_owned()),
        }
    };
    let mut loaded = Loaded { format: "Parquet".to_owned(), ..Loaded::default() };
    for row_group in 0..remote.row_groups() {
        let mut chunks = Vec::new();
        for range in remote.ranges(row_group) {
            let bytes = match browser::fetch_range(url, range.clone()).await? {
                browser::Ranged::Part(bytes) => bytes,
                browser::Ranged::Whole(whole) => return decode_fetched(whole, progress).await,
            };
            fetched += bytes.len() as u64;
            chunks.push((range.start, Bytes::from(bytes)));
        }
        let decoded = remote.decode_row_group(row_group, chunks).map_err(|err| err.to_string())?;
        loaded.format = decoded.format.name().to_owned();
        loaded.add(decoded, None);
        progress(fetched);
        browser::yield_to_browser().await;
    }
    loaded.end_file();
    loaded.format = format!(
        "{} (read by ranges: {} of {})",
        loaded.format,
        crate::ui::format::bytes(fetched),
        crate::ui::format::bytes(length)
    );
    Ok(loaded)
}

fn decode_whole(bytes: Vec<u8>) -> Result<Loaded, String> {
    let decoded = ingest::decode(bytes.into()).map_err(|err| err.to_string())?;
    let mut loaded = Loaded { format: decoded.format.name().to_owned(), ..Loaded::default() };
    loaded.add(decoded, None);
    loaded.end_file();
    Ok(loaded)
}

async fn is_tar(file: &File) -> bool {
    let header = browser::read_blob_range(file, 0, 512).await;
    header.is_ok_and(|header| TarWalker::sniff(&header))
}

/// Random access to an archive's bytes.
trait ArchiveBytes {
    fn len(&self) -> u64;
    /// Up to `range.len` bytes at `range.offset` (fewer at the end).
    async fn read(&mut self, range: ByteRange) -> Result<Vec<u8>, String>;
}

/// An archive file (or its parts joined) read through a window of `Blob.slice` reads.
struct BlobWindow {
    blob: Blob,
    window_start: u64,
    window: Vec<u8>,
}

impl BlobWindow {
    fn joining(parts: &[File]) -> Result<Self, String> {
        Ok(Self { blob: browser::join_blobs(parts)?, window_start: 0, window: Vec::new() })
    }
}

impl ArchiveBytes for BlobWindow {
    fn len(&self) -> u64 {
        self.blob.size() as u64
    }

    async fn read(&mut self, range: ByteRange) -> Result<Vec<u8>, String> {
        let end = (range.offset + range.len).min(self.len());
        let window_end = self.window_start + self.window.len() as u64;
        if range.offset < self.window_start || end > window_end {
            let read_end = (range.offset + range.len.max(WINDOW_BYTES)).min(self.len());
            self.window = browser::read_blob_range(&self.blob, range.offset, read_end).await?;
            self.window_start = range.offset;
        }
        let start = (range.offset - self.window_start) as usize;
        Ok(self.window[start..start + (end.saturating_sub(range.offset)) as usize].to_vec())
    }
}

/// An archive already in memory (downloaded from a URL).
struct InMemory(Bytes);

impl ArchiveBytes for InMemory {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    async fn read(&mut self, range: ByteRange) -> Result<Vec<u8>, String> {
        let start = range.offset.min(self.len()) as usize;
        let end = (range.offset + range.len).min(self.len()) as usize;
        Ok(self.0[start..end].to_vec())
    }
}

/// Walks the archive's headers and decodes each member as it comes.
async fn read_archive(mut bytes: impl ArchiveBytes, progress: &dyn Fn(u64)) -> Result<Loaded, String> {
    let mut walker = TarWalker::new(bytes.len());
    let mut loaded = Loaded::default();
    let (mut members, mut skipped) = (0, 0);
    let mut last_yield_ms = browser::now_ms();
    while let Some(range) = walker.next_read() {
        let block = bytes.read(range).await?;
        let member = match walker.feed(&block) {
            Ok(Some(member)) => member,
            Ok(None) => continue,
            Err(error) => {
                loaded.problems.push(error.to_string());
                continue;
            }
        };
        members += 1;
        let content = bytes.read(ByteRange { offset: member.offset, len: member.size }).await?;
        match ingest::decode_member(content.into()) {
            MemberContent::Points(decoded) => {
                loaded.add(decoded, Some(&member.path));
                loaded.end_file();
            }
            MemberContent::NotData => skipped += 1,
            MemberContent::Failed(err) => loaded.problems.push(format!("{}: {err}", member.path)),
        }
        if browser::now_ms() - last_yield_ms > YIELD_EVERY_MS {
            progress(member.offset + member.size);
            browser::yield_to_browser().await;
            last_yield_ms = browser::now_ms();
        }
    }
    loaded.format = format!("tar archive ({members} members, {skipped} not data)");
    Ok(loaded)
}
