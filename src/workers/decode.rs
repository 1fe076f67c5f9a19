//! Decoding in a worker: bytes from a blob or a URL become points, handed file by file (or
//! archive member by member, since legs are worked out within one) to a sink that adds
//! them to the worker's store. Between reads the worker answers queries.

use arrow::array::RecordBatch;
use bytes::Bytes;
use skyhex_core::ingest::archive::{self, Member, TarWalker};
use skyhex_core::ingest::parquet_remote::{Footer, RemoteParquet, TAIL_BYTES};
use skyhex_core::ingest::{self, AircraftShare, Decoded, MemberContent};
use skyhex_core::summary::Summary;
use web_sys::Blob;

use super::protocol::Report;
use crate::browser;
use crate::ui::format;

/// Takes the points of one complete file or archive member.
pub type Sink<'a> = dyn FnMut(&[RecordBatch]) + 'a;

/// A whole file (not an archive: the page walks those and sends their members).
pub async fn decode_file(blob: &Blob, sink: &mut Sink<'_>) -> Result<Report, String> {
    decode_whole(browser::read_blob_range(blob, 0, blob.size() as u64).await?, sink)
}

/// Members of an archive (of heatmaps, the aircraft in `share`): their span is read with
/// one `Blob.slice`.
pub async fn decode_members(
    blob: &Blob,
    members: &[Member],
    share: AircraftShare,
    sink: &mut Sink<'_>,
) -> Result<Report, String> {
    let (Some(first), Some(last)) = (members.first(), members.last()) else { return Ok(Report::default()) };
    let span = browser::read_blob_range(blob, first.offset, last.offset + last.size).await?;
    let bytes = Bytes::from(span);
    Ok(decode_each(members, share, |member| clamped(&bytes, member.offset - first.offset, member.size), sink))
}

/// Downloads an http(s) URL; Parquet is read by HTTP Range requests when the server allows.
pub async fn decode_url(url: &str, sink: &mut Sink<'_>) -> Result<Report, String> {
    let is_parquet =
        url.split(['?', '#']).next().is_some_and(|path| path.to_ascii_lowercase().ends_with(".parquet"));
    match (is_parquet, browser::fetch_length(url).await?) {
        (true, Some(length)) => decode_parquet_ranges(url, length, sink).await,
        _ => decode_fetched(browser::fetch_bytes(url).await?, sink),
    }
}

/// Bytes fetched whole: an archive is walked in memory, anything else decoded.
fn decode_fetched(bytes: Vec<u8>, sink: &mut Sink<'_>) -> Result<Report, String> {
    if !TarWalker::sniff(&bytes) {
        return decode_whole(bytes, sink);
    }
    let bytes = Bytes::from(bytes);
    let index = archive::index(bytes.len() as u64, |range| {
        Ok::<_, std::convert::Infallible>(clamped(&bytes, range.offset, range.len).to_vec())
    });
    let index = match index {
        Ok(index) => index,
        Err(never) => match never {},
    };
    let (members, _) = archive::counted_members(index.members);
    let mut report =
        decode_each(&members, AircraftShare::ALL, |member| clamped(&bytes, member.offset, member.size), sink);
    report.problems.extend(index.error.map(|error| error.to_string()));
    report.format = archive_format(report.members, report.not_data, 0);
    Ok(report)
}

/// How the data panel names an archive: its members, those that were not data, and the
/// heatmaps shown while its traces loaded.
pub fn archive_format(members: u64, not_data: u64, preview_heatmaps: u64) -> String {
    let previews = match preview_heatmaps {
        0 => String::new(),
        count => format!(", {} heatmaps shown first", format::count(count)),
    };
    format!(
        "tar archive ({} members, {} not data{previews})",
        format::count(members),
        format::count(not_data)
    )
}

/// Up to `len` bytes at `offset` (fewer, or none, past the end).
fn clamped(bytes: &Bytes, offset: u64, len: u64) -> Bytes {
    let start = offset.min(bytes.len() as u64);
    bytes.slice(start as usize..(start + len).min(bytes.len() as u64) as usize)
}

fn decode_each(
    members: &[Member],
    share: AircraftShare,
    bytes_of: impl Fn(&Member) -> Bytes,
    sink: &mut Sink<'_>,
) -> Report {
    let mut report = Report::default();
    for member in members {
        report.members += 1;
        match ingest::decode_member(bytes_of(member), share) {
            MemberContent::Points(decoded) => {
                sink(&decoded.batches);
                report.merge(report_of(&decoded, Some(&member.path)));
            }
            MemberContent::NotData => report.not_data += 1,
            MemberContent::Failed(err) => report.problems.push(format!("{}: {err}", member.path)),
        }
    }
    report.format.clear();
    report
}

fn decode_whole(bytes: Vec<u8>, sink: &mut Sink<'_>) -> Result<Report, String> {
    let decoded = ingest::decode(bytes.into()).map_err(|err| err.to_string())?;
    sink(&decoded.batches);
    Ok(report_of(&decoded, None))
}

fn report_of(decoded: &Decoded, member: Option<&str>) -> Report {
    let problems = decoded.stopped_early.iter().map(|stopped| match member {
        Some(member) => format!("{member}: {stopped}"),
        None => stopped.clone(),
    });
    Report {
        format: decoded.format.name().to_owned(),
        summary: Summary::of_decoded(decoded),
        cells: decoded.cells.clone(),
        problems: problems.collect(),
        ..Report::default()
    }
}

/// Parquet at a URL, by HTTP Range requests: the footer, then the needed column chunks of
/// each row group in turn. A server that ignores ranges sends the whole file, read as such.
async fn decode_parquet_ranges(url: &str, length: u64, sink: &mut Sink<'_>) -> Result<Report, String> {
    let mut fetched = 0;
    let mut tail_bytes = TAIL_BYTES.min(length);
    let remote = loop {
        let tail = match browser::fetch_range(url, length - tail_bytes..length).await? {
            browser::Ranged::Part(tail) => tail,
            browser::Ranged::Whole(whole) => return decode_fetched(whole, sink),
        };
        fetched += tail.len() as u64;
        match RemoteParquet::from_tail(length, &tail).map_err(|err| err.to_string())? {
            Footer::Ready(remote) => break remote,
            Footer::NeedTail(needed) if needed > tail_bytes => tail_bytes = needed,
            Footer::NeedTail(_) => return Err("the Parquet footer could not be read".to_owned()),
        }
    };
    let mut report = Report::default();
    let mut batches = Vec::new();
    for row_group in 0..remote.row_groups() {
        let mut chunks = Vec::new();
        for range in remote.ranges(row_group) {
            let bytes = match browser::fetch_range(url, range.clone()).await? {
                browser::Ranged::Part(bytes) => bytes,
                browser::Ranged::Whole(whole) => return decode_fetched(whole, sink),
            };
            fetched += bytes.len() as u64;
            chunks.push((range.start, Bytes::from(bytes)));
        }
        let decoded = remote.decode_row_group(row_group, chunks).map_err(|err| err.to_string())?;
        report.merge(report_of(&decoded, None));
        batches.extend(decoded.batches);
    }
    // One file: its legs are worked out over all its row groups at once.
    sink(&batches);
    report.format = format!(
        "{} (read by ranges: {} of {})",
        if report.format.is_empty() { "Parquet" } else { &report.format },
        format::bytes(fetched),
        format::bytes(length)
    );
    Ok(report)
}
